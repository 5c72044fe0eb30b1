package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestMerchantsAdminPaged: a platform admin's merchants list shows a page
// at a time with a pager, and finds a merchant by a part of its name.
func TestMerchantsAdminPaged(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	own := s.street(t, "回龙观街道")
	kinds := []string{"超市", "药店", "理发", "餐饮", "水果"}
	for i := range 70 {
		m := &merchants.Merchant{Name: fmt.Sprintf("回龙观%s%02d号店", kinds[i%len(kinds)], i), StreetID: own.ID,
			Kind: kinds[i%len(kinds)], Address: fmt.Sprintf("回龙观西大街%d号", i+1)}
		if err := s.Store.CreateMerchant(storetest.Admin(), m); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Store.FindMerchants(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")
	visit(t, ctx, s, "/admin/merchants", "#merchant-filter")
	contains(t, "count", text(t, ctx, ".result-count"), fmt.Sprintf("共 %d 家商户", len(all)))
	if n := get(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#merchants tbody tr").length`)); n != 50 {
		t.Fatalf("%d rows on the first page, want 50", n)
	}
	contains(t, "pager", text(t, ctx, "nav.pager"), "2")
	shot(t, ctx, s, "admin-merchants.png")

	run(t, ctx, "search by a part of the name",
		chromedp.SetValue(chromedp.CSS("#mq"), "药店"),
		chromedp.Click(chromedp.CSS("#merchant-filter button")),
		chromedp.WaitVisible(chromedp.CSS(`#mq[value="药店"]`)))
	drugstores := 0
	for _, m := range all {
		if strings.Contains(m.Name, "药店") {
			drugstores++
		}
	}
	contains(t, "count", text(t, ctx, ".result-count"), fmt.Sprintf("共 %d 家商户", drugstores))
	contains(t, "rows", text(t, ctx, "#merchants tbody"), "回龙观药店01号店")
}
