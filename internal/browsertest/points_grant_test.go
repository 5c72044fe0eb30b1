package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPointsGrant: the street's staff member grants a resident points from
// the street's pool by hand, with a reason; the pool's postings show it with
// the resident's name masked.
func TestPointsGrant(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	visit(t, ctx, s, "/admin/points", "#grant-link")
	run(t, ctx, "open the grant page",
		chromedp.Click(chromedp.CSS("#grant-link")),
		chromedp.WaitVisible(chromedp.CSS("#grant-form")))
	contains(t, "the pool", text(t, ctx, "#pool-balance"), "回龙观街道积分池")
	run(t, ctx, "fill the grant form",
		chromedp.SendKeys(chromedp.CSS("#phone"), "13800000010"),
		chromedp.SendKeys(chromedp.CSS("#amount"), "20"),
		chromedp.SendKeys(chromedp.CSS("#reason"), "垃圾分类示范户评选奖励"))
	shot(t, ctx, s, "points-grant.png")
	submit(t, ctx, "grant", "#grant-submit", "积分已发放")
	entries := text(t, ctx, "#pool-entries")
	contains(t, "the pool's postings", entries, "垃圾分类示范户评选奖励")
	contains(t, "the resident masked", entries, "张**")
}
