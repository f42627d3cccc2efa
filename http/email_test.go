package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// Seed 000 §3: an e-mail with an identity code is stored without it,
// flagged, and answered with a reply that removes the content and points
// to the secure channel; a draft containing one may not be sent.
func TestEmailGuard(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		g := synth.New(5)
		code := g.IdentityCode(g.BirthDate())
		raw := "From: Asiakas <" + g.Email() + ">\r\nTo: palvelu@example.com\r\nSubject: Hakemus\r\nDate: Mon, 23 Nov 2026 10:00:00 +0200\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nHei, henkilötunnukseni on " + code + ". Milloin päätös tulee?\r\n"
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/emails", strings.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+e.tokens[policy.RoleAgent])
		req.Header.Set("Content-Type", "message/rfc822")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var in khttp.EmailIntake
		json.Unmarshal(b, &in)
		if resp.StatusCode != 201 || in.Contact == nil {
			t.Fatalf("got %d %s", resp.StatusCode, b)
		}
		if strings.Contains(*in.Contact.Content, code) || bytes.Contains(b, []byte(code)) {
			t.Fatal("the identity code was stored or returned")
		}
		if len(in.Contact.Flags.Found) == 0 || in.Reply == nil || in.Reply.Lang != "fi" || in.Reply.Text == "" {
			t.Fatalf("got flags %+v reply %+v; want flagged and a Finnish reply", in.Contact.Flags, in.Reply)
		}
		var stored kirjaamo.Contact
		e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+in.Contact.ID, nil, &stored)
		if strings.Contains(*stored.Content, code) {
			t.Fatal("the stored e-mail holds the identity code")
		}
		var errBody khttp.ErrorBody
		if got := e.do(policy.RoleAgent, "POST", "/api/v1/emails/outbound-check", khttp.OutboundCheckRequest{Text: "Tunnuksesi on " + code}, &errBody); got != 422 || !strings.Contains(errBody.Error.Message, "fi_personal_identity_code") {
			t.Fatalf("outbound draft with a code: got %d %+v, want 422 naming it", got, errBody.Error)
		}
		var ok khttp.OutboundCheckResult
		if got := e.do(policy.RoleAgent, "POST", "/api/v1/emails/outbound-check", khttp.OutboundCheckRequest{Text: "Päätös on tehty."}, &ok); got != 200 || !ok.OK {
			t.Fatalf("clean draft: got %d", got)
		}
	})
}

// Seed 000 §3 and GDPR art. 19: disclosures are logged with how the
// recipient was verified, and a rectification notifies every recipient.
func TestDisclosureAndRectificationNotice(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	subj := e.newPerson(policy.RoleAgent)
	d := kirjaamo.Disclosure{SubjectID: subj.ID, Recipient: "Kela", LegalBasis: "Laki Kansaneläkelaitoksesta", Categories: []string{"yhteystiedot"}, Verification: "callback_official_number"}
	if got := e.do(policy.RoleDPO, "POST", "/api/v1/disclosures", d, nil); got != 201 {
		t.Fatalf("disclosure: %d", got)
	}
	d.Verification = "trust_me"
	if got := e.do(policy.RoleDPO, "POST", "/api/v1/disclosures", d, nil); got != 400 {
		t.Fatalf("unverified disclosure: got %d, want 400", got)
	}
	if got := e.do(policy.RoleAgent, "PATCH", "/api/v1/subjects/"+subj.ID, map[string]any{"phones": []string{"040 000 0001"}}, nil); got != 200 {
		t.Fatalf("rectify: %d", got)
	}
	var out khttp.NotificationList
	e.do(policy.RoleDPO, "GET", "/api/v1/notifications?pending=true", nil, &out)
	if len(out.Notifications) != 1 || out.Notifications[0].Recipient != "Kela" || !strings.Contains(out.Notifications[0].Text, "phones") {
		t.Fatalf("got %+v, want one notification to Kela naming the field", out.Notifications)
	}
	if strings.Contains(out.Notifications[0].Text, "040") {
		t.Fatal("the notification quotes the new value")
	}
}

// Seed 000 §5, GDPR art. 33: an incident is reported at once; the
// authority is notified within 72 hours of discovery before it can close.
func TestIncidentSeventyTwoHours(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	var in kirjaamo.Incident
	if got := e.do(policy.RoleAgent, "POST", "/api/v1/incidents", kirjaamo.Incident{Description: "Asiakirja jäi yhteiskäyttötilaan.", AffectedSubjects: 3, Risk: "high"}, &in); got != 201 {
		t.Fatalf("report: %d", got)
	}
	if d := in.NotifyBy.Sub(in.DiscoveredAt); d != 72*time.Hour {
		t.Fatalf("got a %v clock, want 72h", d)
	}
	if got := e.do(policy.RoleAgent, "POST", "/api/v1/incidents", kirjaamo.Incident{Description: "Tunnus " + synth.New(1).Email() + " vuoti."}, nil); got != 400 {
		t.Fatalf("an incident description with personal data: got %d, want 400", got)
	}
	var errBody khttp.ErrorBody
	if got := e.do(policy.RoleDPO, "PATCH", "/api/v1/incidents/"+in.ID, kirjaamo.IncidentChange{Close: true}, &errBody); got != 409 {
		t.Fatalf("closing before notifying: got %d", got)
	}
	now := time.Now()
	if got := e.do(policy.RoleDPO, "PATCH", "/api/v1/incidents/"+in.ID, kirjaamo.IncidentChange{AuthorityNotifiedAt: &now, SubjectsNotifiedAt: &now, Close: true}, &in); got != 200 || !in.Closed {
		t.Fatalf("close after notifying: got %d %+v", got, in)
	}
}

// Seed 000 §2: "answering a data request is effortless if all the
// customer's data is in one system" — an e-mail from a known customer's
// address is linked to that customer at intake; an unknown address, or one
// two customers share, leaves it unlinked for an agent to decide.
func TestEmailLinkedToSender(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		known := e.newPerson(policy.RoleAgent)
		shared := e.gen.Email()
		for range 2 {
			p := e.gen.Person()
			p.Emails = []string{shared}
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/subjects", personBody(p), nil, "X-Purpose", "asiakkuuden hoito"); code != 201 {
				t.Fatalf("create subject: got %d", code)
			}
		}
		for _, tc := range []struct {
			name, from string
			want       []string
		}{
			{"KnownSenderLinked", known.Emails[0], []string{known.ID}},
			{"UnknownSenderUnlinked", e.gen.Email(), nil},
			{"SharedAddressUnlinked", shared, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				raw := "From: <" + tc.from + ">\r\nTo: palvelu@example.com\r\nSubject: Kysymys\r\n" +
					"Content-Type: text/plain; charset=utf-8\r\n\r\nMilloin laskuni erääntyy?\r\n"
				req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/emails", strings.NewReader(raw))
				req.Header.Set("Authorization", "Bearer "+e.tokens[policy.RoleAgent])
				req.Header.Set("Content-Type", "message/rfc822")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var in khttp.EmailIntake
				json.NewDecoder(resp.Body).Decode(&in)
				resp.Body.Close()
				if resp.StatusCode != 201 || in.Contact == nil {
					t.Fatalf("got %d", resp.StatusCode)
				}
				if !slices.Equal(in.Contact.SubjectIDs, tc.want) {
					t.Fatalf("linked to %v, want %v", in.Contact.SubjectIDs, tc.want)
				}
			})
		}
	})
}
