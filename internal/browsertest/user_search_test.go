package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestUserSearchByPart: a platform admin types a given name (小明) into
// the users page's search and finds 王小明 and 李小明 — names that hold it
// after the surname — but not 王晓明; the hint under the box says so.
func TestUserSearchByPart(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	for i, n := range []string{"王小明", "李小明", "王晓明"} {
		u := &accounts.User{Phone: fmt.Sprintf("1979999%04d", i), Name: n, Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.Store.CreateUser(storetest.Admin(), u); err != nil {
			t.Fatal(err)
		}
	}
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")
	visit(t, ctx, s, "/admin/users", "#q")
	contains(t, "the search hint", text(t, ctx, "#q-hint"), "任意部分")
	run(t, ctx, "search 小明",
		chromedp.SendKeys(chromedp.CSS("#q"), "小明"),
		chromedp.Click(chromedp.CSS(".filter-actions button")),
		// The value attribute is the next page's (typing sets the
		// property only), so the old page's rows cannot be read.
		chromedp.WaitVisible(chromedp.CSS(`#q[value="小明"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.table tbody tr")))
	names := text(t, ctx, "table.table tbody")
	for _, n := range []string{"王小明", "李小明"} {
		if !strings.Contains(names, n) {
			t.Errorf("小明 does not list %s: %q", n, names)
		}
	}
	if strings.Contains(names, "王晓明") {
		t.Errorf("小明 lists 王晓明: %q", names)
	}
	shot(t, ctx, s, "admin-users-search.png")
}
