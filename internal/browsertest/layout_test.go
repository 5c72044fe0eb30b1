package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestLanguageSwitch: pages come in Chinese for a zh-CN browser; the
// "English" button switches to English and "中文" back, on the same page.
func TestLanguageSwitch(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	visit(t, ctx, s, "/organizations", `html[lang="zh-CN"] main h1`)
	if got := text(t, ctx, "main h1"); got != "社会组织名录" {
		t.Fatalf("Chinese heading %q", got)
	}
	run(t, ctx, "switch to English",
		chromedp.Click(chromedp.CSS(`header button[name="lang"][value="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] main h1`)))
	if got := text(t, ctx, "main h1"); got != "Organization directory" {
		t.Fatalf("English heading %q", got)
	}
	if loc := get(t, ctx, "read the location", chromedp.Location()); loc != s.URL+"/organizations" {
		t.Fatalf("the switch went to %s, want the same page", loc)
	}
	run(t, ctx, "switch back to Chinese",
		chromedp.Click(chromedp.CSS(`header button[name="lang"][value="zh-CN"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] main h1`)))
	if got := text(t, ctx, "main h1"); got != "社会组织名录" {
		t.Fatalf("heading after switching back %q", got)
	}
}

// TestPhoneLayout: on a 375×740 phone the public pages fit the screen
// width: nothing scrolls sideways.
func TestPhoneLayout(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	// The directory's filters fill the first screen; its picture shows the results.
	for _, p := range []struct{ path, sel, shot, scroll string }{
		{"/organizations", ".grid .org-card", "directory-phone.png", ".result-count"},
		{"/", ".hero", "", ""},
		{"/login?tab=code", "#code-send", "", ""},
	} {
		visit(t, ctx, s, p.path, p.sel)
		width := get(t, ctx, "measure "+p.path, chromedp.Evaluate[struct {
			Scroll, Inner int
		}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Inner != 375 || width.Scroll > width.Inner {
			t.Errorf("%s on a phone: page %dpx wide in a %dpx window, want it to fit 375px", p.path, width.Scroll, width.Inner)
		}
		if p.scroll != "" {
			run(t, ctx, "scroll to "+p.scroll, chromedp.ScrollIntoView(chromedp.CSS(p.scroll)))
		}
		if p.shot != "" {
			shot(t, ctx, s, p.shot)
		}
	}
}
