package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestDashboard: a coordinator reads the district's dashboard on the demo
// data, narrows it to a street, and every chart is an image the browser
// could draw; a street's staff member sees only their street; on a phone the
// page fits the screen.
func TestDashboard(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	street := s.street(t, "回龙观街道")
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")

	visit(t, ctx, s, "/admin", "main")
	run(t, ctx, "open the dashboard", chromedp.Click(chromedp.CSS(`a[href="/dashboard"]`)), chromedp.WaitVisible(chromedp.CSS("#dash-figures")))
	contains(t, "figures", text(t, ctx, "#dash-figures"), "社会组织")
	charts := func(what string) {
		t.Helper()
		// Lazy images load once scrolled to; load them all, then count the drawn ones.
		run(t, ctx, "load the charts of "+what, chromedp.Evaluate[chromedp.Void](
			`document.querySelectorAll(".dash-chart img").forEach(i => i.loading = "eager")`),
			chromedp.Poll[chromedp.Void](`Array.from(document.querySelectorAll(".dash-chart img")).every(i => i.complete)`))
		bad := get(t, ctx, "check the charts of "+what, chromedp.Evaluate[int](
			`Array.from(document.querySelectorAll(".dash-chart img")).filter(i => i.naturalWidth === 0).length`))
		n := get(t, ctx, "count the charts of "+what, chromedp.Evaluate[int](`document.querySelectorAll(".dash-chart img").length`))
		if n == 0 || bad != 0 {
			t.Fatalf("%s: %d charts, %d not drawn%s", what, n, bad, pageState(ctx))
		}
	}
	charts("the district")
	scrollTo(t, ctx, "#dash-streets")
	shot(t, ctx, s, "dashboard.png")

	run(t, ctx, "filter by street",
		chromedp.SetValue(chromedp.CSS("#street"), street.ID),
		// The old page's figures go first, so only the next page's can match.
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#dash-figures").remove()`),
		chromedp.Click(chromedp.CSS("#dash-filter button")),
		chromedp.WaitVisible(chromedp.CSS("#dash-figures")))
	if loc := get(t, ctx, "read the location", chromedp.Location()); !strings.Contains(loc, "street="+street.ID) {
		t.Fatalf("filter: at %s", loc)
	}
	charts("one street")
	signOut(t, ctx)

	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	visit(t, ctx, s, "/dashboard", "#dash-figures")
	options := get(t, ctx, "read the street choices", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#street option")).map(o => o.value)`))
	if len(options) != 1 || options[0] != street.ID {
		t.Fatalf("street staff may choose %v, want only %s", options, street.ID)
	}
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	visit(t, ctx, s, "/dashboard", "#dash-figures")
	charts("a phone")
	width := get(t, ctx, "measure the page", chromedp.Evaluate[struct {
		Scroll, Inner int
	}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	if width.Scroll > width.Inner {
		t.Errorf("dashboard on a phone: page %dpx wide in a %dpx window", width.Scroll, width.Inner)
	}
	scrollTo(t, ctx, "#dash-org_registration")
	shot(t, ctx, s, "dashboard-phone.png")
}
