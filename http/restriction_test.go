package http_test

import (
	"testing"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// GDPR art. 18: a restricted subject's data stays stored but is hidden
// from ordinary reads; only the DPO sees it, and the API marks it.
// Art. 21 / seed 001: a direct-marketing ban keeps the person out of the
// marketing audience.
func TestRestrictionAndOptOuts(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		e.newCall(policy.RoleAgent, subj.ID)
		if got := e.do(policy.RoleAgent, "POST", "/api/v1/subjects/"+subj.ID+"/restriction", khttp.RestrictionRequest{Restricted: true}, nil); got != 403 {
			t.Fatalf("agent restricting: got %d", got)
		}
		if got := e.do(policy.RoleDPO, "POST", "/api/v1/subjects/"+subj.ID+"/restriction", khttp.RestrictionRequest{Restricted: true}, nil); got != 200 {
			t.Fatalf("DPO restricting: got %d", got)
		}
		for _, tc := range []struct {
			name, method, path string
			body               any
			want               int
		}{
			{"ReadHidden", "GET", "/api/v1/subjects/" + subj.ID, nil, 403},
			{"TimelineHidden", "GET", "/api/v1/subjects/" + subj.ID + "/contacts", nil, 403},
			{"ChangeRefused", "PATCH", "/api/v1/subjects/" + subj.ID, map[string]any{"phones": []string{"040 000 0009"}}, 409},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.do(policy.RoleAgent, tc.method, tc.path, tc.body, nil, "X-Purpose", "testi"); got != tc.want {
					t.Fatalf("got %d, want %d", got, tc.want)
				}
			})
		}
		var list khttp.SubjectList
		e.do(policy.RoleAgent, "POST", "/api/v1/subjects/search", kirjaamo.SubjectQuery{CustomerNumber: subj.CustomerNumber}, &list, "X-Purpose", "testi")
		if len(list.Subjects) != 0 {
			t.Fatal("a restricted subject appears in an agent's search")
		}
		var seen kirjaamo.Subject
		if got := e.do(policy.RoleDPO, "GET", "/api/v1/subjects/"+subj.ID, nil, &seen, "X-Purpose", "testi"); got != 200 || !seen.Restricted {
			t.Fatalf("DPO: got %d, restricted marked %v", got, seen.Restricted)
		}
		e.do(policy.RoleDPO, "POST", "/api/v1/subjects/"+subj.ID+"/restriction", khttp.RestrictionRequest{Restricted: false}, nil)

		inAudience := func() bool {
			var a khttp.Audience
			e.do(policy.RoleSupervisor, "GET", "/api/v1/marketing/audience", nil, &a)
			for _, m := range a.Members {
				if m.SubjectID == subj.ID {
					return true
				}
			}
			return false
		}
		if !inAudience() {
			t.Fatal("the person is missing from the audience before any ban")
		}
		e.do(policy.RoleAgent, "POST", "/api/v1/subjects/"+subj.ID+"/opt-outs", khttp.OptOutRequest{Kind: "direct_marketing", Active: true}, nil)
		if inAudience() {
			t.Fatal("a direct-marketing ban did not take the person out of the audience")
		}
		e.do(policy.RoleAgent, "POST", "/api/v1/subjects/"+subj.ID+"/opt-outs", khttp.OptOutRequest{Kind: "direct_marketing", Active: false}, nil)
		if !inAudience() {
			t.Fatal("withdrawing the ban did not bring the person back")
		}
		var hist khttp.OptOutList
		e.do(policy.RoleAgent, "GET", "/api/v1/subjects/"+subj.ID+"/opt-outs", nil, &hist, "X-Purpose", "testi")
		if len(hist.OptOuts) != 2 {
			t.Fatalf("got %d history entries, want 2", len(hist.OptOuts))
		}
	})
}
