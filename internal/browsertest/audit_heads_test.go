package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAuditHeadsPage: anyone reaches the audit chain's daily heads from the
// footer of the home page, without signing in, and the page shows today's
// head hash as the database has it (docs/audit-heads.md).
func TestAuditHeadsPage(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	heads, err := s.Store.AuditDayHeads(context.Background())
	if err != nil || len(heads) == 0 {
		t.Fatalf("heads: %v %v", heads, err)
	}
	ctx := newTab(t)
	visit(t, ctx, s, "/", "main")
	run(t, ctx, "open the daily heads from the footer", chromedp.Click(chromedp.CSS(`footer a[href="/audit/heads"]`)),
		chromedp.WaitVisible(chromedp.CSS("table code.hash")))
	body := text(t, ctx, "main")
	contains(t, "the page", body, "审计链每日公示")
	contains(t, "the first day's head", body, heads[len(heads)-1].Hash)
	shot(t, ctx, s, "audit-heads.png")
}
