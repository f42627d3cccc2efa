// Package http is Kirjaamo's HTTP JSON API. Every route is declared once in
// the route table (routes.go); the mux, the role check and the OpenAPI
// document are all built from that table.
package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/internal/ratelimit"
	"github.com/kirjaamo/kirjaamo/mailer"
	"github.com/kirjaamo/kirjaamo/metrics"
)

// MaxBodyBytes bounds a JSON request body (content is at most 1 MiB).
const MaxBodyBytes = kirjaamo.MaxContentBytes + 256<<10

// Server serves the API.
type Server struct {
	Service *kirjaamo.Service
	Store   kirjaamo.Store
	Logger  *slog.Logger
	Now     func() time.Time
	// TokenTTL is the lifetime of tokens issued by /api/v1/login.
	TokenTTL time.Duration
	// Blobs stores recordings and attachments; Keys wraps their data keys.
	Blobs blob.Store
	Keys  blob.Sealer
	// Mail is the SMTP relay for the transcript a customer orders to their
	// own e-mail (seed 002); nil refuses that route with 503.
	Mail *mailer.Relay
	// TLS is set when the server terminates TLS itself: responses then
	// carry HSTS.
	TLS bool
	// Ready, when set, is checked by /readyz besides the database (e.g. the
	// schema being current).
	Ready func(context.Context) error
	// ScanKey keys the hash operator of /api/v1/scan, so that the same
	// value gives the same token across requests.
	ScanKey []byte
	// Unavailable, when set, tells errors that mean the database cannot be
	// reached right now (it is restarting, a connection broke) from faults:
	// those are answered 503 with Retry-After instead of 500, so clients and
	// load balancers retry (postgres.Unavailable).
	Unavailable func(error) bool
	// TrustedProxies are the load balancers and proxies in front of the
	// server. A request from one of them is attributed, for the login rate
	// limit, to the nearest address in X-Forwarded-For that is not itself
	// a trusted proxy; without this every login behind a balancer would
	// share the balancer's address and its limit. X-Forwarded-For from any
	// other peer is ignored, so a client cannot choose its own address.
	TrustedProxies []netip.Prefix
	// Metrics records request latency by route pattern; nil records nothing.
	Metrics *metrics.Metrics

	limiter *ratelimit.Limiter
	tokens  tokenCache
	mux     *http.ServeMux
	routes  []Route
}

// New returns a ready server.
func New(svc *kirjaamo.Service, st kirjaamo.Store, logger *slog.Logger) *Server {
	s := &Server{Service: svc, Store: st, Logger: logger, Now: time.Now, TokenTTL: 12 * time.Hour,
		limiter: ratelimit.New(10, time.Minute)}
	kirjaamo.WarmNoPassword()
	s.routes = append(append(append(s.table(), s.retentionRoutes()...), s.recordingRoutes()...), s.requestRoutes()...)
	s.routes = append(append(append(s.routes, s.emailRoutes()...), s.dsrRoutes()...), s.exportRoute())
	s.routes = append(append(s.routes, s.restrictionRoutes()...), s.attachmentRoutes()...)
	s.routes = append(s.routes, s.transcriptRoutes()...)
	s.mux = http.NewServeMux()
	for _, r := range s.routes {
		s.mux.Handle(r.Method+" "+r.Path, s.wrap(r))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "no such route"))
	})
	return s
}

// Routes returns the route table (for the OpenAPI document and tests).
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
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

// statusWriter records the status for the access log.
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

// wrap adds what every route gets: a request id, recovery, the access log
// (method, route pattern, status, duration — never the path values or the
// query string, which may hold identifiers), authentication and the route's
// role check.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		w.Header().Set("X-Request-Id", reqID)
		sw := &statusWriter{ResponseWriter: w}
		acc := &kirjaamo.Access{RequestID: reqID}
		ctx := kirjaamo.WithAccess(r.Context(), acc)
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				s.Logger.Error("panic", "request_id", reqID, "route", rt.Method+" "+rt.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.error(sw, r, errors.New("panic"))
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK // what net/http sends for a handler that wrote nothing
			}
			s.Metrics.ObserveRequest(rt.Method, rt.Path, status, time.Since(start))
			attrs := []any{"request_id", reqID, "method", rt.Method, "route", rt.Path, "status", sw.status,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000}
			if acc.User != nil {
				attrs = append(attrs, "user", acc.User.ID)
			}
			s.Logger.Info("request", attrs...)
		}()
		if !rt.Public {
			user, err := s.authenticate(r)
			if err != nil {
				sw.Header().Set("WWW-Authenticate", `Bearer realm="kirjaamo"`)
				s.error(sw, r, err)
				return
			}
			acc.User = user
			if len(rt.Roles) > 0 && !slices.Contains(rt.Roles, user.Role) {
				s.error(sw, r, kirjaamo.Errorf(kirjaamo.EFORBIDDEN, "role %s may not use this route", user.Role))
				return
			}
			purpose := r.Header.Get("X-Purpose")
			if purpose == "" {
				purpose = r.URL.Query().Get("purpose")
			}
			if acc.Purpose, err = kirjaamo.CleanPurpose(purpose); err != nil {
				s.error(sw, r, err)
				return
			}
		}
		if r.Body != nil {
			limit := int64(MaxBodyBytes)
			if rt.MaxBody > 0 {
				limit = rt.MaxBody
			}
			r.Body = http.MaxBytesReader(sw, r.Body, limit)
		}
		if err := rt.Handler(sw, r); err != nil {
			s.error(sw, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (*kirjaamo.User, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "missing bearer token")
	}
	hash := kirjaamo.HashToken(strings.TrimSpace(token))
	now := s.Now()
	if u := s.tokens.get(hash, now); u != nil {
		return u, nil
	}
	u, err := s.Store.UserByToken(r.Context(), hash, now)
	if err != nil {
		return nil, err
	}
	s.tokens.put(hash, u, now)
	return u, nil
}

// statusOf maps error codes to HTTP statuses: the one table of it.
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

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes an error. Message never contains personal data.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = kirjaamo.Errorf(kirjaamo.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	}
	reqID := ""
	if a := kirjaamo.AccessFrom(r.Context()); a != nil {
		reqID = a.RequestID
	}
	code := kirjaamo.ErrorCode(err)
	if errors.Is(err, blob.ErrUnavailable) {
		// An object store that is down or refuses our credentials: the
		// operator needs the cause, the client only that it may retry.
		s.Logger.Error("blob store unavailable", "request_id", reqID, "error", scrub(err))
		w.Header().Set("Retry-After", "1")
		err = kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "the blob store is unavailable; try again later")
		code = kirjaamo.EUNAVAILABLE
	}
	if code == kirjaamo.EINTERNAL && s.Unavailable != nil && s.Unavailable(err) {
		s.Logger.Warn("database unavailable", "request_id", reqID, "error", scrub(err))
		w.Header().Set("Retry-After", "1")
		err = kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "the database is unavailable; try again shortly")
		code = kirjaamo.EUNAVAILABLE
	}
	if code == kirjaamo.EINTERNAL {
		// The error text may quote a driver's view of values: it goes to the
		// log under the request id only after the caller has been answered
		// with nothing but the id.
		s.Logger.Error("internal error", "request_id", reqID, "error", scrub(err))
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, ErrorBody{ErrorDetail{Code: code, Message: kirjaamo.ErrorMessage(err), Field: kirjaamo.ErrorField(err), RequestID: reqID}})
}

// scrub keeps an internal error's type and the first line of its text,
// bounded, for the log. Internal errors come from the store and runtime and
// are written not to carry values, but a bound limits the damage if one did.
func scrub(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return fmt.Sprintf("%T: %s", err, msg)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads one JSON object into v, refusing unknown fields and trailing
// data, and naming the offending field where it can.
func decode(r *http.Request, v any) error {
	// The body is read as JSON whatever Content-Type says (curl -d sends a
	// form type). The API authenticates by bearer token, which a browser
	// never attaches on its own, so lenience here opens no CSRF hole.
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.As(err, &te):
			return kirjaamo.FieldError(te.Field, "%s has the wrong type (want %s)", te.Field, te.Type)
		case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
			return kirjaamo.Errorf(kirjaamo.EINVALID, "request body is not valid JSON")
		case errors.Is(err, io.EOF):
			return kirjaamo.Errorf(kirjaamo.EINVALID, "request body is empty")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if !isName(f) {
				return kirjaamo.Errorf(kirjaamo.EINVALID, "request body has an unknown field %s", quoteName(f))
			}
			return kirjaamo.FieldError(f, "unknown field %s", quoteName(f))
		}
		return kirjaamo.Errorf(kirjaamo.EINVALID, "request body could not be read as JSON")
	}
	if dec.More() {
		return kirjaamo.Errorf(kirjaamo.EINVALID, "request body has data after the JSON object")
	}
	return nil
}

// isName reports whether a client-supplied name looks like one of the API's
// own field and parameter names (lower-case letters, digits, underscores).
// Only such names are echoed in error answers: a client that sends an
// identity code or an e-mail address where a name belongs gets it named
// nowhere — answers end up in client logs and screenshots.
func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// quoteName quotes a client-supplied name for an error message, or says it
// is not shown (see isName).
func quoteName(s string) string {
	if isName(s) {
		return strconv.Quote(s)
	}
	return "(not shown: not an API name)"
}

// ClientIP is the address a request came from: its peer, or, when the peer
// is a trusted proxy, the nearest X-Forwarded-For hop that is not. The web
// interface counts its login attempts by it too.
func (s *Server) ClientIP(r *http.Request) string { return s.clientIP(r) }

// clientIP is the address a request came from: its peer, or, when the peer
// is a trusted proxy, the nearest X-Forwarded-For hop that is not.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for h := range strings.SplitSeq(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			return host // a hop we cannot read: keep the proxy's address
		}
		if !s.trusted(a.Unmap()) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
