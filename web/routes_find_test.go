package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

// onEveryBackend runs f against a server over SQLite, and over PostgreSQL
// when KIRJAAMO_TEST_POSTGRES_URL is set.
func onEveryBackend(t *testing.T, f func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			pol, err := policy.Load(seed002)
			if err != nil {
				t.Fatal(err)
			}
			ring := keys.Generate()
			f(t, newEnvOn(t, pol, b.Open(t, ring), ring))
		})
	}
}

// invalid reports whether the page marks the element named name invalid.
func invalid(body, name string) bool {
	return regexp.MustCompile(`<(?:input|textarea|fieldset)[^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*aria-invalid="true"`).MatchString(body)
}

// TestRequestSearch: the request page finds the request's subject by an
// exact identifier only, audited under the request, and links it.
func TestRequestSearch(t *testing.T) {
	onEveryBackend(t, func(t *testing.T, e *env) {
		sub := e.person()
		req := e.dsr("access", "", time.Now(), true)
		c := e.login(policy.RoleDPO)
		page := "/requests/" + req.ID
		c.get(page)
		for _, tc := range []struct{ name, field, value string }{
			{"ByIdentityCode", "identity_code", sub.IdentityCode},
			{"ByEmail", "email", sub.Emails[0]},
			{"ByPhone", "phone", sub.Phones[0]},
			{"ByCustomerNumber", "customer_number", sub.CustomerNumber},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body := c.post(page+"/search", url.Values{tc.field: {tc.value}})
				if code != 200 || strings.Count(body, `data-subject="`) != 1 || !strings.Contains(body, `data-subject="`+sub.ID+`"`) {
					t.Fatalf("got %d, want 200 and the one subject", code)
				}
				if strings.Contains(body, sub.IdentityCode) {
					t.Fatal("the page shows the identity code whole")
				}
			})
		}
		t.Run("NamesListNobody", func(t *testing.T) {
			code, body := c.post(page+"/search", url.Values{"first_name": {sub.FirstName}, "last_name": {sub.LastName}, "address": {sub.Address.Street}})
			if code != http.StatusBadRequest || strings.Contains(body, `data-subject="`) {
				t.Fatalf("got %d, want 400 and no matches", code)
			}
		})
		t.Run("AuditedUnderTheRequest", func(t *testing.T) {
			evs, err := e.svc.AuditEvents(e.dpoCtx(), kirjaamo.AuditFilter{Action: kirjaamo.ActionSearch})
			if err != nil {
				t.Fatal(err)
			}
			var ok, refused int
			for _, ev := range evs {
				if ev.Purpose != "data-subject request "+req.ID {
					t.Errorf("search event %d has purpose %q", ev.Seq, ev.Purpose)
				}
				switch ev.Outcome {
				case kirjaamo.OutcomeOK:
					ok++
				case kirjaamo.OutcomeRefused:
					refused++
				}
			}
			if ok != 4 || refused != 1 {
				t.Fatalf("got %d found and %d refused searches audited, want 4 and 1", ok, refused)
			}
		})
		t.Run("LinkButtonLinksTheRequest", func(t *testing.T) {
			_, body := c.post(page+"/search", url.Values{"email": {sub.Emails[0]}})
			if !strings.Contains(body, `<input type="hidden" name="step" value="link"><input type="hidden" name="subject_id" value="`+sub.ID+`">`) {
				t.Fatal("the match has no link button for the request")
			}
			if code, _ := c.post(page, url.Values{"step": {"link"}, "subject_id": {sub.ID}}); code != http.StatusSeeOther {
				t.Fatalf("link: got %d, want 303", code)
			}
			got, _ := e.db.Request(t.Context(), req.ID)
			if got.SubjectID != sub.ID {
				t.Fatalf("request linked to %q, want the subject", got.SubjectID)
			}
			if _, body := c.get(page); strings.Contains(body, `id="find-form"`) {
				t.Fatal("the search is still offered after linking")
			}
		})
	})
}
