package http

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
)

// Route is one API route.
type Route struct {
	Method, Path string
	Summary      string
	// Public routes need no token. Roles, when set, are the only roles the
	// route admits at all. Routes to personal data leave Roles empty: the
	// service decides by the policy's register permissions and audits a
	// denial, which a refusal here could not.
	Public  bool
	Roles   []policy.Role
	Request any // a value of the request body type, for the OpenAPI document
	// Response is a value of the success body type; Status its status.
	Response any
	Status   int
	// MaxBody overrides MaxBodyBytes for routes that stream large bodies.
	MaxBody int64
	// Query lists query parameters (name → description).
	Query   map[string]string
	Handler func(http.ResponseWriter, *http.Request) error
}

// LoginRequest is the body of POST /api/v1/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse answers a login.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Role      string    `json:"role"`
}

// SubjectList is a search result.
type SubjectList struct {
	Subjects []*kirjaamo.Subject `json:"subjects"`
}

// ContactList lists contacts.
type ContactList struct {
	Contacts []*kirjaamo.Contact `json:"contacts"`
}

// AuditList lists audit events.
type AuditList struct {
	Events []*kirjaamo.AuditEvent `json:"events"`
}

// Health is the health answer.
type Health struct {
	Status string `json:"status"`
}

// NewContact is the body of POST /api/v1/contacts.
type NewContact struct {
	Kind       policy.ContactKind `json:"kind"`
	Register   string             `json:"register,omitempty"`
	SubjectIDs []string           `json:"subject_ids"`
	Direction  string             `json:"direction,omitempty"`
	Title      string             `json:"title,omitempty"`
	StartedAt  *time.Time         `json:"started_at,omitempty"`
	EndedAt    *time.Time         `json:"ended_at,omitempty"`
	Metadata   map[string]string  `json:"metadata,omitempty"`
	Content    *string            `json:"content,omitempty"`
	// RecordingNotice may be given with a call (or later with PUT …/recording-notice).
	RecordingNotice *kirjaamo.RecordingNotice `json:"recording_notice,omitempty"`
	// Messages is a chat's transcript; Visitor its visitor's technical data.
	Messages []kirjaamo.ChatMessage `json:"messages,omitempty"`
	Visitor  *kirjaamo.Visitor      `json:"visitor,omitempty"`
	// Consent the person gave with this contact (required where the
	// register's only basis is consent).
	Consent *kirjaamo.Consent `json:"consent,omitempty"`
	// Statistics: an anonymous row for the policy's statistics register
	// (seed 002: status, country, topic), never linked to the contact.
	Statistics *kirjaamo.StatisticsRow `json:"statistics,omitempty"`
}

// NewSubject is the body of POST /api/v1/subjects.
type NewSubject struct {
	Kind                string            `json:"kind,omitempty"`
	FirstName           string            `json:"first_name,omitempty"`
	LastName            string            `json:"last_name,omitempty"`
	Name                string            `json:"name,omitempty"`
	IdentityCode        string            `json:"identity_code,omitempty"`
	BusinessID          string            `json:"business_id,omitempty"`
	CustomerNumber      string            `json:"customer_number,omitempty"`
	BirthDate           string            `json:"birth_date,omitempty"`
	Emails              []string          `json:"emails,omitempty"`
	Phones              []string          `json:"phones,omitempty"`
	Address             *kirjaamo.Address `json:"address,omitempty"`
	RelationshipEndedAt *time.Time        `json:"relationship_ended_at,omitempty"`
	LastActivityAt      *time.Time        `json:"last_activity_at,omitempty"`
	Lang                string            `json:"lang,omitempty"` // fi, sv or en: the language letters are written in
}

func (s *Server) table() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Summary: "Liveness and database check", Public: true, Response: Health{}, Status: 200, Handler: s.health},
		{Method: "GET", Path: "/readyz", Summary: "Readiness: the database answers, its schema is current and the blob store answers", Public: true, Response: Health{}, Status: 200, Handler: s.ready},
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This API's OpenAPI 3 document", Public: true, Response: map[string]any{}, Status: 200, Handler: s.openapi},
		{Method: "GET", Path: "/privacy", Summary: "The privacy notice rendered from the policy in force (HTML; Markdown with format=md), for anyone, without login", Public: true,
			Query: map[string]string{"lang": "fi (default), sv or en", "format": "html (default) or md", "at": "YYYY-MM-DD: the version in force that day"}, Status: 200, Handler: s.privacy},
		{Method: "GET", Path: "/privacy/versions", Summary: "Every published version of the privacy notice with its publication time, newest first", Public: true,
			Response: DocumentList{}, Status: 200, Handler: s.noticeVersions},
		{Method: "POST", Path: "/api/v1/announcements", Summary: "Publish a recording announcement text (seed 003) under a version that call notices refer to (DPO, admin)",
			Request: NewAnnouncement{}, Response: kirjaamo.Document{}, Status: 201, Handler: s.publishAnnouncement},
		{Method: "GET", Path: "/api/v1/announcements", Summary: "Published recording announcements, newest first",
			Response: DocumentList{}, Status: 200, Handler: s.announcements},
		{Method: "GET", Path: "/api/v1/announcements/{version}", Summary: "One announcement's text as published (?lang=fi|sv|en)",
			Query: map[string]string{"lang": "fi (default), sv or en"}, Status: 200, Handler: s.announcement},
		{Method: "POST", Path: "/api/v1/login", Summary: "Exchange a username and password for a token (rate-limited)", Public: true,
			Request: LoginRequest{}, Response: LoginResponse{}, Status: 200, Handler: s.login},
		{Method: "POST", Path: "/api/v1/subjects", Summary: "Create a subject (person or organisation)",
			Request: NewSubject{}, Response: kirjaamo.Subject{}, Status: 201, Handler: s.createSubject},
		{Method: "GET", Path: "/api/v1/subjects", Summary: "Search subjects (search guard applies); prefer POST /api/v1/subjects/search, which keeps identifiers out of URLs",
			Query: searchParams, Response: SubjectList{}, Status: 200, Handler: s.searchSubjectsGet},
		{Method: "POST", Path: "/api/v1/subjects/search", Summary: "Search subjects with criteria in the body (search guard applies)",
			Request: kirjaamo.SubjectQuery{}, Response: SubjectList{}, Status: 200, Handler: s.searchSubjectsPost},
		{Method: "GET", Path: "/api/v1/subjects/{id}", Summary: "Read a subject; the identity code is masked unless reveal=identity_code and a purpose are given",
			Query:    map[string]string{"reveal": "identity_code to show the identity code in full (audited, needs a purpose)", "purpose": "stated purpose (or X-Purpose header)"},
			Response: kirjaamo.Subject{}, Status: 200, Handler: s.getSubject},
		{Method: "PATCH", Path: "/api/v1/subjects/{id}", Summary: "Change a subject (fields present replace stored ones)",
			Request: kirjaamo.SubjectPatch{}, Response: kirjaamo.Subject{}, Status: 200, Handler: s.patchSubject},
		{Method: "GET", Path: "/api/v1/subjects/{id}/contacts", Summary: "A subject's contacts in the registers the caller's role may read",
			Response: ContactList{}, Status: 200, Handler: s.subjectContacts},
		{Method: "POST", Path: "/api/v1/contacts", Summary: "Record a contact (call, chat, e-mail, contact request, counselling workspace, note)",
			Request: NewContact{}, Response: kirjaamo.Contact{}, Status: 201, Handler: s.createContact},
		{Method: "GET", Path: "/api/v1/contacts/{id}", Summary: "Read a contact",
			Response: kirjaamo.Contact{}, Status: 200, Handler: s.getContact},
		{Method: "POST", Path: "/api/v1/scan", Summary: "Find personal data in a text and return it minimised (nothing is stored)",
			Request: ScanRequest{}, Response: ScanResponse{}, Status: 200, Handler: s.scan},
		{Method: "POST", Path: "/api/v1/mentions/search", Summary: "Contacts whose free text mentions an identity code, e-mail or phone, linked or not (DPO; the mentions index)",
			Request: kirjaamo.SubjectQuery{}, Response: ContactList{}, Status: 200, Handler: s.searchMentions},
		{Method: "POST", Path: "/api/v1/consents", Summary: "Record a consent a person gave (chat, recording, photo, marketing) for a subject or a contact",
			Request: kirjaamo.Consent{}, Response: kirjaamo.Consent{}, Status: 201, Handler: s.createConsent},
		{Method: "POST", Path: "/api/v1/consents/{id}/withdraw", Summary: "Withdraw a consent; data held on consent alone becomes due for deletion",
			Response: kirjaamo.Consent{}, Status: 200, Handler: s.withdrawConsent},
		{Method: "GET", Path: "/api/v1/subjects/{id}/consents", Summary: "Consents about a subject and its contacts, given and withdrawn",
			Response: ConsentList{}, Status: 200, Handler: s.consents},
		{Method: "GET", Path: "/api/v1/statistics", Summary: "Anonymous statistics counted by register, topic, country and status (not agents)",
			Query: map[string]string{"from": "YYYY-MM-DD (default 30 days ago)", "to": "YYYY-MM-DD, exclusive (default tomorrow)"}, Response: StatisticsList{}, Status: 200, Handler: s.statistics},
		{Method: "GET", Path: "/api/v1/audit", Summary: "List audit events (auditor and DPO only)",
			Query: auditParams, Response: AuditList{}, Status: 200, Handler: s.audit},
	}
}

var searchParams = map[string]string{
	"identity_code": "henkilötunnus", "business_id": "Y-tunnus", "email": "e-mail address", "phone": "phone number",
	"customer_number": "customer number", "first_name": "first name (only with last_name)", "last_name": "last name",
	"name": "organisation name", "birth_date": "YYYY-MM-DD", "address": "street address",
}

// unknownParam refuses a query parameter, naming it only if it looks like
// a parameter name (see isName).
func unknownParam(what, k string) error {
	if !isName(k) {
		return kirjaamo.Errorf(kirjaamo.EINVALID, "unknown %s %s", what, quoteName(k))
	}
	return kirjaamo.FieldError(k, "unknown %s %s", what, quoteName(k))
}

var auditParams = map[string]string{
	"actor": "user id", "action": "create|read|update|delete|search|export|reveal", "register": "register id",
	"subject_id": "subject id", "record_id": "record id", "since": "RFC 3339 time", "until": "RFC 3339 time",
	"after": "sequence number to continue after", "limit": "at most this many (≤ 1000)",
}

// privacy serves the privacy notice of the policy the service enforces, so
// the published notice is always the one the engine keeps.
// TODO(issue 7): serve the stored published version (notice.Digest with
// its date) once the store keeps them; see docs/notice.md.
func (s *Server) privacy(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lang, format := q.Get("lang"), q.Get("format")
	if lang == "" {
		lang = "fi"
	}
	if format == "" {
		format = "html"
	}
	if !slices.Contains(notice.Languages(), lang) {
		return kirjaamo.FieldError("lang", "unknown language %s: use fi, sv or en", quoteName(lang))
	}
	if !slices.Contains(notice.Formats(), format) {
		return kirjaamo.FieldError("format", "unknown format %s: use html or md", quoteName(format))
	}
	// The published version in force (at ?at=YYYY-MM-DD, the one a person
	// saw that day); before anything is published, the policy in force.
	at := s.Now().UTC()
	if v := q.Get("at"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return kirjaamo.FieldError("at", "at must be a date YYYY-MM-DD")
		}
		at = d.AddDate(0, 0, 1).Add(-time.Microsecond) // the end of that day
	}
	var out []byte
	doc, err := s.Store.DocumentAt(r.Context(), kirjaamo.DocNotice, lang, format, at)
	switch {
	case err == nil:
		out = doc.Body
		w.Header().Set("X-Notice-Version", doc.Version)
		w.Header().Set("Last-Modified", doc.PublishedAt.Format(http.TimeFormat))
	case kirjaamo.ErrorCode(err) == kirjaamo.ENOTFOUND && q.Get("at") == "":
		if out, err = notice.Render(s.Service.Policy, lang, format, notice.Options{}); err != nil {
			return err
		}
	default:
		return err
	}
	h := w.Header()
	if format == "md" {
		h.Set("Content-Type", "text/markdown; charset=utf-8")
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", notice.ContentSecurityPolicy)
	}
	h.Set("Content-Language", lang)
	h.Set("ETag", `"`+notice.Digest(out)+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	return nil
}

// readyProbeKey is the blob /readyz looks up; nothing is ever stored there.
const readyProbeKey = "health/readyz-probe"

func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.Ping(r.Context()); err != nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "database unavailable")
	}
	if s.Blobs != nil {
		// A key that never exists: ErrNotFound is the healthy answer, and
		// any other error means the store cannot be reached or read.
		if _, err := s.Blobs.Stat(r.Context(), readyProbeKey); err != nil && !errors.Is(err, blob.ErrNotFound) {
			s.Logger.Error("not ready: blob store", "error", scrub(err))
			return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "blob store unavailable")
		}
	}
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			s.Logger.Error("not ready", "error", scrub(err))
			return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "not ready")
		}
	}
	writeJSON(w, http.StatusOK, Health{Status: "ready"})
	return nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.Ping(r.Context()); err != nil {
		s.Logger.Error("health check failed", "error", scrub(err))
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "database unavailable")
	}
	writeJSON(w, http.StatusOK, Health{Status: "ok"})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	// Rate limit by client address and by username, before the password
	// check, so a guessing client is slowed whichever it varies.
	if !s.limiter.Allow("ip:"+s.clientIP(r), s.Now()) || !s.limiter.Allow("user:"+req.Username, s.Now()) {
		w.Header().Set("Retry-After", "60")
		return kirjaamo.Errorf(kirjaamo.ETOOMANY, "too many login attempts; try again in a minute")
	}
	u, err := s.Store.UserByUsername(r.Context(), req.Username)
	if err != nil && kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
		return err
	}
	if u == nil || u.Disabled || u.PasswordHash == "" {
		kirjaamo.CheckNoPassword(req.Password) // as long as a known user's check
		return kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "wrong username or password")
	}
	if !kirjaamo.CheckPassword(u.PasswordHash, req.Password) {
		return kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "wrong username or password")
	}
	secret, tok := kirjaamo.NewToken(u.ID, s.Now(), s.TokenTTL)
	if err := s.Store.CreateToken(r.Context(), tok); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, LoginResponse{Token: secret, ExpiresAt: *tok.ExpiresAt, Role: string(u.Role)})
	return nil
}

func (s *Server) createSubject(w http.ResponseWriter, r *http.Request) error {
	var in NewSubject
	if err := decode(r, &in); err != nil {
		return err
	}
	sub := &kirjaamo.Subject{Kind: in.Kind, FirstName: in.FirstName, LastName: in.LastName, Name: in.Name,
		IdentityCode: in.IdentityCode, BusinessID: in.BusinessID, CustomerNumber: in.CustomerNumber,
		BirthDate: in.BirthDate, Emails: in.Emails, Phones: in.Phones, Address: in.Address,
		RelationshipEndedAt: in.RelationshipEndedAt, LastActivityAt: in.LastActivityAt, Lang: in.Lang}
	if err := s.Service.CreateSubject(r.Context(), sub); err != nil {
		return err
	}
	if sub.IdentityCode != "" {
		sub.IdentityCode = kirjaamo.MaskIdentityCode(sub.IdentityCode)
	}
	w.Header().Set("Location", "/api/v1/subjects/"+sub.ID)
	writeJSON(w, http.StatusCreated, sub)
	return nil
}

func (s *Server) searchSubjectsGet(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	for k := range v {
		if _, ok := searchParams[k]; !ok && k != "purpose" {
			return unknownParam("search parameter", k)
		}
	}
	q := &kirjaamo.SubjectQuery{IdentityCode: v.Get("identity_code"), BusinessID: v.Get("business_id"), Email: v.Get("email"),
		Phone: v.Get("phone"), CustomerNumber: v.Get("customer_number"), FirstName: v.Get("first_name"),
		LastName: v.Get("last_name"), Name: v.Get("name"), BirthDate: v.Get("birth_date"), Address: v.Get("address")}
	return s.search(w, r, q)
}

func (s *Server) searchSubjectsPost(w http.ResponseWriter, r *http.Request) error {
	var q kirjaamo.SubjectQuery
	if err := decode(r, &q); err != nil {
		return err
	}
	return s.search(w, r, &q)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, q *kirjaamo.SubjectQuery) error {
	out, err := s.Service.SearchSubjects(r.Context(), q)
	if err != nil {
		return err
	}
	if out == nil {
		out = []*kirjaamo.Subject{}
	}
	writeJSON(w, http.StatusOK, SubjectList{out})
	return nil
}

func (s *Server) getSubject(w http.ResponseWriter, r *http.Request) error {
	reveal := false
	switch v := r.URL.Query().Get("reveal"); v {
	case "":
	case "identity_code":
		reveal = true
	default:
		return kirjaamo.FieldError("reveal", "reveal may only be identity_code")
	}
	sub, err := s.Service.Subject(r.Context(), r.PathValue("id"), reveal)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}

func (s *Server) patchSubject(w http.ResponseWriter, r *http.Request) error {
	var p kirjaamo.SubjectPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	sub, err := s.Service.UpdateSubject(r.Context(), r.PathValue("id"), &p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}

func (s *Server) subjectContacts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Service.SubjectContacts(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*kirjaamo.Contact{}
	}
	writeJSON(w, http.StatusOK, ContactList{cs})
	return nil
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) error {
	var in NewContact
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &kirjaamo.Contact{Kind: in.Kind, Register: in.Register, SubjectIDs: in.SubjectIDs, Direction: in.Direction,
		Title: in.Title, StartedAt: in.StartedAt, EndedAt: in.EndedAt, Metadata: in.Metadata, Content: in.Content, Notice: in.RecordingNotice,
		Messages: in.Messages, Visitor: in.Visitor, Consent: in.Consent, Statistics: in.Statistics}
	if err := s.Service.CreateContact(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contacts/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// ConsentList lists consents.
type ConsentList struct {
	Consents []*kirjaamo.Consent `json:"consents"`
}

func (s *Server) createConsent(w http.ResponseWriter, r *http.Request) error {
	var c kirjaamo.Consent
	if err := decode(r, &c); err != nil {
		return err
	}
	if err := s.Service.RecordConsent(r.Context(), &c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, &c)
	return nil
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Service.WithdrawConsent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) consents(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Service.Consents(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ConsentList{cs})
	return nil
}

// StatisticsList answers GET /api/v1/statistics.
type StatisticsList struct {
	Counts []kirjaamo.StatisticsCount `json:"counts"`
}

func (s *Server) statistics(w http.ResponseWriter, r *http.Request) error {
	now := s.Now().UTC()
	from, to := now.AddDate(0, 0, -30), now.AddDate(0, 0, 1)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return kirjaamo.FieldError(p.name, "%s must be a date YYYY-MM-DD", p.name)
			}
			*p.dst = t
		}
	}
	counts, err := s.Service.Statistics(r.Context(), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, StatisticsList{counts})
	return nil
}

func (s *Server) searchMentions(w http.ResponseWriter, r *http.Request) error {
	var q kirjaamo.SubjectQuery
	if err := decode(r, &q); err != nil {
		return err
	}
	cs, err := s.Service.FindMentions(r.Context(), &q)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*kirjaamo.Contact{}
	}
	writeJSON(w, http.StatusOK, ContactList{cs})
	return nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Service.Contact(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	for k := range v {
		if _, ok := auditParams[k]; !ok && k != "purpose" {
			return unknownParam("audit filter", k)
		}
	}
	f := kirjaamo.AuditFilter{Actor: v.Get("actor"), Action: v.Get("action"), Register: v.Get("register"),
		SubjectID: v.Get("subject_id"), RecordID: v.Get("record_id")}
	var err error
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := v.Get(t.name); s != "" {
			if *t.dst, err = time.Parse(time.RFC3339, s); err != nil {
				return kirjaamo.FieldError(t.name, "%s must be an RFC 3339 time", t.name)
			}
		}
	}
	for _, n := range []struct {
		name string
		dst  *int64
	}{{"after", &f.AfterSeq}} {
		if s := v.Get(n.name); s != "" {
			if *n.dst, err = strconv.ParseInt(s, 10, 64); err != nil || *n.dst < 0 {
				return kirjaamo.FieldError(n.name, "%s must be a non-negative integer", n.name)
			}
		}
	}
	if l := v.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 1000 {
			return kirjaamo.FieldError("limit", "limit must be 1–1000")
		}
	}
	evs, err := s.Service.AuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []*kirjaamo.AuditEvent{}
	}
	writeJSON(w, http.StatusOK, AuditList{evs})
	return nil
}
