package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
)

const (
	// testTimeout bounds each test's tab: a page that never shows what a
	// test waits for fails the test instead of hanging the package.
	testTimeout = 60 * time.Second
	// desktopW×desktopH is the desktop viewport, also the docs' screenshots.
	desktopW, desktopH = 1280, 800
	// startTimeout bounds Chromium's start-up.
	startTimeout = 30 * time.Second
)

// browser is the one Chromium the tests of the package share; each test gets
// its own tab in its own browser context, so cookies never leak between tests.
var browser struct {
	once     sync.Once
	ctx      context.Context // a chromedp context holding the running browser
	cancel   func()
	dir      string // the fresh --user-data-dir
	notFound bool   // no Chromium on this machine: skip, or fail under CI
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

// chromiumPath returns the browser named by HUITIAN_CHROMIUM (set by
// ./scripts/test) or chromium from PATH; "" when there is none.
func chromiumPath() (string, error) {
	if p := os.Getenv("HUITIAN_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("HUITIAN_CHROMIUM=%s: %w", p, err)
		}
		return found, nil
	}
	p, _ := exec.LookPath("chromium")
	return p, nil
}

// lockedBuffer keeps the start of Chromium's output for error messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 8<<10 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		browser.err = err
		return
	}
	if path == "" {
		browser.notFound = true
		browser.err = errors.New("no Chromium: set HUITIAN_CHROMIUM or put chromium in PATH (./scripts/test installs it)")
		return
	}
	dir, err := os.MkdirTemp("", "huitian-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	browser.dir = dir
	out := &lockedBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox, // the tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		// On Linux the browser's own words (a file input's button) follow
		// LANGUAGE, given Debian's chromium-l10n; without it they stay English.
		chromedp.Env("LANGUAGE=zh_CN:zh"),
		chromedp.WindowSize(desktopW, desktopH),
		chromedp.CombinedOutput(out),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first Do binds the browser's life to ctx, so it gets no timeout;
	// the select bounds the start instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("Chromium did not start within %s", startTimeout)
	}
	if err != nil {
		cancel()
		allocCancel()
		browser.err = fmt.Errorf("start %s: %w\n%s", path, err, out.String())
		return
	}
	browser.ctx = ctx
	browser.cancel = func() {
		cancel()
		allocCancel()
	}
}

// needBrowser starts the shared Chromium once. Without one it skips the
// test, or fails it under CI=true; tests call it first, before seeding.
func needBrowser(t *testing.T) {
	t.Helper()
	browser.once.Do(startBrowser)
	if browser.err != nil {
		if browser.notFound && os.Getenv("CI") != "true" {
			t.Skip(browser.err)
		}
		t.Fatal(browser.err)
	}
}

// newTab opens a tab in a fresh browser context (no cookies), asking for
// Chinese pages, with a 1280×800 viewport. Everything done in it ends by
// testTimeout. Without Chromium the test is skipped, or fails under CI=true.
func newTab(t *testing.T) context.Context {
	t.Helper()
	needBrowser(t)
	tab, closeTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	// As with the browser, the first Do binds the tab's life to its context:
	// open it without a timeout, then bound the test by a context derived
	// from it, so a test that runs out of time still leaves the tab open for
	// pageState to describe.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tab) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open a tab: %v", err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("no tab within %s", startTimeout)
	}
	ctx, cancel := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancel)
	run(t, ctx, "set up the tab",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "zh-CN,zh;q=0.9"}})
			return err
		}),
		chromedp.EmulateViewport(desktopW, desktopH),
	)
	return ctx
}

// site is the whole Huitian site on a test server over a demo database.
type site struct {
	URL   string
	Store *store.Store
	Inbox *sms.Inbox
	// Shots says whether this run's screenshots may be written to
	// HUITIAN_SCREENSHOTS (one run per test, not one per database).
	Shots bool
}

// newSite seeds s with the demo data and serves cli.Handler over it, with
// the developer SMS inbox on /dev/inbox as `huitian demo` has.
func newSite(t *testing.T, s *store.Store) *site {
	t.Helper()
	return newSiteConfig(t, s, config.Default())
}

// newSiteConfig is newSite with cfg (the developer inbox always on).
func newSiteConfig(t *testing.T, s *store.Store, cfg config.Config) *site {
	t.Helper()
	if _, err := demo.Seed(context.Background(), s, s.Now()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	cfg.DevInbox = true
	inbox := sms.NewInbox(20)
	// Warnings and errors only (a failing page logs its cause here).
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := cli.Handler(cfg, s, log, inbox, inbox)
	if err != nil {
		t.Fatalf("handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &site{URL: srv.URL, Store: s, Inbox: inbox, Shots: s.Dialect() == store.SQLite}
}

// street returns the id of the street named name.
func (s *site) street(t *testing.T, name string) *places.Street {
	t.Helper()
	streets, err := s.Store.FindStreets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range streets {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no street %s in the demo data", name)
	return nil
}

// run runs the steps in the tab; on failure it says what the page showed.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", what, err, pageState(ctx))
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v%s", what, err, pageState(ctx))
	}
	return v
}

// pageState describes where the tab is, for failure messages.
func pageState(ctx context.Context) string {
	// The test's own context may be the one that ran out: look with a
	// short one of its own derived from the browser.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	state, err := chromedp.Run(sctx, chromedp.Evaluate[string](
		`location.href + "\n" + (document.querySelector("main") || document.body || {innerText: ""}).innerText.slice(0, 1500)`))
	if err != nil {
		return ""
	}
	return "\npage: " + state
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	// The node the selector found can be replaced while a page settles
	// ("No node with given id found", seen once after a sign-in): read again.
	for i := 0; ; i++ {
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil {
			return v
		}
		if i == 2 || !strings.Contains(err.Error(), "No node with given id") {
			t.Fatalf("read %s: %v%s", sel, err, pageState(ctx))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// visit opens path on the site and waits until sel shows.
func visit(t *testing.T, ctx context.Context, s *site, path, sel string) {
	t.Helper()
	run(t, ctx, "open "+path, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// signIn signs in with phone and the demo staff password on /login and
// waits for the header to show the account's name.
func signIn(t *testing.T, ctx context.Context, s *site, phone, name, screenshot string) {
	t.Helper()
	visit(t, ctx, s, "/login?tab=password", "#login-password")
	run(t, ctx, "fill the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#phone"), phone),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	if screenshot != "" {
		shot(t, ctx, s, screenshot)
	}
	run(t, ctx, "sign in as "+phone,
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`header a[href="/me"]`)))
	if got := text(t, ctx, `header a[href="/me"]`); got != name {
		t.Fatalf("header shows %q, want %q", got, name)
	}
}

// signOut presses the header's sign-out button, on a phone in 菜单.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if get(t, ctx, "look for a closed 菜单", chromedp.Evaluate[bool](
		`(() => { const m = document.querySelector("header details.menu"); return !!m && !m.open && getComputedStyle(m).display !== "none" })()`)) {
		run(t, ctx, "open 菜单", chromedp.Click(chromedp.CSS("header details.menu summary")))
	}
	run(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`header a[href="/login"]`)))
}

// shot takes a screenshot of the viewport. When HUITIAN_SCREENSHOTS names a
// folder (relative paths count from the module root, so
// HUITIAN_SCREENSHOTS=docs/screenshots works from anywhere), it is written
// there as name.
func shot(t *testing.T, ctx context.Context, s *site, name string) {
	t.Helper()
	png := get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	dir := os.Getenv("HUITIAN_SCREENSHOTS")
	if dir == "" || !s.Shots {
		return
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// moduleRoot is the folder holding go.mod (go test runs in the package's).
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// contains fails the test unless got contains want.
func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("%s: %q does not contain %q", what, got, want)
	}
}
