package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// richPerson is a customer with something in every section of the page.
func (e *env) richPerson() (*kirjaamo.Subject, *kirjaamo.Contact) {
	e.t.Helper()
	subj := e.person()
	e.note(subj.ID)
	call := e.recordedCall(subj.ID)
	ctx := kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "test data"))
	if err := e.svc.SetOptOut(ctx, &kirjaamo.OptOut{SubjectID: subj.ID, Kind: "direct_marketing", Active: true}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.RecordConsent(ctx, &kirjaamo.Consent{SubjectID: subj.ID, Purpose: "marketing", Channel: "phone", TextVersion: "m-2026", GivenAt: time.Now().AddDate(0, -2, 0)}); err != nil {
		e.t.Fatal(err)
	}
	return subj, call
}

// typeIn clears an input and types v.
func (b *browser) typeIn(css, v string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(css)))
	eval[bool](b, `(function(){ document.querySelector(`+"`"+css+"`"+`).value = ""; return true })()`)
	b.do(chromedp.SendKeys(chromedp.CSS(css), v))
}

// poll waits until a JavaScript expression is true.
func (b *browser) poll(js string) {
	b.t.Helper()
	if _, err := run(b, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.t.Fatalf("browser: waiting for %s: %v", js, err)
	}
}

// TestBrowserAgent walks an agent's work: the search guard, finding the
// customer, revealing the identity code with a purpose (audited), a call
// note with live warnings, and no player without the recording permission.
func TestBrowserAgent(t *testing.T) {
	e := newEnv(t)
	subj, call := e.richPerson()
	b := newBrowser(t, e)
	b.login(policy.RoleAgent)

	t.Run("FirstNameOnlySearchShowsTheGuard", func(t *testing.T) {
		b := b.with(t)
		b.open("/search")
		b.typeIn("#purpose", "Asiakkaan yhteydenoton hoitaminen")
		b.typeIn("#first_name", subj.FirstName)
		b.submit("#search-form button[type=submit]")
		got := b.text(".alert.error")
		if !strings.Contains(got, "Pelkällä etunimellä ei koskaan haeta") {
			t.Fatalf("got %q, want the search guard's message", got)
		}
		b.shot("search-guard")
	})
	t.Run("SearchFindsTheCustomer", func(t *testing.T) {
		b := b.with(t)
		b.open("/search")
		b.typeIn("#customer_number", subj.CustomerNumber)
		b.submit("#search-form button[type=submit]")
		b.shot("search-results")
		b.submit("table a[href='/subjects/" + subj.ID + "']")
		if got := b.text("#identity-code"); got != kirjaamo.MaskIdentityCode(subj.IdentityCode) {
			t.Fatalf("identity code shows %q, want it masked", got)
		}
		b.shot("customer")
		// Figures for docs/benchmarks.md; logged, never a timed assertion.
		timing := eval[string](b, `(function(){
			const n = performance.getEntriesByType("navigation")[0];
			const fcp = performance.getEntriesByName("first-contentful-paint")[0];
			const res = performance.getEntriesByType("resource").reduce((a, r) => a + r.encodedBodySize, 0);
			return "response " + (n.responseEnd - n.requestStart).toFixed(1) + " ms, DOMContentLoaded " + n.domContentLoadedEventEnd.toFixed(1) +
				" ms, first contentful paint " + (fcp ? fcp.startTime.toFixed(1) : "?") + " ms, HTML " + n.encodedBodySize + " B, assets " + res + " B";
		})()`)
		t.Logf("customer page: %s", timing)
	})
	t.Run("RevealAsksAPurposeAndIsAudited", func(t *testing.T) {
		b := b.with(t)
		b.do(chromedp.Click(chromedp.CSS("#reveal summary")), chromedp.WaitVisible(chromedp.CSS("#reveal-purpose")))
		// The browser itself refuses an empty purpose (required).
		if valid := eval[bool](b, `document.querySelector("#reveal-purpose").checkValidity()`); valid {
			t.Fatal("the purpose field accepts an empty purpose")
		}
		b.typeIn("#reveal-purpose", "Henkilöllisyyden varmistaminen")
		b.shot("reveal-purpose")
		b.submit("#reveal button[type=submit]")
		if got := b.text("#identity-code"); got != subj.IdentityCode {
			t.Fatal("the identity code was not revealed")
		}
		var audited bool
		for _, ev := range e.auditEvents(kirjaamo.ActionReveal, subj.ID) {
			audited = audited || ev.Outcome == kirjaamo.OutcomeOK && ev.Purpose == "Henkilöllisyyden varmistaminen"
		}
		if !audited {
			t.Fatal("no audit event of the reveal with its purpose")
		}
		if loc := b.location(); strings.Contains(loc, subj.IdentityCode) {
			t.Fatal("the identity code is in the URL")
		}
	})
	t.Run("AuditorSeesTheReveal", func(t *testing.T) {
		aud := newBrowser(t, e) // a second browser: its own cookies
		aud.login(policy.RoleAuditor)
		aud.open("/audit?action=reveal&subject_id=" + subj.ID)
		rows := eval[string](aud, `Array.from(document.querySelectorAll("table tbody tr")).map(r => r.textContent).join("\n")`)
		if !strings.Contains(rows, "Henkilöllisyyden varmistaminen") {
			t.Fatalf("the auditor's log does not show the reveal with its purpose: %q", rows)
		}
		aud.shot("audit-reveal")
	})
	t.Run("CallNoteWarnsAsOneTypes", func(t *testing.T) {
		b := b.with(t)
		b.open("/subjects/" + subj.ID + "/contacts/new?kind=call")
		b.typeIn("#title", "Päätöksen aikataulu")
		b.do(chromedp.SendKeys(chromedp.CSS("#content"), "Asiakas kertoi hetunsa "+subj.IdentityCode+" ja sairauslomasta."))
		b.poll(`document.querySelector("#pii-warnings").textContent.includes("henkilötunnus")`)
		b.shot("call-note-warning")
		b.submit("form[action$='/contacts'] button[type=submit]")
		if got := b.text(".alert.ok"); !strings.Contains(got, "tallennettiin") {
			t.Fatalf("got %q, want the saved notice", got)
		}
	})
	t.Run("AgentWithoutRecordingPermissionSeesNoPlayer", func(t *testing.T) {
		b := b.with(t)
		b.open("/contacts/" + call.ID)
		if n := eval[int](b, `document.querySelectorAll("audio, form[action$='/listen']").length`); n != 0 {
			t.Fatalf("an agent without the recording permission sees %d player elements", n)
		}
	})
	t.Run("NarrowWindow", func(t *testing.T) {
		b := b.with(t)
		b.do(chromedp.EmulateViewport(390, 844))
		b.open("/subjects/" + subj.ID)
		b.shot("customer-narrow")
		if w := eval[int](b, `document.documentElement.scrollWidth`); w > 400 {
			t.Fatalf("the customer page is %dpx wide in a 390px window", w)
		}
		b.do(chromedp.EmulateViewport(1280, 800))
	})
}

// TestBrowserSupervisor: the supervisor states a purpose and the player
// plays; the extension form shows the cap; holds are listed.
func TestBrowserSupervisor(t *testing.T) {
	e := newEnv(t)
	_, call := e.richPerson()
	b := newBrowser(t, e)
	b.login(policy.RoleSupervisor)
	t.Run("PlayerAfterThePurpose", func(t *testing.T) {
		b := b.with(t)
		b.open("/contacts/" + call.ID)
		if n := eval[int](b, `document.querySelectorAll("audio").length`); n != 0 {
			t.Fatal("the player is there before a purpose is stated")
		}
		b.typeIn("#listen-purpose", "Reklamaation käsittely")
		b.submit("form[action$='/listen'] button[type=submit]")
		b.poll(`document.querySelector("audio#player").readyState >= 1`)
		if d := eval[float64](b, `document.querySelector("audio#player").duration`); d < 0.9 || d > 1.1 {
			t.Fatalf("the recording's duration is %v s, want 1", d)
		}
		b.do(chromedp.Click(chromedp.CSS("#extend-recording summary")), chromedp.WaitVisible(chromedp.CSS("#extend-until-recording")))
		b.shot("recording-player")
	})
	t.Run("HoldsList", func(t *testing.T) {
		b := b.with(t)
		ctx := kirjaamo.WithAccess(t.Context(), e.as(policy.RoleSupervisor, ""))
		if err := e.svc.PlaceHold(ctx, &kirjaamo.Hold{RecordID: call.ID, Reason: "legal_claim", Owner: "lakiasiat", ReviewAt: time.Now().AddDate(0, 6, 0)}); err != nil {
			t.Fatal(err)
		}
		b.open("/holds")
		if n := eval[int](b, `document.querySelectorAll("form[action$='/release']").length`); n != 1 {
			t.Fatalf("got %d holds with a release button, want 1", n)
		}
		b.shot("holds")
	})
}
