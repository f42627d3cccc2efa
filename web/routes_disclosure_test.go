package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// TestDisclosureForm: the DPO records a disclosure with recipient, legal
// basis, categories and the recipient's verification; who and when come
// from the session. A refusal names the field and keeps what was typed.
func TestDisclosureForm(t *testing.T) {
	onEveryBackend(t, func(t *testing.T, e *env) {
		sub := e.person()
		c := e.login(policy.RoleDPO)
		full := func() url.Values {
			return url.Values{"subject_id": {sub.ID}, "recipient": {"Kela"}, "legal_basis": {"Laki Kansaneläkelaitoksesta 731/2001"},
				"categories": {"yhteystiedot, asiointihistoria"}, "verification": {"callback_official_number"}}
		}
		for _, tc := range []struct {
			name, field string
			change      func(url.Values)
			want        int
		}{
			{"RecipientRequired", "recipient", func(f url.Values) { f.Del("recipient") }, http.StatusBadRequest},
			{"LegalBasisRequired", "legal_basis", func(f url.Values) { f.Set("legal_basis", "   ") }, http.StatusBadRequest},
			{"CategoriesRequired", "categories", func(f url.Values) { f.Set("categories", " , ") }, http.StatusBadRequest},
			{"VerificationRequired", "verification", func(f url.Values) { f.Del("verification") }, http.StatusBadRequest},
			{"UnknownVerificationRefused", "verification", func(f url.Values) { f.Set("verification", "trusted_the_caller") }, http.StatusBadRequest},
			{"UnknownSubjectRefused", "subject_id", func(f url.Values) { f.Set("subject_id", kirjaamo.NewID(time.Now())) }, http.StatusNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c.get("/disclosures/new?subject_id=" + sub.ID)
				f := full()
				tc.change(f)
				code, body := c.post("/disclosures", f)
				if code != tc.want || !invalid(body, tc.field) {
					t.Fatalf("got %d, want %d with %s marked", code, tc.want, tc.field)
				}
				for _, k := range []string{"recipient", "legal_basis", "categories"} {
					if v := strings.TrimSpace(f.Get(k)); v != "" && v != "," && !strings.Contains(body, `value="`+v+`"`) {
						t.Errorf("%s typed is lost", k)
					}
				}
				if ds, _ := e.svc.Disclosures(e.dpoCtx(), sub.ID); len(ds) != 0 {
					t.Fatalf("%d disclosures recorded by a refused form", len(ds))
				}
			})
		}
		t.Run("RecordedWithTheSessionsUserAndTime", func(t *testing.T) {
			before := time.Now()
			code, _ := c.post("/disclosures", full())
			if code != http.StatusSeeOther {
				t.Fatalf("got %d, want 303", code)
			}
			ds, err := e.svc.Disclosures(e.dpoCtx(), sub.ID)
			if err != nil || len(ds) != 1 {
				t.Fatalf("got %d disclosures (%v), want 1", len(ds), err)
			}
			d := ds[0]
			if d.By != e.users[policy.RoleDPO].ID || d.At.Before(before.Add(-time.Second)) || d.At.After(time.Now().Add(time.Second)) {
				t.Fatalf("got by %s at %v, want the DPO now", d.By, d.At)
			}
			if d.Recipient != "Kela" || d.Verification != "callback_official_number" || fmt.Sprint(d.Categories) != "[yhteystiedot asiointihistoria]" {
				t.Fatalf("got %+v", d)
			}
			_, body := c.get("/disclosures?subject_id=" + sub.ID + "&done=recorded")
			if !strings.Contains(body, "Luovutus kirjattu.") || !strings.Contains(body, "soitto viranomaisen viralliseen numeroon") {
				t.Fatal("the log does not confirm and list the disclosure")
			}
		})
		t.Run("IsAuditedAsAnExport", func(t *testing.T) {
			evs, err := e.svc.AuditEvents(e.dpoCtx(), kirjaamo.AuditFilter{Action: kirjaamo.ActionExport, SubjectID: sub.ID})
			if err != nil || len(evs) != 1 {
				t.Fatalf("got %d export events (%v), want 1", len(evs), err)
			}
		})
		t.Run("ReachableFromTheLogAndTheSubjectPage", func(t *testing.T) {
			link := `href="/disclosures/new?subject_id=` + sub.ID + `"`
			// The customer register asks a stated purpose first.
			c.post("/purpose", url.Values{"purpose": {"disclosure to an authority"}, "next": {"/"}})
			for _, path := range []string{"/disclosures?subject_id=" + sub.ID, "/subjects/" + sub.ID} {
				if code, body := c.get(path); code != 200 || !strings.Contains(body, link) {
					t.Errorf("%s: got %d, want 200 with a link to the form", path, code)
				}
			}
			a := e.login(policy.RoleAgent)
			a.post("/purpose", url.Values{"purpose": {"customer service"}, "next": {"/"}})
			if _, body := a.get("/subjects/" + sub.ID); strings.Contains(body, "/disclosures/new") {
				t.Fatal("the agent's customer page offers the DPO's form")
			}
		})
	})
}

var postForm = regexp.MustCompile(`(?s)<form method="post"[^>]*>.*?</form>`)

// TestNewFormsCarryTheToken: every form of the incident page, the request
// page's search and the disclosure form carries the session's CSRF token,
// and a post without it is refused with no effect.
func TestNewFormsCarryTheToken(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	inc := e.incident(time.Now(), "high")
	e.letters(inc.ID, sub.ID)
	req := e.dsr("access", "", time.Now(), true)
	c := e.login(policy.RoleDPO)
	pages := []struct {
		name, path string
		form       url.Values // posted instead of getting, when set
	}{
		{"IncidentPage", "/incidents/" + inc.ID, nil},
		{"IncidentSearch", "/incidents/" + inc.ID + "/search", url.Values{"email": {sub.Emails[0]}}},
		{"RequestSearch", "/requests/" + req.ID + "/search", url.Values{"email": {sub.Emails[0]}}},
		{"DisclosureForm", "/disclosures/new?subject_id=" + sub.ID, nil},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var body string
			if p.form != nil {
				_, body = c.post(p.path, p.form)
			} else {
				_, body = c.get(p.path)
			}
			forms := postForm.FindAllString(body, -1)
			if len(forms) < 2 {
				t.Fatalf("found %d forms, want the page's forms", len(forms))
			}
			for _, f := range forms {
				if !strings.Contains(f, `name="_csrf" value="`+c.csrf+`"`) {
					t.Errorf("form without the token: %.120s", f)
				}
			}
		})
	}
	ls, _ := e.svc.IncidentLetters(e.dpoCtx(), inc.ID)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		effect     func() bool
	}{
		{"MarkSent", "/incidents/" + inc.ID + "/letters/sent", url.Values{"letter": {ls[0].ID}}, func() bool {
			l, _ := e.svc.IncidentLetters(e.dpoCtx(), inc.ID)
			return l[0].SentAt != nil
		}},
		{"Disclosure", "/disclosures", url.Values{"subject_id": {sub.ID}, "recipient": {"Kela"}, "legal_basis": {"Laki 731/2001"}, "categories": {"yhteystiedot"}, "verification": {"written_request"}}, func() bool {
			ds, _ := e.svc.Disclosures(e.dpoCtx(), sub.ID)
			return len(ds) > 0
		}},
		{"RequestLink", "/requests/" + req.ID, url.Values{"step": {"link"}, "subject_id": {sub.ID}}, func() bool {
			r, _ := e.db.Request(t.Context(), req.ID)
			return r.SubjectID != ""
		}},
	} {
		t.Run("WithoutTokenRefused/"+tc.name, func(t *testing.T) {
			tc.form.Set("_csrf", "")
			if code, _ := c.post(tc.path, tc.form); code != http.StatusForbidden {
				t.Fatalf("got %d, want 403", code)
			}
			if tc.effect() {
				t.Fatal("the refused post took effect")
			}
		})
	}
}
