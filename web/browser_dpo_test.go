package web_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// oldCall records a call with a note that ended days ago, as an agent, so
// that the deletion forecast has something coming.
func (e *env) oldCall(subjectID string, days int) {
	e.t.Helper()
	started := time.Now().AddDate(0, 0, -days).UTC()
	ended := started.Add(6 * time.Minute)
	note := "Asiakas kysyi työttömyysturvan hakemisesta."
	c := &kirjaamo.Contact{Kind: policy.KindCall, SubjectIDs: []string{subjectID}, Direction: "inbound", StartedAt: &started, EndedAt: &ended,
		Title: "Työttömyysturva", Content: &note}
	if err := e.svc.CreateContact(kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, "customer service")), c); err != nil {
		e.t.Fatal(err)
	}
}

// download clicks a link that downloads a file and returns the file's path.
func (b *browser) download(css string) string {
	b.t.Helper()
	dir := b.t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
		return err
	}), chromedp.Click(chromedp.CSS(css)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("browser: download: %v", err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			return filepath.Join(dir, ev.GUID)
		case cdpbrowser.DownloadProgressStateCanceled:
			b.t.Fatal("browser: download canceled")
		}
	}
	b.t.Fatal("browser: no download")
	return ""
}

// TestBrowserDPO: a DPO takes an access request from receipt to the export
// download: registers it, verifies the identity, moves it to in progress,
// runs discovery and downloads the ZIP, which holds data.json. On the way
// the main DPO views are photographed.
func TestBrowserDPO(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	e.oldCall(sub.ID, 170)
	e.callNote(sub.ID)
	// Other requests in the queue: one overdue, one due within a week.
	e.dsr("erasure", "", time.Now().AddDate(0, -1, -3), true)
	e.dsr("rectification", "", time.Now().AddDate(0, 0, -26), false)
	b := newBrowser(t, e)
	b.login(policy.RoleDPO)

	var reqPath string
	t.Run("RegisterOnReceipt", func(t *testing.T) {
		b := b.with(t)
		b.open("/requests")
		b.do(chromedp.SetValue(chromedp.CSS("#type"), "access"),
			chromedp.SendKeys(chromedp.CSS("#channel"), "kirje"),
			chromedp.SendKeys(chromedp.CSS("#subject_id"), sub.ID))
		b.submit("form[action='/requests'] button[type=submit]")
		reqPath = strings.SplitN(b.location(), "?", 2)[0]
		if !strings.HasPrefix(reqPath, "/requests/") {
			t.Fatalf("after registering at %s, want the request page", reqPath)
		}
		if got := b.text("#request-state"); got != "Saapunut" {
			t.Fatalf("state %q, want Saapunut", got)
		}
		if n := eval[int](b, `document.querySelectorAll("#discovery-link, a[href$='/export?lang=fi']").length`); n != 0 {
			t.Fatal("discovery or export offered before the identity is verified")
		}
	})
	t.Run("QueueByDeadline", func(t *testing.T) {
		b := b.with(t)
		b.open("/requests")
		if got := eval[string](b, `document.querySelector("table.queue tbody tr").className`); got != "overdue" {
			t.Fatalf("first row is %q, want the overdue request", got)
		}
		b.shot("dpo-requests")
	})
	t.Run("NarrowWindow", func(t *testing.T) {
		b := b.with(t)
		b.do(chromedp.EmulateViewport(390, 800))
		defer b.do(chromedp.EmulateViewport(1280, 800)) // EmulateReset left later screenshots 390 px wide
		for _, path := range []string{"/requests", reqPath, "/incidents", "/audit", "/retention", "/notice"} {
			b.open(path)
			if w := eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
				t.Errorf("%s is %d px wider than a 390 px window: %s", path, w, eval[string](b, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 6).map(e => e.tagName + "." + e.className + "#" + e.id + ":" + Math.round(e.getBoundingClientRect().right)).join(" ")`))
			}
		}
		b.open("/requests")
		b.shot("dpo-requests-narrow")
	})
	t.Run("VerifyIdentity", func(t *testing.T) {
		b := b.with(t)
		b.open(reqPath)
		b.do(chromedp.Click(chromedp.CSS("#method-strong_electronic_identification")))
		b.submit("#verify-submit")
		if got := b.text("#verification"); !strings.Contains(got, "Vahva sähköinen tunnistautuminen") {
			t.Fatalf("verification reads %q, want the method", got)
		}
	})
	t.Run("MoveToInProgress", func(t *testing.T) {
		b := b.with(t)
		b.submit("#start-submit")
		if got := b.text("#request-state"); got != "Käsittelyssä" {
			t.Fatalf("state %q, want Käsittelyssä", got)
		}
		b.shot("dpo-request")
	})
	t.Run("RunDiscovery", func(t *testing.T) {
		b := b.with(t)
		b.submit("#discovery-link")
		if got := b.text("main"); !strings.Contains(got, "Työttömyysturva") || !strings.Contains(got, "Työnhaun ilmoitus") {
			t.Fatal("discovery does not list the subject's calls")
		}
		b.shot("dpo-discovery")
	})
	t.Run("DownloadExport", func(t *testing.T) {
		b := b.with(t)
		b.open(reqPath)
		path := b.download("#export-fi")
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatalf("the download is not a ZIP: %v", err)
		}
		defer zr.Close()
		var found bool
		for _, f := range zr.File {
			found = found || f.Name == "data.json"
		}
		if !found {
			t.Fatal("the ZIP has no data.json")
		}
		os.Remove(path)
	})
	t.Run("ErasurePreviewAndLetter", func(t *testing.T) {
		b := b.with(t)
		other := e.person()
		e.callNote(other.ID)
		req := e.dsr("erasure", other.ID, time.Now(), true)
		b.open("/requests/" + req.ID)
		b.submit("#erasure-link")
		if got := b.text("pre.letter"); !strings.Contains(got, "Päätös tietojen poistamista koskevaan pyyntöön") {
			t.Fatalf("letter reads %q, want the Finnish decision", got)
		}
		b.shot("dpo-erasure")
		b.submit("#erasure-submit")
		if got := b.text(".alert.ok"); !strings.Contains(got, "Päätös tehty: 0 tietoa poistettu, 2 säilytetty") {
			t.Fatalf("after deciding the page says %q, want the counts (seed 002: a statutory task keeps all)", got)
		}
	})
	t.Run("IncidentRegister", func(t *testing.T) {
		b := b.with(t)
		e.incident(time.Now().Add(-20*time.Hour), "risk")
		e.incident(time.Now().Add(-80*time.Hour), "high")
		b.open("/incidents")
		if got := b.text("table.queue tbody tr.overdue .clock"); !strings.Contains(got, "MYÖHÄSSÄ 8 h") {
			t.Fatalf("overdue incident says %q, want MYÖHÄSSÄ 8 h", got)
		}
		b.shot("incidents")
	})
	t.Run("DeletionForecast", func(t *testing.T) {
		b := b.with(t)
		b.open("/retention")
		if got := b.text("table.forecast"); !strings.Contains(got, "Sisältö") {
			t.Fatalf("forecast reads %q, want the call note's content due", got)
		}
		b.shot("retention-forecast")
	})
	t.Run("NoticePreview", func(t *testing.T) {
		b := b.with(t)
		b.open("/notice?lang=sv")
		if got := b.text(".notice-preview h1"); !strings.Contains(got, "dataskyddsbeskrivning") {
			t.Fatalf("notice heading %q, want the Swedish notice", got)
		}
		b.shot("notice-preview")
	})
}

// TestBrowserAuditor: the auditor sees an agent's access in the audit log
// and verifies the chain.
func TestBrowserAuditor(t *testing.T) {
	e := newEnv(t)
	sub := e.person()
	e.callNote(sub.ID)
	b := newBrowser(t, e)
	b.login(policy.RoleAuditor)
	b.open("/audit")
	b.do(chromedp.SendKeys(chromedp.CSS("#subject_id"), sub.ID))
	b.submit("#filter-submit")
	if n := eval[int](b, `document.querySelectorAll("table.audit tbody tr[data-seq]").length`); n != 2 {
		t.Fatalf("got %d events of the customer, want 2", n)
	}
	if got := b.text("table.audit tbody tr[data-seq]"); !strings.Contains(got, "asiakaspalvelija") {
		t.Fatalf("event reads %q, want the agent's access", got)
	}
	b.submit("#verify-chain")
	if got := b.text("#chain-status"); !strings.Contains(got, "Ketju on ehjä") {
		t.Fatalf("chain status %q, want intact", got)
	}
	b.shot("audit-log")
}
