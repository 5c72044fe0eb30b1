package browsertest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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

// scripts turns the tab's JavaScript off (the header must work without it) or back on.
func scripts(off bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
		return err
	})
}

// TestPhoneHeader: on a 390×844 phone a signed-in staff member's header is
// the site's name, 菜单 and her name — under 120px, where four wrapped rows
// of links took 200 to 370 and pushed the page below the fold. 菜单 is a
// <details>, so it opens without JavaScript and from the keyboard; open, it
// shows every link and 退出 as rows at least 44px tall, 退出 not beside
// her name. A desktop shows the links as before and no 菜单.
func TestPhoneHeader(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	run(t, ctx, "no scripts", scripts(true))
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	visit(t, ctx, s, "/needs", "main h1")
	// The summary first (none: not shown), then the nav's links and buttons, then the header's height.
	type box struct {
		Text    string
		Top, H  float64
		Shown   bool
		HeaderH float64
	}
	const measure = `(() => {
		const m = e => { if (!e) return {Shown: false}; const r = e.getBoundingClientRect();
			return {Text: e.innerText.trim(), Top: r.top, H: r.height, Shown: r.width > 0 && r.height > 0}; };
		return [m(document.querySelector("header summary")), ...Array.from(document.querySelectorAll(
			'header nav a, header nav button'), m), {HeaderH: document.querySelector("header.top").getBoundingClientRect().height}];
	})()`
	closed := get(t, ctx, "measure the closed header", chromedp.Evaluate[[]box](measure))
	if h := closed[len(closed)-1].HeaderH; h > 120 {
		t.Errorf("the header is %.0fpx tall on a 390px phone, want ≤ 120", h)
	}
	if m := closed[0]; !m.Shown || m.Text != "菜单" || m.H < 44 {
		t.Fatalf("菜单 on a phone: %+v, want it shown, named 菜单, ≥ 44px tall", m)
	}
	for _, b := range closed[1 : len(closed)-1] {
		if want := b.Text == "李晓燕" || strings.HasPrefix(b.Text, "通知"); b.Shown != want {
			t.Errorf("closed menu: %q shown %v, want %v", b.Text, b.Shown, want)
		}
	}

	// The keyboard: Tab from the site's name reaches 菜单, Enter opens it.
	run(t, ctx, "open 菜单 from the keyboard",
		chromedp.Focus(chromedp.CSS("header .brand")),
		chromedp.KeyEvent(kb.Tab))
	if focused := get(t, ctx, "read the focus", chromedp.Evaluate[string](`document.activeElement.tagName`)); focused != "SUMMARY" {
		t.Fatalf("Tab from the site's name focused %s, want 菜单's summary", focused)
	}
	run(t, ctx, "press Enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`header a[href="/admin"]`)))
	open := get(t, ctx, "measure the open menu", chromedp.Evaluate[[]box](measure))
	var name, logout box
	for _, b := range open[1 : len(open)-1] {
		if !b.Shown || b.H < 44 {
			t.Errorf("open menu: %q shown %v, %.0fpx tall, want shown and ≥ 44px", b.Text, b.Shown, b.H)
		}
		switch b.Text {
		case "李晓燕":
			name = b
		case "退出":
			logout = b
		}
	}
	if logout.Top < name.Top+name.H {
		t.Errorf("退出 (%+v) sits beside her name (%+v), want it on a row of its own below", logout, name)
	}
	shot(t, ctx, s, "phone-menu.png")
	run(t, ctx, "scripts for axe-core", scripts(false)) // its promise waits on timers
	checkAxe(t, ctx, axeJS(t))
	run(t, ctx, "follow 管理 from the menu",
		chromedp.Click(chromedp.CSS(`header a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if loc := get(t, ctx, "read the location", chromedp.Location()); !strings.HasPrefix(loc, s.URL+"/admin") {
		t.Fatalf("管理 in the menu went to %s", loc)
	}

	run(t, ctx, "back to the desktop", chromedp.EmulateViewport(desktopW, desktopH))
	visit(t, ctx, s, "/needs", "main h1")
	desk := get(t, ctx, "measure the desktop header", chromedp.Evaluate[[]box](measure))
	if desk[0].Shown {
		t.Error("菜单 shows on a desktop")
	}
	for _, b := range desk[1 : len(desk)-1] {
		if !b.Shown {
			t.Errorf("desktop: %q hidden", b.Text)
		}
	}
}

// TestElderlyHeader: in elderly mode every target in the header (the site's
// name, 居民服务, 通知, her name, 退出, English) is at least 48×48px and
// 8px from the next, and 退出 and English have a row of their own below her
// name, 退出 not under it: beside it, a 38px-wide 退出 took the taps meant for
// her name and signed her out. On a phone, a tablet and a desktop, without
// scripts; signed out, 登录 too.
func TestElderlyHeader(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	phone(t, ctx)
	residentSignIn(t, ctx, s, "13800000010")
	run(t, ctx, "no scripts", scripts(true))
	visit(t, ctx, s, "/portal", "#elderly-on")
	run(t, ctx, "elderly mode on", chromedp.Click(chromedp.CSS("#elderly-on")), chromedp.WaitVisible(chromedp.CSS("body.elderly #elderly-off")))
	for _, w := range []int64{375, 768, desktopW} {
		if w != 375 {
			run(t, ctx, fmt.Sprint("a window ", w, " wide"), chromedp.EmulateViewport(w, 900))
		}
		visit(t, ctx, s, "/needs", "body.elderly main h1")
		targets := elderlyTargets(t, ctx, w)
		var name, english, logout headerTarget
		for _, b := range targets {
			switch b.Text {
			case "张桂兰":
				name = b
			case "English":
				english = b
			case "退出":
				logout = b
			}
		}
		if name.Text == "" || english.Text == "" || logout.Text == "" {
			t.Fatalf("%dpx: her name, English or 退出 missing from the header: %+v", w, targets)
		}
		if logout.Top < name.Bottom+8 || english.Top != logout.Top || english.Left < logout.Right {
			t.Errorf("%dpx: 退出 %+v, English %+v, her name %+v: want 退出 and English on a row of their own below her name", w, logout, english, name)
		}
		if logout.Right > name.Left && logout.Left < name.Right {
			t.Errorf("%dpx: 退出 %+v right under her name %+v, want it to one side", w, logout, name)
		}
	}
	phone(t, ctx)
	visit(t, ctx, s, "/needs", "body.elderly main h1")
	fitsPhone(t, ctx, "elderly /needs")
	run(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`body.elderly header a[href="/login"]`)))
	elderlyTargets(t, ctx, 375)
}

// headerTarget is a link or button in the header and its box.
type headerTarget struct {
	Text                     string
	Left, Top, Right, Bottom float64
}

// elderlyTargets returns the header's shown targets in document order,
// failing the test for any under 48×48px or less than 8px from another.
func elderlyTargets(t *testing.T, ctx context.Context, w int64) []headerTarget {
	t.Helper()
	targets := get(t, ctx, "measure the header's targets", chromedp.Evaluate[[]headerTarget](`Array.from(
		document.querySelectorAll("header a, header button, header summary"), e => {
			const r = e.getBoundingClientRect();
			return {Text: e.innerText.trim(), Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom};
		}).filter(b => b.Right > b.Left && b.Bottom > b.Top)`))
	for i, b := range targets {
		if b.Right-b.Left < 48 || b.Bottom-b.Top < 48 {
			t.Errorf("%dpx: %q is %.0f×%.0fpx, want ≥ 48×48", w, b.Text, b.Right-b.Left, b.Bottom-b.Top)
		}
		for _, o := range targets[:i] {
			if gap := max(o.Left-b.Right, b.Left-o.Right, o.Top-b.Bottom, b.Top-o.Bottom); gap < 8 {
				t.Errorf("%dpx: %q and %q %.0fpx apart, want ≥ 8", w, o.Text, b.Text, gap)
			}
		}
	}
	return targets
}

// TestTabletHeader: on a tablet, 768 and 1000px wide, the staff's fourteen
// links and buttons wrapped onto two rows of the desktop's header (they
// need about 980px on one). There the header is the phone's: the site's
// name, 菜单 and the account on one row, for the street's staff (who has
// the most links: 管理 too) and a resident, in Chinese and English; 菜单
// opens every link, no script, and nothing scrolls sideways. From 1100px,
// where the page reaches its full width, the desktop's links sit on one
// row; in English, whose links need about 1,210px, from 1280px.
func TestTabletHeader(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	type row struct {
		Rows, Shown    int
		NavH, HeaderH  float64
		Scroll, Inner  float64
		Menu, MenuOpen bool
		Short, Hidden  []string
	}
	// Rows counts the distinct tops of the nav's shown links and buttons.
	const measure = `(() => {
		const m = document.querySelector("header details.menu"), nav = document.querySelector("header .nav");
		const all = Array.from(nav.querySelectorAll("a, button")), shown = all.filter(e => e.getClientRects().length > 0);
		return {
			Rows: new Set(shown.map(e => Math.round(e.getBoundingClientRect().top))).size, Shown: shown.length,
			NavH: nav.getBoundingClientRect().height, HeaderH: document.querySelector("header.top").getBoundingClientRect().height,
			Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth,
			Menu: !!m && getComputedStyle(m).display !== "none", MenuOpen: !!m && m.open,
			Short: shown.filter(e => e.getBoundingClientRect().height < 44).map(e => e.innerText.trim()),
			Hidden: all.filter(e => e.getClientRects().length === 0).map(e => e.innerText.trim()),
		};
	})()`
	for _, who := range []struct{ name, phone string }{{"李晓燕", "13800000002"}, {"张桂兰", "13800000010"}} {
		ctx := newTab(t)
		if who.phone == "13800000010" {
			residentSignIn(t, ctx, s, who.phone)
		} else {
			signIn(t, ctx, s, who.phone, who.name, "")
		}
		run(t, ctx, "no scripts", scripts(true))
		for _, lang := range []string{"zh-CN", "en"} {
			if lang == "en" {
				run(t, ctx, "switch to English", chromedp.EmulateViewport(desktopW, desktopH))
				visit(t, ctx, s, "/needs", "main h1")
				run(t, ctx, "switch to English",
					chromedp.Click(chromedp.CSS(`header button[name="lang"][value="en"]`)),
					chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] main h1`)))
			}
			for _, w := range []int64{768, 1000} {
				what := fmt.Sprintf("%s, %s, %dpx", who.name, lang, w)
				run(t, ctx, what, chromedp.EmulateViewport(w, 1024))
				visit(t, ctx, s, "/needs", "main h1")
				closed := get(t, ctx, "measure the header", chromedp.Evaluate[row](measure))
				if !closed.Menu {
					t.Fatalf("%s: no 菜单: %+v", what, closed)
				}
				if closed.Rows != 1 || closed.NavH > 50 || closed.HeaderH > 80 || closed.Scroll > closed.Inner {
					t.Errorf("%s: header %+v, want the nav one row ≤ 50px, the header ≤ 80px, nothing past the window", what, closed)
				}
				run(t, ctx, "open 菜单", chromedp.Click(chromedp.CSS("header details.menu summary")))
				open := get(t, ctx, "measure the open menu", chromedp.Evaluate[row](measure))
				if !open.MenuOpen || len(open.Hidden) > 0 || len(open.Short) > 0 || open.Scroll > open.Inner {
					t.Errorf("%s: open 菜单 %+v, want every link shown, ≥ 44px tall, nothing past the window", what, open)
				}
				if who.name == "李晓燕" && !slices.Contains([]string{"管理", "Admin"}, text(t, ctx, `header a[href="/admin"]`)) {
					t.Errorf("%s: no 管理 in the open menu", what)
				}
			}
			// A 1280px desktop: the links on one row, in English too (its longer words took two).
			what := fmt.Sprintf("%s, %s, %dpx", who.name, lang, desktopW)
			run(t, ctx, what, chromedp.EmulateViewport(desktopW, desktopH))
			visit(t, ctx, s, "/needs", "main h1")
			desk := get(t, ctx, "measure the desktop header", chromedp.Evaluate[row](measure))
			if desk.Menu || len(desk.Hidden) > 0 || desk.Rows != 1 || desk.NavH > 50 || desk.Scroll > desk.Inner {
				t.Errorf("%s: %+v, want no 菜单 and every link on one row ≤ 50px", what, desk)
			}
		}
		if who.name == "李晓燕" {
			run(t, ctx, "back to Chinese", chromedp.EmulateViewport(desktopW, desktopH))
			visit(t, ctx, s, "/needs", "main h1")
			run(t, ctx, "switch to Chinese",
				chromedp.Click(chromedp.CSS(`header button[name="lang"][value="zh-CN"]`)),
				chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] main h1`)))
			run(t, ctx, "1100px", chromedp.EmulateViewport(1100, 1024))
			visit(t, ctx, s, "/needs", "main h1")
			desk := get(t, ctx, "measure the desktop header", chromedp.Evaluate[row](measure))
			if desk.Menu || len(desk.Hidden) > 0 || desk.Rows != 1 || desk.Scroll > desk.Inner {
				t.Errorf("李晓燕 at 1100px: %+v, want no 菜单 and every link on one row", desk)
			}
		}
	}
}
