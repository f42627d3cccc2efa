package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/export"
	"github.com/kirjaamo/kirjaamo/policy"
)

// The data protection officer's views: the request queue and each
// request's steps (identity verification, discovery, export, erasure), the
// incident register with its 72-hour clock, and the disclosure log.
//
// The role lists follow the service: data-subject requests are the DPO's
// alone (Service.requireDPO); the incident register is the DPO's and the
// auditor's; anyone on staff reports an incident (seed 000 §5: at once).
var (
	dpoOnly    = []policy.Role{policy.RoleDPO}
	dpoAuditor = []policy.Role{policy.RoleDPO, policy.RoleAuditor}
)

// nearDue is how close a deadline must be to be marked on the queue.
const nearDue = 7 * 24 * time.Hour

func (s *Server) dpoRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/requests", Roles: dpoOnly, Nav: "nav.requests", Handler: s.requestQueue},
		{Method: "POST", Path: "/requests", Roles: dpoOnly, Handler: s.createRequest},
		{Method: "GET", Path: "/requests/{id}", Roles: dpoOnly, Handler: s.requestPage},
		{Method: "POST", Path: "/requests/{id}", Roles: dpoOnly, Handler: s.changeRequest},
		{Method: "POST", Path: "/requests/{id}/search", Roles: dpoOnly, Handler: s.requestSearch},
		{Method: "GET", Path: "/requests/{id}/discovery", Roles: dpoOnly, Handler: s.discoveryPage},
		{Method: "GET", Path: "/requests/{id}/export", Roles: dpoOnly, Handler: s.exportZIP},
		{Method: "GET", Path: "/requests/{id}/erasure", Roles: dpoOnly, Handler: s.erasurePreview},
		{Method: "POST", Path: "/requests/{id}/erasure", Roles: dpoOnly, Handler: s.erasureDecide},
		{Method: "GET", Path: "/incidents", Roles: dpoAuditor, Nav: "nav.incidents", Handler: s.incidentList},
		{Method: "GET", Path: "/incidents/new", Roles: anyRole, Nav: "nav.report_incident", Handler: s.incidentForm},
		{Method: "POST", Path: "/incidents", Roles: anyRole, Handler: s.reportIncident},
		{Method: "POST", Path: "/incidents/{id}", Roles: dpoOnly, Handler: s.changeIncident},
		{Method: "GET", Path: "/incidents/{id}", Roles: dpoOnly, Handler: s.incidentPage},
		{Method: "POST", Path: "/incidents/{id}/search", Roles: dpoOnly, Handler: s.incidentSearch},
		{Method: "POST", Path: "/incidents/{id}/subjects", Roles: dpoOnly, Handler: s.linkIncidentSubjects},
		{Method: "POST", Path: "/incidents/{id}/letters", Roles: dpoOnly, Handler: s.writeLetters},
		{Method: "POST", Path: "/incidents/{id}/letters/sent", Roles: dpoOnly, Handler: s.markLetterSent},
		{Method: "GET", Path: "/disclosures", Roles: dpoAuditor, Nav: "nav.disclosures", Handler: s.disclosureLog},
		// Recording a disclosure is the DPO's on screen; the service lets a
		// supervisor record one too (through the API).
		{Method: "GET", Path: "/disclosures/new", Roles: dpoOnly, Handler: s.disclosureForm},
		{Method: "POST", Path: "/disclosures", Roles: dpoOnly, Handler: s.recordDisclosure},
	}
}

func init() {
	dynamicKeySources = append(dynamicKeySources, func() []string {
		var out []string
		for _, list := range [][]string{
			prefixed("dsr.type.", kirjaamo.RequestTypes),
			prefixed("dsr.state.", []string{kirjaamo.StateReceived, kirjaamo.StateVerified, kirjaamo.StateInProgress, kirjaamo.StateDecided, kirjaamo.StateClosed}),
			prefixed("dsr.decision.", kirjaamo.Decisions),
			prefixed("dsr.method.", kirjaamo.VerificationMethods),
			prefixed("dsr.done.", requestNotices),
			prefixed("incident.risk.", incidentRisks),
			prefixed("incident.done.", incidentNotices),
			prefixed("disclosure.done.", disclosureNotices),
			prefixed("incident.exempt.ground.", kirjaamo.ExemptionGrounds),
			prefixed("disclosure.verification.", kirjaamo.RecipientVerifications),
			prefixed("erasure.ground.", erasureGrounds),
			prefixed("dsr.kind.", kindNames()),
		} {
			out = append(out, list...)
		}
		return out
	})
}

func kindNames() []string {
	var out []string
	for _, k := range policy.Kinds() {
		out = append(out, string(k))
	}
	return out
}

func prefixed(prefix string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = prefix + k
	}
	return out
}

var (
	incidentRisks = []string{"none", "risk", "high"}
	// requestNotices and incidentNotices are the confirmations a redirect
	// may ask for (?done=…): only these keys, never free text in a URL.
	requestNotices    = []string{"created", "verified", "linked", "started", "extended", "decided", "closed"}
	incidentNotices   = []string{"reported", "authority", "subjects", "risk", "closed", "linked", "letters", "no_letters", "exempted", "sent"}
	disclosureNotices = []string{"recorded"}
	erasureGrounds    = []string{"open_invoice", "debt_collection", "legal_claim", "statutory_task", "authority_request", "hold"}
)

// doneNotice translates a whitelisted ?done= confirmation.
func doneNotice(p *Page, prefix string, allowed []string) {
	if d := p.r.URL.Query().Get("done"); slices.Contains(allowed, d) {
		p.Notice = p.T(prefix + d)
	}
}

// deadline describes a deadline for the screen: whether it has passed or
// is near, and how much time is left or how late it is.
type deadline struct {
	At      time.Time
	Overdue bool
	Near    bool
	Days    int // whole days left, or late when Overdue
	Hours   int // whole hours left, or late when Overdue
}

func newDeadline(at, now time.Time, near time.Duration, open bool) deadline {
	d := deadline{At: at}
	left := at.Sub(now)
	if !open {
		return d
	}
	if left < 0 {
		d.Overdue, left = true, -left
	} else if left <= near {
		d.Near = true
	}
	d.Hours = int(left.Hours())
	d.Days = int(left.Hours() / 24)
	return d
}

type requestRow struct {
	*kirjaamo.Request
	Due deadline
}

func (s *Server) requestRows(rs []*kirjaamo.Request) []requestRow {
	now := s.now()
	out := make([]requestRow, len(rs))
	for i, r := range rs {
		open := r.State != kirjaamo.StateDecided && r.State != kirjaamo.StateClosed
		out[i] = requestRow{r, newDeadline(r.DueAt, now, nearDue, open)}
	}
	// Overdue first, then by deadline; decided and closed ones last.
	slices.SortStableFunc(out, func(a, b requestRow) int {
		ao, bo := a.State == kirjaamo.StateDecided || a.State == kirjaamo.StateClosed, b.State == kirjaamo.StateDecided || b.State == kirjaamo.StateClosed
		if ao != bo {
			if ao {
				return 1
			}
			return -1
		}
		return a.DueAt.Compare(b.DueAt)
	})
	return out
}

func (s *Server) requestQueue(w http.ResponseWriter, r *http.Request, p *Page) error {
	all := r.URL.Query().Get("all") == "1"
	rs, err := s.Service.Requests(r.Context(), !all)
	if err != nil {
		return err
	}
	doneNotice(p, "dsr.done.", requestNotices)
	p.Title = "dsr.queue.title"
	p.Data = map[string]any{"Rows": s.requestRows(rs), "All": all, "Types": kirjaamo.RequestTypes, "Today": s.now().Local().Format(time.DateOnly)}
	s.render(w, http.StatusOK, "dpo_requests", p)
	return nil
}

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, p *Page) error {
	req := &kirjaamo.Request{Type: r.PostFormValue("type"), Channel: strings.TrimSpace(r.PostFormValue("channel")),
		SubjectID: strings.TrimSpace(r.PostFormValue("subject_id"))}
	if v := r.PostFormValue("received_at"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			return kirjaamo.FieldError("received_at", "received_at must be a date")
		}
		req.ReceivedAt = t
	}
	if err := s.Service.CreateRequest(r.Context(), req); err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+req.ID+"?done=created", http.StatusSeeOther)
	return nil
}

// loadRequest reads one request. The store is read directly: the route
// admits the DPO only, the same rule as the service's request methods, and
// a request holds no personal data (ids, dates, states).
func (s *Server) loadRequest(r *http.Request) (*kirjaamo.Request, error) {
	id := r.PathValue("id")
	if !kirjaamo.ValidID(id) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "request not found")
	}
	return s.Store.Request(r.Context(), id)
}

type requestView struct {
	requestRow
	Methods, Decisions []string
	Exportable         bool // an access or portability request: answered with the ZIP
	Erasable           bool // an erasure request, not yet decided
	Ready              bool // verified and linked to its subject: discovery may run
	Langs              []string
	Find               *findView // the customer search, while no subject is linked
}

func (s *Server) requestPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	req, err := s.loadRequest(r)
	if err != nil {
		return err
	}
	doneNotice(p, "dsr.done.", requestNotices)
	s.renderRequest(w, http.StatusOK, p, req, nil)
	return nil
}

// requestFinder is the request page's customer search: a found subject is
// linked through the request's own link step.
func requestFinder(p *Page, req *kirjaamo.Request) *findView {
	return &findView{P: p, Action: "/requests/" + req.ID + "/search", Link: "/requests/" + req.ID,
		Hidden: map[string]string{"step": "link"}, LinkKey: "dsr.link.submit"}
}

// requestSearch looks for the request's subject by the identifiers the
// request gives, audited with the request as its purpose.
func (s *Server) requestSearch(w http.ResponseWriter, r *http.Request, p *Page) error {
	req, err := s.loadRequest(r)
	if err != nil {
		return err
	}
	f := requestFinder(p, req)
	status, err := s.find(r, p, f, "data-subject request "+req.ID)
	if err != nil {
		return err
	}
	s.renderRequest(w, status, p, req, f)
	return nil
}

func (s *Server) renderRequest(w http.ResponseWriter, status int, p *Page, req *kirjaamo.Request, f *findView) {
	v := requestView{requestRow: s.requestRows([]*kirjaamo.Request{req})[0], Methods: kirjaamo.VerificationMethods,
		Decisions: kirjaamo.Decisions, Langs: Languages, Find: f}
	if v.Find == nil {
		v.Find = requestFinder(p, req)
	}
	v.Ready = req.Verification != nil && req.SubjectID != ""
	v.Exportable = req.Type == "access" || req.Type == "portability"
	v.Erasable = req.Type == "erasure" && req.State != kirjaamo.StateDecided && req.State != kirjaamo.StateClosed
	p.Title, p.Data = "dsr.request.title", v
	s.render(w, status, "dpo_request", p)
}

// changeRequest applies the step the form names (one form per step).
func (s *Server) changeRequest(w http.ResponseWriter, r *http.Request, p *Page) error {
	ch := &kirjaamo.RequestChange{}
	var done string
	switch r.PostFormValue("step") {
	case "verify":
		ch.Verify = &kirjaamo.Verification{Method: r.PostFormValue("method"), Note: strings.TrimSpace(r.PostFormValue("note"))}
		done = "verified"
	case "link":
		ch.SubjectID = strings.TrimSpace(r.PostFormValue("subject_id"))
		if ch.SubjectID == "" {
			return kirjaamo.FieldError("subject_id", "give the subject's id")
		}
		done = "linked"
	case "start":
		ch.Start, done = true, "started"
	case "extend":
		n, err := strconv.Atoi(r.PostFormValue("extend_months"))
		if err != nil || n < 1 {
			return kirjaamo.FieldError("extend_months", "extend_months must be 1 or 2")
		}
		ch.ExtendMonths, ch.ExtensionReason, done = n, strings.TrimSpace(r.PostFormValue("extension_reason")), "extended"
	case "decide":
		ch.Decision, ch.DecisionReason, done = r.PostFormValue("decision"), strings.TrimSpace(r.PostFormValue("decision_reason")), "decided"
	case "close":
		ch.Close, done = true, "closed"
	default:
		return kirjaamo.FieldError("step", "unknown step")
	}
	if _, err := s.Service.ChangeRequest(r.Context(), r.PathValue("id"), ch); err != nil {
		// A refused step is shown on the request page itself, so the
		// DPO sees why next to the form.
		var ke *kirjaamo.Error
		if req, lerr := s.loadRequest(r); lerr == nil && errors.As(err, &ke) && ke.Code != kirjaamo.EINTERNAL && ke.Code != kirjaamo.EFORBIDDEN {
			p.Error, p.ErrorField = errorText(p.Lang, err), ke.Field
			s.renderRequest(w, statusOf[ke.Code], p, req, nil)
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
	return nil
}

// dpoTable is what a table partial gets: the page (for T), the rows, and
// the id of the heading that labels the table.
type dpoTable struct {
	P     *Page
	Rows  any
	Label string
}

// contactRow is a contact as the discovery page lists it: what and when,
// never the content (the export carries it; the screen stays light and
// shows as little as the task needs).
type contactRow struct {
	ID, Kind, Register, Title string
	At                        *time.Time
}

func (s *Server) contactRows(p *Page, cs []*kirjaamo.Contact) []contactRow {
	out := make([]contactRow, len(cs))
	for i, c := range cs {
		out[i] = contactRow{ID: c.ID, Kind: string(c.Kind), Register: s.registerName(p, c.Register), Title: c.Title, At: c.StartedAt}
		if c.StartedAt == nil {
			out[i].At = &c.CreatedAt
		}
	}
	return out
}

// registerName is a register's name in the page's language.
func (s *Server) registerName(p *Page, id string) string {
	if s.Service.Policy != nil {
		if reg := s.Service.Policy.Register(id); reg != nil {
			if n := reg.Name.In(p.Lang); n != "" {
				return n
			}
		}
	}
	return id
}

func (s *Server) discoveryPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	req, err := s.loadRequest(r)
	if err != nil {
		return err
	}
	d, err := s.Service.Discover(r.Context(), req.ID)
	if err != nil {
		return err
	}
	ds, err := s.Service.Disclosures(r.Context(), req.SubjectID)
	if err != nil {
		return err
	}
	sub := d.Subject
	name := strings.TrimSpace(sub.FirstName + " " + sub.LastName)
	if sub.Name != "" {
		name = sub.Name
	}
	code := ""
	if sub.IdentityCode != "" {
		// The screen shows the code masked (seed 000: no shoulder-surfing);
		// the export carries it whole.
		code = kirjaamo.MaskIdentityCode(sub.IdentityCode)
	}
	p.Title = "dsr.discovery.title"
	contacts, mentions := s.contactRows(p, d.Contacts), s.contactRows(p, d.Mentions)
	p.Data = map[string]any{"Request": req, "Name": name, "Code": code, "Subject": sub, "SubjectRegister": s.registerName(p, sub.Register),
		"Contacts": contacts, "Mentions": mentions, "Consents": d.Consents, "Holds": d.Holds, "Disclosures": ds,
		"ContactsTable": dpoTable{p, contacts, "contacts-h"}, "MentionsTable": dpoTable{p, mentions, "mentions-h"},
		"DisclosureTable": dpoTable{p, ds, ""}, "Exportable": req.Type == "access" || req.Type == "portability", "Langs": Languages}
	s.render(w, http.StatusOK, "dpo_discovery", p)
	return nil
}

// exportZIP streams the access or portability export (package export);
// BuildExport audits it as an export with the request as its purpose.
func (s *Server) exportZIP(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = p.Lang
	}
	if !slices.Contains(Languages, lang) {
		return kirjaamo.FieldError("lang", "lang must be fi, sv or en")
	}
	started := false
	err := export.Write(r.Context(), w, s.Service, s.Blobs, s.Keys, r.PathValue("id"), lang, func(x *kirjaamo.Export) {
		started = true
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="kirjaamo-export-`+x.Request.ID+`.zip"`)
	})
	if err != nil && started {
		// Half sent: the browser has a broken file; log the type only.
		s.Logger.Error("export interrupted", "request_id", kirjaamo.AccessFrom(r.Context()).RequestID, "error", kirjaamo.ErrorCode(err))
		return nil
	}
	return err
}

func (s *Server) erasureLang(r *http.Request, p *Page) string {
	if l := r.FormValue("lang"); slices.Contains(Languages, l) {
		return l
	}
	return p.Lang
}

type erasureView struct {
	Request  *kirjaamo.Request
	Decision *kirjaamo.ErasureDecision
	Items    []erasureRow
	Lang     string
	Langs    []string
}

type erasureRow struct {
	kirjaamo.ErasureItem
	RegisterName string
}

func (s *Server) renderErasure(w http.ResponseWriter, p *Page, req *kirjaamo.Request, d *kirjaamo.ErasureDecision, lang string) {
	v := erasureView{Request: req, Decision: d, Lang: lang, Langs: Languages}
	for _, it := range d.Items {
		v.Items = append(v.Items, erasureRow{it, s.registerName(p, it.Register)})
	}
	p.Title, p.Data = "erasure.title", v
	s.render(w, http.StatusOK, "dpo_erasure", p)
}

// erasurePreview shows what an erasure would erase and keep, and the
// letter, deciding nothing.
func (s *Server) erasurePreview(w http.ResponseWriter, r *http.Request, p *Page) error {
	req, err := s.loadRequest(r)
	if err != nil {
		return err
	}
	lang := s.erasureLang(r, p)
	d, err := s.Service.Erase(r.Context(), req.ID, true, lang)
	if err != nil {
		return err
	}
	s.renderErasure(w, p, req, d, lang)
	return nil
}

// erasureDecide executes the decision and shows the letter to send.
func (s *Server) erasureDecide(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang := s.erasureLang(r, p)
	d, err := s.Service.Erase(r.Context(), r.PathValue("id"), false, lang)
	if err != nil {
		return err
	}
	req, err := s.loadRequest(r)
	if err != nil {
		return err
	}
	s.renderErasure(w, p, req, d, lang)
	return nil
}

type incidentRow struct {
	*kirjaamo.Incident
	Clock deadline
}

func (s *Server) incidentList(w http.ResponseWriter, r *http.Request, p *Page) error {
	doneNotice(p, "incident.done.", incidentNotices)
	return s.renderIncidents(w, r, p, http.StatusOK)
}

func (s *Server) renderIncidents(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	is, err := s.Service.Incidents(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	rows := make([]incidentRow, len(is))
	for i, in := range is {
		// The clock runs until the Ombudsman is notified; an incident
		// without risk needs no notification (art. 33(1)).
		open := !in.Closed && in.AuthorityNotified == nil && in.Risk != "none"
		rows[i] = incidentRow{in, newDeadline(in.NotifyBy, now, 24*time.Hour, open)}
	}
	p.Title = "incident.list.title"
	p.Data = map[string]any{"Rows": rows, "Risks": incidentRisks, "Now": now.Local().Format("2006-01-02T15:04")}
	s.render(w, status, "incident_list", p)
	return nil
}

func (s *Server) incidentForm(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title = "incident.new.title"
	p.Data = map[string]any{"Risks": incidentRisks, "Form": url.Values{}, "Now": s.now().Local().Format("2006-01-02T15:04")}
	s.render(w, http.StatusOK, "incident_new", p)
	return nil
}

func (s *Server) reportIncident(w http.ResponseWriter, r *http.Request, p *Page) error {
	in := &kirjaamo.Incident{Description: strings.TrimSpace(r.PostFormValue("description")), Risk: r.PostFormValue("risk")}
	if v := r.PostFormValue("affected_subjects"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return kirjaamo.FieldError("affected_subjects", "affected_subjects must be a whole number")
		}
		in.AffectedSubjects = n
	}
	if v := r.PostFormValue("discovered_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, time.Local)
		if err != nil {
			return kirjaamo.FieldError("discovered_at", "discovered_at must be a date and time")
		}
		in.DiscoveredAt = t
	}
	in.Categories = splitList(r.PostFormValue("categories"))
	if err := s.Service.ReportIncident(r.Context(), in); err != nil {
		var ke *kirjaamo.Error
		if errors.As(err, &ke) && (ke.Code == kirjaamo.EINVALID) {
			// Shown with the form kept, so nothing typed is lost.
			p.Error, p.ErrorField = errorText(p.Lang, err), ke.Field
			p.Title = "incident.new.title"
			r.PostForm.Del("_csrf")
			p.Data = map[string]any{"Risks": incidentRisks, "Form": r.PostForm, "Now": s.now().Local().Format("2006-01-02T15:04")}
			s.render(w, statusOf[ke.Code], "incident_new", p)
			return nil
		}
		return err
	}
	if slices.Contains(dpoAuditor, p.User.Role) {
		http.Redirect(w, r, "/incidents?done=reported", http.StatusSeeOther)
		return nil
	}
	p.Title, p.Notice = "incident.new.title", p.T("incident.done.reported")
	p.Data = map[string]any{"Risks": incidentRisks, "Form": url.Values{}, "Now": s.now().Local().Format("2006-01-02T15:04"), "Reported": in.ID}
	s.render(w, http.StatusOK, "incident_new", p)
	return nil
}

func (s *Server) changeIncident(w http.ResponseWriter, r *http.Request, p *Page) error {
	ch := &kirjaamo.IncidentChange{}
	step := r.PostFormValue("step")
	at := s.now()
	if v := r.PostFormValue("at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, time.Local)
		if err != nil {
			return kirjaamo.FieldError("at", "give a date and time")
		}
		at = t
	}
	switch step {
	case "authority":
		ch.AuthorityNotifiedAt = &at
	case "subjects":
		ch.SubjectsNotifiedAt = &at
	case "risk":
		ch.Risk = r.PostFormValue("risk")
	case "closed":
		ch.Close = true
	default:
		return kirjaamo.FieldError("step", "unknown step")
	}
	if _, err := s.Service.ChangeIncident(r.Context(), r.PathValue("id"), ch); err != nil {
		// A refused step (closing before the Ombudsman was notified) is
		// shown above the register, where the DPO can put it right.
		if code := kirjaamo.ErrorCode(err); code == kirjaamo.ECONFLICT || code == kirjaamo.EINVALID {
			p.Error, p.ErrorField = errorText(p.Lang, err), kirjaamo.ErrorField(err)
			return s.renderIncidents(w, r, p, statusOf[code])
		}
		return err
	}
	http.Redirect(w, r, "/incidents?done="+step, http.StatusSeeOther)
	return nil
}

// disclosureLog shows the art. 19 outbox (DPO) and one subject's
// disclosures, looked up by the subject's id (an opaque id, never a name
// or identity code in the URL).
func (s *Server) disclosureLog(w http.ResponseWriter, r *http.Request, p *Page) error {
	data := map[string]any{}
	subject := strings.TrimSpace(r.URL.Query().Get("subject_id"))
	if subject != "" {
		if !kirjaamo.ValidID(subject) {
			return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "subject_id", Message: "subject not found"}
		}
		ds, err := s.Service.Disclosures(r.Context(), subject)
		if err != nil {
			return err
		}
		data["SubjectID"], data["Table"] = subject, dpoTable{p, ds, ""}
	}
	if p.User.Role == policy.RoleDPO {
		ns, err := s.Service.Notifications(r.Context(), false)
		if err != nil {
			return err
		}
		// Breach letters are listed on their incident's page: here they
		// would bury the art. 19 notices under whole letters.
		ns = slices.DeleteFunc(ns, func(n *kirjaamo.Notification) bool { return n.Kind == kirjaamo.NotificationBreach })
		data["Outbox"] = ns
	}
	doneNotice(p, "disclosure.done.", disclosureNotices)
	p.Title, p.Data = "disclosure.title", data
	s.render(w, http.StatusOK, "dpo_disclosures", p)
	return nil
}

// disclosureView is the form that records a disclosure; Form keeps what
// was typed when the service refuses it.
type disclosureView struct {
	Form          url.Values
	Verifications []string
}

func (s *Server) disclosureForm(w http.ResponseWriter, r *http.Request, p *Page) error {
	form := url.Values{}
	if id := strings.TrimSpace(r.URL.Query().Get("subject_id")); kirjaamo.ValidID(id) {
		form.Set("subject_id", id)
	}
	p.Title, p.Data = "disclosure.new.title", &disclosureView{Form: form, Verifications: kirjaamo.RecipientVerifications}
	s.render(w, http.StatusOK, "disclosure_new", p)
	return nil
}

// recordDisclosure logs a disclosure to a third party (seed 000 §3). Who
// and when come from the session and the clock, never from the form.
func (s *Server) recordDisclosure(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := r.PostFormValue
	d := &kirjaamo.Disclosure{SubjectID: strings.TrimSpace(f("subject_id")), Recipient: strings.TrimSpace(f("recipient")),
		LegalBasis: strings.TrimSpace(f("legal_basis")), Categories: splitList(f("categories")), Verification: f("verification")}
	if err := s.Service.RecordDisclosure(r.Context(), d); err != nil {
		status, err := showError(p, err)
		if err != nil {
			return err
		}
		r.PostForm.Del("_csrf")
		p.Title, p.Data = "disclosure.new.title", &disclosureView{Form: r.PostForm, Verifications: kirjaamo.RecipientVerifications}
		s.render(w, status, "disclosure_new", p)
		return nil
	}
	http.Redirect(w, r, "/disclosures?subject_id="+url.QueryEscape(d.SubjectID)+"&done=recorded", http.StatusSeeOther)
	return nil
}

// splitList reads a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, c := range strings.Split(v, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
