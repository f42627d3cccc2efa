package http_test

import (
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

func (e *env) auditFor(subjectID string) []*kirjaamo.AuditEvent {
	e.t.Helper()
	var list khttp.AuditList
	if code := e.do(policy.RoleAuditor, "GET", "/api/v1/audit?subject_id="+subjectID, nil, &list); code != 200 {
		e.t.Fatalf("audit: got %d", code)
	}
	return list.Events
}

func TestAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		agent := policy.RoleAgent
		subj := e.newPerson(agent)

		// Seed 000 §4: a first-name-only search is refused with 400, says
		// why and what to add, and is audited.
		t.Run("SearchGuardRefusesFirstNameOnly", func(t *testing.T) {
			var body khttp.ErrorBody
			code := e.do(agent, "GET", "/api/v1/subjects?first_name="+subj.FirstName, nil, &body)
			if code != 400 || body.Error.Code != "invalid" || !strings.Contains(body.Error.Message, "first name alone") ||
				!strings.Contains(body.Error.Message, "identity code") {
				t.Fatalf("got %d %+v, want 400 with the guard's message", code, body.Error)
			}
			var list khttp.AuditList
			e.do(policy.RoleAuditor, "GET", "/api/v1/audit?action=search&actor="+e.users[agent].ID, nil, &list)
			if len(list.Events) == 0 || list.Events[len(list.Events)-1].Outcome != kirjaamo.OutcomeRefused {
				t.Fatalf("refused search not audited: %+v", list.Events)
			}
			if d := list.Events[len(list.Events)-1].Detail; strings.Contains(d, subj.FirstName) {
				t.Fatalf("audit detail quotes the searched name: %q", d)
			}
		})

		t.Run("SearchByIdentityCodeNeedsPurposeAndMasks", func(t *testing.T) {
			q := kirjaamo.SubjectQuery{IdentityCode: subj.IdentityCode}
			var body khttp.ErrorBody
			if code := e.do(agent, "POST", "/api/v1/subjects/search", q, &body); code != 400 || body.Error.Field != "purpose" {
				t.Fatalf("without a purpose: got %d %+v, want 400 on purpose (policy require_purpose: read)", code, body.Error)
			}
			var list khttp.SubjectList
			if code := e.do(agent, "POST", "/api/v1/subjects/search", q, &list, "X-Purpose", "puhelu"); code != 200 || len(list.Subjects) != 1 {
				t.Fatalf("got %d with %d subjects, want 200 with 1", code, len(list.Subjects))
			}
			if got := list.Subjects[0].IdentityCode; got != kirjaamo.MaskIdentityCode(subj.IdentityCode) {
				t.Fatalf("search answer shows identity code %q, want it masked", got)
			}
		})

		t.Run("RevealIdentityCodeNeedsPurposeAndIsAudited", func(t *testing.T) {
			var body khttp.ErrorBody
			if code := e.do(policy.RoleSupervisor, "GET", "/api/v1/subjects/"+subj.ID+"?reveal=identity_code", nil, &body); code != 400 || body.Error.Field != "purpose" {
				t.Fatalf("got %d %+v, want 400 on purpose", code, body.Error)
			}
			var got kirjaamo.Subject
			if code := e.do(policy.RoleSupervisor, "GET", "/api/v1/subjects/"+subj.ID+"?reveal=identity_code", nil, &got, "X-Purpose", "henkilöllisyyden varmistus"); code != 200 || got.IdentityCode != subj.IdentityCode {
				t.Fatalf("got %d, code shown %v; want 200 and the full code", code, got.IdentityCode == subj.IdentityCode)
			}
			evs := e.auditFor(subj.ID)
			last := evs[len(evs)-1]
			if last.Action != kirjaamo.ActionReveal || last.Purpose != "henkilöllisyyden varmistus" || last.Actor != e.users[policy.RoleSupervisor].ID {
				t.Fatalf("got last event %+v, want the reveal with its purpose", last)
			}
		})

		t.Run("ErrorsNameTheField", func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				method string
				path   string
				body   any
				status int
				field  string
			}{
				{"UnknownJSONField", "POST", "/api/v1/subjects", `{"last_name":"Mallila","shoe_size":44}`, 400, "shoe_size"},
				{"WrongType", "POST", "/api/v1/subjects", `{"last_name":7}`, 400, "last_name"},
				{"InvalidIdentityCode", "POST", "/api/v1/subjects", `{"last_name":"Mallila","identity_code":"131052-9108"}`, 400, "identity_code"},
				{"DuplicateIdentityCode", "POST", "/api/v1/subjects", khttp.NewSubject{LastName: "Toinen", IdentityCode: subj.IdentityCode}, 409, "identity_code"},
				{"NotJSON", "POST", "/api/v1/contacts", `kind=call`, 400, ""},
				{"TrailingData", "POST", "/api/v1/contacts", `{"kind":"call"} {}`, 400, ""},
				{"UnknownKind", "POST", "/api/v1/contacts", `{"kind":"fax"}`, 400, "kind"},
				{"MissingSubject", "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{kirjaamo.NewID(subj.CreatedAt)}}, 404, "subject_ids"},
				{"NoRegisterForKind", "POST", "/api/v1/contacts", `{"kind":"note"}`, 400, "kind"},
				{"UnknownSubject", "GET", "/api/v1/subjects/" + kirjaamo.NewID(subj.CreatedAt), nil, 404, ""},
				{"JunkID", "GET", "/api/v1/contacts/../../etc", nil, 404, ""},
				{"TooLarge", "POST", "/api/v1/contacts", `{"kind":"call","content":"` + strings.Repeat("a", khttp.MaxBodyBytes) + `"}`, 413, ""},
				{"UnknownRoute", "GET", "/api/v1/nothing", nil, 404, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var body khttp.ErrorBody
					code := e.do(agent, tc.method, tc.path, tc.body, &body, "X-Purpose", "testi")
					if code != tc.status || body.Error.Field != tc.field || body.Error.Message == "" {
						t.Fatalf("got %d %+v, want %d on field %q", code, body.Error, tc.status, tc.field)
					}
					if strings.Contains(body.Error.Message, subj.IdentityCode) {
						t.Fatalf("error message quotes an identity code")
					}
				})
			}
		})

		t.Run("ContactReadAndTimeline", func(t *testing.T) {
			call := e.newCall(agent, subj.ID)
			var got kirjaamo.Contact
			if code := e.do(policy.RoleDPO, "GET", "/api/v1/contacts/"+call.ID, nil, &got); code != 200 || got.Register != "calls" || got.Content == nil {
				t.Fatalf("got %d %+v", code, got)
			}
			var list khttp.ContactList
			if code := e.do(agent, "GET", "/api/v1/subjects/"+subj.ID+"/contacts", nil, &list); code != 200 || len(list.Contacts) == 0 {
				t.Fatalf("timeline: got %d with %d contacts", code, len(list.Contacts))
			}
		})

		t.Run("LoginIsRateLimited", func(t *testing.T) {
			codes := map[int]int{}
			for range 15 {
				codes[e.do("", "POST", "/api/v1/login", khttp.LoginRequest{Username: "user.dpo", Password: "wrong password!"}, nil)]++
			}
			if codes[401] == 0 || codes[429] == 0 || codes[200] != 0 {
				t.Fatalf("got status counts %v, want 401s then 429s", codes)
			}
		})

		// No personal data in logs: everything the server logged during
		// this test holds no identifier the scanner validates, nor the
		// names of the subject.
		t.Run("LogsHoldNoPersonalData", func(t *testing.T) {
			logs := e.logs.Bytes()
			if len(logs) == 0 {
				t.Fatal("nothing was logged")
			}
			for _, f := range pii.New().Scan(logs) {
				if f.Validated || f.Type == pii.TypeEmail || f.Type == pii.TypePhone {
					t.Errorf("log holds %s at %d", f.Type, f.Start)
				}
			}
			for _, s := range []string{subj.IdentityCode, subj.LastName, subj.Emails[0], subj.CustomerNumber} {
				if strings.Contains(string(logs), s) {
					t.Errorf("log holds a subject's personal data")
				}
			}
		})

		if _, err := kirjaamo.VerifyAudit(t.Context(), e.db, e.ring.AuditKey()); err != nil {
			t.Fatal(err)
		}
	})
}
