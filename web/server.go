// Package web is Kirjaamo's browser interface: server-rendered HTML
// (html/template) with a little plain JavaScript, every template and asset
// embedded in the binary. Like the JSON API it is a thin adapter over
// kirjaamo.Service: the service applies the policy and writes the audit log,
// the interface adds sessions, CSRF protection, the idle lock and language.
//
// Every UI route is declared once in a route table (Route) naming the roles
// it admits; the mux, the navigation and the authorisation-matrix test are
// all built from that table.
package web

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/internal/ratelimit"
	"github.com/kirjaamo/kirjaamo/policy"
)

//go:embed all:templates static
var assets embed.FS

// APIPaths are the paths the JSON API answers when both are mounted at the
// root: everything under /api/ and these. The UI never declares a route on
// them (TestRoutesDoNotShadowTheAPI).
var APIPaths = []string{"/healthz", "/readyz", "/privacy", "/privacy/versions"}

// Sealer encrypts short values bound to a context (the keyring's data keys,
// *keys.DataKeys, do): the recording tickets carry the stated purpose
// sealed, never in clear.
type Sealer interface {
	Seal(aad, plaintext []byte) []byte
	Open(aad, ciphertext []byte) ([]byte, error)
}

// Server serves the web interface, and hands API paths to API.
type Server struct {
	Service *kirjaamo.Service
	Store   kirjaamo.Store
	Logger  *slog.Logger
	Now     func() time.Time
	// API answers /api/… and APIPaths; nil answers them 404.
	API http.Handler
	// SessionKey keys the session cookie's activity stamp, the CSRF tokens
	// and the stored form of session tokens. Every server sharing a
	// database must have the same key (derive it from the key ring).
	SessionKey []byte
	// Sealer seals recording tickets (the keyring's data keys).
	Sealer Sealer
	// Blobs and Keys give the recording player its audio.
	Blobs blob.Store
	Keys  blob.Sealer
	// ScanKey keys the scanner's hash operator (live PII warnings).
	ScanKey []byte
	// AuditKey verifies the audit chain on the auditor's page (the key
	// ring's audit key); nil: the page says it cannot verify.
	AuditKey []byte
	// ClientIP attributes a request to a client address for the login rate
	// limit (the API's, which knows the trusted proxies); nil: the peer.
	ClientIP func(*http.Request) string
	// TLS marks the session cookie Secure and adds HSTS.
	TLS bool
	// IdleTimeout locks a session not used for this long: the user must
	// enter the password again (seed 000 §2: a screen left open). 0 never.
	IdleTimeout time.Duration
	// SessionTTL ends a session this long after login whatever its use.
	SessionTTL time.Duration

	limiter *ratelimit.Limiter
	mux     *http.ServeMux
	routes  []Route
	pages   map[string]*template.Template
	static  map[string]string // asset name → versioned URL
}

// Route is one UI route.
type Route struct {
	Method, Path string
	// Public routes need no session (login, assets, language). Every other
	// route lists the roles it admits; a role not listed gets 403 before
	// the handler runs. The service still applies the policy's register
	// permissions and audits: the list keeps a role away from screens that
	// could only show it refusals.
	Public bool
	Roles  []policy.Role
	// Locked routes stay reachable while the session is idle-locked.
	Locked bool
	// JSON routes are called by the page's script and answer JSON.
	JSON bool
	// Nav, when set, is the message key of this route's navigation entry,
	// shown to the roles the route admits.
	Nav     string
	Handler func(w http.ResponseWriter, r *http.Request, p *Page) error
}

// Every role, for routes any signed-in user may use.
var anyRole = policy.Roles()

// New returns a server; set the optional fields before serving.
func New(svc *kirjaamo.Service, st kirjaamo.Store, logger *slog.Logger, sessionKey []byte) *Server {
	s := &Server{Service: svc, Store: st, Logger: logger, Now: time.Now, SessionKey: sessionKey,
		IdleTimeout: 10 * time.Minute, SessionTTL: 12 * time.Hour, limiter: ratelimit.New(10, time.Minute)}
	kirjaamo.WarmNoPassword()
	s.routes = slices.Concat(s.coreRoutes(), s.agentRoutes(), s.supervisorRoutes())
	s.routes = slices.Concat(s.routes, s.dpoRoutes(), s.retentionRoutes(), s.auditRoutes(), s.noticeRoutes())
	s.loadAssets()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		pattern := rt.Path
		if pattern == "/" {
			pattern = "/{$}" // the home page only, not a catch-all
		}
		s.mux.Handle(rt.Method+" "+pattern, s.wrap(rt))
	}
	s.mux.Handle("/", s.wrap(Route{Method: "GET", Path: "/", Public: true, Handler: func(w http.ResponseWriter, r *http.Request, p *Page) error {
		return kirjaamo.Errorf(kirjaamo.ENOTFOUND, "no such page")
	}}))
	return s
}

// Routes returns the UI route table (for tests).
func (s *Server) Routes() []Route { return s.routes }

func isAPIPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || slices.Contains(APIPaths, path)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isAPIPath(r.URL.Path) {
		if s.API == nil {
			http.NotFound(w, r)
			return
		}
		s.API.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.TLS {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	s.mux.ServeHTTP(w, r)
}

// HTTPServer returns an *http.Server with timeouts set.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr: addr, Handler: s,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// maxFormBytes bounds a form (a contact's content is at most 1 MiB).
const maxFormBytes = kirjaamo.MaxContentBytes + 64<<10

// wrap gives every route a request id, recovery, the access log (route
// pattern, status, duration, user id — never path values or form data),
// the session, the role check, the idle lock and the CSRF check.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		sw := &statusWriter{ResponseWriter: w}
		acc := &kirjaamo.Access{RequestID: reqID}
		r = r.WithContext(kirjaamo.WithAccess(r.Context(), acc))
		p := &Page{Lang: langOf(r), Path: r.URL.Path, s: s, r: r, route: &rt}
		if rt.Method != "GET" {
			w.Header().Set("Cache-Control", "no-store")
		}
		defer func() {
			if v := recover(); v != nil {
				s.Logger.Error("panic", "request_id", reqID, "route", rt.Method+" "+rt.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.fail(sw, r, p, errors.New("panic"))
			}
			attrs := []any{"request_id", reqID, "ui", true, "method", rt.Method, "route", rt.Path, "status", sw.status,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000}
			if acc.User != nil {
				attrs = append(attrs, "user", acc.User.ID)
			}
			s.Logger.Info("request", attrs...)
		}()
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, maxFormBytes)
		}
		if !rt.Public {
			if rt.Path != "/static/{file}" {
				sw.Header().Set("Cache-Control", "no-store")
			}
			sess, err := s.readSession(r)
			if err != nil {
				if r.Method == "GET" && !rt.JSON {
					http.Redirect(sw, r, "/login?next="+safeNext(r.URL.Path), http.StatusSeeOther)
					return
				}
				s.fail(sw, r, p, kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "sign in first"))
				return
			}
			acc.User, p.User, p.sess, p.CSRF = sess.user, sess.user, sess, s.csrfToken(sess.secret)
			acc.Purpose = s.workingPurpose(r, sess)
			if !slices.Contains(rt.Roles, sess.user.Role) {
				s.fail(sw, r, p, kirjaamo.Errorf(kirjaamo.EFORBIDDEN, "role %s may not use this page", sess.user.Role))
				return
			}
			if r.Method != "GET" && !s.validCSRF(r, p.CSRF) {
				s.fail(sw, r, p, errCSRF)
				return
			}
			if sess.locked(s.now(), s.IdleTimeout) && !rt.Locked {
				if r.Method == "GET" && !rt.JSON {
					http.Redirect(sw, r, "/lock?next="+safeNext(r.URL.Path), http.StatusSeeOther)
					return
				}
				s.fail(sw, r, p, errLocked)
				return
			}
			if !rt.Locked {
				// Use of the session moves its idle clock.
				s.setSessionCookie(sw, sess.secret, s.now())
			}
		} else if r.Method != "GET" && !s.validCSRF(r, s.loginCSRF(r)) {
			s.fail(sw, r, p, errCSRF)
			return
		}
		if err := rt.Handler(sw, r, p); err != nil {
			s.fail(sw, r, p, err)
		}
	})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	errCSRF   = &kirjaamo.Error{Code: kirjaamo.EFORBIDDEN, Field: "_csrf", Message: "the form's security token is missing or wrong; reload the page"}
	errLocked = kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "the session is locked; enter your password again")
)

// statusOf maps error codes to HTTP statuses.
var statusOf = map[string]int{
	kirjaamo.EINVALID:       http.StatusBadRequest,
	kirjaamo.EUNAUTHORIZED:  http.StatusUnauthorized,
	kirjaamo.EFORBIDDEN:     http.StatusForbidden,
	kirjaamo.ENOTFOUND:      http.StatusNotFound,
	kirjaamo.ECONFLICT:      http.StatusConflict,
	kirjaamo.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	kirjaamo.ETOOMANY:       http.StatusTooManyRequests,
	kirjaamo.EUNAVAILABLE:   http.StatusServiceUnavailable,
	kirjaamo.ENOSPACE:       http.StatusInsufficientStorage,
	kirjaamo.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	kirjaamo.EINTERNAL:      http.StatusInternalServerError,
}

// ErrorCodes lists the codes the interface translates (for the catalog test).
func ErrorCodes() []string {
	var out []string
	for c := range statusOf {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// errorText says what went wrong in the user's language: the search
// guard's explanation in full, other errors by code and field. English
// users also get the service's own message, which is written in English.
func errorText(lang string, err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = kirjaamo.Errorf(kirjaamo.ETOOLARGE, "form too large")
	}
	code := kirjaamo.ErrorCode(err)
	if kirjaamo.ErrorMessage(err) == kirjaamo.GuardMessage {
		return T(lang, "search.guard")
	}
	if errors.Is(err, errCSRF) {
		return T(lang, "error.csrf")
	}
	if errors.Is(err, errLocked) {
		return T(lang, "error.locked")
	}
	text := T(lang, "error."+code)
	if f := kirjaamo.ErrorField(err); f != "" {
		label := "field." + f
		if _, ok := catalog[label]; ok {
			text += " " + T(lang, "error.field", T(lang, label))
		}
	}
	if lang == "en" && code != kirjaamo.EINTERNAL {
		text += " " + kirjaamo.ErrorMessage(err)
	}
	return text
}

// fail answers an error: JSON to the page's script, a page otherwise.
// Internal errors are logged under the request id only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	code := kirjaamo.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code = kirjaamo.ETOOLARGE
	}
	reqID := ""
	if a := kirjaamo.AccessFrom(r.Context()); a != nil {
		reqID = a.RequestID
	}
	if code == kirjaamo.EINTERNAL {
		s.Logger.Error("internal error", "request_id", reqID, "error", fmt.Sprintf("%T", err))
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == kirjaamo.ETOOMANY {
		w.Header().Set("Retry-After", "60")
	}
	if p.route != nil && p.route.JSON {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": errorText(p.Lang, err), "field": kirjaamo.ErrorField(err), "request_id": reqID}})
		return
	}
	p.Error, p.ErrorField, p.RequestID = errorText(p.Lang, err), kirjaamo.ErrorField(err), reqID
	p.Title, p.Data = "error.title", nil
	s.render(w, status, "error", p)
}

// safeNext keeps a redirect target on this site: a path, never a scheme or
// host, and never the API.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) || isAPIPath(next) {
		return "/"
	}
	return next
}

// loadAssets parses the templates and versions the static files.
func (s *Server) loadAssets() {
	s.static = map[string]string{}
	files, _ := fs.Glob(assets, "static/*")
	for _, f := range files {
		b, _ := assets.ReadFile(f)
		name := strings.TrimPrefix(f, "static/")
		s.static[name] = "/static/" + name + "?v=" + hashHex(b)[:10]
	}
	s.pages = map[string]*template.Template{}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/_*.html"))
	pages, _ := fs.Glob(assets, "templates/*.html")
	for _, f := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		s.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(assets, f))
	}
}
