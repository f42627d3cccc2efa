package main

// Several `kirjaamo serve` processes on one PostgreSQL database: the
// scheduler lease moves to a survivor when its holder is killed, and under
// a mixed load from many clients one server is SIGKILLed and PostgreSQL
// restarted, with no acknowledged write lost and one valid audit chain.
//
//	KIRJAAMO_TEST_POSTGRES_URL  a database the test may create databases from
//	KIRJAAMO_TEST_MULTISERVER=1 run the load and fault test (it takes
//	                            KIRJAAMO_MULTISERVER_LOAD, default 12s, of load)
//	KIRJAAMO_MULTISERVER_CLIENTS  concurrent clients (default 64)
//	KIRJAAMO_TEST_PG_RESTART=1  also restart PostgreSQL mid-load (it is
//	                            shared with other tests: only when asked)

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/synth"
)

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// count returns how many log lines carry msg as their "msg".
func (s *syncBuffer) count(msg string) int {
	return strings.Count(s.String(), `"msg":"`+msg+`"`)
}

// proc is a `kirjaamo serve` child process.
type proc struct {
	name string
	addr string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

func (p *proc) base() string { return "http://" + p.addr }

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// startProc runs `kirjaamo serve` and waits for /healthz; the process is
// killed when the test ends.
func startProc(t *testing.T, bin, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, addr: freeAddr(t), logs: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", p.addr}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("server %s log (last 3 KB):\n%s", p.name, tail(p.logs.String(), 3000))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.base() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("server %s exited:\n%s", name, p.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server %s did not start:\n%s", name, p.logs.String())
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// pgCluster is one fresh PostgreSQL database with its shared data directory
// (keys, blobs, erasure ledger), an agent and a DPO token.
type pgCluster struct {
	bin, data, dbURL, policy string
	agent, dpo               string
	db                       *sql.DB
}

// newPGCluster creates a database of its own on the test server (dropped
// at the end) so that other tests' schemas are untouched.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	admin := os.Getenv("KIRJAAMO_TEST_POSTGRES_URL")
	if admin == "" {
		t.Skip("KIRJAAMO_TEST_POSTGRES_URL is not set")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adb.Close() })
	var b [4]byte
	rand.Read(b[:])
	name := "kirjaamo_ms_" + hex.EncodeToString(b[:])
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// The server may be coming back from a restart test.
		for range 30 {
			if _, err := adb.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err == nil {
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
		t.Logf("could not drop database %s", name)
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	c := &pgCluster{bin: bin, data: t.TempDir(), dbURL: u.String()}
	c.policy, _ = filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	if c.db, err = sql.Open("pgx", c.dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.db.Close() })
	if code, _, errs := kirjaamoCmd(t, "", "keys", "generate", "--data", c.data); code != 0 {
		t.Fatal(errs)
	}
	for _, role := range []string{"agent", "dpo"} {
		if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", c.data, "--database-url", c.dbURL, "--username", role+".one", "--role", role); code != 0 {
			t.Fatal(errs)
		}
	}
	token := func(user string) string {
		code, tok, errs := kirjaamoCmd(t, "", "token", "create", "--data", c.data, "--database-url", c.dbURL, "--username", user)
		if code != 0 {
			t.Fatal(errs)
		}
		return strings.TrimSpace(tok)
	}
	c.agent, c.dpo = token("agent.one"), token("dpo.one")
	return c
}

// serve starts a server on the cluster's database and data directory.
func (c *pgCluster) serve(t *testing.T, name string, args ...string) *proc {
	return startProc(t, c.bin, name, append([]string{"--data", c.data, "--database-url", c.dbURL, "--policy", c.policy}, args...)...)
}

func (c *pgCluster) auditVerify(t *testing.T) string {
	t.Helper()
	code, out, errs := kirjaamoCmd(t, "", "audit", "verify", "--data", c.data, "--database-url", c.dbURL)
	if code != 0 {
		t.Fatalf("audit verify: exit %d %s %s", code, out, errs)
	}
	return strings.TrimSpace(out)
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const (
	leaseTaken = "scheduled work: lease taken; this server runs the scheduled tasks"
	sweepRan   = "retention sweep"
	leaseLost  = "scheduled work: lease lost; tasks stopped"
)

// Two servers on one database: one holds the scheduler lease and sweeps,
// the other never does; SIGKILL the holder and the other takes over.
func TestMultiServerSchedulerLeaseTakenOverWhenHolderDies(t *testing.T) {
	c := newPGCluster(t)
	args := []string{"--sweep-every", "300ms", "--lease-every", "200ms"}
	a := c.serve(t, "a", args...)
	waitFor(t, "server a takes the lease", 10*time.Second, func() bool { return a.logs.count(leaseTaken) == 1 })
	b := c.serve(t, "b", args...)
	time.Sleep(1500 * time.Millisecond) // b tries the lease about 7 times
	if n := b.logs.count(leaseTaken); n != 0 {
		t.Fatalf("server b took the lease %d times while a held it", n)
	}
	if n := b.logs.count(sweepRan); n != 0 {
		t.Fatalf("server b swept %d times while a held the lease; want 0", n)
	}
	if n := a.logs.count(sweepRan); n < 3 {
		t.Fatalf("server a swept %d times in 1.5s at a 300ms period; want at least 3", n)
	}

	killed := time.Now()
	a.kill()
	waitFor(t, "server b takes the lease after a was killed", 10*time.Second, func() bool { return b.logs.count(leaseTaken) == 1 })
	took := time.Since(killed)
	waitFor(t, "server b sweeps", 5*time.Second, func() bool { return b.logs.count(sweepRan) >= 2 })
	t.Logf("lease taken over %v after SIGKILL of its holder", took.Round(time.Millisecond))
}

// loadStats counts outcomes by phase, server and class.
type loadStats struct {
	mu  sync.Mutex
	n   map[string]int
	ex  map[string]string // one example message per key
	lat map[string][]time.Duration
}

func (s *loadStats) add(phase, server, class, example string, op string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := phase + " " + server + " " + class
	s.n[k]++
	if _, ok := s.ex[k]; !ok && example != "" {
		s.ex[k] = example
	}
	if class == "ok" {
		s.lat[op] = append(s.lat[op], d)
	}
}

// The multi-server load and fault test: 64 clients (KIRJAAMO_MULTISERVER_CLIENTS)
// mixing contact writes, reads, searches and recording uploads over two
// servers; then one server is SIGKILLed (its clients fail over to the
// other, which must answer everything); then, when enabled, PostgreSQL is
// stopped and started (the survivor answers 503 meanwhile and recovers by
// itself). Afterwards every acknowledged contact and recording is in the
// database and the audit chain verifies.
func TestMultiServerLoadSIGKILLAndPostgresRestart(t *testing.T) {
	if os.Getenv("KIRJAAMO_TEST_MULTISERVER") != "1" {
		t.Skip("set KIRJAAMO_TEST_MULTISERVER=1 (and KIRJAAMO_TEST_POSTGRES_URL) to run the multi-server load and fault test")
	}
	restartPG := os.Getenv("KIRJAAMO_TEST_PG_RESTART") == "1"
	load := 12 * time.Second
	if v := os.Getenv("KIRJAAMO_MULTISERVER_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 3*time.Second || d > 30*time.Minute {
			t.Fatalf("KIRJAAMO_MULTISERVER_LOAD=%q: want a duration of 3s–30m", v)
		}
		load = d
	}
	clients := 64
	if v := os.Getenv("KIRJAAMO_MULTISERVER_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 1024 {
			t.Fatalf("KIRJAAMO_MULTISERVER_CLIENTS=%q: want 2–1024", v)
		}
		clients = n
	}
	c := newPGCluster(t)
	if restartPG {
		t.Cleanup(func() { ensurePostgresRunning(t) })
	}
	servers := []*proc{c.serve(t, "a", "--lease-every", "500ms"), c.serve(t, "b", "--lease-every", "500ms")}
	httpc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxIdleConns: 2 * clients}}
	send := func(ctx context.Context, base, method, path, ctype string, body []byte, hdr map[string]string) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+c.agent)
		req.Header.Set("X-Purpose", "kuormitustesti")
		if body != nil {
			req.Header.Set("Content-Type", ctype)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := httpc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}

	// Subjects, created through both servers.
	type subj struct{ id, customer string }
	var subs []subj
	g := synth.New(uint64(time.Now().UnixNano()))
	for i := 0; len(subs) < 32; i++ {
		if i > 200 {
			t.Fatal("could not create subjects")
		}
		p := g.Person()
		body, _ := json.Marshal(map[string]any{"first_name": p.FirstName, "last_name": p.LastName, "customer_number": p.CustomerNumber})
		code, out, err := send(t.Context(), servers[i%2].base(), "POST", "/api/v1/subjects", "application/json", body, nil)
		if code == http.StatusConflict {
			continue
		}
		if err != nil || code != 201 {
			t.Fatalf("create subject: %d %v %s", code, err, out)
		}
		var s struct{ ID string }
		json.Unmarshal(out, &s)
		subs = append(subs, subj{s.ID, p.CustomerNumber})
	}
	audio := make([]byte, 32<<10)
	rand.Read(audio)
	started := time.Now().Add(-4 * time.Minute).UTC()
	startedHdr := map[string]string{"X-Recording-Started-At": started.Add(time.Minute).Format(time.RFC3339)}

	var phase atomic.Value
	phase.Store("steady")
	var dead [2]atomic.Bool // the test killed this server
	stats := &loadStats{n: map[string]int{}, ex: map[string]string{}, lat: map[string][]time.Duration{}}
	var mu sync.Mutex
	var ackedContacts, ackedRecordings []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			r := mathrand.New(mathrand.NewPCG(uint64(w), 9))
			prefer := w % 2
			var mine []string
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Like a load balancer: a server found dead is left for the other.
				si := prefer
				if dead[si].Load() {
					si = 1 - si
				}
				srv := servers[si]
				s := subs[r.IntN(len(subs))]
				var op string
				var code int
				var out []byte
				var err error
				t0 := time.Now()
				ph := phase.Load().(string)
				switch x := r.IntN(20); {
				case x < 10 || (x < 14 && len(mine) == 0):
					op = "write"
					body, _ := json.Marshal(map[string]any{"kind": "call", "subject_ids": []string{s.id}, "direction": "inbound",
						"started_at": started, "ended_at": started.Add(3 * time.Minute), "content": "Asiakas kysyi maksupäivästä."})
					code, out, err = send(context.Background(), srv.base(), "POST", "/api/v1/contacts", "application/json", body, nil)
					if err == nil && code == 201 {
						var ct struct{ ID string }
						json.Unmarshal(out, &ct)
						mine = append(mine, ct.ID)
						mu.Lock()
						ackedContacts = append(ackedContacts, ct.ID)
						mu.Unlock()
					}
				case x < 14:
					op = "read"
					code, out, err = send(context.Background(), srv.base(), "GET", "/api/v1/contacts/"+mine[r.IntN(len(mine))], "", nil, nil)
				case x < 17:
					op = "search"
					body, _ := json.Marshal(map[string]string{"customer_number": s.customer})
					code, out, err = send(context.Background(), srv.base(), "POST", "/api/v1/subjects/search", "application/json", body, nil)
				default:
					op = "upload"
					body, _ := json.Marshal(map[string]any{"kind": "call", "subject_ids": []string{s.id}, "direction": "inbound",
						"started_at": started, "ended_at": started.Add(3 * time.Minute),
						"recording_notice": map[string]any{"method": "announcement_at_start", "at": started, "announcement_version": "load-1"}})
					code, out, err = send(context.Background(), srv.base(), "POST", "/api/v1/contacts", "application/json", body, nil)
					if err == nil && code == 201 {
						var ct struct{ ID string }
						json.Unmarshal(out, &ct)
						mu.Lock()
						ackedContacts = append(ackedContacts, ct.ID)
						mu.Unlock()
						code, out, err = send(context.Background(), srv.base(), "PUT", "/api/v1/contacts/"+ct.ID+"/recording", "audio/wav", audio, startedHdr)
						if err == nil && code == 201 {
							mu.Lock()
							ackedRecordings = append(ackedRecordings, ct.ID)
							mu.Unlock()
						}
					}
				}
				d := time.Since(t0)
				class, example := "ok", ""
				switch {
				case err != nil:
					class, example = "transport", err.Error()
				case code/100 == 2:
				case code == 503:
					class, example = "503", string(out)
				default:
					class, example = "status "+strconv.Itoa(code), string(out)
				}
				// A request counts in the phase it ended in, except that one
				// begun during the database outage counts in the outage.
				if ph != "pg-restart" {
					ph = phase.Load().(string)
				}
				stats.add(ph, srv.name, class, tail(example, 200), op, d)
				if class != "ok" {
					time.Sleep(20 * time.Millisecond) // as a client honouring Retry-After would, a little
				}
			}
		})
	}
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopLoad)

	time.Sleep(load * 4 / 10)
	phase.Store("after-kill")
	dead[1].Store(true)
	servers[1].kill()
	t.Logf("SIGKILLed server b")
	time.Sleep(load * 3 / 10)

	var outage, recovery time.Duration
	leasesBefore := 0
	if restartPG {
		// The survivor holds the scheduler lease (b is dead); the restart
		// ends its session, and it must take the lease again by itself.
		waitFor(t, "server a holds the lease once b is dead", 10*time.Second, func() bool {
			return servers[0].logs.count(leaseTaken) > servers[0].logs.count(leaseLost)
		})
		leasesBefore = servers[0].logs.count(leaseTaken)
		phase.Store("pg-restart")
		t0 := time.Now()
		pgCtl(t, "stop", "--mode", "fast")
		time.Sleep(2 * time.Second)
		pgCtl(t, "start")
		outage = time.Since(t0)
		// Recovered once the survivor answers again; from then on nothing fails.
		rc := time.Now()
		waitFor(t, "the surviving server answers after PostgreSQL is back", 30*time.Second, func() bool {
			code, _, err := send(t.Context(), servers[0].base(), "POST", "/api/v1/subjects/search", "application/json",
				[]byte(`{"customer_number":"`+subs[0].customer+`"}`), nil)
			return err == nil && code == 200
		})
		recovery = time.Since(rc)
		time.Sleep(time.Second) // connections found broken in the pool are being replaced
		phase.Store("after-restart")
		time.Sleep(load * 3 / 10)
	}
	stopLoad()

	// The report and the rules.
	keys := make([]string, 0, len(stats.n))
	for k := range stats.n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var rep strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&rep, "  %-40s %7d %s\n", k, stats.n[k], stats.ex[k])
	}
	ops := []string{"write", "read", "search", "upload"}
	for _, op := range ops {
		lat := stats.lat[op]
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		if len(lat) > 0 {
			fmt.Fprintf(&rep, "  %-8s ok %6d  p50 %6.1f ms  p99 %6.1f ms\n", op, len(lat),
				float64(lat[len(lat)/2].Microseconds())/1000, float64(lat[len(lat)*99/100].Microseconds())/1000)
		}
	}
	t.Logf("%d clients, %v of load; PostgreSQL restart: %v (down %v, survivor answering %v after start)\noutcomes by phase, server, class:\n%s",
		clients, load, restartPG, outage.Round(time.Millisecond), recovery.Round(time.Millisecond), rep.String())
	for _, k := range keys {
		f := strings.Fields(k)
		ph, server, class := f[0], f[1], strings.Join(f[2:], " ")
		switch {
		case class == "ok":
		case ph == "after-kill" && server == "b" && class == "transport":
			// requests in flight to b when it was killed; not acknowledged
		case ph == "pg-restart" && class == "503":
			// the outage, answered cleanly
		case ph == "pg-restart" && server == "b" && class == "transport":
		default:
			t.Errorf("%d requests in phase %s to server %s failed with %s; want none (example: %s)", stats.n[k], ph, server, class, stats.ex[k])
		}
	}
	if stats.n["steady a ok"] == 0 || stats.n["steady b ok"] == 0 || stats.n["after-kill a ok"] == 0 {
		t.Errorf("a phase had no successful request: %v", stats.n)
	}
	if restartPG && stats.n["after-restart a ok"] == 0 {
		t.Errorf("no request succeeded after the PostgreSQL restart")
	}

	// Every acknowledged write is there.
	count := func(query string, ids []string) int {
		var n int
		if err := c.db.QueryRow(query, ids).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM contacts WHERE id = ANY($1)", ackedContacts); n != len(ackedContacts) {
		t.Errorf("%d of %d acknowledged contacts are in the database", n, len(ackedContacts))
	}
	if n := count("SELECT count(*) FROM recordings WHERE contact_id = ANY($1)", ackedRecordings); n != len(ackedRecordings) {
		t.Errorf("%d of %d acknowledged recordings are in the database", n, len(ackedRecordings))
	}
	t.Logf("%d acknowledged contacts and %d recordings all present; %s", len(ackedContacts), len(ackedRecordings), c.auditVerify(t))
	if restartPG {
		waitFor(t, "server a takes the scheduler lease again after the restart", 15*time.Second, func() bool {
			return servers[0].logs.count(leaseTaken) > leasesBefore
		})
	}
	if len(ackedRecordings) == 0 {
		t.Errorf("no recording was uploaded; the test proves little")
	}
}

// pgCtl runs pg_ctlcluster on the newest local cluster.
func pgCtl(t *testing.T, action string, args ...string) {
	t.Helper()
	vers, _ := filepath.Glob("/etc/postgresql/*")
	if len(vers) == 0 {
		t.Fatal("no local PostgreSQL cluster under /etc/postgresql")
	}
	sort.Slice(vers, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(vers[i]))
		b, _ := strconv.Atoi(filepath.Base(vers[j]))
		return a < b
	})
	argv := append([]string{"--skip-systemctl-redirect", filepath.Base(vers[len(vers)-1]), "main", action}, args...)
	out, err := exec.Command("pg_ctlcluster", argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctlcluster %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// ensurePostgresRunning starts the local cluster if a failed restart test
// left it stopped: other tests share it.
func ensurePostgresRunning(t *testing.T) {
	if exec.Command("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q").Run() == nil {
		return
	}
	t.Log("PostgreSQL is down after the test; starting it")
	vers, _ := filepath.Glob("/etc/postgresql/*")
	sort.Strings(vers)
	if len(vers) == 0 {
		return
	}
	if out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", filepath.Base(vers[len(vers)-1]), "main", "start").CombinedOutput(); err != nil {
		t.Errorf("starting PostgreSQL again: %v\n%s", err, out)
	}
	for range 30 {
		if exec.Command("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q").Run() == nil {
			return
		}
		time.Sleep(time.Second)
	}
	t.Error("PostgreSQL did not come back")
}
