package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/procurement"
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

// TestTablesPhone: on a 375×740 phone a wide table scrolls sideways in its
// .table-scroll instead of squeezing its columns (Chinese breaks between any
// two characters: names came out a character a line, a receipt code a
// 1,600px column, the last columns hidden past the edge). The public points
// notice and, for the street's staff (李晓燕), a tender in evaluation with
// its opened proposals and ranking: the page fits the screen, every text
// column holds five characters a line and every figure one line; a receipt code shows its first 12 digits, the
// whole one in its title.
func TestTablesPhone(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	staff, err := s.Store.FindUserByPhone(context.Background(), "13800000002")
	if err != nil || len(staff.Grants) == 0 {
		t.Fatalf("street staff: %v", err)
	}
	needs, _, err := s.Store.FindNeeds(storetest.Admin(), procurement.Filter{Status: procurement.Evaluating, StreetID: staff.Grants[0].ScopeID, PerPage: 1})
	if err != nil || len(needs) == 0 {
		t.Fatalf("no need in evaluation in the staff's street: %v", err)
	}
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, table string }{
		{"/points/notice", "#notice"},
		{"/needs/" + needs[0].ID, "#opened-proposals"},
		{"/needs/" + needs[0].ID, "#ranking"},
	} {
		visit(t, ctx, s, p.path, p.table+" tbody tr")
		fitsPhone(t, ctx, p.path)
		readableTable(t, ctx, p.path, p.table)
	}
	receipts := get(t, ctx, "read the receipt codes", chromedp.Evaluate[[][2]string](
		`Array.from(document.querySelectorAll("#opened-proposals td[title]"), td => [td.innerText.trim(), td.title])`))
	if len(receipts) == 0 {
		t.Fatal("no receipt code among the opened proposals")
	}
	for _, r := range receipts {
		if len(r[1]) != 64 || r[0] != r[1][:12]+"…" {
			t.Errorf("receipt shown %q, title %q: want its first 12 digits and … , the whole code in the title", r[0], r[1])
		}
	}
	scrollTo(t, ctx, "#ranking")
	shot(t, ctx, s, "need-ranking-phone.png")
}

// readableTable fails the test when the table sel is squeezed into its
// wrapper: it must be in a .table-scroll, each text cell must hold five
// characters a line and each .num, .money or .nowrap cell its one line.
func readableTable(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	got := get(t, ctx, "measure "+sel, chromedp.Evaluate[struct {
		Wrapped  bool
		Squeezed []string
	}](fmt.Sprintf(`(() => {
		const table = document.querySelector(%q), wrap = table.closest(".table-scroll");
		const out = {Wrapped: !!wrap, Squeezed: []};
		for (const td of table.querySelectorAll("tbody td")) {
			const st = getComputedStyle(td), size = parseFloat(st.fontSize);
			const inner = td.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
			const text = td.innerText.trim();
			if (!text || td.colSpan > 1) continue;
			const figure = td.matches(".num, .money, .nowrap");
			const r = document.createRange();
			r.selectNodeContents(td);
			const lines = r.getBoundingClientRect().height;
			if (figure ? lines > 1.5 * parseFloat(st.lineHeight) : inner < 5 * size) {
				out.Squeezed.push(text.slice(0, 12) + " " + Math.round(inner) + "×" + Math.round(lines) + "px");
			}
		}
		return out;
	})()`, sel)))
	if !got.Wrapped {
		t.Fatalf("%s: %s is not in a .table-scroll", what, sel)
	}
	for _, c := range got.Squeezed {
		t.Errorf("%s: %s squeezed on a phone: %s", what, sel, c)
	}
}
