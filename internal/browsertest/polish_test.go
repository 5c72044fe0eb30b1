package browsertest

import (
	"context"
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

// TestPolishPhone: on a 375×740 phone 张桂兰 reads the goods she can redeem
// as a card per merchant, her own community's first, each good's name on
// one line beside its price (a table of four columns squeezed them into
// a few characters a line).
func TestPolishPhone(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	residentSignIn(t, ctx, s, "13800000010")

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
}
