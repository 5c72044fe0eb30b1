package web_test

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// dashOrgs returns the organizations figure shown on a dashboard page.
func dashOrgs(t *testing.T, body string) string {
	t.Helper()
	return cellByID(t, body, "dash-organizations")
}

func TestDashboardPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		code, body, _ := admin.get("/dashboard")
		if code != 200 || dashOrgs(t, body) != "1" || !strings.Contains(body, `/dashboard/charts/org_registration.svg`) {
			t.Fatalf("admin dashboard: %d", code)
		}
		// The charts are drawn into the page: a view computes the figures
		// once, not once more per chart.
		if n := strings.Count(body, `<img src="data:image/svg`); n < 5 {
			t.Errorf("%d charts drawn into the page, want them all", n)
		}
		if _, home, _ := admin.get("/admin"); !strings.Contains(home, `href="/dashboard"`) {
			t.Fatalf("admin home does not link the dashboard")
		}
		// The other street has no organization.
		code, body, _ = admin.get("/dashboard?street=" + f.other.ID + "&from=2020-01-01&to=2030-12-31")
		if code != 200 || dashOrgs(t, body) != "0" {
			t.Fatalf("admin, other street: %d", code)
		}
		// The charts and the workbook carry the same filter.
		for _, link := range []string{"/dashboard/charts/points.svg?", "/dashboard.xlsx?"} {
			if !strings.Contains(body, link+"street="+f.other.ID+"&amp;from=2020-01-01&amp;to=2030-12-31") {
				t.Errorf("no link %s with the filter", link)
			}
		}
		// Bad input: a clear message, no 500.
		for q, want := range map[string]string{
			"?from=2026-13-01":               "日期格式",
			"?from=2026-03-02&to=2026-03-01": "结束日期不能早于开始日期",
			"?street=nowhere":                "没有这个街道",
		} {
			if code, body, _ := admin.get("/dashboard" + q); code != 400 || !strings.Contains(body, want) {
				t.Errorf("%s: %d, want 400 with %q", q, code, want)
			}
		}

		// A chart is an SVG drawn on the server.
		resp, err := admin.c.Get(admin.url + "/dashboard/charts/org_registration.svg")
		if err != nil {
			t.Fatal(err)
		}
		var svg bytes.Buffer
		svg.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg.String(), "<svg") ||
			!strings.Contains(svg.String(), "民政登记") {
			t.Fatalf("chart: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if code, _, _ := admin.get("/dashboard/charts/nothing.svg"); code != 404 {
			t.Fatalf("unknown chart: %d", code)
		}

		// The workbook: one sheet per table, the same figures.
		resp, err = admin.c.Get(admin.url + "/dashboard.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		if len(sheets) != 11 || sheets[0] != "主要数据" || sheets[len(sheets)-1] != "各街道需求匹配" {
			t.Fatalf("sheets %v", sheets)
		}
		if v, _ := x.GetCellValue("主要数据", "B4"); v != "1" {
			t.Fatalf("organizations in the workbook: %q", v)
		}
		// It says what it counts: the filter first, the unit of a share.
		if a1, _ := x.GetCellValue("主要数据", "A1"); a1 != "筛选条件" {
			t.Fatalf("the first row: %q", a1)
		}
		if b1, _ := x.GetCellValue("主要数据", "B1"); b1 != "街道：全区；时间：全部时间" {
			t.Fatalf("the filter: %q", b1)
		}
		if rows, _ := x.GetRows("主要数据"); !slices.ContainsFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == "由本街道组织承接的比例（%）" }) {
			t.Fatal("the own-street share does not say it is in per cent")
		}
		if v, _ := x.GetCellValue("各街道需求匹配", "F1"); v != "无人应征比例（%）" {
			t.Fatalf("the no-proposal share's heading: %q", v)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="dashboard-`) ||
			!strings.Contains(cd, "; filename*=UTF-8''"+url.PathEscape("数据看板-全区-")) {
			t.Fatalf("the download's name: %s", cd)
		}
		// A street and a period: in the first row and in the file's name.
		resp, err = admin.c.Get(admin.url + "/dashboard.xlsx?street=" + f.street.ID + "&from=2026-01-01&to=2026-03-31")
		if err != nil {
			t.Fatal(err)
		}
		x, err = excelize.OpenReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b1, _ := x.GetCellValue("主要数据", "B1"); b1 != "街道：回龙观街道；时间：2026-01-01 至 2026-03-31" {
			t.Fatalf("the filter of a street and a period: %q", b1)
		}
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err != nil ||
			!strings.HasPrefix(params["filename"], "数据看板-回龙观街道-") || !strings.HasSuffix(params["filename"], ".xlsx") {
			t.Fatalf("the download's name for a street: %v %v", params, err)
		}
		if v, _ := x.GetCellValue("组织-登记方式", "A2"); v != "民政登记" {
			t.Fatalf("registration sheet: %q", v)
		}

		// Street staff: their street, forced; another street is forbidden.
		staff := f.browser(t)
		staff.login(f.staff)
		// Their admin page (where /admin leads them) links the dashboard.
		if _, page, _ := staff.get("/admin/streets/" + f.street.ID); !strings.Contains(page, `id="street-dashboard"`) {
			t.Fatal("the street's admin page does not link the dashboard")
		}
		code, body, _ = staff.get("/dashboard")
		if code != 200 || dashOrgs(t, body) != "1" || strings.Contains(body, "霍营街道") || strings.Contains(body, `<option value="">`) {
			t.Fatalf("street staff dashboard: %d", code)
		}
		for _, p := range []string{"/dashboard?street=" + f.other.ID, "/dashboard.xlsx?street=" + f.other.ID,
			"/dashboard/charts/org_street.svg?street=" + f.other.ID} {
			if code, _, _ := staff.get(p); code != http.StatusForbidden {
				t.Errorf("street staff, %s: %d, want 403", p, code)
			}
		}
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if code, body, _ := outsider.get("/dashboard"); code != 200 || dashOrgs(t, body) != "0" {
			t.Fatalf("other street's staff: %d", code)
		}

		// Nobody else.
		org := f.browser(t)
		org.login(f.orgAdmin)
		if code, _, _ := org.get("/dashboard"); code != http.StatusForbidden {
			t.Fatalf("organization admin: %d, want 403", code)
		}
		if code, _, _ := f.browser(t).get("/dashboard.xlsx"); code != http.StatusSeeOther {
			t.Fatalf("anonymous: %d, want a redirect to sign in", code)
		}
	})
}
