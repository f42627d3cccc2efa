package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Browser tests drive headless Chromium (Debian's chromium package) with
// chromedp against a real server. They skip when no browser is installed,
// unless KIRJAAMO_TEST_BROWSER=1 (CI) makes a missing browser a failure.
// With KIRJAAMO_SCREENSHOTS=1 they save the README's screenshots under
// docs/screenshots/.

func chromiumPath() string {
	if p := os.Getenv("KIRJAAMO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

type browser struct {
	t   *testing.T
	e   *env
	ctx context.Context
}

// browserTimeout bounds one browser test, start-up included.
const browserTimeout = 90 * time.Second

func newBrowser(t *testing.T, e *env) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("KIRJAAMO_TEST_BROWSER") == "1" {
			t.Fatal("KIRJAAMO_TEST_BROWSER=1 but no chromium was found (install Debian's chromium or set KIRJAAMO_CHROMIUM)")
		}
		t.Skip("no chromium found; KIRJAAMO_TEST_BROWSER=1 makes this a failure")
	}
	dir, err := os.MkdirTemp("", "kirjaamo-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(bctx, browserTimeout)
	t.Cleanup(func() {
		cancel()
		cancelBrowser()
		cancelAlloc()
		// Chromium's helpers may write for a moment after it stops.
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &browser{t: t, e: e, ctx: ctx}
	// Start the browser on the test's context: the first action's context
	// is the browser's lifetime.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("browser: %v", err)
	}
	return b
}

// stepTimeout bounds one step, so a wait that never ends fails at once
// with its own message instead of using up the test's time.
const stepTimeout = 20 * time.Second

// run runs one action within stepTimeout.
func run[T any](b *browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// with returns the browser reporting to t (a subtest).
func (b *browser) with(t *testing.T) *browser { c := *b; c.t = t; return &c }

// do runs steps and fails the test on an error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// text returns the visible text of the first element matching css.
func (b *browser) text(css string) string {
	b.t.Helper()
	s, err := run(b, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", css, err)
	}
	return s
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("browser: %s: %v", js, err)
	}
	return v
}

func (b *browser) location() string {
	b.t.Helper()
	loc, err := run(b, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.e.srv.URL)
}

// open loads a path and waits for the page's heading.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// submit clicks a submit button and waits for the next page's heading.
func (b *browser) submit(css string) {
	b.t.Helper()
	if _, err := run(b, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))); err != nil {
		b.t.Fatalf("browser: submit %s: %v", css, err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// login signs in through the form as role.
func (b *browser) login(role policy.Role) {
	b.t.Helper()
	b.open("/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), "user."+string(role)),
		chromedp.SendKeys(chromedp.CSS("#password"), b.e.passwords[role]))
	b.submit("form[action='/login'] button[type=submit]")
}

// shot saves a screenshot of the page to docs/screenshots/name.png when
// KIRJAAMO_SCREENSHOTS=1.
func (b *browser) shot(name string) {
	b.t.Helper()
	if os.Getenv("KIRJAAMO_SCREENSHOTS") != "1" {
		return
	}
	png, err := run(b, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserLogin: signing in through the form lands on the home page
// with the role's navigation; a wrong password shows the Finnish message.
func TestBrowserLogin(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, e)
	t.Run("WrongPasswordShowsTheMessage", func(t *testing.T) {
		b := b.with(t)
		b.open("/login")
		b.shot("login")
		b.do(chromedp.SendKeys(chromedp.CSS("#username"), "user.agent"), chromedp.SendKeys(chromedp.CSS("#password"), "not the right password"))
		b.submit("form[action='/login'] button[type=submit]")
		if got := b.text(".alert.error"); !strings.Contains(got, "Väärä käyttäjätunnus tai salasana") {
			t.Fatalf("got %q, want the wrong-password message", got)
		}
	})
	t.Run("LoginShowsHome", func(t *testing.T) {
		b := b.with(t)
		b.login(policy.RoleAgent)
		if loc := b.location(); loc != "/" {
			t.Fatalf("after login at %s, want /", loc)
		}
		if got := b.text(".who"); !strings.Contains(got, "user.agent") || !strings.Contains(got, "asiakaspalvelija") {
			t.Fatalf("header says %q, want the user and the role in Finnish", got)
		}
	})
}

// TestBrowserIdleLock: when the idle time runs out the page hides itself
// and goes to the lock page; the password opens it again.
func TestBrowserIdleLock(t *testing.T) {
	e := newEnv(t, withIdle(3*time.Second))
	b := newBrowser(t, e)
	b.login(policy.RoleAgent)
	start := time.Now()
	b.do(chromedp.WaitVisible(chromedp.CSS("form[action='/unlock']")))
	if waited := time.Since(start); waited < 2*time.Second {
		t.Fatalf("locked after %v, want about 3s", waited)
	}
	if loc := b.location(); !strings.HasPrefix(loc, "/lock") {
		t.Fatalf("at %s, want /lock", loc)
	}
	b.shot("idle-lock")
	// The server agrees: the lock is not only in the page.
	b.open("/")
	if loc := b.location(); !strings.HasPrefix(loc, "/lock") {
		t.Fatalf("reloading / while locked went to %s, want /lock", loc)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#password"), e.passwords[policy.RoleAgent]))
	b.submit("form[action='/unlock'] button[type=submit]")
	if loc := b.location(); loc != "/" {
		t.Fatalf("after unlocking at %s, want /", loc)
	}
}
