package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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
)

// env is a running API over a real store with one user per role.
type env struct {
	t       testing.TB
	srv     *httptest.Server
	api     *khttp.Server
	db      *sqlstore.DB
	ring    *keys.Ring
	tokens  map[policy.Role]string
	users   map[policy.Role]*kirjaamo.User
	gen     *synth.Gen
	logs    *bytes.Buffer
	blobs   *blob.FS
	blobDir string
}

func newEnv(t testing.TB, open func(testing.TB, *keys.Ring) *sqlstore.DB, policyFile string) *env {
	t.Helper()
	pol, err := policy.Load(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	ring := keys.Generate()
	db := open(t, ring)
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef, HashKey: ring.Derive("content hash")}
	logs := &bytes.Buffer{}
	api := khttp.New(svc, db, slog.New(slog.NewJSONHandler(logs, nil)))
	blobDir := t.TempDir()
	blobs, err := blob.NewFS(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := db.DataKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	api.Blobs, api.Keys = blobs, dk
	db.SetBlobs(blobs)
	e := &env{t: t, api: api, blobs: blobs, blobDir: blobDir, db: db, ring: ring, tokens: map[policy.Role]string{}, users: map[policy.Role]*kirjaamo.User{}, gen: synth.New(42), logs: logs}
	for _, role := range policy.Roles() {
		hash, err := kirjaamo.HashPassword("correct horse battery " + string(role))
		if err != nil {
			t.Fatal(err)
		}
		u := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "user." + string(role), Role: role, PasswordHash: hash, CreatedAt: time.Now()}
		if err := db.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		secret, tok := kirjaamo.NewToken(u.ID, time.Now(), 0)
		if err := db.CreateToken(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		e.tokens[role], e.users[role] = secret, u
	}
	e.srv = httptest.NewServer(api)
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request as role ("" = no token) and decodes a JSON answer.
func (e *env) do(role policy.Role, method, path string, body any, out any, header ...string) int {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	// Only JSON answers are decoded: pages and recordings are not JSON.
	if out != nil && len(data) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// get fetches a path as role with a stated purpose (none when empty) and
// header pairs (those with an empty value left out), for answers that are
// not JSON: recordings, attachments, exports.
func (e *env) get(role policy.Role, path, purpose string, header ...string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	if purpose != "" {
		req.Header.Set("X-Purpose", purpose)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// unzip reads a ZIP answer into file name → content.
func unzip(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

// personBody is a synthetic person as a create request.
func personBody(p *kirjaamo.Subject) khttp.NewSubject {
	return khttp.NewSubject{FirstName: p.FirstName, LastName: p.LastName, IdentityCode: p.IdentityCode,
		CustomerNumber: p.CustomerNumber, Emails: p.Emails, Phones: p.Phones, Address: p.Address}
}

func (e *env) newPerson(role policy.Role) *kirjaamo.Subject {
	e.t.Helper()
	p := e.gen.Person()
	var got kirjaamo.Subject
	if code := e.do(role, "POST", "/api/v1/subjects", personBody(p), &got, "X-Purpose", "asiakkuuden hoito"); code != 201 {
		e.t.Fatalf("create subject: got %d, want 201", code)
	}
	got.IdentityCode = p.IdentityCode // the answer is masked
	return &got
}

func (e *env) newCall(role policy.Role, subjectID string) *kirjaamo.Contact {
	e.t.Helper()
	content := "Asiakas kysyi hakemuksen käsittelyajasta."
	var got kirjaamo.Contact
	code := e.do(role, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{subjectID}, Direction: "inbound", Content: &content}, &got)
	if code != 201 {
		e.t.Fatalf("create contact: got %d, want 201", code)
	}
	return &got
}

const seed002 = "../examples/seed002-te-contact-centre.yaml"

func eachBackend(t *testing.T, fn func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open) })
	}
}

// TestAuthorizationMatrix tries every route with every role and without a
// token under the seed 002 policy (customers: read agent/supervisor/dpo,
// write agent/supervisor; calls the same; the audit log for auditor and
// DPO only). Only the allowed combinations succeed: 401 without a token,
// 403 for a role the policy does not name. A route missing from this table
// fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		other := e.newPerson(policy.RoleAgent)
		call := e.newCall(policy.RoleAgent, subj.ID)
		recorded := e.newRecordedCall(subj.ID, []byte("RIFF synthetic audio"))
		e.withRelay()
		now := time.Now().UTC()
		chat := e.newChat(kirjaamo.ChatMessage{Sender: "customer", At: now, Text: "Voisitteko lähettää keskustelun sähköpostiini?"})
		_, _, mailed := e.postEmail(policy.RoleAgent, mailWith(e.gen.Email(), "Liite", "Hei, liitteenä kysymys.\r\n",
			mailPart{"kysymys.txt", "text/plain; charset=utf-8", []byte("Milloin päätös tulee?")}))

		type want map[policy.Role]int // missing roles: 403; "" is no token
		const none = policy.Role("")
		public := func(code int) want {
			return want{none: code, policy.RoleAgent: code, policy.RoleSupervisor: code, policy.RoleDPO: code, policy.RoleAdmin: code, policy.RoleAuditor: code}
		}
		authenticated := func(code int) want {
			w := public(code)
			w[none] = 401
			return w
		}
		if code := e.do(policy.RoleDPO, "POST", "/api/v1/announcements", khttp.NewAnnouncement{Version: "ivr-2026-1", Lang: "fi", Text: "Puhelu voidaan nauhoittaa."}, nil); code != 201 {
			t.Fatalf("publish announcement: %d", code)
		}
		readers := want{none: 401, policy.RoleAgent: 200, policy.RoleSupervisor: 200, policy.RoleDPO: 200}
		writers := func(code int) want { return want{none: 401, policy.RoleAgent: code, policy.RoleSupervisor: code} }
		matrix := []struct {
			method, pattern, path string
			body                  func() any
			want                  want
		}{
			{"GET", "/healthz", "/healthz", nil, public(200)},
			{"GET", "/readyz", "/readyz", nil, public(200)},
			{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nil, public(200)},
			{"GET", "/privacy", "/privacy", nil, public(200)},
			{"POST", "/api/v1/login", "/api/v1/login", func() any {
				return khttp.LoginRequest{Username: "user.agent", Password: "correct horse battery agent"}
			}, public(200)},
			{"POST", "/api/v1/subjects", "/api/v1/subjects", func() any { return personBody(e.gen.Person()) }, writers(201)},
			{"GET", "/api/v1/subjects", "/api/v1/subjects?customer_number=" + subj.CustomerNumber, nil, readers},
			{"POST", "/api/v1/subjects/search", "/api/v1/subjects/search", func() any {
				return kirjaamo.SubjectQuery{CustomerNumber: subj.CustomerNumber}
			}, readers},
			{"GET", "/api/v1/subjects/{id}", "/api/v1/subjects/" + subj.ID, nil, readers},
			{"PATCH", "/api/v1/subjects/{id}", "/api/v1/subjects/" + subj.ID, func() any { return map[string]any{"phones": []string{e.gen.Phone()}} }, writers(200)},
			{"GET", "/api/v1/subjects/{id}/contacts", "/api/v1/subjects/" + subj.ID + "/contacts", nil, readers},
			{"POST", "/api/v1/contacts", "/api/v1/contacts", func() any {
				return khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{subj.ID}}
			}, writers(201)},
			{"GET", "/api/v1/contacts/{id}", "/api/v1/contacts/" + call.ID, nil, readers},
			{"POST", "/api/v1/scan", "/api/v1/scan", func() any { return khttp.ScanRequest{Text: "Soita numeroon 040 123 4567."} },
				want{none: 401, policy.RoleAgent: 200, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAdmin: 200, policy.RoleAuditor: 200}},
			{"PATCH", "/api/v1/contacts/{id}", "/api/v1/contacts/" + call.ID, func() any { return map[string]any{"ended_at": time.Now().UTC()} }, writers(200)},
			{"POST", "/api/v1/contacts/{id}/extensions", "/api/v1/contacts/" + call.ID + "/extensions", func() any {
				return map[string]any{"part": "content", "reason": "complaint", "until": time.Now().AddDate(0, 7, 0)}
			}, want{none: 401, policy.RoleSupervisor: 400, policy.RoleDPO: 400}}, // allowed roles reach the policy: no extension of content
			{"GET", "/api/v1/holds", "/api/v1/holds", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAuditor: 200}},
			{"POST", "/api/v1/holds", "/api/v1/holds", func() any {
				return khttp.NewHold{RecordID: call.ID, Reason: "legal_claim", Owner: "lakiasiat", ReviewAt: time.Now().AddDate(1, 0, 0)}
			}, want{none: 401, policy.RoleSupervisor: 201, policy.RoleDPO: 201}},
			{"POST", "/api/v1/holds/{id}/release", "/api/v1/holds/" + kirjaamo.NewID(time.Now()) + "/release", nil,
				want{none: 401, policy.RoleSupervisor: 404, policy.RoleDPO: 404}}, // allowed roles reach the lookup
			{"GET", "/api/v1/retention/forecast", "/api/v1/retention/forecast?days=30", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAdmin: 200, policy.RoleAuditor: 200}},
			{"GET", "/api/v1/retention/deletions", "/api/v1/retention/deletions", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAdmin: 200, policy.RoleAuditor: 200}},
			{"PUT", "/api/v1/contacts/{id}/recording-notice", "/api/v1/contacts/" + call.ID + "/recording-notice", func() any {
				return kirjaamo.RecordingNotice{Method: kirjaamo.NoticeAtStart, At: time.Now().Add(-time.Hour), AnnouncementVersion: "2026-1"}
			}, writers(200)},
			// A recording for a call that already has one is refused after the role check.
			{"PUT", "/api/v1/contacts/{id}/recording", "/api/v1/contacts/" + recorded.ID + "/recording", func() any { return "RIFF" }, writers(409)},
			{"GET", "/api/v1/contacts/{id}/recording", "/api/v1/contacts/" + recorded.ID + "/recording", nil,
				want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200}}, // seed 002: recording: [supervisor, dpo]
			{"GET", "/privacy/versions", "/privacy/versions", nil, public(200)},
			{"POST", "/api/v1/announcements", "/api/v1/announcements", func() any {
				return khttp.NewAnnouncement{Version: kirjaamo.NewID(time.Now()), Lang: "fi", Text: "Puhelu nauhoitetaan laadun varmistamiseksi."}
			}, want{none: 401, policy.RoleDPO: 201, policy.RoleAdmin: 201}},
			{"GET", "/api/v1/announcements", "/api/v1/announcements", nil, authenticated(200)},
			{"GET", "/api/v1/announcements/{version}", "/api/v1/announcements/ivr-2026-1?lang=fi", nil, authenticated(200)},
			{"POST", "/api/v1/mentions/search", "/api/v1/mentions/search", func() any { return kirjaamo.SubjectQuery{Email: subj.Emails[0]} },
				want{none: 401, policy.RoleDPO: 200}},
			{"POST", "/api/v1/consents", "/api/v1/consents", func() any {
				return kirjaamo.Consent{SubjectID: subj.ID, Purpose: "marketing", TextVersion: "m-2026", GivenAt: time.Now()}
			}, want{none: 401, policy.RoleAgent: 201, policy.RoleSupervisor: 201, policy.RoleDPO: 201}},
			{"POST", "/api/v1/consents/{id}/withdraw", "/api/v1/consents/" + kirjaamo.NewID(time.Now()) + "/withdraw", nil,
				want{none: 401, policy.RoleAgent: 404, policy.RoleSupervisor: 404, policy.RoleDPO: 404}}, // allowed roles reach the lookup
			{"GET", "/api/v1/subjects/{id}/consents", "/api/v1/subjects/" + subj.ID + "/consents", nil, readers},
			{"GET", "/api/v1/statistics", "/api/v1/statistics", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAdmin: 200, policy.RoleAuditor: 200}},
			{"POST", "/api/v1/requests", "/api/v1/requests", func() any { return khttp.NewRequest{Type: "access", Channel: "letter"} }, want{none: 401, policy.RoleDPO: 201}},
			{"GET", "/api/v1/requests", "/api/v1/requests?open=true", nil, want{none: 401, policy.RoleDPO: 200}},
			{"PATCH", "/api/v1/requests/{id}", "/api/v1/requests/" + kirjaamo.NewID(time.Now()), func() any { return kirjaamo.RequestChange{Start: true} },
				want{none: 401, policy.RoleDPO: 404}}, // the DPO reaches the lookup
			{"GET", "/api/v1/requests/{id}/discovery", "/api/v1/requests/" + kirjaamo.NewID(time.Now()) + "/discovery", nil, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/emails", "/api/v1/emails", func() any {
				return "From: asiakas@example.com\r\nSubject: Kysymys\r\n\r\nHei, milloin päätös tulee?\r\n"
			}, writers(201)},
			{"GET", "/api/v1/contacts/{id}/attachments", "/api/v1/contacts/" + mailed.Contact.ID + "/attachments", nil, readers},
			{"GET", "/api/v1/contacts/{id}/attachments/{aid}", "/api/v1/contacts/" + mailed.Contact.ID + "/attachments/" + mailed.Attachments[0].ID, nil, readers},
			{"POST", "/api/v1/contacts/{id}/transcript-email", "/api/v1/contacts/" + chat.ID + "/transcript-email", func() any {
				return khttp.TranscriptEmailRequest{To: e.gen.Email()}
			}, readers},
			{"POST", "/api/v1/emails/outbound-check", "/api/v1/emails/outbound-check", func() any { return khttp.OutboundCheckRequest{Text: "Hei, päätös on tehty."} }, authenticated(200)},
			{"POST", "/api/v1/disclosures", "/api/v1/disclosures", func() any {
				return kirjaamo.Disclosure{SubjectID: subj.ID, Recipient: "Kela", LegalBasis: "laki", Categories: []string{"yhteystiedot"}, Verification: "callback_official_number"}
			}, want{none: 401, policy.RoleSupervisor: 201, policy.RoleDPO: 201}},
			{"GET", "/api/v1/subjects/{id}/disclosures", "/api/v1/subjects/" + subj.ID + "/disclosures", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAuditor: 200}},
			{"GET", "/api/v1/notifications", "/api/v1/notifications", nil, want{none: 401, policy.RoleDPO: 200}},
			{"POST", "/api/v1/incidents", "/api/v1/incidents", func() any {
				return kirjaamo.Incident{Description: "Asiakirja tulostui väärään tulostimeen.", AffectedSubjects: 1}
			}, authenticated(201)},
			{"GET", "/api/v1/incidents", "/api/v1/incidents", nil, want{none: 401, policy.RoleDPO: 200, policy.RoleAuditor: 200}},
			{"PATCH", "/api/v1/incidents/{id}", "/api/v1/incidents/" + kirjaamo.NewID(time.Now()), func() any { return kirjaamo.IncidentChange{Risk: "none"} }, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/incidents/{id}/subjects", "/api/v1/incidents/" + kirjaamo.NewID(time.Now()) + "/subjects", func() any {
				return khttp.IncidentSubjectsRequest{SubjectIDs: []string{subj.ID}}
			}, want{none: 401, policy.RoleDPO: 404}}, // the DPO reaches the lookup
			{"GET", "/api/v1/incidents/{id}/subjects", "/api/v1/incidents/" + kirjaamo.NewID(time.Now()) + "/subjects", nil, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/incidents/{id}/letters", "/api/v1/incidents/" + kirjaamo.NewID(time.Now()) + "/letters", func() any {
				return kirjaamo.LetterRequest{Exemption: &kirjaamo.BreachExemption{Ground: kirjaamo.ExemptProtected, Reason: "Levy oli salattu."}}
			}, want{none: 401, policy.RoleDPO: 404}},
			{"GET", "/api/v1/incidents/{id}/letters", "/api/v1/incidents/" + kirjaamo.NewID(time.Now()) + "/letters", nil, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/notifications/{id}/sent", "/api/v1/notifications/" + kirjaamo.NewID(time.Now()) + "/sent", nil, want{none: 401, policy.RoleDPO: 404}},
			{"GET", "/api/v1/requests/{id}/export", "/api/v1/requests/" + kirjaamo.NewID(time.Now()) + "/export", nil, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/requests/{id}/erasure", "/api/v1/requests/" + kirjaamo.NewID(time.Now()) + "/erasure", func() any { return khttp.ErasureRequest{Preview: true} }, want{none: 401, policy.RoleDPO: 404}},
			{"POST", "/api/v1/subjects/{id}/restriction", "/api/v1/subjects/" + other.ID + "/restriction", func() any { return khttp.RestrictionRequest{Restricted: false} }, want{none: 401, policy.RoleDPO: 200}},
			{"POST", "/api/v1/subjects/{id}/opt-outs", "/api/v1/subjects/" + subj.ID + "/opt-outs", func() any { return khttp.OptOutRequest{Kind: "profiling", Active: true} },
				want{none: 401, policy.RoleAgent: 201, policy.RoleSupervisor: 201, policy.RoleDPO: 201}},
			{"GET", "/api/v1/subjects/{id}/opt-outs", "/api/v1/subjects/" + subj.ID + "/opt-outs", nil, readers},
			{"GET", "/api/v1/marketing/audience", "/api/v1/marketing/audience", nil, want{none: 401, policy.RoleSupervisor: 200, policy.RoleDPO: 200}},
			{"GET", "/api/v1/audit", "/api/v1/audit?limit=5", nil, want{none: 401, policy.RoleAuditor: 200, policy.RoleDPO: 200}},
		}
		covered := map[string]bool{}
		for _, m := range matrix {
			covered[m.method+" "+m.pattern] = true
		}
		for _, r := range e.api.Routes() {
			if !covered[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is not in the authorisation matrix", r.Method, r.Path)
			}
		}
		for _, m := range matrix {
			for _, role := range append([]policy.Role{none}, policy.Roles()...) {
				name := string(role)
				if name == "" {
					name = "NoToken"
				}
				t.Run(m.method+" "+m.pattern+"/"+name, func(t *testing.T) {
					want, ok := m.want[role]
					if !ok {
						want = 403
					}
					var body any
					if m.body != nil {
						body = m.body()
					}
					var errBody khttp.ErrorBody
					got := e.do(role, m.method, m.path, body, &errBody, "X-Purpose", "asiakaspalvelu",
						"X-Recording-Started-At", time.Now().UTC().Format(time.RFC3339))
					if got != want {
						t.Fatalf("got %d (%s), want %d", got, errBody.Error.Message, want)
					}
					if got >= 400 && errBody.Error.Code == "" {
						t.Fatalf("error answer without the error shape")
					}
				})
			}
		}
		// A role refused by the policy left an audit event of the refusal.
		var list khttp.AuditList
		e.do(policy.RoleAuditor, "GET", "/api/v1/audit?actor="+e.users[policy.RoleAdmin].ID, nil, &list)
		denied := 0
		for _, ev := range list.Events {
			if ev.Outcome == kirjaamo.OutcomeDenied {
				denied++
			}
		}
		if denied < 5 {
			t.Fatalf("got %d denied events for the admin, want one per refused data route (≥ 5)", denied)
		}
		if _, err := kirjaamo.VerifyAudit(t.Context(), e.db, e.ring.AuditKey()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPrivacy: the notice of the policy in force, for anyone, in the
// language and format asked; a bad parameter is a 400 that names it.
func TestPrivacy(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, c := range []struct{ path, ctype, lang, want string }{
		{"/privacy", "text/html", "fi", "Puhelutallenteita säilytetään 6 kuukautta."},
		{"/privacy?lang=sv", "text/html", "sv", "Samtalsinspelningar sparas i 6 månader."},
		{"/privacy?lang=en&format=md", "text/markdown", "en", "Call recordings are kept for 6 months."},
	} {
		resp, body := get(c.path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || resp.Header.Get("Content-Language") != c.lang {
			t.Errorf("%s: got %d %s %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Language"))
		}
		if !strings.Contains(body, c.want) {
			t.Errorf("%s: the notice does not say %q", c.path, c.want)
		}
		if c.ctype == "text/html" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "style-src 'sha256-") {
			t.Errorf("%s: CSP %q does not admit the inline style by its hash", c.path, resp.Header.Get("Content-Security-Policy"))
		}
	}
	for _, c := range []struct{ path, field string }{{"/privacy?lang=de", "lang"}, {"/privacy?format=pdf", "format"}} {
		resp, body := get(c.path)
		var eb khttp.ErrorBody
		json.Unmarshal([]byte(body), &eb)
		if resp.StatusCode != 400 || eb.Error.Field != c.field {
			t.Errorf("%s: got %d field %q, want 400 naming %s", c.path, resp.StatusCode, eb.Error.Field, c.field)
		}
	}
}

// TestOpenAPIListsEveryRoute: the served document has every route the mux
// serves, with its method, and every path parameter declared.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if code := e.do("", "GET", "/api/v1/openapi.json", nil, &doc); code != 200 {
		t.Fatalf("got %d", code)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("got openapi %q, want 3.x", doc.OpenAPI)
	}
	n := 0
	for _, r := range e.api.Routes() {
		op, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s missing from the OpenAPI document", r.Method, r.Path)
			continue
		}
		n++
		if strings.Contains(r.Path, "{id}") && !strings.Contains(fmt.Sprint(op["parameters"]), "name:id") {
			t.Errorf("%s %s: path parameter id not declared", r.Method, r.Path)
		}
	}
	ops := 0
	for _, p := range doc.Paths {
		ops += len(p)
	}
	if ops != n {
		t.Fatalf("document has %d operations, the server %d routes", ops, n)
	}
}
