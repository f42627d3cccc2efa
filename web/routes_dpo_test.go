package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// dpoCtx acts as the DPO through the service, for preparing data.
func (e *env) dpoCtx() context.Context {
	return kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleDPO, ""))
}

// dsr registers a request of type typ for subject, received at received,
// verified by signed letter when verified is set.
func (e *env) dsr(typ, subjectID string, received time.Time, verified bool) *kirjaamo.Request {
	e.t.Helper()
	r := &kirjaamo.Request{Type: typ, SubjectID: subjectID, Channel: "kirje", ReceivedAt: received}
	if err := e.svc.CreateRequest(e.dpoCtx(), r); err != nil {
		e.t.Fatal(err)
	}
	if verified {
		var err error
		if r, err = e.svc.ChangeRequest(e.dpoCtx(), r.ID, &kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "signed_letter"}}); err != nil {
			e.t.Fatal(err)
		}
	}
	return r
}

// callNote records an ended call with a topic for subject, as an agent.
func (e *env) callNote(subjectID string) *kirjaamo.Contact {
	e.t.Helper()
	started := time.Now().Add(-2 * time.Hour).UTC()
	ended := started.Add(4 * time.Minute)
	c := &kirjaamo.Contact{Kind: policy.KindCall, SubjectIDs: []string{subjectID}, Direction: "inbound", StartedAt: &started, EndedAt: &ended, Title: "Työnhaun ilmoitus"}
	if err := e.svc.CreateContact(kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "customer service")), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// incident reports a breach discovered at discovered, as an agent.
func (e *env) incident(discovered time.Time, risk string) *kirjaamo.Incident {
	e.t.Helper()
	i := &kirjaamo.Incident{Description: "A letter was sent to the wrong address.", Risk: risk, AffectedSubjects: 1, DiscoveredAt: discovered}
	if err := e.svc.ReportIncident(kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "")), i); err != nil {
		e.t.Fatal(err)
	}
	return i
}

// dpoMatrix: data-subject requests are the DPO's alone; the incident
// register is the DPO's and the auditor's, and anyone reports an incident;
// the deletion forecast is for everyone but agents; the audit log for the
// auditor and the DPO; the notice preview for the DPO and administrators.
func dpoMatrix(e *env) []matrixRow {
	sub := e.person()
	e.callNote(sub.ID)
	access := e.dsr("access", sub.ID, time.Now(), true)
	erasure := e.dsr("erasure", e.person().ID, time.Now(), true)
	inc := e.incident(time.Now(), "risk")
	toExempt := e.incident(time.Now(), "high")
	lettered := e.incident(time.Now(), "high")
	letter := e.letters(lettered.ID, sub.ID).Letters[0]
	dpo := func(code int) want { return want{policy.RoleDPO: code} }
	dpoAud := want{policy.RoleDPO: 200, policy.RoleAuditor: 200}
	reported := signedIn(http.StatusOK) // others stay on the form with a confirmation
	reported[policy.RoleDPO], reported[policy.RoleAuditor] = http.StatusSeeOther, http.StatusSeeOther
	return []matrixRow{
		{method: "GET", pattern: "/requests", path: "/requests", want: dpo(200)},
		{method: "POST", pattern: "/requests", path: "/requests", form: func(policy.Role) url.Values {
			return url.Values{"type": {"access"}, "channel": {"letter"}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "GET", pattern: "/requests/{id}", path: "/requests/" + access.ID, want: dpo(200)},
		{method: "POST", pattern: "/requests/{id}", path: "/requests/" + access.ID, form: func(policy.Role) url.Values {
			return url.Values{"step": {"link"}, "subject_id": {sub.ID}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "POST", pattern: "/requests/{id}/search", path: "/requests/" + access.ID + "/search", form: func(policy.Role) url.Values {
			return url.Values{"email": {sub.Emails[0]}}
		}, want: dpo(200)},
		{method: "GET", pattern: "/requests/{id}/discovery", path: "/requests/" + access.ID + "/discovery", want: dpo(200)},
		{method: "GET", pattern: "/requests/{id}/export", path: "/requests/" + access.ID + "/export", want: dpo(200)},
		{method: "GET", pattern: "/requests/{id}/erasure", path: "/requests/" + erasure.ID + "/erasure", want: dpo(200)},
		{method: "POST", pattern: "/requests/{id}/erasure", path: "/requests/" + erasure.ID + "/erasure", want: dpo(200)},
		{method: "GET", pattern: "/incidents", path: "/incidents", want: dpoAud},
		{method: "GET", pattern: "/incidents/new", path: "/incidents/new", want: signedIn(200)},
		{method: "POST", pattern: "/incidents", path: "/incidents", form: func(policy.Role) url.Values {
			return url.Values{"description": {"A laptop was lost on a train."}, "risk": {"risk"}}
		}, want: reported},
		{method: "POST", pattern: "/incidents/{id}", path: "/incidents/" + inc.ID, form: func(policy.Role) url.Values {
			return url.Values{"step": {"risk"}, "risk": {"high"}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "GET", pattern: "/incidents/{id}", path: "/incidents/" + inc.ID, want: dpo(200)},
		{method: "POST", pattern: "/incidents/{id}/search", path: "/incidents/" + inc.ID + "/search", form: func(policy.Role) url.Values {
			return url.Values{"customer_number": {sub.CustomerNumber}}
		}, want: dpo(200)},
		{method: "POST", pattern: "/incidents/{id}/subjects", path: "/incidents/" + inc.ID + "/subjects", form: func(policy.Role) url.Values {
			return url.Values{"subject_id": {sub.ID}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "POST", pattern: "/incidents/{id}/letters", path: "/incidents/" + toExempt.ID + "/letters", form: func(policy.Role) url.Values {
			return url.Values{"mode": {"exempt"}, "exemption.ground": {"protected"}, "exemption.reason": {"The laptop's disk was encrypted and the key was not on it."}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "POST", pattern: "/incidents/{id}/letters/sent", path: "/incidents/" + lettered.ID + "/letters/sent", form: func(policy.Role) url.Values {
			return url.Values{"letter": {letter.ID}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "GET", pattern: "/disclosures", path: "/disclosures?subject_id=" + sub.ID, want: dpoAud},
		{method: "GET", pattern: "/disclosures/new", path: "/disclosures/new?subject_id=" + sub.ID, want: dpo(200)},
		{method: "POST", pattern: "/disclosures", path: "/disclosures", form: func(policy.Role) url.Values {
			return url.Values{"subject_id": {sub.ID}, "recipient": {"Kela"}, "legal_basis": {"Laki Kansaneläkelaitoksesta 731/2001"},
				"categories": {"yhteystiedot"}, "verification": {"callback_official_number"}}
		}, want: dpo(http.StatusSeeOther)},
		{method: "GET", pattern: "/retention", path: "/retention", want: want{policy.RoleSupervisor: 200, policy.RoleDPO: 200, policy.RoleAdmin: 200, policy.RoleAuditor: 200}},
		{method: "GET", pattern: "/audit", path: "/audit", want: dpoAud},
		{method: "GET", pattern: "/notice", path: "/notice", want: want{policy.RoleDPO: 200, policy.RoleAdmin: 200}},
	}
}

var rowClass = regexp.MustCompile(`<tr class="([a-z]*)" data-request="([0-9A-Za-z]+)"`)

// TestRequestQueue: the queue lists open requests by deadline, the overdue
// first and marked in red with how late they are, the near-due marked.
func TestRequestQueue(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	later := e.dsr("access", "", now.AddDate(0, 0, -1), false)
	overdue := e.dsr("erasure", "", now.AddDate(0, -1, -5), false)
	near := e.dsr("access", "", now.AddDate(0, 0, -27), false)
	c := e.login(policy.RoleDPO)
	code, body := c.get("/requests")
	if code != 200 {
		t.Fatalf("queue: got %d", code)
	}
	var order, classes []string
	for _, m := range rowClass.FindAllStringSubmatch(body, -1) {
		classes, order = append(classes, m[1]), append(order, m[2])
	}
	for _, tc := range []struct {
		name      string
		id        string
		pos       int
		wantClass string
	}{
		{"OverdueFirstAndRed", overdue.ID, 0, "overdue"},
		{"NearDueNextAndMarked", near.ID, 1, "near"},
		{"OthersByDeadlineUnmarked", later.ID, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(order) != 3 {
				t.Fatalf("got %d rows, want 3", len(order))
			}
			if order[tc.pos] != tc.id || classes[tc.pos] != tc.wantClass {
				t.Fatalf("row %d: got %s class %q, want %s class %q", tc.pos, order[tc.pos], classes[tc.pos], tc.id, tc.wantClass)
			}
		})
	}
	t.Run("OverdueSaysHowLate", func(t *testing.T) {
		if !strings.Contains(body, "myöhässä 5 pv") {
			t.Fatal("the overdue request does not say it is 5 days late")
		}
	})
}

// TestRequestSteps: nothing is disclosed before the identity is verified;
// verification records the method; the export is a ZIP with data.json and
// is audited.
func TestRequestSteps(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	e.callNote(sub.ID)
	req := e.dsr("access", sub.ID, time.Now(), false)
	c := e.login(policy.RoleDPO)
	base := "/requests/" + req.ID
	t.Run("NoDiscoveryBeforeVerification", func(t *testing.T) {
		if code, _ := c.get(base + "/discovery"); code != http.StatusConflict {
			t.Fatalf("got %d, want 409", code)
		}
	})
	t.Run("NoExportBeforeVerification", func(t *testing.T) {
		code, body := c.get(base + "/export")
		if code != http.StatusConflict || strings.HasPrefix(body, "PK") {
			t.Fatalf("got %d, want 409 and no ZIP", code)
		}
	})
	t.Run("NoStartBeforeVerification", func(t *testing.T) {
		c.get(base)
		code, body := c.post(base, url.Values{"step": {"start"}})
		if code != http.StatusConflict || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("got %d, want 409 shown on the request page", code)
		}
	})
	t.Run("VerificationRecordsTheMethod", func(t *testing.T) {
		c.get(base)
		if code, _ := c.post(base, url.Values{"step": {"verify"}, "method": {"id_document_in_person"}, "note": {"passport"}}); code != http.StatusSeeOther {
			t.Fatalf("verify: got %d, want 303", code)
		}
		r, err := e.db.Request(t.Context(), req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Verification == nil || r.Verification.Method != "id_document_in_person" || r.Verification.VerifiedBy != e.users[policy.RoleDPO].ID {
			t.Fatalf("got verification %+v, want id_document_in_person by the DPO", r.Verification)
		}
	})
	t.Run("StartMovesToInProgress", func(t *testing.T) {
		if code, _ := c.post(base, url.Values{"step": {"start"}}); code != http.StatusSeeOther {
			t.Fatalf("start: got %d, want 303", code)
		}
		if _, body := c.get(base); !strings.Contains(body, "Käsittelyssä") {
			t.Fatal("the request page does not show the state in progress")
		}
	})
	t.Run("DiscoveryListsTheContact", func(t *testing.T) {
		code, body := c.get(base + "/discovery")
		if code != 200 || !strings.Contains(body, "Työnhaun ilmoitus") {
			t.Fatalf("got %d, want the subject's call listed", code)
		}
		if sub.IdentityCode != "" && strings.Contains(body, sub.IdentityCode) {
			t.Fatal("discovery shows the identity code whole")
		}
	})
	t.Run("ExportIsZIPWithDataJSON", func(t *testing.T) {
		code, body := c.get(base + "/export?lang=sv")
		if code != 200 {
			t.Fatalf("export: got %d", code)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatalf("not a ZIP: %v", err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if !strings.Contains(strings.Join(names, " "), "data.json") {
			t.Fatalf("ZIP holds %v, want data.json", names)
		}
	})
	t.Run("ExportIsAudited", func(t *testing.T) {
		evs, err := e.svc.AuditEvents(e.dpoCtx(), kirjaamo.AuditFilter{Action: kirjaamo.ActionExport, RecordID: req.ID})
		if err != nil || len(evs) == 0 {
			t.Fatalf("got %d export events (%v), want 1", len(evs), err)
		}
	})
	t.Run("LogsCarryNoPersonalData", func(t *testing.T) {
		logs := e.logs.String()
		for _, v := range []string{sub.LastName, sub.IdentityCode} {
			if v != "" && strings.Contains(logs, v) {
				t.Fatal("the server log holds the subject's personal data")
			}
		}
	})
}

// TestErasureView: the preview decides nothing and shows the letter in the
// chosen language; deciding erases and shows the letter to send.
func TestErasureView(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	e.callNote(sub.ID)
	req := e.dsr("erasure", sub.ID, time.Now(), true)
	c := e.login(policy.RoleDPO)
	base := "/requests/" + req.ID + "/erasure"
	t.Run("PreviewDecidesNothing", func(t *testing.T) {
		code, body := c.get(base + "?lang=en")
		if code != 200 || !strings.Contains(body, "Decision on your request to erase data") {
			t.Fatalf("got %d, want the English letter", code)
		}
		r, _ := e.db.Request(t.Context(), req.ID)
		if r.State != kirjaamo.StateVerified {
			t.Fatalf("after a preview the request is %s, want %s", r.State, kirjaamo.StateVerified)
		}
	})
	t.Run("DecidingErasesAndShowsTheLetter", func(t *testing.T) {
		code, body := c.post(base, url.Values{"lang": {"sv"}})
		if code != 200 || !strings.Contains(body, "Beslut om begäran om radering") {
			t.Fatalf("got %d, want the Swedish letter", code)
		}
		r, _ := e.db.Request(t.Context(), req.ID)
		if r.State != kirjaamo.StateDecided {
			t.Fatalf("after deciding the request is %s, want %s", r.State, kirjaamo.StateDecided)
		}
	})
	t.Run("DecidedOnceOnly", func(t *testing.T) {
		if code, _ := c.post(base, url.Values{"lang": {"fi"}}); code != http.StatusConflict {
			t.Fatalf("second decision: got %d, want 409", code)
		}
	})
}

// TestIncidentClock: the register shows the time left to notify the
// Ombudsman within 72 hours of discovery, and how late an overdue one is.
func TestIncidentClock(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	fresh := e.incident(now.Add(-10*time.Hour-time.Minute), "risk")
	late := e.incident(now.Add(-75*time.Hour-time.Minute), "high")
	quiet := e.incident(now.Add(-100*time.Hour), "none")
	c := e.login(policy.RoleDPO)
	c.get("/lang/en?next=/")
	_, body := c.get("/incidents")
	for _, tc := range []struct{ name, id, want string }{
		{"TimeLeftWithin72Hours", fresh.ID, "61 h left"},
		{"OverdueAfter72Hours", late.ID, "OVERDUE by 3 h"},
		{"NoRiskNeedsNoNotice", quiet.ID, "No notice needed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := strings.Index(body, `data-incident="`+tc.id+`"`)
			if i < 0 {
				t.Fatal("incident not listed")
			}
			row := body[i:]
			row = row[:strings.Index(row, "</tr>")]
			if !strings.Contains(row, tc.want) {
				t.Fatalf("row does not say %q", tc.want)
			}
		})
	}
	t.Run("HighRiskClosesOnlyAfterTellingThePeople", func(t *testing.T) {
		code, body := c.post("/incidents/"+late.ID, url.Values{"step": {"closed"}})
		if code != http.StatusConflict || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `data-incident="`+late.ID+`"`) {
			t.Fatalf("got %d, want 409 shown above the register", code)
		}
	})
	t.Run("NotifyingStopsTheClock", func(t *testing.T) {
		if code, _ := c.post("/incidents/"+late.ID, url.Values{"step": {"authority"}}); code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303", code)
		}
		_, body := c.get("/incidents")
		i := strings.Index(body, `data-incident="`+late.ID+`"`)
		if strings.Contains(body[i:i+strings.Index(body[i:], "</tr>")], "OVERDUE") {
			t.Fatal("still overdue after the Ombudsman was notified")
		}
	})
	t.Run("PersonalDataInTheDescriptionIsRefused", func(t *testing.T) {
		a := e.login(policy.RoleAgent)
		a.get("/incidents/new")
		code, body := a.post("/incidents", url.Values{"description": {"Letter to " + e.gen.Person().Emails[0]}, "risk": {"risk"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `<textarea id="description"`) {
			t.Fatalf("got %d, want 400 with the form kept", code)
		}
	})
}

// TestRetentionView: the forecast lists per register what the coming 30
// days delete.
func TestRetentionView(t *testing.T) {
	e := newEnv(t)
	e.callNote(e.person().ID)
	c := e.login(policy.RoleSupervisor)
	code, body := c.get("/retention")
	if code != 200 || !strings.Contains(body, "Tulevat poistot") || !strings.Contains(body, "Viimeisimmät poistot") {
		t.Fatalf("got %d, want the forecast and the deletion log", code)
	}
}

// TestAuditView: the auditor filters the log and verifies the chain, which
// names the event where it breaks.
func TestAuditView(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	e.callNote(sub.ID)
	c := e.login(policy.RoleAuditor)
	c.get("/lang/en?next=/")
	t.Run("FilterBySubject", func(t *testing.T) {
		_, body := c.get("/audit?subject_id=" + sub.ID)
		if n := strings.Count(body, "<tr data-seq="); n != 2 {
			t.Fatalf("got %d events of the subject, want 2 (created, contact)", n)
		}
	})
	t.Run("FilterByUsername", func(t *testing.T) {
		_, body := c.get("/audit?actor=user.agent")
		if n := strings.Count(body, "<tr data-seq="); n != 2 {
			t.Fatalf("got %d events by the agent, want 2", n)
		}
	})
	t.Run("UnknownUsernameIsNotFound", func(t *testing.T) {
		if code, _ := c.get("/audit?actor=no.such.user"); code != http.StatusNotFound {
			t.Fatalf("got %d, want 404", code)
		}
	})
	t.Run("IntactChainIsVerified", func(t *testing.T) {
		_, body := c.get("/audit?verify=1")
		if !regexp.MustCompile(`The chain is intact: verified up to event \d+`).MatchString(body) {
			t.Fatal("no intact-chain status")
		}
	})
	t.Run("AlteredEventBreaksTheChainThere", func(t *testing.T) {
		// The log is append-only in the database: the attacker drops the
		// trigger first.
		for _, stmt := range []string{"DROP TRIGGER audit_events_no_update", "UPDATE audit_events SET purpose = 'x' WHERE seq = 2"} {
			if _, err := e.db.Writer().Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		_, body := c.get("/audit?verify=1")
		if !strings.Contains(body, "The chain is broken at event 2 (intact up to event 1)") {
			t.Fatal("no broken-chain status naming event 2")
		}
	})
}

// TestAuditPaging: the unfiltered log opens at its newest page, newest
// first, with a link to older events.
func TestAuditPaging(t *testing.T) {
	e := newEnv(t)
	ctx := kirjaamo.WithAccess(t.Context(), e.as(policy.RoleSupervisor, "test data"))
	for range 120 {
		if err := e.svc.CreateSubject(ctx, e.gen.Person()); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login(policy.RoleAuditor)
	_, body := c.get("/audit")
	seqs := regexp.MustCompile(`<tr data-seq="(\d+)"`).FindAllStringSubmatch(body, -1)
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"NewestFirst", seqs[0][1], "120"},
		{"OnePage", strconv.Itoa(len(seqs)), "100"},
		{"OldestOnThePage", seqs[len(seqs)-1][1], "21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	t.Run("LinkToOlder", func(t *testing.T) {
		if !strings.Contains(body, `href="/audit?after=0"`) {
			t.Fatal("no link to the older events")
		}
	})
}

// TestNoticePreview: the notice renders in each language inside the page,
// without its inline style (the CSP allows none).
func TestNoticePreview(t *testing.T) {
	e := newEnv(t)
	c := e.login(policy.RoleDPO)
	for _, tc := range []struct{ lang, want string }{
		{"fi", "TE-asiakaspalvelukeskuksen tietosuojaseloste"},
		{"sv", "TE-kundservicecentrets dataskyddsbeskrivning"},
		{"en", "Privacy notice of the TE Customer Service Centre"},
	} {
		t.Run(strings.ToUpper(tc.lang[:1])+tc.lang[1:], func(t *testing.T) {
			code, body := c.get("/notice?lang=" + tc.lang)
			if code != 200 || !strings.Contains(body, `<article class="notice-preview" lang="`+tc.lang+`"`) || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d, want the %s notice", code, tc.lang)
			}
			if strings.Contains(body, "<style>") {
				t.Fatal("the preview carries the notice's inline style")
			}
		})
	}
}
