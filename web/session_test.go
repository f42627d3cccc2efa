package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/web"
)

// TestLoginLimitBehindAProxy: behind a trusted load balancer the login
// limit counts the client address it forwards, as the API's does, so one
// guessing client does not lock everyone else out.
func TestLoginLimitBehindAProxy(t *testing.T) {
	e := newEnv(t)
	e.api.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e.ui.ClientIP = e.api.ClientIP
	e.ui.SetLoginRate(3, time.Minute)
	attempt := func(forwardedFor, username string) int {
		c := e.client()
		c.get("/login")
		form := url.Values{"_csrf": {c.csrf}, "username": {username}, "password": {"not the password at all"}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		code, _ := c.do(req)
		return code
	}
	for i, name := range []string{"a.one", "a.two", "a.three"} {
		if code := attempt("203.0.113.1", name); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, code)
		}
	}
	t.Run("GuessingClientIsLimited", func(t *testing.T) {
		if code := attempt("203.0.113.1", "a.four"); code != http.StatusTooManyRequests {
			t.Fatalf("got %d, want 429", code)
		}
	})
	t.Run("OtherClientIsNot", func(t *testing.T) {
		if code := attempt("203.0.113.2", "b.one"); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
}

// TestSessionsAcrossServers: sessions live in the database, so a second
// stateless server on it (same keys) knows them, and a logout on one ends
// the session on both.
func TestSessionsAcrossServers(t *testing.T) {
	e := newEnv(t)
	other := web.New(e.svc, e.db, slog.New(slog.NewJSONHandler(io.Discard, nil)), e.ring.Derive("web session"))
	other.Sealer, other.Blobs, other.Keys = e.dk, e.blobs, e.dk
	srv2 := httptest.NewServer(other)
	t.Cleanup(srv2.Close)
	c := e.login(policy.RoleAgent)
	on2 := func(method, path string, form url.Values) int {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, srv2.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		code, _ := c.do(req) // the same cookie jar: cookies are not per port
		return code
	}
	t.Run("SessionWorksOnAnotherServer", func(t *testing.T) {
		if code := on2("GET", "/search", nil); code != http.StatusOK {
			t.Fatalf("got %d on the second server, want 200", code)
		}
	})
	t.Run("LogoutOnOneEndsItOnBoth", func(t *testing.T) {
		before := c.cookie("kirjaamo_session")
		if code := on2("POST", "/logout", url.Values{"_csrf": {c.csrf}}); code != http.StatusSeeOther {
			t.Fatalf("logout on the second server: got %d, want 303", code)
		}
		// Replaying the cookie as it was before the logout on the first
		// server: the session is gone from the database.
		replay := e.client()
		u, _ := url.Parse(e.srv.URL)
		replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "kirjaamo_session", Value: before}})
		if code, _ := replay.get("/search"); code != http.StatusSeeOther {
			t.Fatalf("after logout on the other server: got %d, want 303 to the login page", code)
		}
	})
}
