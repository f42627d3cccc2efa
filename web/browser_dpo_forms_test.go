package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kirjaamo/kirjaamo/policy"
)

// fill sets form fields by CSS selector (SetValue: long texts need no
// keystrokes).
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for css, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(css), v))
	}
	b.do(steps...)
}

// fitsNarrowWindow fails the test when a page is wider than a 390 px
// (phone) window.
func (b *browser) fitsNarrowWindow(paths ...string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 800))
	// Back to the browser's own size (EmulateReset leaves full-page
	// screenshots at the narrow width).
	defer b.do(chromedp.EmulateViewport(1280, 800))
	for _, path := range paths {
		b.open(path)
		if w := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			b.t.Errorf("%s is %d px wider than a 390 px window", path, w)
		}
	}
}

// letterFields are the letter form's text areas in lang, filled.
func letterFields(lang string) map[string]string {
	t := letterText(lang)
	return map[string]string{"#texts-" + lang + "-nature": t.Nature, "#texts-" + lang + "-consequences": t.Consequences,
		"#texts-" + lang + "-measures": t.Measures, "#texts-" + lang + "-advice": t.Advice}
}

// TestBrowserBreachLetters: from the register the DPO opens a high-risk
// breach, finds the two people it affects by exact identifiers and links
// them, is told the Swedish text is missing (the Finnish one kept), writes
// both letters, and marks them sent, which records the people as told.
// Another breach gets the art. 34(3) exemption instead.
func TestBrowserBreachLetters(t *testing.T) {
	e := newEnv(t)
	fi, sv := e.personIn("fi"), e.personIn("sv")
	inc := e.incident(time.Now().Add(-5*time.Hour), "high")
	exempt := e.incident(time.Now().Add(-2*time.Hour), "high")
	b := newBrowser(t, e)
	b.login(policy.RoleDPO)
	page := "/incidents/" + inc.ID

	t.Run("OpenFromTheRegister", func(t *testing.T) {
		b := b.with(t)
		b.open("/incidents")
		b.submit(`tr[data-incident="` + inc.ID + `"] a.open-incident`)
		if loc := b.location(); loc != page {
			t.Fatalf("at %s, want the incident page", loc)
		}
	})
	t.Run("FindAndLinkThePeople", func(t *testing.T) {
		b := b.with(t)
		for i, find := range []map[string]string{{"#find-email": sv.Emails[0]}, {"#find-customer_number": fi.CustomerNumber}} {
			b.fill(find)
			b.submit("#find-submit")
			id := sv.ID
			if i == 1 {
				id = fi.ID
			}
			b.submit(`#found tr[data-subject="` + id + `"] button.link-subject`)
			if got := b.text(".alert.ok"); !strings.Contains(got, "Henkilöt liitetty") {
				t.Fatalf("after linking the page says %q", got)
			}
		}
		if got := b.text("#linked-count"); !strings.Contains(got, "2") {
			t.Fatalf("linked count reads %q, want 2", got)
		}
	})
	t.Run("TextWarnsOfPersonalDataWhileTyped", func(t *testing.T) {
		b := b.with(t)
		b.do(chromedp.SendKeys(chromedp.CSS("#texts-en-advice"), "Write to "+fi.Emails[0]+" "),
			chromedp.WaitVisible(chromedp.CSS("#texts-en-advice-scan li")))
		// Cleared again (SetValue cannot set ""), so the English letter
		// stays out of the form.
		eval[bool](b, `document.querySelector("#texts-en-advice").value = "", true`)
	})
	t.Run("MissingLanguageNamedAndTextKept", func(t *testing.T) {
		b := b.with(t)
		b.fill(letterFields("fi"))
		b.submit("#letters-submit")
		if got := b.text(".alert.error"); !strings.Contains(got, "ruotsiksi") {
			t.Fatalf("error reads %q, want the Swedish text named", got)
		}
		if got := eval[string](b, `document.querySelector("#texts-fi-nature").value`); got != letterText("fi").Nature {
			t.Fatalf("the Finnish text reads %q after the refusal, want it kept", got)
		}
	})
	t.Run("WriteTheLetters", func(t *testing.T) {
		b := b.with(t)
		b.fill(letterFields("sv"))
		b.submit("#letters-submit")
		if got := b.text("#letter-counts"); !strings.Contains(got, "Kirjeitä 2, joista lähetetty 0") {
			t.Fatalf("counts read %q, want 2 letters, none sent", got)
		}
		if got := eval[string](b, `document.querySelector("pre.letter[lang=sv]").textContent`); !strings.Contains(got, "went to the wrong address (sv)") {
			t.Fatal("the Swedish letter does not carry the Swedish text")
		}
		b.shot("incident-letters")
		b.fitsNarrowWindow(page)
	})
	t.Run("MarkSentUntilThePeopleAreTold", func(t *testing.T) {
		b := b.with(t)
		for want := 1; want <= 2; want++ {
			b.submit("button.mark-sent")
			if got := b.text("#letter-counts"); !strings.Contains(got, "lähetetty "+string(rune('0'+want))) {
				t.Fatalf("counts read %q, want %d sent", got, want)
			}
		}
		if got := b.text("#subjects-notified"); !strings.Contains(got, "Ilmoitettu") {
			t.Fatalf("people told reads %q, want the time they were told", got)
		}
	})
	t.Run("ExemptionInstead", func(t *testing.T) {
		b := b.with(t)
		b.open("/incidents/" + exempt.ID)
		b.do(chromedp.Click(chromedp.CSS("#exempt-details > summary")), chromedp.Click(chromedp.CSS("#ground-protected")))
		b.fill(map[string]string{"#exemption-reason": "The laptop's disk was encrypted and the key was not on it."})
		b.submit("#exempt-submit")
		if got := b.text("#exemption"); !strings.Contains(got, "salattuja") {
			t.Fatalf("the page says %q, want the recorded ground", got)
		}
		if n := eval[int](b, `document.querySelectorAll("#letters-form").length`); n != 0 {
			t.Fatal("letters still offered after the exemption")
		}
	})
}

// TestBrowserDisclosure: from a customer's page the DPO opens the
// disclosure form with the customer filled in, forgets how the recipient
// was verified and is told so with the rest kept, then records it and
// lands on the customer's disclosure log.
func TestBrowserDisclosure(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	b := newBrowser(t, e)
	b.login(policy.RoleDPO)
	b.open("/subjects/" + sub.ID)
	b.do(chromedp.SendKeys(chromedp.CSS("#purpose"), "Kelan tietopyyntö"))
	b.submit("form[action='/purpose'] button[type=submit]")
	b.submit("#record-disclosure")
	if got := eval[string](b, `document.querySelector("#subject_id").value`); got != sub.ID {
		t.Fatalf("customer id reads %q, want the customer's", got)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#recipient"), "Kela"),
		chromedp.SendKeys(chromedp.CSS("#legal_basis"), "Laki Kansaneläkelaitoksesta 731/2001"),
		chromedp.SendKeys(chromedp.CSS("#categories"), "yhteystiedot, asiointihistoria"))
	b.submit("#disclosure-submit")
	t.Run("MissingVerificationNamedAndInputKept", func(t *testing.T) {
		b := b.with(t)
		if got := b.text(".alert.error"); !strings.Contains(got, "Vastaanottajan tarkistus") {
			t.Fatalf("error reads %q, want the verification field named", got)
		}
		if got := eval[string](b, `document.querySelector("#recipient").value + "|" + document.querySelector("#categories").value`); got != "Kela|yhteystiedot, asiointihistoria" {
			t.Fatalf("fields read %q after the refusal, want them kept", got)
		}
		if got := eval[string](b, `document.querySelector("fieldset#verification").getAttribute("aria-invalid")`); got != "true" {
			t.Fatal("the verification fieldset is not marked invalid")
		}
		b.shot("disclosure-new")
	})
	t.Run("Recorded", func(t *testing.T) {
		b := b.with(t)
		b.do(chromedp.Click(chromedp.CSS("#verification-callback_official_number")))
		b.submit("#disclosure-submit")
		if got := b.text(".alert.ok"); !strings.Contains(got, "Luovutus kirjattu") {
			t.Fatalf("the log says %q, want the confirmation", got)
		}
		if got := b.text("main table"); !strings.Contains(got, "Kela") || !strings.Contains(got, "soitto viranomaisen viralliseen numeroon") {
			t.Fatalf("the log lists %q, want the disclosure with its verification", got)
		}
		if n := eval[int](b, `document.querySelectorAll("#new-disclosure").length`); n != 1 {
			t.Fatal("the log has no way to record another disclosure")
		}
		b.fitsNarrowWindow("/disclosures/new?subject_id="+sub.ID, "/disclosures?subject_id="+sub.ID)
	})
}

// TestBrowserRequestLink: on a request not yet linked, the DPO finds the
// customer by identity code and links the request with the match's
// button; discovery then becomes available.
func TestBrowserRequestLink(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	req := e.dsr("access", "", time.Now(), true)
	b := newBrowser(t, e)
	b.login(policy.RoleDPO)
	b.open("/requests/" + req.ID)
	b.do(chromedp.SendKeys(chromedp.CSS("#find-identity_code"), sub.IdentityCode))
	b.submit("#find-submit")
	t.Run("FoundWithoutTheCodeShown", func(t *testing.T) {
		b := b.with(t)
		if n := eval[int](b, `document.querySelectorAll("#found tbody tr").length`); n != 1 {
			t.Fatalf("got %d matches, want 1", n)
		}
		if strings.Contains(b.text("main"), sub.IdentityCode) {
			t.Fatal("the page shows the identity code whole")
		}
		b.shot("dpo-request-search")
	})
	t.Run("LinkButtonLinks", func(t *testing.T) {
		b := b.with(t)
		b.submit(`#found tr[data-subject="` + sub.ID + `"] button.link-subject`)
		if got := b.text(".alert.ok"); !strings.Contains(got, "Pyyntö liitetty asiakkaaseen") {
			t.Fatalf("the page says %q, want the link confirmed", got)
		}
		if n := eval[int](b, `document.querySelectorAll("#discovery-link").length`); n != 1 {
			t.Fatal("discovery is not offered after linking a verified request")
		}
	})
	t.Run("MatchesFitANarrowWindow", func(t *testing.T) {
		b := b.with(t)
		other := e.dsr("access", "", time.Now(), true)
		b.do(chromedp.EmulateViewport(390, 800))
		defer b.do(chromedp.EmulateViewport(1280, 800))
		b.open("/requests/" + other.ID)
		b.do(chromedp.SendKeys(chromedp.CSS("#find-email"), sub.Emails[0]))
		b.submit("#find-submit")
		if n := eval[int](b, `document.querySelectorAll("#found tbody tr").length`); n != 1 {
			t.Fatalf("got %d matches, want 1", n)
		}
		if w := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("the request page with a match is %d px wider than a 390 px window: %s", w, eval[string](b, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id + ":" + Math.round(e.getBoundingClientRect().right)).join(" ")`))
		}
	})
}
