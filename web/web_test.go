package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

const none = policy.Role("")

type want map[policy.Role]int // roles left out: 403; none left out: 303 for GET, 401 otherwise

// matrixRow is one UI route tried as every role and without a session.
type matrixRow struct {
	method, pattern, path string
	form                  func(role policy.Role) url.Values // nil: empty form
	json                  string                            // a JSON body instead of a form
	fresh                 bool                              // the request ends or locks the session: use a new one
	prep                  func(c *client)                   // run before the request (e.g. load the form)
	want                  want
}

func every(code int) want {
	w := want{}
	for _, r := range append([]policy.Role{none}, policy.Roles()...) {
		w[r] = code
	}
	return w
}

func signedIn(code int) want {
	w := every(code)
	delete(w, none)
	return w
}

// runMatrix checks every row for every role, and that every route of the
// server is in the matrix.
func runMatrix(t *testing.T, e *env, rows []matrixRow) {
	t.Helper()
	covered := map[string]bool{}
	for _, m := range rows {
		covered[m.method+" "+m.pattern] = true
	}
	for _, r := range e.ui.Routes() {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("UI route %s %s is not in the authorisation matrix", r.Method, r.Path)
		}
	}
	shared := map[policy.Role]*client{}
	for _, m := range rows {
		for _, role := range append([]policy.Role{none}, policy.Roles()...) {
			name := string(role)
			if name == "" {
				name = "NoSession"
			}
			t.Run(m.method+" "+m.pattern+"/"+name, func(t *testing.T) {
				want, ok := m.want[role]
				if !ok {
					switch {
					case role != none:
						want = http.StatusForbidden
					case m.method == "GET":
						want = http.StatusSeeOther
					default:
						want = http.StatusUnauthorized
					}
				}
				var c *client
				switch {
				case role == none:
					c = e.client()
				case m.fresh:
					c = e.login(role)
				default:
					if shared[role] == nil {
						shared[role] = e.login(role)
					}
					c = shared[role]
				}
				if m.prep != nil {
					m.prep(c)
				}
				var got int
				var body string
				switch {
				case m.json != "":
					got, body = c.postJSON(m.path, m.json)
				case m.method == "GET":
					got, body = c.get(m.path)
				default:
					var form url.Values
					if m.form != nil {
						form = m.form(role)
					}
					got, body = c.post(m.path, form)
				}
				if got != want {
					if len(body) > 300 {
						body = body[:300]
					}
					t.Fatalf("got %d, want %d: %s", got, want, body)
				}
			})
		}
	}
}

// TestAuthorizationMatrix tries every UI route with every role and without
// a session under the seed 002 policy. A route missing from the matrix
// fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	rows := coreMatrix(e)
	rows = append(rows, agentMatrix(e)...)
	rows = append(rows, dpoMatrix(e)...)
	runMatrix(t, e, rows)
}

func coreMatrix(e *env) []matrixRow {
	login := want{none: http.StatusSeeOther}
	for _, r := range policy.Roles() {
		// A signed-in browser is sent home from the login page, so it
		// holds no login form token: its POST is refused as CSRF.
		login[r] = http.StatusForbidden
	}
	loginPage := signedIn(http.StatusSeeOther)
	loginPage[none] = http.StatusOK
	return []matrixRow{
		{method: "GET", pattern: "/", path: "/", want: signedIn(http.StatusOK)},
		{method: "GET", pattern: "/login", path: "/login", want: loginPage},
		{method: "POST", pattern: "/login", path: "/login", prep: func(c *client) { c.get("/login") },
			form: func(policy.Role) url.Values {
				return url.Values{"username": {"user.agent"}, "password": {e.passwords[policy.RoleAgent]}}
			}, want: login},
		{method: "POST", pattern: "/logout", path: "/logout", fresh: true, want: signedIn(http.StatusSeeOther)},
		{method: "GET", pattern: "/lock", path: "/lock", fresh: true, want: signedIn(http.StatusOK)},
		{method: "POST", pattern: "/unlock", path: "/unlock", fresh: true, form: func(r policy.Role) url.Values {
			return url.Values{"password": {e.passwords[r]}}
		}, want: signedIn(http.StatusSeeOther)},
		{method: "POST", pattern: "/keepalive", path: "/keepalive", json: "{}", want: signedIn(http.StatusNoContent)},
		{method: "GET", pattern: "/lang/{lang}", path: "/lang/sv?next=/", want: every(http.StatusSeeOther)},
		{method: "GET", pattern: "/static/{file}", path: "/static/app.css", want: every(http.StatusOK)},
	}
}

// TestRoutesDoNotShadowTheAPI: the UI and the API share the root; no UI
// route may take an API path, and API paths reach the API.
func TestRoutesDoNotShadowTheAPI(t *testing.T) {
	e := newEnv(t)
	for _, r := range e.ui.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz" || strings.HasPrefix(r.Path, "/privacy") {
			t.Errorf("UI route %s %s takes an API path", r.Method, r.Path)
		}
	}
	c := e.client()
	for _, path := range []string{"/healthz", "/privacy", "/api/v1/openapi.json"} {
		if code, body := c.get(path); code != 200 || strings.Contains(body, "data-csrf") {
			t.Errorf("%s: got %d from the UI, want 200 from the API", path, code)
		}
	}
}

// TestCSRF: every state-changing request needs the token bound to its own
// session; without it, or with another session's, it is refused and has
// no effect.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	a, b := e.login(policy.RoleAgent), e.login(policy.RoleAgent)
	a.get("/")
	b.get("/")
	for _, tc := range []struct {
		name  string
		token string
		want  int
	}{
		{"MissingTokenIsRefused", "", http.StatusForbidden},
		{"WrongTokenIsRefused", "not-the-token", http.StatusForbidden},
		{"OtherSessionsTokenIsRefused", b.csrf, http.StatusForbidden},
		{"OwnTokenIsAccepted", a.csrf, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Logout is the form used: a refused one leaves the session working.
			code, _ := a.post("/logout", url.Values{"_csrf": {tc.token}})
			if code != tc.want {
				t.Fatalf("got %d, want %d", code, tc.want)
			}
			if tc.want == http.StatusForbidden {
				if code, _ := a.get("/"); code != http.StatusOK {
					t.Fatalf("after a refused logout: got %d on /, want 200 (session kept)", code)
				}
			}
		})
	}
	t.Run("LoginFormNeedsItsToken", func(t *testing.T) {
		c := e.client()
		code, _ := c.post("/login", url.Values{"username": {"user.agent"}, "password": {e.passwords[policy.RoleAgent]}})
		if code != http.StatusForbidden {
			t.Fatalf("login without the form's token: got %d, want 403", code)
		}
	})
	t.Run("ScriptCallNeedsTheHeader", func(t *testing.T) {
		c := e.login(policy.RoleAgent)
		c.get("/")
		token := c.csrf
		c.csrf = ""
		if code, _ := c.postJSON("/keepalive", "{}"); code != http.StatusForbidden {
			t.Fatalf("keepalive without X-CSRF-Token: got %d, want 403", code)
		}
		c.csrf = token
		if code, _ := c.postJSON("/keepalive", "{}"); code != http.StatusNoContent {
			t.Fatalf("keepalive with X-CSRF-Token: got %d, want 204", code)
		}
	})
}

// TestLogin: wrong passwords and unknown users get the same answer; the
// session cookie is HttpOnly and SameSite=Strict; logout ends the session
// in the database, not only in the browser.
func TestLogin(t *testing.T) {
	e := newEnv(t)
	t.Run("WrongPasswordIsRefused", func(t *testing.T) {
		code, body := e.client().signIn("user.agent", "wrong password entirely")
		if code != http.StatusUnauthorized || !strings.Contains(body, "Väärä käyttäjätunnus tai salasana") {
			t.Fatalf("got %d, want 401 with the Finnish message: %s", code, body)
		}
	})
	t.Run("UnknownUserGetsTheSameAnswer", func(t *testing.T) {
		if code, _ := e.client().signIn("no.such.user", "wrong password entirely"); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("SessionCookieIsHttpOnlyAndStrict", func(t *testing.T) {
		c := e.client()
		c.get("/login")
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"_csrf": {c.csrf}, "username": {"user.agent"}, "password": {e.passwords[policy.RoleAgent]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name == "kirjaamo_session" && ck.MaxAge > 0 {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
					t.Fatalf("session cookie: HttpOnly=%v SameSite=%v, want HttpOnly and Strict", ck.HttpOnly, ck.SameSite)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie set")
		}
	})
	t.Run("LogoutEndsTheSessionInTheDatabase", func(t *testing.T) {
		c := e.login(policy.RoleAgent)
		c.get("/")
		saved := c.cookie("kirjaamo_session")
		if code, _ := c.post("/logout", nil); code != http.StatusSeeOther {
			t.Fatalf("logout: got %d, want 303", code)
		}
		// Replaying the old cookie must not work.
		replay := e.client()
		u, _ := url.Parse(e.srv.URL)
		replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "kirjaamo_session", Value: saved}})
		if code, _ := replay.get("/"); code != http.StatusSeeOther {
			t.Fatalf("old cookie after logout: got %d, want 303 to the login page", code)
		}
	})
	t.Run("SessionCookieIsNotAnAPIToken", func(t *testing.T) {
		c := e.login(policy.RoleAgent)
		secret := strings.SplitN(c.cookie("kirjaamo_session"), ".", 2)[0]
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/announcements", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		if code, _ := c.do(req); code != http.StatusUnauthorized {
			t.Fatalf("session secret as a bearer token: got %d, want 401", code)
		}
	})
	t.Run("LoginIsRateLimited", func(t *testing.T) {
		e.ui.SetLoginRate(3, time.Minute)
		defer e.ui.SetLoginRate(10000, time.Minute)
		var last int
		for range 5 {
			last, _ = e.client().signIn("user.dpo", "wrong password entirely")
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("5th attempt: got %d, want 429", last)
		}
	})
}

// TestIdleLock: a session idle longer than the limit reaches only the lock
// page; the password opens it again; the browser cannot move the clock.
func TestIdleLock(t *testing.T) {
	e := newEnv(t, withIdle(10*time.Minute))
	t0 := time.Now()
	e.setNow(t0)
	c := e.login(policy.RoleAgent)
	if code, _ := c.get("/"); code != http.StatusOK {
		t.Fatalf("fresh session: got %d, want 200", code)
	}
	e.setNow(t0.Add(11 * time.Minute))
	t.Run("IdleSessionIsSentToTheLock", func(t *testing.T) {
		if code, _ := c.get("/"); code != http.StatusSeeOther {
			t.Fatalf("idle session: got %d, want 303 to /lock", code)
		}
		if code, _ := c.postJSON("/keepalive", "{}"); code != http.StatusUnauthorized {
			t.Fatalf("idle keepalive: got %d, want 401 (activity after the limit does not reopen)", code)
		}
	})
	t.Run("WrongPasswordKeepsItLocked", func(t *testing.T) {
		c.get("/lock")
		if code, _ := c.post("/unlock", url.Values{"password": {"not the password"}}); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
		if code, _ := c.get("/"); code != http.StatusSeeOther {
			t.Fatalf("after a wrong password: got %d, want 303", code)
		}
	})
	t.Run("PasswordOpensIt", func(t *testing.T) {
		if code, _ := c.post("/unlock", url.Values{"password": {e.passwords[policy.RoleAgent]}}); code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303", code)
		}
		if code, _ := c.get("/"); code != http.StatusOK {
			t.Fatalf("after unlocking: got %d, want 200", code)
		}
	})
	t.Run("LockButtonLocksAtOnce", func(t *testing.T) {
		c.get("/lock")
		if code, _ := c.get("/"); code != http.StatusSeeOther {
			t.Fatalf("after locking: got %d, want 303", code)
		}
	})
	// Seed 000 §2: the lock must hold against a copy of the cookie taken
	// before it (found in review: the lock lived only in the cookie).
	t.Run("CookieFromBeforeTheLockDoesNotOpenIt", func(t *testing.T) {
		if code, _ := c.post("/unlock", url.Values{"password": {e.passwords[policy.RoleAgent]}}); code != http.StatusSeeOther {
			t.Fatalf("unlock: got %d, want 303", code)
		}
		before := c.cookie("kirjaamo_session")
		c.get("/lock")
		replay := e.client()
		u, _ := url.Parse(e.srv.URL)
		replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "kirjaamo_session", Value: before}})
		if code, body := replay.get("/"); code == http.StatusOK || strings.Contains(body, "data-csrf") {
			t.Fatalf("cookie from before the lock: got %d, want no session", code)
		}
		if code, _ := c.post("/unlock", url.Values{"password": {e.passwords[policy.RoleAgent]}}); code != http.StatusSeeOther {
			t.Fatalf("unlock after the lock: got %d, want 303", code)
		}
		if code, _ := c.get("/"); code != http.StatusOK {
			t.Fatalf("after unlocking: got %d, want 200", code)
		}
		c.get("/lock")
	})
	t.Run("TamperedStampIsNoSession", func(t *testing.T) {
		parts := strings.Split(c.cookie("kirjaamo_session"), ".")
		parts[1] = "9999999999"
		forged := e.client()
		u, _ := url.Parse(e.srv.URL)
		forged.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "kirjaamo_session", Value: strings.Join(parts, ".")}})
		if code, body := forged.get("/"); code != http.StatusSeeOther || strings.Contains(body, "data-csrf") {
			t.Fatalf("forged stamp: got %d, want 303 to the login page", code)
		}
	})
}

// TestSecurityHeaders: UI answers carry a CSP without inline script or
// style, no referrer, nosniff and no framing.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, tc := range []struct{ name, got, want string }{
		{"CSPForbidsFraming", csp, "frame-ancestors 'none'"},
		{"CSPScriptsFromSelf", csp, "script-src 'self'"},
		{"NoReferrer", resp.Header.Get("Referrer-Policy"), "no-referrer"},
		{"NoSniff", resp.Header.Get("X-Content-Type-Options"), "nosniff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.got, tc.want) {
				t.Fatalf("got %q, want it to contain %q", tc.got, tc.want)
			}
		})
	}
	t.Run("CSPHasNoUnsafeInline", func(t *testing.T) {
		if strings.Contains(csp, "unsafe") {
			t.Fatalf("CSP %q allows unsafe sources", csp)
		}
	})
}

// TestLanguage: Finnish by default; the switcher's cookie changes it.
func TestLanguage(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, lang, want string }{
		{"FinnishByDefault", "", "Kirjaudu"},
		{"Swedish", "sv", "Logga in"},
		{"English", "en", "Sign in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			if tc.lang != "" {
				if code, _ := c.get("/lang/" + tc.lang + "?next=/login"); code != http.StatusSeeOther {
					t.Fatalf("switch: got %d, want 303", code)
				}
			}
			_, body := c.get("/login")
			if !strings.Contains(body, "<h1>"+tc.want+"</h1>") {
				t.Fatalf("login page does not say %q", tc.want)
			}
		})
	}
}

// TestNextStaysOnSite: the "next" a page returns to is a path on this site
// only — no scheme, no other host, no control characters a browser would
// strip into "//host" (found in review: "/\t/host").
func TestNextStaysOnSite(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct{ name, next, want string }{
		{"Path", "/search", "/search"},
		{"OtherHost", "//evil.example/x", "/"},
		{"Scheme", "https://evil.example/", "/"},
		{"Backslash", "/\\evil.example/", "/"},
		{"Tab", "/\t/evil.example/x", "/"},
		{"Newline", "/\n/evil.example/x", "/"},
		{"API", "/api/v1/subjects", "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.srv.URL+"/lang/fi?next="+url.QueryEscape(tc.next), nil)
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Location"); got != tc.want {
				t.Fatalf("next %q: redirected to %q, want %q", tc.next, got, tc.want)
			}
		})
	}
}
