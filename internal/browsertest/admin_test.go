package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

const forbidden = "您没有权限进行这个操作"

// TestStreetStaff: street staff land on their own street, are refused
// another street's page, add a community to their own, and may register
// organizations only in their street.
func TestStreetStaff(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	own, other := s.street(t, "回龙观街道"), s.street(t, "龙泽园街道")
	const added = "回龙观测试新建社区"
	communities, err := s.Store.FindCommunities(context.Background(), own.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range communities {
		if c.Name == added {
			t.Fatalf("demo data already has %s", added)
		}
	}

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	run(t, ctx, "open the admin area",
		chromedp.Click(chromedp.CSS(`header a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/communities"]`)))
	if loc := get(t, ctx, "read the location", chromedp.Location()); loc != s.URL+"/admin/streets/"+own.ID {
		t.Fatalf("street staff land on %s, want their street", loc)
	}
	if got := text(t, ctx, "main h1"); got != own.Name {
		t.Fatalf("street page heading %q, want %q", got, own.Name)
	}
	shot(t, ctx, s, "admin-street.png")

	visit(t, ctx, s, "/admin/streets/"+other.ID, ".error-page")
	contains(t, "another street", text(t, ctx, ".error-page .alert"), forbidden)

	visit(t, ctx, s, "/admin/streets/"+own.ID, "#cname")
	run(t, ctx, "add a community",
		chromedp.SetValue(chromedp.CSS("#cname"), added),
		chromedp.Click(chromedp.CSS(`form[action$="/communities"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "flash", text(t, ctx, ".flash"), "已保存")
	contains(t, "communities", text(t, ctx, "table.table"), added)

	visit(t, ctx, s, "/organizations/new", "#street")
	streets := get(t, ctx, "read the street choices", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#street option"), o => o.textContent.trim())`))
	if len(streets) != 1 || streets[0] != own.Name {
		t.Fatalf("street staff may register organizations in %v, want only %s", streets, own.Name)
	}
}

// TestCommunityStaff: community staff land on their community, add a
// complex, and are refused the street's page.
func TestCommunityStaff(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	street := s.street(t, "回龙观街道")
	const added = "龙锦苑二区测试新院"

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000003", "王建华", "")
	run(t, ctx, "open the admin area",
		chromedp.Click(chromedp.CSS(`header a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS("#xname")))
	if got := text(t, ctx, "main h1"); got != "龙锦苑二区社区" {
		t.Fatalf("community page heading %q", got)
	}
	run(t, ctx, "add a complex",
		chromedp.SetValue(chromedp.CSS("#xname"), added),
		chromedp.Click(chromedp.CSS(`form[action$="/complexes"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "complexes", text(t, ctx, "ul.chips"), added)
	shot(t, ctx, s, "admin-community.png")

	visit(t, ctx, s, fmt.Sprintf("/admin/streets/%s", street.ID), ".error-page")
	contains(t, "the street page", text(t, ctx, ".error-page .alert"), forbidden)
}

// TestImportOrganizations: a platform admin uploads a CSV with one good row
// and one with a wrong credit code. Nothing is imported and the report names
// the row and field; with "skip invalid rows" ticked the good row goes in.
func TestImportOrganizations(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	_, broken := freshCreditCode(t, s.Store)
	const good = "回龙观街道银杏读书会"
	csv := filepath.Join(t.TempDir(), "社会组织.csv")
	content := "名称,登记类型,统一社会信用代码,服务领域,街道,社区\r\n" +
		good + ",街道备案,,阅读、读书会,回龙观街道,\r\n" +
		"霍营街道夕阳红合唱团,民政登记," + broken + ",文体活动、合唱,霍营街道,\r\n"
	if err := os.WriteFile(csv, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")
	run(t, ctx, "open the import page",
		chromedp.Click(chromedp.CSS(`header a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/organizations/import"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/organizations/import"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[type="file"]#file`)))
	run(t, ctx, "upload the file",
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{csv}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/organizations/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#import-result")))
	contains(t, "report", text(t, ctx, "#import-result"), "有 1 处问题，未导入任何数据")
	row := text(t, ctx, "#problems tbody tr")
	for _, want := range []string{"3", "统一社会信用代码", "校验位不正确"} {
		contains(t, "problem row", row, want)
	}
	shot(t, ctx, s, "admin-import.png")
	if _, n, err := s.Store.FindOrganizations(context.Background(), registry.Filter{Query: good}); err != nil || n != 0 {
		t.Fatalf("a refused import left %d organizations named %s (%v)", n, good, err)
	}

	run(t, ctx, "upload again, skipping the bad row",
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{csv}),
		chromedp.Click(chromedp.CSS(`input[name="skip_invalid"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/admin/organizations/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#import-result.flash")))
	contains(t, "report", text(t, ctx, "#import-result"), "新增 1 个")
	if _, n, err := s.Store.FindOrganizations(context.Background(), registry.Filter{Query: good}); err != nil || n != 1 {
		t.Fatalf("after the import %d organizations are named %s (%v)", n, good, err)
	}
}
