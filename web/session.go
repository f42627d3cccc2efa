package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/internal/ratelimit"
)

// Sessions.
//
// A web session is a row in the tokens table, like an API token, so any
// number of stateless servers on one database share sessions and logout
// (DeleteToken) ends a session everywhere. The cookie holds a random
// secret; the table holds SHA-256 of a keyed HMAC of it, so the cookie is
// not itself an API bearer token: someone who copies it out of an
// idle-locked browser cannot go round the lock through the API.
//
// The idle clock travels in the cookie as the time of last use, signed with
// SessionKey: a server needs no shared memory to see that a session has
// been idle longer than IdleTimeout, and the browser cannot move the clock
// itself. An idle or explicitly locked session (stamp 0) reaches only the
// lock page, where the password opens it again.
//
// CSRF tokens are HMACs of the session secret: bound to the session,
// stateless, checked on every request that is not a GET. Before login the
// login form's token is bound to a random pre-login cookie instead.

const (
	sessionCookie = "kirjaamo_session"
	loginCookie   = "kirjaamo_login"
)

type session struct {
	secret string
	seen   time.Time // zero: locked
	user   *kirjaamo.User
}

func (ss *session) locked(now time.Time, idle time.Duration) bool {
	return ss.seen.IsZero() || idle > 0 && now.Sub(ss.seen) > idle
}

func (s *Server) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.SessionKey)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// storedHash is the tokens-table form of a session secret.
func (s *Server) storedHash(secret string) []byte {
	return kirjaamo.HashToken("kjw_" + b64.EncodeToString(s.mac("session", secret)))
}

func (s *Server) csrfToken(secret string) string {
	return b64.EncodeToString(s.mac("csrf", secret)[:18])
}

func (s *Server) loginCSRF(r *http.Request) string {
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	return b64.EncodeToString(s.mac("login", c.Value)[:18])
}

// validCSRF checks the form field _csrf or the X-CSRF-Token header.
func (s *Server) validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("_csrf")
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return b64.EncodeToString(b[:])
}

func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: s.TLS, SameSite: http.SameSiteStrictMode}
}

// setSessionCookie writes the secret with its signed last-use stamp (zero
// time: locked).
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string, seen time.Time) {
	stamp := "0"
	if !seen.IsZero() {
		stamp = strconv.FormatInt(seen.Unix(), 10)
	}
	sig := b64.EncodeToString(s.mac("seen", secret, stamp)[:16])
	http.SetCookie(w, s.cookie(sessionCookie, secret+"."+stamp+"."+sig, int(s.SessionTTL.Seconds())))
}

// readSession checks the cookie's signature and finds the session's user.
func (s *Server) readSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, errNoSession
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || len(parts[0]) < 40 {
		return nil, errNoSession
	}
	secret, stamp := parts[0], parts[1]
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac("seen", secret, stamp)[:16]) {
		return nil, errNoSession
	}
	unix, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return nil, errNoSession
	}
	ss := &session{secret: secret}
	if unix > 0 {
		ss.seen = time.Unix(unix, 0).UTC()
	}
	if ss.user, err = s.Store.UserByToken(r.Context(), s.storedHash(secret), s.now()); err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EUNAUTHORIZED {
			return nil, errNoSession
		}
		return nil, err
	}
	return ss, nil
}

var errNoSession = kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "no valid session")

// SetLoginRate sets the login rate limit: burst attempts per client address
// and per username, refilled over per (default 10 a minute, as the API).
func (s *Server) SetLoginRate(burst int, per time.Duration) { s.limiter = ratelimit.New(burst, per) }

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// checkLogin applies the rate limit (per client address and per username,
// before the password check) and the password.
func (s *Server) checkLogin(r *http.Request, username, password string) (*kirjaamo.User, error) {
	now := s.now()
	ip := clientIP(r)
	if s.ClientIP != nil {
		ip = s.ClientIP(r)
	}
	if !s.limiter.Allow("ip:"+ip, now) || !s.limiter.Allow("user:"+username, now) {
		return nil, kirjaamo.Errorf(kirjaamo.ETOOMANY, "too many login attempts; try again in a minute")
	}
	u, err := s.Store.UserByUsername(r.Context(), username)
	if err != nil && kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
		return nil, err
	}
	if u == nil || u.Disabled || u.PasswordHash == "" {
		kirjaamo.CheckNoPassword(password) // a wrong username costs what a wrong password does
		return nil, errWrongPassword
	}
	if !kirjaamo.CheckPassword(u.PasswordHash, password) {
		return nil, errWrongPassword
	}
	return u, nil
}

var errWrongPassword = &kirjaamo.Error{Code: kirjaamo.EUNAUTHORIZED, Field: "password", Message: "wrong username or password"}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	if _, err := s.readSession(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.showLogin(w, r, p, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, p *Page, status int, username string) error {
	v := randomSecret()
	http.SetCookie(w, s.cookie(loginCookie, v, 3600))
	p.CSRF = b64.EncodeToString(s.mac("login", v)[:18])
	p.Title = "login.title"
	p.Data = map[string]string{"Next": safeNext(r.FormValue("next")), "Username": username}
	s.render(w, status, "login", p)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, p *Page) error {
	username := strings.TrimSpace(r.PostFormValue("username"))
	u, err := s.checkLogin(r, username, r.PostFormValue("password"))
	if err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
			return err
		}
		p.Error, p.ErrorField = errorText(p.Lang, err), kirjaamo.ErrorField(err)
		if kirjaamo.ErrorCode(err) == kirjaamo.ETOOMANY {
			w.Header().Set("Retry-After", "60")
		}
		return s.showLogin(w, r, p, statusOf[kirjaamo.ErrorCode(err)], username)
	}
	secret, err := s.newSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, secret, s.now())
	http.SetCookie(w, s.cookie(loginCookie, "", -1))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := s.Store.DeleteToken(r.Context(), s.storedHash(p.sess.secret)); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// lockPage locks the session (the page's script comes here when the idle
// timer runs out, and the header has a button for it) and asks for the
// password.
//
// Locking also replaces the session: the lock's state travels in the
// cookie, so a copy of the cookie taken before the lock would otherwise
// open the session again while its stamp was fresh. The old secret's token
// is deleted, so no earlier cookie works; the new one is locked until the
// password is given.
func (s *Server) lockPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	secret, err := s.newSession(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteToken(r.Context(), s.storedHash(p.sess.secret)); err != nil {
		return err
	}
	p.sess.secret, p.CSRF = secret, s.csrfToken(secret)
	s.setSessionCookie(w, secret, time.Time{})
	p.Title, p.NoIdle = "lock.title", true
	p.Data = map[string]string{"Next": safeNext(r.FormValue("next"))}
	s.render(w, http.StatusOK, "lock", p)
	return nil
}

// newSession stores a new session token for the user and returns its secret.
func (s *Server) newSession(ctx context.Context, userID string) (string, error) {
	secret := randomSecret()
	now := s.now()
	exp := now.Add(s.SessionTTL)
	if err := s.Store.CreateToken(ctx, &kirjaamo.Token{ID: kirjaamo.NewID(now), UserID: userID, Hash: s.storedHash(secret), CreatedAt: now, ExpiresAt: &exp}); err != nil {
		return "", err
	}
	return secret, nil
}

func (s *Server) unlock(w http.ResponseWriter, r *http.Request, p *Page) error {
	if _, err := s.checkLogin(r, p.User.Username, r.PostFormValue("password")); err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
			return err
		}
		p.Error, p.ErrorField = errorText(p.Lang, err), kirjaamo.ErrorField(err)
		p.Title, p.NoIdle = "lock.title", true
		p.Data = map[string]string{"Next": safeNext(r.PostFormValue("next"))}
		s.render(w, statusOf[kirjaamo.ErrorCode(err)], "lock", p)
		return nil
	}
	s.setSessionCookie(w, p.sess.secret, s.now())
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// keepalive is called by the page's script while the user types or moves
// the mouse without loading pages, so the server's idle clock follows real
// activity; wrap has already moved it.
func (s *Server) keepalive(w http.ResponseWriter, r *http.Request, p *Page) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
