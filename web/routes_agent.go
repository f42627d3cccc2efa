package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
)

// The agent's views. The role lists are those of the example policies
// (customers and calls: read agent, supervisor, DPO; write agent,
// supervisor): they only keep a role away from screens that would show it
// nothing but refusals. Whether an access is allowed is the service's
// decision under the policy in force, and it audits every one.
var (
	readers  = []policy.Role{policy.RoleAgent, policy.RoleSupervisor, policy.RoleDPO}
	writers  = []policy.Role{policy.RoleAgent, policy.RoleSupervisor}
	managers = []policy.Role{policy.RoleSupervisor, policy.RoleDPO}
)

func (s *Server) agentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/search", Roles: readers, Nav: "nav.search", Handler: s.searchPage},
		{Method: "POST", Path: "/search", Roles: readers, Handler: s.search},
		{Method: "POST", Path: "/purpose", Roles: readers, Handler: s.setPurposeForm},
		{Method: "GET", Path: "/subjects/{id}", Roles: readers, Handler: s.subjectPage},
		{Method: "POST", Path: "/subjects/{id}/reveal", Roles: readers, Handler: s.reveal},
		{Method: "GET", Path: "/subjects/{id}/contacts/new", Roles: writers, Handler: s.newContactPage},
		{Method: "POST", Path: "/subjects/{id}/contacts", Roles: writers, Handler: s.createContact},
		{Method: "POST", Path: "/scan", Roles: readers, JSON: true, Handler: s.scan},
		{Method: "GET", Path: "/contacts/{id}", Roles: readers, Handler: s.contactPage},
		{Method: "POST", Path: "/contacts/{id}/listen", Roles: readers, Handler: s.listen},
		{Method: "GET", Path: "/contacts/{id}/recording", Roles: readers, Handler: s.recording},
		{Method: "POST", Path: "/contacts/{id}/attachments/{aid}", Roles: readers, Handler: s.downloadAttachment},
	}
}

// The working purpose. The example policies require a stated purpose to
// read the customer register; the agent states it once (with a search)
// and it is written to the audit log with every read until changed. It is
// kept sealed in a session-bound cookie, never in a URL.

const purposeCookie = "kirjaamo_purpose"

func (s *Server) purposeAAD(sess *session) []byte {
	return append([]byte("kirjaamo web purpose\x00"), s.storedHash(sess.secret)...)
}

func (s *Server) setPurpose(w http.ResponseWriter, p *Page, purpose string) {
	if s.Sealer == nil || p.sess == nil {
		return
	}
	if purpose == "" {
		http.SetCookie(w, s.cookie(purposeCookie, "", -1))
		return
	}
	ct := s.Sealer.Seal(s.purposeAAD(p.sess), []byte(purpose))
	http.SetCookie(w, s.cookie(purposeCookie, b64.EncodeToString(ct), int(s.SessionTTL.Seconds())))
	kirjaamo.AccessFrom(p.r.Context()).Purpose = purpose
}

// workingPurpose reads the sealed cookie; anything wrong reads as none.
func (s *Server) workingPurpose(r *http.Request, sess *session) string {
	c, err := r.Cookie(purposeCookie)
	if err != nil || s.Sealer == nil {
		return ""
	}
	ct, err := b64.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	pt, err := s.Sealer.Open(s.purposeAAD(sess), ct)
	if err != nil {
		return ""
	}
	purpose, err := kirjaamo.CleanPurpose(string(pt))
	if err != nil {
		return ""
	}
	return purpose
}

// Purpose is the working purpose shown on the page.
func (p *Page) Purpose() string {
	if a := kirjaamo.AccessFrom(p.r.Context()); a != nil {
		return a.Purpose
	}
	return ""
}

// PurposeSuggestions are offered in the purpose fields (a datalist): the
// usual reasons in the user's language; any other text may be typed.
func (p *Page) PurposeSuggestions() []string {
	return []string{p.T("purpose.customer_contact"), p.T("purpose.complaint"), p.T("purpose.quality"), p.T("purpose.correction")}
}

func formPurpose(r *http.Request) (string, error) {
	return kirjaamo.CleanPurpose(r.PostFormValue("purpose"))
}

func (s *Server) setPurposeForm(w http.ResponseWriter, r *http.Request, p *Page) error {
	purpose, err := formPurpose(r)
	if err != nil {
		return err
	}
	if purpose == "" {
		return &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "purpose", Message: "state the purpose"}
	}
	s.setPurpose(w, p, purpose)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// askPurpose shows the form that states the working purpose and comes back.
func (s *Server) askPurpose(w http.ResponseWriter, p *Page, next string) error {
	p.Title = "purpose.title"
	p.Data = map[string]string{"Next": next}
	s.render(w, http.StatusOK, "purpose", p)
	return nil
}

func needsPurpose(err error) bool {
	return kirjaamo.ErrorCode(err) == kirjaamo.EINVALID && kirjaamo.ErrorField(err) == "purpose"
}

// showError puts a refusal on the page instead of replacing it; internal
// errors are returned to fail.
func showError(p *Page, err error) (int, error) {
	if kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL || kirjaamo.ErrorCode(err) == "" {
		return 0, err
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return 0, err
	}
	p.Error, p.ErrorField = errorText(p.Lang, err), kirjaamo.ErrorField(err)
	return statusOf[kirjaamo.ErrorCode(err)], nil
}

// Search.

type searchView struct {
	Q        kirjaamo.SubjectQuery
	Results  []*kirjaamo.Subject
	Searched bool
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title, p.Data = "search.title", &searchView{}
	s.render(w, http.StatusOK, "search", p)
	return nil
}

// search runs a search posted from the form: criteria stay out of URLs
// and logs. The search guard's refusal is shown in plain language.
func (s *Server) search(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := r.PostFormValue
	q := kirjaamo.SubjectQuery{IdentityCode: strings.TrimSpace(f("identity_code")), BusinessID: strings.TrimSpace(f("business_id")),
		Email: strings.TrimSpace(f("email")), Phone: strings.TrimSpace(f("phone")), CustomerNumber: f("customer_number"),
		FirstName: f("first_name"), LastName: f("last_name"), Name: f("name"), BirthDate: f("birth_date"), Address: f("address")}
	p.Title = "search.title"
	v := &searchView{Q: q}
	// The identity code typed is not put back on the screen.
	v.Q.IdentityCode = ""
	p.Data = v
	status := http.StatusOK
	purpose, err := formPurpose(r)
	if err == nil && purpose != "" {
		s.setPurpose(w, p, purpose)
	}
	if err == nil {
		v.Results, err = s.Service.SearchSubjects(r.Context(), &q)
		v.Searched = err == nil
	}
	if err != nil {
		if status, err = showError(p, err); err != nil {
			return err
		}
	}
	s.render(w, status, "search", p)
	return nil
}

// The customer page.

type subjectView struct {
	S             *kirjaamo.Subject
	Revealed      bool
	Restricted    bool // the role may not see a restricted subject
	Contacts      []timelineRow
	ContactsError string
	Consents      []*kirjaamo.Consent
	OptOuts       []*kirjaamo.OptOut
	Holds         []*kirjaamo.Hold
	ShowHolds     bool
	ListError     string
}

type timelineRow struct {
	C        *kirjaamo.Contact
	Register string
	Held     bool
}

// loadSubject gathers the customer page. Each read is the service's, so
// each is authorised and audited on its own.
func (s *Server) loadSubject(w http.ResponseWriter, r *http.Request, p *Page, reveal bool) (*subjectView, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	v := &subjectView{}
	sub, err := s.Service.Subject(ctx, id, reveal)
	if err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EFORBIDDEN {
			// A restricted subject (art. 18): say so plainly and show nothing.
			if restricted, rerr := s.Store.SubjectRestricted(ctx, id); rerr == nil && restricted {
				v.Restricted = true
				return v, nil
			}
		}
		return nil, err
	}
	v.S, v.Revealed = sub, reveal
	if cs, err := s.Service.SubjectContacts(ctx, id); err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
			return nil, err
		}
		v.ContactsError = errorText(p.Lang, err)
	} else {
		for _, c := range cs {
			row := timelineRow{C: c, Register: c.Register}
			if reg := s.Service.Policy.Register(c.Register); reg != nil {
				row.Register = reg.Name.In(p.Lang)
			}
			for _, part := range c.Retention {
				row.Held = row.Held || part.Held > 0
			}
			v.Contacts = append(v.Contacts, row)
		}
	}
	if v.Consents, err = s.Service.Consents(ctx, id); err != nil && kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
		return nil, err
	}
	if v.OptOuts, err = s.Service.OptOuts(ctx, id); err != nil && kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
		return nil, err
	}
	if slices.Contains(holdViewers, p.User.Role) {
		v.ShowHolds = true
		holds, err := s.Service.Holds(ctx, false)
		if err != nil {
			return nil, err
		}
		contactIDs := map[string]bool{}
		for _, c := range v.Contacts {
			contactIDs[c.C.ID] = true
		}
		for _, h := range holds {
			if h.SubjectID == id || contactIDs[h.RecordID] {
				v.Holds = append(v.Holds, h)
			}
		}
	}
	return v, nil
}

func (s *Server) showSubject(w http.ResponseWriter, r *http.Request, p *Page, reveal bool) error {
	v, err := s.loadSubject(w, r, p, reveal)
	if err != nil {
		if needsPurpose(err) && !reveal {
			return s.askPurpose(w, p, "/subjects/"+r.PathValue("id"))
		}
		if reveal && kirjaamo.ErrorCode(err) != kirjaamo.EINTERNAL {
			// A refused reveal shows the page as it was, with the reason.
			saved := *p
			if v, lerr := s.loadSubject(w, r, &saved, false); lerr == nil {
				status, _ := showError(p, err)
				p.Title, p.Data = "subject.title", v
				s.render(w, status, "subject", p)
				return nil
			}
		}
		return err
	}
	p.Title, p.Data = "subject.title", v
	if done := r.FormValue("done"); slices.Contains(doneNotices, done) {
		p.Notice = p.T("done." + done)
	}
	if reveal {
		p.Notice = p.T("subject.revealed_audited")
	}
	s.render(w, http.StatusOK, "subject", p)
	return nil
}

// doneNotices are the confirmations a redirect may ask for (?done=…).
var doneNotices = []string{"contact_saved", "extended", "hold_placed", "hold_released"}

func init() {
	dynamicKeySources = append(dynamicKeySources, func() []string {
		var out []string
		for _, d := range doneNotices {
			out = append(out, "done."+d)
		}
		for _, k := range policy.Kinds() {
			out = append(out, "kind."+string(k))
		}
		for _, t := range pii.Types {
			out = append(out, "pii."+string(t))
		}
		for _, k := range kirjaamo.OptOutKinds {
			out = append(out, "optout."+k)
		}
		for _, r := range policy.ExtensionReasonPhrases() {
			out = append(out, "extension.reason."+r)
		}
		for _, r := range kirjaamo.HoldReasons {
			out = append(out, "hold.reason."+r)
		}
		for _, part := range []policy.Part{policy.PartSubject, policy.PartMetadata, policy.PartContent, policy.PartRecording, policy.PartAttachment, policy.PartStatistics} {
			out = append(out, "part."+string(part))
		}
		return out
	})
}

func (s *Server) subjectPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.showSubject(w, r, p, false)
}

// reveal shows the identity code in full: POST, so the code never sits in
// a URL or a browser history; a purpose is required and the service
// audits the reveal as its own action.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, p *Page) error {
	purpose, err := formPurpose(r)
	if err != nil {
		return err
	}
	acc := kirjaamo.AccessFrom(r.Context())
	working := acc.Purpose
	acc.Purpose = purpose
	// The reveal is audited with its own purpose; the other reads of the
	// page keep the working purpose.
	sub, err := s.Service.Subject(r.Context(), r.PathValue("id"), true)
	acc.Purpose = working
	if err != nil {
		if kirjaamo.ErrorCode(err) == kirjaamo.EINTERNAL {
			return err
		}
		v, lerr := s.loadSubject(w, r, p, false)
		if lerr != nil {
			return err
		}
		status, _ := showError(p, err)
		p.Title, p.Data = "subject.title", v
		s.render(w, status, "subject", p)
		return nil
	}
	v, err := s.loadSubject(w, r, p, false)
	if err != nil {
		return err
	}
	v.S.IdentityCode, v.Revealed = sub.IdentityCode, true
	p.Title, p.Data, p.Notice = "subject.title", v, p.T("subject.revealed_audited")
	s.render(w, http.StatusOK, "subject", p)
	return nil
}

// New contacts.

// formKinds are the contact forms the interface offers.
var formKinds = []policy.ContactKind{policy.KindCall, policy.KindContactRequest}

type newContactView struct {
	SubjectID string
	Kind      policy.ContactKind
	Kinds     []policy.ContactKind
	Title     string
	Content   string
	Direction string
	Started   string
	Minutes   string
}

func (s *Server) newContactPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	kind := policy.ContactKind(r.FormValue("kind"))
	if !slices.Contains(formKinds, kind) {
		kind = policy.KindCall
	}
	p.Title = "contact.new_title"
	p.Data = &newContactView{SubjectID: r.PathValue("id"), Kind: kind, Kinds: formKinds, Direction: "inbound",
		Started: s.now().Local().Format("2006-01-02T15:04")}
	s.render(w, http.StatusOK, "contact_new", p)
	return nil
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := r.PostFormValue
	id := r.PathValue("id")
	v := &newContactView{SubjectID: id, Kind: policy.ContactKind(f("kind")), Kinds: formKinds, Title: f("title"), Content: f("content"),
		Direction: f("direction"), Started: f("started_at"), Minutes: f("minutes")}
	c := &kirjaamo.Contact{Kind: v.Kind, SubjectIDs: []string{id}, Title: strings.TrimSpace(v.Title)}
	err := func() error {
		if !slices.Contains(formKinds, v.Kind) {
			return kirjaamo.FieldError("kind", "choose a call note or a contact request")
		}
		if strings.TrimSpace(v.Content) != "" {
			content := v.Content
			c.Content = &content
		}
		if v.Kind == policy.KindCall {
			if v.Direction != "inbound" && v.Direction != "outbound" {
				return kirjaamo.FieldError("direction", "direction must be inbound or outbound")
			}
			c.Direction = v.Direction
			started, err := time.ParseInLocation("2006-01-02T15:04", v.Started, time.Local)
			if err != nil {
				return kirjaamo.FieldError("started_at", "give the start of the call")
			}
			started = started.UTC()
			c.StartedAt = &started
			if v.Minutes != "" {
				d, err := time.ParseDuration(strings.TrimSpace(v.Minutes) + "m")
				if err != nil || d < 0 || d > 24*time.Hour {
					return kirjaamo.FieldError("minutes", "duration must be minutes, 0–1440")
				}
				ended := started.Add(d)
				c.EndedAt = &ended
			}
		}
		return s.Service.CreateContact(r.Context(), c)
	}()
	if err != nil {
		status, err := showError(p, err)
		if err != nil {
			return err
		}
		p.Title, p.Data = "contact.new_title", v
		s.render(w, status, "contact_new", p)
		return nil
	}
	http.Redirect(w, r, "/subjects/"+id+"?done=contact_saved", http.StatusSeeOther)
	return nil
}

var scanner = pii.New()

// scan finds personal data in a text being typed, for the form's live
// warnings. Nothing is stored, logged or audited: no data is read.
func (s *Server) scan(w http.ResponseWriter, r *http.Request, p *Page) error {
	var req struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return kirjaamo.FieldError("text", "the body must be JSON with a text")
	}
	if !utf8.ValidString(req.Text) {
		return kirjaamo.FieldError("text", "text is not valid UTF-8")
	}
	counts := map[pii.Type]int{}
	for _, f := range scanner.Scan([]byte(req.Text)) {
		counts[f.Type]++
	}
	warnings := []string{}
	for _, t := range pii.Types {
		if n := counts[t]; n > 0 {
			warnings = append(warnings, p.T("scan.found", p.T("pii."+string(t)), n))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"title": p.T("scan.title"), "warnings": warnings})
	return nil
}

// The contact page: retention, extension and hold forms, the player.

type contactView struct {
	C         *kirjaamo.Contact
	Register  string
	Parts     []partRow
	CanListen bool   // the policy lets the role listen to this register's recordings
	AudioURL  string // set once a purpose was stated
	CanManage bool
	// Attachments of an e-mail, stored or not (with the reason).
	Attachments []*kirjaamo.Attachment
}

type partRow struct {
	P         kirjaamo.PartRetention
	CanExtend bool
	Reasons   []string
	CapAt     *time.Time
}

func (s *Server) loadContact(r *http.Request, p *Page) (*contactView, error) {
	c, err := s.Service.Contact(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	v := &contactView{C: c, Register: c.Register, CanManage: slices.Contains(managers, p.User.Role)}
	reg := s.Service.Policy.Register(c.Register)
	if reg != nil {
		v.Register = reg.Name.In(p.Lang)
		v.CanListen = c.Recording != "" && reg.Can(p.User.Role, policy.ActionRecording)
	}
	for _, part := range c.Retention {
		row := partRow{P: part}
		if reg != nil && v.CanManage && part.Start != nil && part.ExpiresAt != nil {
			if rule, ok := reg.Rule(part.Part); ok && rule.Extension != nil {
				if capAt, ok := rule.CapAt(*part.Start); ok {
					row.CanExtend, row.Reasons, row.CapAt = true, rule.Extension.Reasons, &capAt
				}
			}
		}
		v.Parts = append(v.Parts, row)
	}
	if slices.ContainsFunc(c.Retention, func(p kirjaamo.PartRetention) bool { return p.Part == policy.PartAttachment }) {
		if v.Attachments, err = s.Service.Attachments(r.Context(), c.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.loadContact(r, p)
	if err != nil {
		return err
	}
	p.Title, p.Data = "contact.title", v
	if done := r.FormValue("done"); slices.Contains(doneNotices, done) {
		p.Notice = p.T("done." + done)
	}
	s.render(w, http.StatusOK, "contact", p)
	return nil
}

// listen asks the service to authorise playback with the stated purpose
// (audited, refusals too) and then gives the page an audio element whose
// URL carries the purpose sealed in a short-lived ticket: the browser's
// range requests cannot send a form, and the purpose must not be in clear
// in a URL.
func (s *Server) listen(w http.ResponseWriter, r *http.Request, p *Page) error {
	id := r.PathValue("id")
	purpose, err := formPurpose(r)
	if err != nil {
		return err
	}
	acc := kirjaamo.AccessFrom(r.Context())
	acc.Purpose = purpose
	if purpose == "" {
		err = &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "purpose", Message: "listening to a recording requires a stated purpose"}
	} else {
		_, err = s.Service.PlayRecording(r.Context(), id)
	}
	v, lerr := s.loadContact(r, p)
	if lerr != nil {
		return lerr
	}
	p.Title, p.Data = "contact.title", v
	status := http.StatusOK
	if err != nil {
		if status, err = showError(p, err); err != nil {
			return err
		}
	} else {
		v.AudioURL = "/contacts/" + id + "/recording?t=" + s.ticket(p.sess, id, purpose)
	}
	s.render(w, status, "contact", p)
	return nil
}

type ticket struct {
	Purpose string    `json:"p"`
	Expires time.Time `json:"e"`
}

// ticketTTL bounds how long a player page may fetch its audio.
const ticketTTL = 2 * time.Hour

func (s *Server) ticketAAD(sess *session, contactID string) []byte {
	return append([]byte("kirjaamo web recording\x00"+contactID+"\x00"), s.storedHash(sess.secret)...)
}

func (s *Server) ticket(sess *session, contactID, purpose string) string {
	b, _ := json.Marshal(ticket{Purpose: purpose, Expires: s.now().Add(ticketTTL)})
	return b64.EncodeToString(s.Sealer.Seal(s.ticketAAD(sess, contactID), b))
}

// recording streams the audio with range support; every fetch is
// authorised and audited by the service with the ticket's purpose.
func (s *Server) recording(w http.ResponseWriter, r *http.Request, p *Page) error {
	if s.Blobs == nil || s.Keys == nil || s.Sealer == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no blob store is configured")
	}
	id := r.PathValue("id")
	ct, err := b64.DecodeString(r.FormValue("t"))
	var t ticket
	if err == nil {
		var pt []byte
		if pt, err = s.Sealer.Open(s.ticketAAD(p.sess, id), ct); err == nil {
			err = json.Unmarshal(pt, &t)
		}
	}
	if err != nil || s.now().After(t.Expires) {
		return &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "purpose", Message: "state the purpose on the contact page first"}
	}
	kirjaamo.AccessFrom(r.Context()).Purpose = t.Purpose
	rec, err := s.Service.PlayRecording(r.Context(), id)
	if err != nil {
		return err
	}
	rd, err := blob.OpenSealed(r.Context(), s.Blobs, s.Keys, rec.BlobKey, rec.WrappedKey)
	if err != nil {
		return err
	}
	defer rd.Close()
	w.Header().Set("Content-Type", rec.ContentType)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", rec.UploadedAt, rd)
	return nil
}

// downloadAttachment sends one stored attachment, decrypted, after the
// service has authorised and audited the read with the purpose stated in
// the form. It is a POST so the purpose never travels in a URL; the
// browser saves the file (Content-Disposition: attachment, sandboxed), so
// content a customer sent is never rendered in the interface's origin.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, p *Page) error {
	if s.Blobs == nil || s.Keys == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no blob store is configured")
	}
	purpose, err := formPurpose(r)
	if err != nil {
		return err
	}
	if purpose == "" {
		return &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "purpose", Message: "opening an attachment requires a stated purpose"}
	}
	kirjaamo.AccessFrom(r.Context()).Purpose = purpose
	a, err := s.Service.OpenAttachment(r.Context(), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	rd, err := blob.OpenSealed(r.Context(), s.Blobs, s.Keys, a.BlobKey, a.WrappedKey)
	if err != nil {
		return err
	}
	defer rd.Close()
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if disp == "" {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", disp)
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", a.CreatedAt, rd)
	return nil
}
