package http_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

func breachTexts(t *testing.T) kirjaamo.LetterRequest {
	t.Helper()
	b, err := os.ReadFile("../examples/breach-letter-texts.json")
	if err != nil {
		t.Fatal(err)
	}
	var req kirjaamo.LetterRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	return req
}

// GDPR art. 34 and seed 000 §5: a high-risk breach is told to every
// affected person in their language (fi, sv, en), from the incident's
// linked subjects, through the outbox, each letter once; the letters name
// no one; art. 34(3) exemptions are recorded decisions with a reason; the
// incident records the people as told when the last letter is sent.
func TestBreachLetters(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		texts := breachTexts(t)
		people := map[string]*kirjaamo.Subject{}
		var ids []string
		for _, lang := range []string{"fi", "sv", "en", ""} { // "" is written to in Finnish
			p := e.gen.Person()
			body := personBody(p)
			body.Lang = lang
			var got kirjaamo.Subject
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/subjects", body, &got, "X-Purpose", "asiakkuuden hoito"); code != 201 {
				t.Fatalf("create subject: got %d", code)
			}
			got.FirstName, got.LastName, got.Emails = p.FirstName, p.LastName, p.Emails
			people[got.ID], ids = &got, append(ids, got.ID)
		}
		report := func(risk string) *kirjaamo.Incident {
			var i kirjaamo.Incident
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/incidents", kirjaamo.Incident{Description: "Asiakasluettelo lähti sähköpostilla väärälle vastaanottajalle.",
				Categories: []string{"yhteystiedot"}, Risk: risk}, &i); code != 201 {
				t.Fatalf("report incident: got %d", code)
			}
			return &i
		}
		letters := func(id string, req any, want int) (*kirjaamo.LetterBatch, *khttp.ErrorBody) {
			t.Helper()
			var b kirjaamo.LetterBatch
			var eb khttp.ErrorBody
			out := any(&b)
			if want >= 400 {
				out = &eb
			}
			if code := e.do(policy.RoleDPO, "POST", "/api/v1/incidents/"+id+"/letters", req, out); code != want {
				t.Fatalf("letters: got %d (%s), want %d", code, eb.Error.Message, want)
			}
			return &b, &eb
		}

		high := report("high")
		t.Run("NoLettersBeforeSubjectsAreLinked", func(t *testing.T) {
			letters(high.ID, texts, 409)
		})
		var linked kirjaamo.Incident
		if code := e.do(policy.RoleDPO, "POST", "/api/v1/incidents/"+high.ID+"/subjects", khttp.IncidentSubjectsRequest{SubjectIDs: append(ids, ids[0])}, &linked); code != 200 {
			t.Fatalf("link subjects: got %d", code)
		}
		t.Run("LinkedSubjectsCounted", func(t *testing.T) {
			var list khttp.IncidentSubjectList
			e.do(policy.RoleDPO, "GET", "/api/v1/incidents/"+high.ID+"/subjects", nil, &list)
			if len(list.SubjectIDs) != 4 || linked.AffectedSubjects != 4 {
				t.Fatalf("got %d linked, %d affected; want 4, 4", len(list.SubjectIDs), linked.AffectedSubjects)
			}
		})
		t.Run("LinkUnknownSubjectNotFound", func(t *testing.T) {
			var eb khttp.ErrorBody
			if code := e.do(policy.RoleDPO, "POST", "/api/v1/incidents/"+high.ID+"/subjects", khttp.IncidentSubjectsRequest{SubjectIDs: []string{kirjaamo.NewID(time.Now())}}, &eb); code != 404 || eb.Error.Field != "subject_ids" {
				t.Fatalf("got %d field %q, want 404 subject_ids", code, eb.Error.Field)
			}
		})
		t.Run("TextMissingForALanguageOfAnAffectedPerson", func(t *testing.T) {
			partial := kirjaamo.LetterRequest{Texts: map[string]kirjaamo.LetterText{"fi": texts.Texts["fi"], "en": texts.Texts["en"]}}
			_, eb := letters(high.ID, partial, 400)
			if eb.Error.Field != "texts.sv" {
				t.Fatalf("got field %q, want texts.sv", eb.Error.Field)
			}
		})
		t.Run("TextWithPersonalDataRefused", func(t *testing.T) {
			bad := breachTexts(t)
			fi := bad.Texts["fi"]
			fi.Advice = "Soita numeroon 040 123 4567."
			bad.Texts["fi"] = fi
			_, eb := letters(high.ID, bad, 400)
			if eb.Error.Field != "texts.fi.advice" {
				t.Fatalf("got field %q, want texts.fi.advice", eb.Error.Field)
			}
		})
		b, _ := letters(high.ID, texts, 201)
		t.Run("OneLetterPerPersonInTheirLanguage", func(t *testing.T) {
			if len(b.Letters) != 4 || b.ByLang["fi"] != 2 || b.ByLang["sv"] != 1 || b.ByLang["en"] != 1 {
				t.Fatalf("got %d letters %v, want 4: fi 2, sv 1, en 1", len(b.Letters), b.ByLang)
			}
			heads := map[string]string{"fi": "Mitä tapahtui", "sv": "Vad hände", "en": "What happened"}
			for _, l := range b.Letters {
				want := people[l.SubjectID].Language()
				if l.Lang != want || !strings.Contains(l.Text, heads[want]) || l.Kind != kirjaamo.NotificationBreach || l.IncidentID != high.ID {
					t.Errorf("letter to a %s reader: lang %s, kind %s", want, l.Lang, l.Kind)
				}
			}
		})
		t.Run("LettersNameNoOne", func(t *testing.T) {
			for _, l := range b.Letters {
				for _, p := range people {
					for _, v := range append([]string{p.FirstName, p.LastName}, p.Emails...) {
						if strings.Contains(l.Text, v) {
							t.Fatalf("a letter contains an affected person's identifier")
						}
					}
				}
			}
		})
		t.Run("WrittenOnce", func(t *testing.T) {
			again, _ := letters(high.ID, texts, 201)
			if len(again.Letters) != 0 || again.Skipped != 4 {
				t.Fatalf("second run: %d letters, %d skipped; want 0, 4", len(again.Letters), again.Skipped)
			}
		})
		t.Run("ReadsAudited", func(t *testing.T) {
			var list khttp.AuditList
			e.do(policy.RoleAuditor, "GET", "/api/v1/audit?subject_id="+ids[1], nil, &list)
			found := false
			for _, ev := range list.Events {
				found = found || strings.Contains(ev.Purpose, "breach notification, incident "+high.ID)
			}
			if !found {
				t.Fatalf("no audited read with the incident as its purpose in the subject's log (%d events)", len(list.Events))
			}
		})
		t.Run("SentLettersMarkThePeopleTold", func(t *testing.T) {
			var list khttp.NotificationList
			e.do(policy.RoleDPO, "GET", "/api/v1/incidents/"+high.ID+"/letters", nil, &list)
			if len(list.Notifications) != 4 {
				t.Fatalf("got %d letters in the outbox, want 4", len(list.Notifications))
			}
			for k, n := range list.Notifications {
				var sent kirjaamo.Notification
				if code := e.do(policy.RoleDPO, "POST", "/api/v1/notifications/"+n.ID+"/sent", nil, &sent); code != 200 || sent.SentAt == nil {
					t.Fatalf("mark sent: got %d", code)
				}
				var is khttp.IncidentList
				e.do(policy.RoleDPO, "GET", "/api/v1/incidents", nil, &is)
				for _, i := range is.Incidents {
					if i.ID == high.ID && (i.SubjectsNotified != nil) != (k == len(list.Notifications)-1) {
						t.Fatalf("after %d of %d letters sent: subjects_notified_at set %v", k+1, len(list.Notifications), i.SubjectsNotified != nil)
					}
				}
			}
			if code := e.do(policy.RoleDPO, "POST", "/api/v1/notifications/"+list.Notifications[0].ID+"/sent", nil, nil); code != 409 {
				t.Fatalf("marking a sent letter again: got %d, want 409", code)
			}
		})
		t.Run("NotHighRiskNoLetters", func(t *testing.T) {
			letters(report("risk").ID, texts, 409)
		})
		t.Run("ExemptionRecordedWithReason", func(t *testing.T) {
			enc := report("high")
			_, eb := letters(enc.ID, kirjaamo.LetterRequest{Exemption: &kirjaamo.BreachExemption{Ground: "too_busy", Reason: "x"}}, 400)
			if eb.Error.Field != "exemption.ground" {
				t.Fatalf("got field %q, want exemption.ground", eb.Error.Field)
			}
			letters(enc.ID, kirjaamo.LetterRequest{Exemption: &kirjaamo.BreachExemption{Ground: kirjaamo.ExemptProtected}}, 400)
			x, _ := letters(enc.ID, kirjaamo.LetterRequest{Exemption: &kirjaamo.BreachExemption{Ground: kirjaamo.ExemptProtected,
				Reason: "Kadonneen kannettavan levy oli salattu (AES-256), eikä avain ollut laitteessa."}}, 201)
			if x.Exemption == nil || x.Exemption.DecidedBy != e.users[policy.RoleDPO].ID || len(x.Letters) != 0 {
				t.Fatalf("exemption not recorded: %+v", x)
			}
			letters(enc.ID, texts, 409) // decided: no letters after an exemption
			now := time.Now().UTC()
			var closed kirjaamo.Incident
			if code := e.do(policy.RoleDPO, "PATCH", "/api/v1/incidents/"+enc.ID, kirjaamo.IncidentChange{AuthorityNotifiedAt: &now, Close: true}, &closed); code != 200 || !closed.Closed || closed.Exemption == nil {
				t.Fatalf("closing an exempt high-risk incident: got %d", code)
			}
		})
	})
}
