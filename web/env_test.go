package web_test

import (
	"bytes"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
	"github.com/kirjaamo/kirjaamo/web"
)

const seed002 = "../examples/seed002-te-contact-centre.yaml"

// env is a real server — the web interface with the API mounted — on a
// loopback port, over SQLite in a temporary directory, with one user per
// role and synthetic data.
type env struct {
	t         *testing.T
	srv       *httptest.Server
	ui        *web.Server
	api       *khttp.Server
	svc       *kirjaamo.Service
	db        *sqlstore.DB
	ring      *keys.Ring
	dk        *keys.DataKeys
	users     map[policy.Role]*kirjaamo.User
	passwords map[policy.Role]string
	gen       *synth.Gen
	logs      *syncBuffer
	blobs     blob.Store

	mu  sync.Mutex
	now time.Time // the servers' clock; zero: the real time
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type envOption func(*env)

// withIdle sets the idle lock.
func withIdle(d time.Duration) envOption { return func(e *env) { e.ui.IdleTimeout = d } }

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	pol, err := policy.Load(seed002)
	if err != nil {
		t.Fatal(err)
	}
	ring := keys.Generate()
	return newEnvOn(t, pol, storetest.OpenSQLite(t, ring), ring, opts...)
}

// newEnvOn is newEnv over a store already open (the scale measurement's
// filled database).
func newEnvOn(t *testing.T, pol *policy.Policy, db *sqlstore.DB, ring *keys.Ring, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, db: db, ring: ring, users: map[policy.Role]*kirjaamo.User{}, passwords: map[policy.Role]string{}, gen: synth.New(8), logs: &syncBuffer{}}
	clock := func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.now.IsZero() {
			return time.Now()
		}
		return e.now
	}
	e.svc = &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef, HashKey: ring.Derive("content hash")}
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	e.api = khttp.New(e.svc, db, logger)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.SetBlobs(blobs)
	e.blobs = blobs
	dk, err := db.DataKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e.dk = dk
	e.api.Blobs, e.api.Keys = blobs, dk
	e.ui = web.New(e.svc, db, logger, ring.Derive("web session"))
	e.ui.API, e.ui.Sealer, e.ui.Blobs, e.ui.Keys, e.ui.Now = e.api, dk, blobs, dk, clock
	e.ui.SetLoginRate(10000, time.Minute)
	e.ui.AuditKey = ring.AuditKey()
	for _, o := range opts {
		o(e)
	}
	for _, role := range policy.Roles() {
		pw := "correct horse battery " + string(role)
		hash, err := kirjaamo.HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		u := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "user." + string(role), Role: role, PasswordHash: hash, CreatedAt: time.Now()}
		if err := db.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		e.users[role], e.passwords[role] = u, pw
	}
	e.srv = httptest.NewServer(e.ui)
	t.Cleanup(e.srv.Close)
	return e
}

// setNow moves the servers' clock.
func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

// as returns a context acting as role, for preparing data through the service.
func (e *env) as(role policy.Role, purpose string) *kirjaamo.Access {
	return &kirjaamo.Access{User: e.users[role], Purpose: purpose, RequestID: "test"}
}

// person creates a synthetic person through the service.
func (e *env) person() *kirjaamo.Subject {
	e.t.Helper()
	s := e.gen.Person()
	if err := e.svc.CreateSubject(kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "test data")), s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// client is a browser without JavaScript: a cookie jar that does not follow
// redirects and remembers the page's CSRF token.
type client struct {
	e    *env
	hc   *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in as role and fails the test if that does not work.
func (e *env) login(role policy.Role) *client {
	e.t.Helper()
	c := e.client()
	if code, _ := c.signIn("user."+string(role), e.passwords[role]); code != http.StatusSeeOther {
		e.t.Fatalf("login as %s: got %d, want 303", role, code)
	}
	c.get("/") // a page, for its CSRF token
	return c
}

func (c *client) signIn(username, password string) (int, string) {
	c.get("/login")
	return c.post("/login", url.Values{"username": {username}, "password": {password}})
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) (int, string) {
	c.e.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		c.csrf = html.UnescapeString(string(m[1]))
	}
	return resp.StatusCode, string(b)
}

func (c *client) get(path string) (int, string) {
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form with the remembered CSRF token unless form has its own.
func (c *client) post(path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// postJSON sends JSON as the page's script does, with the CSRF header.
func (c *client) postJSON(path, body string) (int, string) {
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.do(req)
}

// cookie returns the client's cookie of that name.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
