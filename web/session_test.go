package web_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
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
