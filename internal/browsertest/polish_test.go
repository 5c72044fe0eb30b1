package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// fitsPhone fails the test when the page scrolls sideways in the 375px
// window.
func fitsPhone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	width := get(t, ctx, "measure "+what, chromedp.Evaluate[struct {
		Scroll, Inner int
	}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	if width.Inner != 375 || width.Scroll > width.Inner {
		t.Errorf("%s on a phone: page %dpx wide in a %dpx window, want it to fit 375px", what, width.Scroll, width.Inner)
	}
}

// textLines counts the lines of each element's own text (its text nodes,
// not the number or link inside a tile) by the distinct tops of their boxes.
func textLines(t *testing.T, ctx context.Context, sel string) map[string]int {
	t.Helper()
	got := get(t, ctx, "count the lines of "+sel, chromedp.Evaluate[map[string]int](fmt.Sprintf(`(() => {
		const out = {};
		for (const el of document.querySelectorAll(%q)) {
			const tops = new Set();
			let label = "";
			for (const n of el.childNodes) {
				if (n.nodeType !== Node.TEXT_NODE || !n.textContent.trim()) continue;
				label += n.textContent.trim();
				const r = document.createRange();
				r.selectNodeContents(n);
				for (const b of r.getClientRects()) tops.add(Math.round(b.top));
			}
			if (label) out[label] = tops.size;
		}
		return out;
	})()`, sel)))
	if len(got) == 0 {
		t.Fatalf("no text in %s", sel)
	}
	return got
}

// TestPolishPhone: on a 375×740 phone the login tabs and the portal's tiles
// keep their labels on one line (居民（短信验证码） and 志愿时长（小时） left
// "码）" and "时）" alone on a second), and 张桂兰 reads the goods she can redeem
// as a card per merchant, her own community's first, each good's name on
// one line beside its price (a table of four columns squeezed them into
// a few characters a line), and her points history as a row per entry.
func TestPolishPhone(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	visit(t, ctx, s, "/login?tab=code", "#code-send")
	fitsPhone(t, ctx, "/login?tab=code")
	for label, lines := range textLines(t, ctx, ".tabs a") {
		if lines != 1 {
			t.Errorf("the login tab %q takes %d lines on a phone", label, lines)
		}
	}
	residentSignIn(t, ctx, s, "13800000010")

	visit(t, ctx, s, "/portal", "#tile-hours")
	fitsPhone(t, ctx, "/portal")
	for label, lines := range textLines(t, ctx, ".portal-tiles .tile") {
		if lines != 1 {
			t.Errorf("the portal tile %q takes %d lines on a phone", label, lines)
		}
	}

	visit(t, ctx, s, "/me/points", "#goods .shop")
	fitsPhone(t, ctx, "/me/points")
	names := get(t, ctx, "measure the goods' names", chromedp.Evaluate[[]struct {
		Text   string
		Height float64
		Line   float64
	}](`Array.from(document.querySelectorAll("#goods .good-name"), e => ({Text: e.innerText,
		Height: e.getBoundingClientRect().height, Line: parseFloat(getComputedStyle(e).lineHeight)}))`))
	if len(names) == 0 {
		t.Fatal("no goods on 我的积分")
	}
	for _, n := range names {
		if n.Height > n.Line*1.5 {
			t.Errorf("%q takes %.0fpx, more than one %.0fpx line, on a phone", n.Text, n.Height, n.Line)
		}
	}
	if first := text(t, ctx, "#goods .shop h3"); first != "天通北苑粮油店 本社区" {
		t.Errorf("the first merchant on her phone: %q", first)
	}
	scrollTo(t, ctx, "#goods-title")
	shot(t, ctx, s, "me-points-phone.png")

	// Her history: a row per entry, no sideways scroll, each amount on the
	// line of what it was for (a four-column table needed a scroll).
	rows := get(t, ctx, "measure the history", chromedp.Evaluate[[]struct {
		What       string
		WhatTop    float64
		DeltaTop   float64
		Overflowed bool
	}](`Array.from(document.querySelectorAll("#history li"), li => {
		const w = li.querySelector(".ledger-what"), d = li.querySelector(".ledger-delta");
		return {What: w ? w.innerText : li.innerText, WhatTop: w ? w.getBoundingClientRect().top : 0,
			DeltaTop: d ? d.getBoundingClientRect().top : -1, Overflowed: li.scrollWidth > li.clientWidth};
	})`))
	if len(rows) == 0 || rows[0].DeltaTop < 0 {
		t.Fatalf("no entries in her points history: %+v", rows)
	}
	for _, r := range rows {
		if r.Overflowed || r.DeltaTop-r.WhatTop > 4 || r.WhatTop-r.DeltaTop > 4 {
			t.Errorf("history entry %q: amount %.0fpx from its line, overflowing %v", r.What, r.DeltaTop-r.WhatTop, r.Overflowed)
		}
	}
	scrollTo(t, ctx, "#history")
	shot(t, ctx, s, "me-points-history-phone.png")
}
