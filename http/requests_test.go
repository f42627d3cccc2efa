package http_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// An access request from receipt to decision (seeds 000 §1, 002, 004): the
// identity is verified before anything is disclosed, discovery finds the
// subject's record, linked contacts, a transcript that only mentions their
// e-mail, the disclosures of their data and the breaches that affected them,
// and nothing of another subject;
// a refusal needs reasons.
func TestAccessRequestEndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		other := e.newPerson(policy.RoleAgent)
		call := e.newCall(policy.RoleAgent, subj.ID)
		e.newCall(policy.RoleAgent, other.ID)
		text := "Asiakas pyysi vastausta osoitteeseen " + subj.Emails[0] + "."
		var mention kirjaamo.Contact
		if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindEmail, Content: &text}, &mention); code != 201 {
			t.Fatalf("create e-mail contact: %d", code)
		}
		dpo := policy.RoleDPO
		disclosure := kirjaamo.Disclosure{SubjectID: subj.ID, Recipient: "Kela", LegalBasis: "Laki Kansaneläkelaitoksesta", Categories: []string{"yhteystiedot"}, Verification: "callback_official_number"}
		if code := e.do(dpo, "POST", "/api/v1/disclosures", disclosure, nil); code != 201 {
			t.Fatalf("log a disclosure: %d", code)
		}
		var incident kirjaamo.Incident
		if code := e.do(policy.RoleAgent, "POST", "/api/v1/incidents", kirjaamo.Incident{Description: "Asiakasluettelo lähti sähköpostilla väärälle vastaanottajalle.",
			Categories: []string{"yhteystiedot"}, Risk: "high"}, &incident); code != 201 {
			t.Fatalf("report incident: %d", code)
		}
		if code := e.do(dpo, "POST", "/api/v1/incidents/"+incident.ID+"/subjects", khttp.IncidentSubjectsRequest{SubjectIDs: []string{subj.ID}}, nil); code != 200 {
			t.Fatalf("link the subject to the incident: %d", code)
		}
		var req kirjaamo.Request
		received := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		if code := e.do(dpo, "POST", "/api/v1/requests", khttp.NewRequest{Type: "access", SubjectID: subj.ID, Channel: "signed letter", ReceivedAt: received}, &req); code != 201 {
			t.Fatalf("create request: %d", code)
		}
		if req.State != kirjaamo.StateReceived || !req.DueAt.After(req.ReceivedAt.AddDate(0, 0, 27)) {
			t.Fatalf("got %+v", req)
		}
		var errBody khttp.ErrorBody
		if code := e.do(dpo, "GET", "/api/v1/requests/"+req.ID+"/discovery", nil, &errBody); code != 409 || !strings.Contains(errBody.Error.Message, "verified") {
			t.Fatalf("discovery before verification: got %d %+v, want 409", code, errBody.Error)
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Decision: "fulfilled"}, &errBody); code != 409 {
			t.Fatalf("decision before verification: got %d, want 409", code)
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}}, &req); code != 200 || req.State != kirjaamo.StateVerified {
			t.Fatalf("verify: got %d %s", code, req.State)
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{ExtendMonths: 3, ExtensionReason: "laaja"}, &errBody); code != 400 || errBody.Error.Field != "extend_months" {
			t.Fatalf("extension past two months: got %d %+v", code, errBody.Error)
		}
		var d kirjaamo.Discovery
		if code := e.do(dpo, "GET", "/api/v1/requests/"+req.ID+"/discovery", nil, &d); code != 200 {
			t.Fatalf("discovery: %d", code)
		}
		if d.Subject == nil || d.Subject.ID != subj.ID || d.Subject.IdentityCode != subj.IdentityCode {
			t.Fatalf("discovery misses the subject record")
		}
		if len(d.Contacts) != 1 || d.Contacts[0].ID != call.ID {
			t.Fatalf("got %d linked contacts, want the subject's call only", len(d.Contacts))
		}
		if len(d.Mentions) != 1 || d.Mentions[0].ID != mention.ID {
			t.Fatalf("got %d mentions, want the e-mail that only mentions the subject", len(d.Mentions))
		}
		// Art. 15(1)(c): the recipients the data was disclosed to.
		if len(d.Disclosures) != 1 || d.Disclosures[0].Recipient != "Kela" {
			t.Fatalf("got %d disclosures, want the one logged", len(d.Disclosures))
		}
		// Art. 34: the breaches the person was affected by.
		if len(d.Incidents) != 1 || d.Incidents[0].ID != incident.ID {
			t.Fatalf("got %d incidents, want the one the subject is linked to", len(d.Incidents))
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Decision: "refused"}, &errBody); code != 400 || errBody.Error.Field != "decision_reason" {
			t.Fatalf("refusal without reasons: got %d %+v", code, errBody.Error)
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Decision: "fulfilled"}, &req); code != 200 || req.State != kirjaamo.StateDecided {
			t.Fatalf("decide: %d %s", code, req.State)
		}
		if code := e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Close: true}, &req); code != 200 || req.State != kirjaamo.StateClosed {
			t.Fatalf("close: %d %s", code, req.State)
		}
		// The discovery's reads are in the subject's consultation log, with
		// the request as their purpose.
		found := false
		for _, ev := range e.auditFor(subj.ID) {
			found = found || strings.Contains(ev.Purpose, req.ID)
		}
		if !found {
			t.Fatal("discovery reads not audited with the request as purpose")
		}
	})
}
