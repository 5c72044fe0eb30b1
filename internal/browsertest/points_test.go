package browsertest

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestEarnAndRedeem: the demo resident 张桂兰, who earned points in the demo,
// asks for a code for 挂面 at 龙锦苑便民超市 on 我的积分 and sees it with its
// QR image; the shop's login opens the link the QR code holds, sees the
// good and her masked name, and confirms; her balance drops by the price.
func TestEarnAndRedeem(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))

	res := newTab(t)
	residentSignIn(t, res, s, "13800000010")
	visit(t, res, s, "/me/points", "#balance")
	before := balance(t, res)
	if before <= 0 {
		t.Fatalf("the demo resident has %d points", before)
	}
	contains(t, "history", text(t, res, "#history"), "绿地认养志愿服务")
	if s.Shots {
		shot(t, res, s, "me-points.png")
	}
	// 龙锦苑便民超市 is in another street than hers: on the whole
	// district's list.
	run(t, res, "see the whole district's merchants",
		chromedp.Click(chromedp.CSS(`#shops-scope a[href^="/me/points?shops=all"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#shops-scope a[href^="/me/points#"]`)))
	clicked := get(t, res, "ask for a code for 挂面",
		chromedp.Evaluate[bool](`(() => {
			for (const li of document.querySelectorAll("#goods .shop-good")) {
				if (li.closest(".shop").querySelector("h3").innerText.includes("龙锦苑便民超市") && li.innerText.includes("挂面")) {
					li.querySelector("button").click(); return true;
				}
			}
			return false;
		})()`))
	if !clicked {
		t.Fatal("no 挂面 of 龙锦苑便民超市 among the goods")
	}
	run(t, res, "wait for the code", chromedp.WaitVisible(chromedp.CSS("#code-digits")))
	code := text(t, res, "#code-digits")
	if !regexp.MustCompile(`^\d{8}$`).MatchString(code) {
		t.Fatalf("code %q", code)
	}
	src := get(t, res, "read the QR image", chromedp.Evaluate[string](`document.querySelector("#code img").src`))
	if !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("QR image %q", src[:min(len(src), 40)])
	}
	if s.Shots {
		shot(t, res, s, "redemption-code.png")
	}

	shop := newTab(t)
	signIn(t, shop, s, "13800000007", "马国强", "")
	visit(t, shop, s, "/merchant/redeem?code="+code, "#preview-good")
	contains(t, "good", text(t, shop, "#preview-good"), "挂面")
	if who := text(t, shop, "#preview-resident"); who != "张**" {
		t.Fatalf("the merchant sees %q, want 张**", who)
	}
	if s.Shots {
		shot(t, shop, s, "merchant-redeem.png")
	}
	run(t, shop, "confirm",
		chromedp.Click(chromedp.CSS(`#redeem button.btn`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "flash", text(t, shop, ".flash"), "兑换成功")
	contains(t, "redemptions", text(t, shop, "#redemptions"), "挂面")

	visit(t, res, s, "/me/points", "#balance")
	goods, err := s.Store.FindGoods(context.Background(), points.GoodFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var price int64
	for _, g := range goods {
		if g.MerchantName == "龙锦苑便民超市" && strings.HasPrefix(g.Name, "挂面") {
			price = g.Price
		}
	}
	if after := balance(t, res); price == 0 || after != before-price {
		t.Fatalf("balance %d → %d, price %d", before, after, price)
	}
}

func balance(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	n, err := strconv.ParseInt(text(t, ctx, "#balance strong"), 10, 64)
	if err != nil {
		t.Fatalf("balance: %v", err)
	}
	return n
}
