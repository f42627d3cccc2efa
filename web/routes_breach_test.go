package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// personIn creates a synthetic person written to in lang.
func (e *env) personIn(lang string) *kirjaamo.Subject {
	e.t.Helper()
	s := e.gen.Person()
	s.Lang = lang
	if err := e.svc.CreateSubject(kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "test data")), s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// letterText is a letter text without personal data.
func letterText(lang string) kirjaamo.LetterText {
	return kirjaamo.LetterText{Nature: "A list of appointment times went to the wrong address (" + lang + ").",
		Consequences: "Someone outside may have seen your appointment time.", Measures: "The recipient deleted the message.",
		Advice: "Be careful with calls that ask for your banking codes."}
}

// letters links subjects to an incident and writes their letters through
// the service, in every language.
func (e *env) letters(incidentID string, subjectIDs ...string) *kirjaamo.LetterBatch {
	e.t.Helper()
	if _, err := e.svc.LinkIncidentSubjects(e.dpoCtx(), incidentID, subjectIDs); err != nil {
		e.t.Fatal(err)
	}
	texts := map[string]kirjaamo.LetterText{}
	for _, l := range []string{"fi", "sv", "en"} {
		texts[l] = letterText(l)
	}
	b, err := e.svc.WriteBreachLetters(e.dpoCtx(), incidentID, &kirjaamo.LetterRequest{Texts: texts})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// letterForm is the letter form filled in the given languages.
func letterForm(langs ...string) url.Values {
	f := url.Values{"mode": {"letters"}}
	for _, l := range langs {
		t := letterText(l)
		f.Set("texts."+l+".nature", t.Nature)
		f.Set("texts."+l+".consequences", t.Consequences)
		f.Set("texts."+l+".measures", t.Measures)
		f.Set("texts."+l+".advice", t.Advice)
	}
	return f
}

// TestIncidentPage: on the incident page the DPO finds the affected people
// through the guarded search (audited under the incident), links them,
// writes each a letter in their own language or records the art. 34(3)
// exemption, and marks the letters sent; the last one records the people
// as told.
func TestIncidentPage(t *testing.T) {
	onEveryBackend(t, func(t *testing.T, e *env) {
		fi, sv := e.personIn("fi"), e.personIn("sv")
		inc := e.incident(time.Now().Add(-5*time.Hour), "high")
		c := e.login(policy.RoleDPO)
		page := "/incidents/" + inc.ID
		t.Run("FoundByExactIdentifier", func(t *testing.T) {
			c.get(page)
			code, body := c.post(page+"/search", url.Values{"email": {sv.Emails[0]}})
			if code != 200 || !strings.Contains(body, `data-subject="`+sv.ID+`"`) {
				t.Fatalf("got %d, want 200 listing the person", code)
			}
			if strings.Contains(body, sv.IdentityCode) {
				t.Fatal("the match shows the identity code whole")
			}
		})
		t.Run("SearchIsAuditedUnderTheIncident", func(t *testing.T) {
			evs, err := e.svc.AuditEvents(e.dpoCtx(), kirjaamo.AuditFilter{Action: kirjaamo.ActionSearch, SubjectID: sv.ID})
			if err != nil || len(evs) != 1 {
				t.Fatalf("got %d search events (%v), want 1", len(evs), err)
			}
			if want := "breach notification, incident " + inc.ID; evs[0].Purpose != want {
				t.Fatalf("search audited with purpose %q, want %q", evs[0].Purpose, want)
			}
		})
		t.Run("NamesListNobody", func(t *testing.T) {
			// Names and a birth date pass the agent's guard; here they are
			// not read at all, so the search is refused as too broad.
			code, body := c.post(page+"/search", url.Values{"first_name": {fi.FirstName}, "last_name": {fi.LastName}, "birth_date": {fi.BirthDate}})
			if code != http.StatusBadRequest || strings.Contains(body, `data-subject="`) {
				t.Fatalf("got %d, want 400 and no matches", code)
			}
		})
		t.Run("LinkButtonLinks", func(t *testing.T) {
			if code, _ := c.post(page+"/subjects", url.Values{"subject_id": {sv.ID}}); code != http.StatusSeeOther {
				t.Fatalf("got %d, want 303", code)
			}
			if code, _ := c.post(page+"/subjects", url.Values{"subject_ids": {fi.ID + "\n"}}); code != http.StatusSeeOther {
				t.Fatalf("by id: got %d, want 303", code)
			}
			_, body := c.get(page + "?done=linked")
			if !strings.Contains(body, "Liitettyjä henkilöitä: 2.") || !strings.Contains(body, `href="/subjects/`+fi.ID+`"`) {
				t.Fatal("the page does not list the two linked people")
			}
		})
		t.Run("UnknownIdIsRefusedOnThePage", func(t *testing.T) {
			code, body := c.post(page+"/subjects", url.Values{"subject_ids": {kirjaamo.NewID(time.Now())}})
			if code != http.StatusNotFound || !invalid(body, "subject_ids") {
				t.Fatalf("got %d, want 404 with the id field marked", code)
			}
		})
		t.Run("MissingLanguageIsNamedAndTextKept", func(t *testing.T) {
			code, body := c.post(page+"/letters", letterForm("fi"))
			if code != http.StatusBadRequest || !strings.Contains(body, "Kirjeen teksti ruotsiksi") {
				t.Fatalf("got %d, want 400 naming the Swedish text", code)
			}
			if !strings.Contains(body, "went to the wrong address (fi).") {
				t.Fatal("the Finnish text typed is lost")
			}
			if n, _ := e.svc.IncidentLetters(e.dpoCtx(), inc.ID); len(n) != 0 {
				t.Fatalf("%d letters queued by a refused form, want 0", len(n))
			}
		})
		t.Run("PersonalDataInTheTextIsRefused", func(t *testing.T) {
			f := letterForm("fi", "sv")
			f.Set("texts.sv.advice", "Skriv till "+fi.Emails[0])
			code, body := c.post(page+"/letters", f)
			if code != http.StatusBadRequest || !invalid(body, "texts.sv.advice") {
				t.Fatalf("got %d, want 400 with the Swedish advice marked", code)
			}
		})
		t.Run("EachPersonInTheirLanguage", func(t *testing.T) {
			if code, _ := c.post(page+"/letters", letterForm("fi", "sv")); code != http.StatusSeeOther {
				t.Fatalf("got %d, want 303", code)
			}
			ls, err := e.svc.IncidentLetters(e.dpoCtx(), inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, l := range ls {
				got[l.SubjectID] = l.Lang
			}
			if len(ls) != 2 || got[fi.ID] != "fi" || got[sv.ID] != "sv" {
				t.Fatalf("got letters %v, want fi to the Finnish speaker and sv to the Swedish", got)
			}
			_, body := c.get(page)
			if !strings.Contains(body, "Kirjeitä 2, joista lähetetty 0.") || !strings.Contains(body, `lang="sv">Meddelande om en personuppgiftsincident`) {
				t.Fatal("the page does not show the two queued letters and the Swedish text")
			}
		})
		t.Run("LettersStayOutOfTheDisclosureOutbox", func(t *testing.T) {
			if _, body := c.get("/disclosures"); strings.Contains(body, "personuppgiftsincident") {
				t.Fatal("the disclosure log's outbox lists the breach letters")
			}
		})
		t.Run("AgainWritesNoNewLetters", func(t *testing.T) {
			code, _ := c.post(page+"/letters", letterForm("fi", "sv"))
			if code != http.StatusSeeOther {
				t.Fatalf("got %d, want 303", code)
			}
			if _, body := c.get(page + "?done=no_letters"); !strings.Contains(body, "Ei uusia kirjeitä") {
				t.Fatal("no notice that nobody new was written to")
			}
		})
		t.Run("LastLetterSentRecordsThePeopleTold", func(t *testing.T) {
			ls, _ := e.svc.IncidentLetters(e.dpoCtx(), inc.ID)
			for i, l := range ls {
				if code, _ := c.post(page+"/letters/sent", url.Values{"letter": {l.ID}}); code != http.StatusSeeOther {
					t.Fatalf("letter %d: got %d, want 303", i, code)
				}
				got, err := e.db.Incident(t.Context(), inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if last := i == len(ls)-1; (got.SubjectsNotified != nil) != last {
					t.Fatalf("after %d of %d letters: people told = %v, want %v", i+1, len(ls), got.SubjectsNotified != nil, last)
				}
			}
		})
		t.Run("SentTwiceIsAConflictOnThePage", func(t *testing.T) {
			ls, _ := e.svc.IncidentLetters(e.dpoCtx(), inc.ID)
			code, body := c.post(page+"/letters/sent", url.Values{"letter": {ls[0].ID}})
			if code != http.StatusConflict || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `id="letters"`) {
				t.Fatalf("got %d, want 409 shown on the incident page", code)
			}
		})
		t.Run("AnotherIncidentsLetterIsNotFound", func(t *testing.T) {
			other := e.incident(time.Now(), "high")
			l := e.letters(other.ID, e.person().ID).Letters[0]
			if code, _ := c.post(page+"/letters/sent", url.Values{"letter": {l.ID}}); code != http.StatusNotFound {
				t.Fatalf("got %d, want 404", code)
			}
			if ls, _ := e.svc.IncidentLetters(e.dpoCtx(), other.ID); ls[0].SentAt != nil {
				t.Fatal("the other incident's letter was marked sent")
			}
		})
	})
}

// TestBreachExemption: the art. 34(3) decision needs a ground and a
// reason without personal data; once recorded, no letters are offered.
// Letters are offered only for a high-risk breach.
func TestBreachExemption(t *testing.T) {
	onEveryBackend(t, func(t *testing.T, e *env) {
		inc := e.incident(time.Now(), "high")
		low := e.incident(time.Now(), "risk")
		sub := e.person()
		c := e.login(policy.RoleDPO)
		page := "/incidents/" + inc.ID
		c.get(page)
		for _, tc := range []struct {
			name, field string
			form        url.Values
		}{
			{"GroundRequired", "exemption.ground", url.Values{"exemption.reason": {"The disk was encrypted."}}},
			{"ReasonRequired", "exemption.reason", url.Values{"exemption.ground": {"protected"}}},
			{"ReasonWithoutPersonalData", "exemption.reason", url.Values{"exemption.ground": {"protected"}, "exemption.reason": {"Only " + sub.Emails[0] + " was on it."}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.form.Set("mode", "exempt")
				code, body := c.post(page+"/letters", tc.form)
				if code != http.StatusBadRequest || !invalid(body, tc.field) {
					t.Fatalf("got %d, want 400 with %s marked", code, tc.field)
				}
				if r := tc.form.Get("exemption.reason"); r != "" && !strings.Contains(body, ">"+r+"</textarea>") {
					t.Fatal("the reason typed is lost")
				}
			})
		}
		t.Run("RecordedWithGroundAndReason", func(t *testing.T) {
			code, _ := c.post(page+"/letters", url.Values{"mode": {"exempt"}, "exemption.ground": {"protected"}, "exemption.reason": {"The disk was encrypted and the key was not exposed."}})
			if code != http.StatusSeeOther {
				t.Fatalf("got %d, want 303", code)
			}
			got, _ := e.db.Incident(t.Context(), inc.ID)
			if got.Exemption == nil || got.Exemption.Ground != "protected" || got.Exemption.DecidedBy != e.users[policy.RoleDPO].ID {
				t.Fatalf("got exemption %+v, want protected decided by the DPO", got.Exemption)
			}
			_, body := c.get(page)
			if !strings.Contains(body, `id="exemption"`) || strings.Contains(body, `id="letters-form"`) {
				t.Fatal("after the exemption the page still offers letters, or does not show the decision")
			}
		})
		t.Run("NoLettersBelowHighRisk", func(t *testing.T) {
			_, body := c.get("/incidents/" + low.ID)
			if strings.Contains(body, `id="letters-form"`) || !strings.Contains(body, "suuri riski henkilöille") {
				t.Fatal("letters offered for an incident that is not high-risk")
			}
		})
	})
}

// TestIncidentPageStaysSmall: a breach affecting many people lists at
// most 25 of them and of their letters, the letters to send first, with
// the counts whole.
func TestIncidentPageStaysSmall(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(time.Now(), "high")
	var ids []string
	for range 130 {
		ids = append(ids, e.person().ID)
	}
	b := e.letters(inc.ID, ids...)
	for _, l := range b.Letters[:5] { // the oldest sent: the rest come first
		if _, err := e.svc.MarkNotificationSent(e.dpoCtx(), l.ID); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login(policy.RoleDPO)
	code, body := c.get("/incidents/" + inc.ID)
	if code != 200 {
		t.Fatalf("got %d", code)
	}
	for _, tc := range []struct {
		name string
		got  int
		want int
	}{
		{"PeopleListed", strings.Count(body, `<li><a class="mono" href="/subjects/`), 25},
		{"LettersListed", strings.Count(body, `<tr data-letter=`), 25},
		{"LettersToSendFirst", strings.Count(body, `name="letter"`), 25},
		{"MoreSaid", strings.Count(body, "… ja 105 muuta"), 2},
		{"CountsWhole", strings.Count(body, "Kirjeitä 130, joista lähetetty 5."), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %d, want %d", tc.got, tc.want)
			}
		})
	}
	t.Logf("incident page with 130 people and letters: %d bytes", len(body))
}
