// Command kirjaload is a load generator for Kirjaamo's HTTP API. It creates
// its own synthetic subjects (and, when the mix reads contacts, one contact
// each) through the API, then runs a bounded mix of operations from a number
// of concurrent clients and reports, per operation, the count, the failures
// (any transport error or non-2xx answer), throughput and latency.
//
//	kirjaload -url http://127.0.0.1:8080 -token TOKEN -clients 16 -duration 10s -mix write=100
//
// With several servers behind no load balancer, give every base URL:
// -url http://127.0.0.1:8080,http://127.0.0.1:8081 spreads the clients
// evenly over them (client i talks to URL i mod n).
//
// Operations:
//
//	write    POST /api/v1/contacts: an inbound call linked to one pre-created subject
//	read     GET /api/v1/contacts/{id}: a contact created by this run (audited read)
//	search   POST /api/v1/subjects/search by customer number (audited search)
//	subject  GET /api/v1/subjects/{id} (audited read)
//	upload   PUT /api/v1/contacts/{id}/recording: -upload-bytes of synthetic audio
//	         for a call created just before with its recording notice (that
//	         POST is counted under write; upload times the PUT alone)
//
// Every request states the purpose "load test" (X-Purpose). The token must
// belong to a user whose role may write subjects and contacts and read them
// (under seed 002: agent or supervisor). The exit status is 1 when any
// request failed, 2 on a usage error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/kirjaamo/kirjaamo/synth"
)

func main() {
	// Ctrl-C ends the run early and still prints the report.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// ops in report order.
var ops = []string{"write", "read", "search", "subject", "upload"}

type config struct {
	url      string
	urls     []string
	token    string
	clients  int
	duration time.Duration
	requests int64
	mix      map[string]int
	subjects int
	purpose  string
	timeout  time.Duration
	seed     uint64
	json     bool
	// uploadBytes is the size of one synthetic recording.
	uploadBytes int
}

func parseMix(s string) (map[string]int, error) {
	mix := map[string]int{}
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		if !ok {
			w = "1"
		}
		if !slices.Contains(ops, name) {
			return nil, fmt.Errorf("-mix: unknown operation %q (want %s)", name, strings.Join(ops, ", "))
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: weight of %s must be a non-negative integer", name)
		}
		mix[name] += n
		total += n
	}
	if total == 0 {
		return nil, errors.New("-mix: give at least one operation with a positive weight, e.g. write=70,read=30")
	}
	return mix, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kirjaload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var mix string
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "base URL of the Kirjaamo server; several, comma-separated, spread the clients over them")
	fs.StringVar(&c.token, "token", os.Getenv("KIRJAAMO_TOKEN"), "API token (default $KIRJAAMO_TOKEN)")
	fs.IntVar(&c.clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to run (the run is always bounded)")
	fs.Int64Var(&c.requests, "requests", 0, "stop after this many requests in all (0: only -duration bounds the run)")
	fs.StringVar(&mix, "mix", "write=100", "operations and weights: write, read, search, subject, upload (e.g. write=70,read=30)")
	fs.IntVar(&c.subjects, "subjects", 0, "subjects to create before the run (default 4 per client, at least 16)")
	fs.StringVar(&c.purpose, "purpose", "load test", "stated purpose sent as X-Purpose")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.Uint64Var(&c.seed, "seed", 0, "synthetic-data seed (default: from the clock, so runs do not collide on identifiers)")
	fs.BoolVar(&c.json, "json", false, "print the report as JSON instead of a table")
	fs.IntVar(&c.uploadBytes, "upload-bytes", 128<<10, "size of one recording in the upload operation")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	if c.mix, err = parseMix(mix); err != nil {
		fmt.Fprintln(stderr, "kirjaload:", err)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.token == "":
		err = errors.New("-token is required (or KIRJAAMO_TOKEN)")
	case c.clients < 1 || c.clients > 10000:
		err = errors.New("-clients must be 1–10000")
	case c.duration <= 0 || c.duration > 24*time.Hour:
		err = errors.New("-duration must be positive and at most 24h")
	case c.requests < 0:
		err = errors.New("-requests must not be negative")
	case c.uploadBytes < 1 || c.uploadBytes > 1<<30:
		err = errors.New("-upload-bytes must be 1 B – 1 GiB")
	}
	if err != nil {
		fmt.Fprintln(stderr, "kirjaload:", err)
		return 2
	}
	for u := range strings.SplitSeq(c.url, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.urls = append(c.urls, u)
		}
	}
	if len(c.urls) == 0 {
		fmt.Fprintln(stderr, "kirjaload: -url is empty")
		return 2
	}
	c.url = strings.Join(c.urls, ",")
	if c.subjects <= 0 {
		c.subjects = max(16, 4*c.clients)
	}
	if c.seed == 0 {
		c.seed = uint64(time.Now().UnixNano())
	}
	rep, err := load(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "kirjaload:", err)
		return 1
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.table(stdout)
	}
	if rep.Total.Errors > 0 {
		return 1
	}
	return 0
}

// client sends API requests with the token and purpose to one server.
type client struct {
	c       config
	base    string
	http    *http.Client
	headers http.Header
}

func newClient(c config, base string) *client {
	tr := &http.Transport{
		// One kept-alive connection per client, with room to spare so a
		// connection is never closed for want of an idle slot.
		MaxIdleConns:        2 * c.clients,
		MaxIdleConnsPerHost: 2 * c.clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.token)
	h.Set("X-Purpose", c.purpose)
	h.Set("Accept", "application/json")
	return &client{c: c, base: base, http: &http.Client{Transport: tr, Timeout: c.timeout}, headers: h}
}

// result is one request's outcome. err is set for a transport error or a
// non-2xx answer; body holds the answer when the caller asked for it.
type result struct {
	status int
	body   []byte
	err    error
}

// maxErrorBody bounds how much of an error answer is kept for the report.
const maxErrorBody = 300

func (cl *client) do(ctx context.Context, method, path string, body []byte, keep bool) result {
	return cl.send(ctx, method, path, body, "application/json", nil, keep)
}

// send sends body (if any) as ctype with the extra header hdr.
func (cl *client) send(ctx context.Context, method, path string, body []byte, ctype string, hdr http.Header, keep bool) result {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, rd)
	if err != nil {
		return result{err: err}
	}
	req.Header = cl.headers.Clone()
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok && !keep {
		// Read to the end so the connection is reused.
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return result{status: resp.StatusCode, err: err}
		}
		return result{status: resp.StatusCode}
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{status: resp.StatusCode, err: err}
	}
	if !ok {
		msg := string(data)
		if len(msg) > maxErrorBody {
			msg = msg[:maxErrorBody] + "…"
		}
		return result{status: resp.StatusCode, body: data, err: fmt.Errorf("%s %s: %d %s", method, routeOf(path), resp.StatusCode, strings.TrimSpace(msg))}
	}
	return result{status: resp.StatusCode, body: data}
}

// routeOf hides ids in a path for messages: /api/v1/contacts/{id}.
func routeOf(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) > 4 && parts[1] == "api" && len(parts[4]) == 26 {
		parts[4] = "{id}"
	}
	return strings.Join(parts, "/")
}

// subject is one subject created for the run, with the bodies of the
// requests that use it prepared once so the clients spend little CPU on
// encoding (the load generator shares the machine with the server).
type subject struct {
	id         string
	writeBody  []byte
	searchBody []byte
	// callBody creates a call with its recording notice, for an upload.
	callBody []byte
}

// pool holds contact ids for the read operation: the set-up's contacts and
// those written during the run, up to a bound.
type pool struct {
	mu  sync.Mutex
	ids []string
}

const maxPool = 100_000

func (p *pool) add(id string) {
	p.mu.Lock()
	if len(p.ids) < maxPool {
		p.ids = append(p.ids, id)
	}
	p.mu.Unlock()
}

func (p *pool) pick(r *rand.Rand) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ids[r.IntN(len(p.ids))]
}

// setup creates the run's subjects (and one contact each when the mix
// reads contacts) with up to c.clients requests at a time.
func setup(ctx context.Context, cls []*client, c config, contacts *pool) ([]*subject, error) {
	type made struct {
		s   *subject
		err error
	}
	out := make(chan made)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(c.clients, c.subjects) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := cls[w%len(cls)]
			g := synth.New(c.seed + uint64(w)*7919)
			for next.Add(1) <= int64(c.subjects) {
				s, err := createSubject(ctx, cl, g)
				if err == nil && c.mix["read"] > 0 {
					var id string
					if id, err = createContact(ctx, cl, s); err == nil {
						contacts.add(id)
					}
				}
				out <- made{s, err}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	var subs []*subject
	var firstErr error
	for m := range out {
		if m.err != nil {
			if firstErr == nil {
				firstErr = m.err
			}
			continue
		}
		subs = append(subs, m.s)
	}
	if firstErr != nil {
		return nil, fmt.Errorf("set-up: %w", firstErr)
	}
	return subs, nil
}

func createSubject(ctx context.Context, cl *client, g *synth.Gen) (*subject, error) {
	for attempt := 0; ; attempt++ {
		p := g.Person()
		body, _ := json.Marshal(map[string]any{
			"first_name": p.FirstName, "last_name": p.LastName, "identity_code": p.IdentityCode,
			"customer_number": p.CustomerNumber, "emails": p.Emails, "phones": p.Phones, "address": p.Address,
		})
		res := cl.do(ctx, "POST", "/api/v1/subjects", body, true)
		if res.status == http.StatusConflict && attempt < 5 {
			continue // a synthetic identifier drawn twice (or by an earlier run)
		}
		if res.err != nil {
			return nil, fmt.Errorf("creating a subject: %w", res.err)
		}
		var created struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(res.body, &created); err != nil || created.ID == "" {
			return nil, fmt.Errorf("creating a subject: answer has no id")
		}
		start := time.Now().Add(-5 * time.Minute).UTC().Truncate(time.Second)
		write, _ := json.Marshal(map[string]any{
			"kind": "call", "subject_ids": []string{created.ID}, "direction": "inbound", "title": "Puhelu",
			"started_at": start, "ended_at": start.Add(3 * time.Minute),
			"metadata": map[string]string{"queue": "tyonhaku", "line": "asiakaspalvelu"},
			"content":  g.Sentence(),
		})
		search, _ := json.Marshal(map[string]string{"customer_number": p.CustomerNumber})
		call, _ := json.Marshal(map[string]any{
			"kind": "call", "subject_ids": []string{created.ID}, "direction": "inbound", "title": "Puhelu",
			"started_at": start, "ended_at": start.Add(3 * time.Minute),
			"recording_notice": map[string]any{"method": "announcement_at_start", "at": start, "announcement_version": "load-1"},
		})
		return &subject{id: created.ID, writeBody: write, searchBody: search, callBody: call}, nil
	}
}

func createContact(ctx context.Context, cl *client, s *subject) (string, error) {
	return postContact(ctx, cl, s.writeBody)
}

func postContact(ctx context.Context, cl *client, body []byte) (string, error) {
	res := cl.do(ctx, "POST", "/api/v1/contacts", body, true)
	if res.err != nil {
		return "", fmt.Errorf("creating a contact: %w", res.err)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res.body, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("creating a contact: answer has no id")
	}
	return created.ID, nil
}

// opStats is one client's record of one operation.
type opStats struct {
	lat    []time.Duration
	errors int
}

// maxFirstErrors is how many failures per operation the report quotes.
const maxFirstErrors = 5

type failures struct {
	mu    sync.Mutex
	first map[string][]string
}

func (f *failures) add(op string, err error) {
	f.mu.Lock()
	if len(f.first[op]) < maxFirstErrors {
		f.first[op] = append(f.first[op], err.Error())
	}
	f.mu.Unlock()
}

// load runs set-up and the timed run and returns the report.
func load(ctx context.Context, c config, progress io.Writer) (*report, error) {
	var cls []*client
	for _, u := range c.urls {
		cl := newClient(c, u)
		if res := cl.do(ctx, "GET", "/healthz", nil, false); res.err != nil {
			return nil, fmt.Errorf("server %s not healthy: %w", u, res.err)
		}
		cls = append(cls, cl)
	}
	contacts := &pool{}
	t0 := time.Now()
	subs, err := setup(ctx, cls, c, contacts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "kirjaload: created %d subjects%s in %v; running %d clients for %v (mix %s)\n",
		len(subs), map[bool]string{true: " and a contact each", false: ""}[c.mix["read"] > 0],
		time.Since(t0).Round(time.Millisecond), c.clients, c.duration, mixString(c.mix))

	// Cumulative weights for picking an operation.
	var names []string
	var cum []int
	total := 0
	for _, op := range ops {
		if w := c.mix[op]; w > 0 {
			total += w
			names, cum = append(names, op), append(cum, total)
		}
	}
	keepWrites := c.mix["read"] > 0
	// An upload's call is a write too: its POST is timed under write.
	timed := names
	if c.mix["upload"] > 0 && c.mix["write"] == 0 {
		timed = append(slices.Clone(names), "write")
	}
	var audio []byte
	if c.mix["upload"] > 0 {
		audio = syntheticAudio(c.seed, c.uploadBytes)
	}
	uploadHeader := http.Header{"X-Recording-Started-At": {time.Now().Add(-4 * time.Minute).UTC().Format(time.RFC3339)}}
	fails := &failures{first: map[string][]string{}}
	stats := make([]map[string]*opStats, c.clients)
	var issued atomic.Int64
	start := time.Now()
	deadline := start.Add(c.duration)
	// Requests in flight when the run is interrupted finish normally: a
	// cancelled request would be counted as a failure of the server.
	reqCtx := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for w := range c.clients {
		st := map[string]*opStats{}
		for _, op := range timed {
			st[op] = &opStats{lat: make([]time.Duration, 0, 4096)}
		}
		stats[w] = st
		cl := cls[w%len(cls)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(c.seed, uint64(w)))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if c.requests > 0 && issued.Add(1) > c.requests {
					return
				}
				x := r.IntN(total)
				op := names[sort.SearchInts(cum, x+1)]
				s := subs[r.IntN(len(subs))]
				t := time.Now()
				var res result
				switch op {
				case "write":
					res = cl.do(reqCtx, "POST", "/api/v1/contacts", s.writeBody, keepWrites)
				case "read":
					res = cl.do(reqCtx, "GET", "/api/v1/contacts/"+contacts.pick(r), nil, false)
				case "search":
					res = cl.do(reqCtx, "POST", "/api/v1/subjects/search", s.searchBody, false)
				case "subject":
					res = cl.do(reqCtx, "GET", "/api/v1/subjects/"+s.id, nil, false)
				case "upload":
					id, err := postContact(reqCtx, cl, s.callBody)
					o := st["write"]
					o.lat = append(o.lat, time.Since(t))
					if err != nil {
						o.errors++
						fails.add("write", err)
						continue
					}
					t = time.Now()
					res = cl.send(reqCtx, "PUT", "/api/v1/contacts/"+id+"/recording", audio, "audio/wav", uploadHeader, false)
				}
				d := time.Since(t)
				o := st[op]
				o.lat = append(o.lat, d)
				if res.err != nil {
					o.errors++
					fails.add(op, res.err)
					continue
				}
				if op == "write" && keepWrites {
					var created struct {
						ID string `json:"id"`
					}
					if json.Unmarshal(res.body, &created) == nil && created.ID != "" {
						contacts.add(created.ID)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return newReport(c, stats, fails, elapsed), nil
}

// syntheticAudio returns n bytes of noise standing in for a recording:
// incompressible like real audio, and no personal data.
func syntheticAudio(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x617564696f))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func mixString(m map[string]int) string {
	var parts []string
	for _, op := range ops {
		if m[op] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", op, m[op]))
		}
	}
	return strings.Join(parts, ",")
}

// report is the run's result.
type report struct {
	URL     string      `json:"url"`
	Clients int         `json:"clients"`
	Mix     string      `json:"mix"`
	Elapsed float64     `json:"elapsed_s"`
	Ops     []*opReport `json:"ops"`
	Total   *opReport   `json:"total"`
}

type opReport struct {
	Op          string   `json:"op"`
	Count       int      `json:"count"`
	Errors      int      `json:"errors"`
	PerSecond   float64  `json:"per_second"`
	P50ms       float64  `json:"p50_ms"`
	P99ms       float64  `json:"p99_ms"`
	MaxMs       float64  `json:"max_ms"`
	FirstErrors []string `json:"first_errors,omitempty"`
}

func summarise(op string, lat []time.Duration, errs int, elapsed time.Duration) *opReport {
	r := &opReport{Op: op, Count: len(lat), Errors: errs}
	if len(lat) == 0 {
		return r
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	r.PerSecond = float64(len(lat)) / elapsed.Seconds()
	r.P50ms, r.P99ms, r.MaxMs = ms(pct(0.50)), ms(pct(0.99)), ms(lat[len(lat)-1])
	return r
}

func newReport(c config, stats []map[string]*opStats, fails *failures, elapsed time.Duration) *report {
	rep := &report{URL: c.url, Clients: c.clients, Mix: mixString(c.mix), Elapsed: elapsed.Seconds()}
	var all []time.Duration
	allErrs := 0
	for _, op := range ops {
		if c.mix[op] == 0 && (op != "write" || c.mix["upload"] == 0) {
			continue
		}
		var lat []time.Duration
		errs := 0
		for _, st := range stats {
			lat = append(lat, st[op].lat...)
			errs += st[op].errors
		}
		all, allErrs = append(all, lat...), allErrs+errs
		r := summarise(op, lat, errs, elapsed)
		r.FirstErrors = fails.first[op]
		rep.Ops = append(rep.Ops, r)
	}
	rep.Total = summarise("total", all, allErrs, elapsed)
	return rep
}

func (r *report) table(w io.Writer) {
	fmt.Fprintf(w, "%d clients, %.1fs, mix %s, %s\n", r.Clients, r.Elapsed, r.Mix, r.URL)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\trequests\terrors\treq/s\tp50 ms\tp99 ms\tmax ms\t")
	for _, o := range append(r.Ops, r.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t\n", o.Op, o.Count, o.Errors, o.PerSecond, o.P50ms, o.P99ms, o.MaxMs)
	}
	tw.Flush()
	for _, o := range r.Ops {
		for _, e := range o.FirstErrors {
			fmt.Fprintf(w, "%s failed: %s\n", o.Op, e)
		}
	}
}
