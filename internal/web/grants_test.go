package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestGrantsPages walks a round through the pages: a fund and donations
// (one anonymous), a round, an application (a short match refused with a
// clear message), review, award, a milestone reported, accepted and paid,
// an expense with its receipt approved by someone other than its author;
// the public pages and the CSV show it all, names masked as chosen.
func TestGrantsPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock // the dates typed below stay ahead of it
		f := newFixture(t, s)
		admin, org, staff, anon := f.browser(t), f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		org.login(f.orgAdmin)
		staff.login(f.staff)
		code, _, h := admin.post("/grants/funds", url.Values{"name": {"回天社区治理基金"}, "kind": {"general"}})
		if code != http.StatusSeeOther {
			t.Fatalf("fund: %d", code)
		}
		fpath := h.Get("Location")
		code, body, _ := admin.post(fpath+"/donations", url.Values{"key": {"k1"}, "donor": {"北京某科技有限公司"}, "amount": {"12.345"},
			"channel": {"bank"}, "donated_on": {"2026-11-19"}})
		if code != 400 || !strings.Contains(body, "金额：金额格式不正确") {
			t.Fatalf("12.345 yuan: %d", code)
		}
		for _, d := range []url.Values{
			{"key": {"k1"}, "donor": {"北京某科技有限公司"}, "amount": {"100,000"}, "channel": {"bank"}, "donated_on": {"2026-11-19"}},
			{"key": {"k1"}, "donor": {"北京某科技有限公司"}, "amount": {"100,000"}, "channel": {"bank"}, "donated_on": {"2026-11-19"}},
			{"key": {"k2"}, "donor": {"张建国"}, "anonymous": {"1"}, "amount": {"500"}, "channel": {"wechat"}, "donated_on": {"2026-11-20"}},
		} {
			if code, _, _ := admin.post(fpath+"/donations", d); code != http.StatusSeeOther {
				t.Fatalf("donation: %d", code)
			}
		}
		if _, body, _ := anon.get(fpath); strings.Contains(body, "张建国") || !strings.Contains(body, "北京某科技有限公司") ||
			!strings.Contains(body, "100,500") || strings.Contains(body, "/grants/receipts/") {
			t.Fatalf("public fund page: anonymity, totals or receipt links wrong")
		}
		_, body, _ = admin.get(fpath)
		m := regexp.MustCompile(`href="(/grants/receipts/[0-9a-f]{32})"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("staff see no receipt link")
		}
		if code, body, _ := anon.get(m[1]); code != 200 || !strings.Contains(body, "公益捐赠收据") {
			t.Fatalf("receipt: %d", code)
		} else if !regexp.MustCompile(`<span class="mono">https?://[^<]+` + m[1] + `</span>`).MatchString(body) {
			t.Fatal("the printed receipt's check address is not a whole address") // a path alone cannot be typed in
		}
		today := s.Now().In(grants.Zone)
		code, _, h = admin.post("/grants/rounds", url.Values{"name": {"2026 年回龙观微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
			"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"50000"}, "match_pct": {"70"}, "themes": {"property"},
			"eligibility": {"street_orgs"}, "criteria": {"问题真实\n方案可行"}, "opens_on": {today.AddDate(0, 0, -1).Format("2006-01-02")},
			"closes_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("round: %d", code)
		}
		rpath := h.Get("Location")
		app := url.Values{"org": {f.org.ID}, "title": {"楼门议事会培育"}, "problem": {"楼门长期无人议事，小事拖成大事"},
			"plan": {"组建楼门议事会，每月开会一次，培养楼门长"}, "line_category": {"personnel", "materials"}, "line_item": {"督导费", "物料"},
			"line_amount": {"7000", "3000"}, "request": {"8000"}, "match_cash": {"2000"},
			"ms_title": {"议事会成立", "运行三个月"}, "ms_due": {"2026-12-20", "2027-03-20"}, "ms_pct": {"40", "60"}}
		if code, body, _ := org.post(rpath+"/applications", app); code != 400 || !strings.Contains(body, "最多资助项目预算的 70%") {
			t.Fatalf("short match: %d", code)
		}
		app.Set("request", "7000")
		app.Set("match_cash", "3000")
		code, _, h = org.post(rpath+"/applications", app)
		if code != http.StatusSeeOther {
			t.Fatalf("apply: %d", code)
		}
		apath := h.Get("Location")
		if code, _, _ := anon.get(apath); code != 404 {
			t.Fatalf("an application under review is public: %d", code)
		}
		// The street's staff find it waiting on the grants page, and on their own page.
		todo := regexp.MustCompile(`(?s)id="grant-todos".*待受理</span>\s*<a href="` + apath + `">楼门议事会培育</a>`)
		if !todo.MatchString(mustGet(t, staff, "/grants")) || !todo.MatchString(mustGet(t, staff, "/me")) {
			t.Fatal("the application is not on the street staff's grant to-do list")
		}
		if strings.Contains(mustGet(t, anon, "/grants"), `id="grant-todos"`) {
			t.Fatal("a visitor has a grant to-do list")
		}
		for _, step := range []struct {
			b    *browser
			path string
			form url.Values
		}{
			{admin, apath + "/actions/review", nil},
			{admin, apath + "/reviews", url.Values{"score": {"88"}, "comment": {"方案扎实"}}},
			{staff, apath + "/award", url.Values{"amount": {"6000"}, "reason": {"评分第一，物料部分压缩"}}},
		} {
			if strings.HasSuffix(step.path, "/award") {
				// Who may award is settled before the amount is read.
				bad := url.Values{"amount": {"12.345"}, "reason": {"评分第一，物料部分压缩"}}
				if code, body, _ := org.post(step.path, bad); code != 403 || strings.Contains(body, "金额格式不正确") {
					t.Fatalf("the organization awards itself a bad amount: %d", code)
				}
				if code, body, _ := staff.post(step.path, bad); code != 400 || !strings.Contains(body, "金额格式不正确") {
					t.Fatalf("staff, an amount that is not one: %d", code)
				}
			}
			if code, _, _ := step.b.post(step.path, step.form); code != http.StatusSeeOther {
				t.Fatalf("%s: %d", step.path, code)
			}
		}
		_, body, _ = org.get(apath)
		tr := regexp.MustCompile(`action="/grants/tranches/([^/]+)/report"`).FindStringSubmatch(body)
		if tr == nil {
			t.Fatal("no report form for the organization")
		}
		aid := strings.TrimPrefix(apath, "/grants/applications/")
		if code, _, _ := admin.post("/grants/tranches/"+tr[1]+"/pay", url.Values{"application": {aid}, "key": {"p1"}}); code != 409 {
			t.Fatalf("pay before acceptance: %d", code)
		}
		for _, step := range []struct {
			b      *browser
			action string
			form   url.Values
		}{
			{org, "report", url.Values{"note": {"议事会已成立，附会议纪要"}}},
			{staff, "accept", url.Values{"note": {"材料齐全"}}},
			{admin, "pay", url.Values{"key": {"p1"}}},
			{staff, "pay", url.Values{"key": {"p2"}}}, // pressed again elsewhere: still paid once
		} {
			step.form.Set("application", aid)
			if code, _, _ := step.b.post("/grants/tranches/"+tr[1]+"/"+step.action, step.form); code != http.StatusSeeOther {
				t.Fatalf("tranche %s: %d", step.action, code)
			}
		}
		if !regexp.MustCompile(`(?s)待报告</span>\s*<a href="` + apath + `">楼门议事会培育</a> · 运行三个月.*2027-03-20 前完成`).
			MatchString(mustGet(t, org, "/me")) {
			t.Fatal("the next milestone is not on the organization's to-do list")
		}
		// Each side hears of the other's step, as a sentence leading to the application.
		for _, n := range []struct {
			b    *browser
			text string
		}{
			{staff, "提交了资助申请“楼门议事会培育”，请受理"},
			{staff, "报告“楼门议事会培育”的阶段“议事会成立”已完成，请验收"},
			{org, "恭喜！资助申请“楼门议事会培育”获批 6,000 元"},
			{org, "“楼门议事会培育”的阶段“议事会成立”资金 2,400 元已拨付"},
		} {
			if body := mustGet(t, n.b, "/me/notifications"); !regexp.MustCompile(`<a href="` + apath + `">[^<]*` +
				regexp.QuoteMeta(n.text)).MatchString(body) {
				t.Errorf("no notification %q leading to the application", n.text)
			}
		}
		agr := regexp.MustCompile(`action="/grants/agreements/([^/]+)/expenses"`).FindStringSubmatch(mustGet(t, org, apath))
		line := regexp.MustCompile(`<option value="([^"]+)">人员劳务`).FindStringSubmatch(mustGet(t, org, apath))
		if agr == nil || line == nil {
			t.Fatal("no expense form")
		}
		code, _ = org.uploadFiles("/grants/agreements/"+agr[1]+"/expenses", url.Values{"application": {aid}, "line": {line[1]},
			"description": {"督导费（12 月）"}, "payee": {"刘建华"}, "payee_personal": {"true"}, "amount": {"1500"},
			"spent_on": {"2026-12-05"}}, map[string][]byte{"发票.pdf": []byte("%PDF-1.4 receipt")})
		if code != http.StatusSeeOther {
			t.Fatalf("expense: %d", code)
		}
		_, body, _ = org.get(apath)
		ex := regexp.MustCompile(`id="expense-([0-9a-f-]{36})"`).FindStringSubmatch(body)
		if ex == nil || strings.Contains(body, `action="/grants/expenses/`+ex[1]+`/approve"`) {
			t.Fatal("the author is offered the approval")
		}
		if code, _, _ := org.post("/grants/expenses/"+ex[1]+"/approve", url.Values{"application": {aid}}); code == http.StatusSeeOther {
			t.Fatal("the author approved their own expense")
		}
		if code, body, _ := staff.post("/grants/expenses/"+ex[1]+"/approve", url.Values{"application": {aid}}); code != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", code, body[strings.Index(body, "<main"):])
		}
		_, body, _ = anon.get(rpath)
		for _, want := range []string{"楼门议事会培育", "评分第一，物料部分压缩", "¥6,000", "¥2,400", "¥1,500", "刘**", "已批准", "微创投配套"} {
			if !strings.Contains(body, want) {
				t.Errorf("public round page lacks %q", want)
			}
		}
		if strings.Contains(body, "刘建华") {
			t.Error("a personal payee's name is public")
		}
		code, csv, hdr := anon.get(rpath + "/ledger.csv")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "1,500") || strings.Contains(csv, "刘建华") {
			t.Fatalf("csv: %d %s", code, csv)
		}
		if code, _, hdr := anon.get(rpath + "/ledger.xlsx"); code != 200 || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d", code)
		}
		// The fund's page and ledger show every yuan it gave: the round's
		// awards and each expense with its masked payee.
		_, body, _ = anon.get(fpath)
		for _, want := range []string{"¥1,500", "刘**", "已批准"} {
			if !strings.Contains(body, want) {
				t.Errorf("public fund page lacks %q", want)
			}
		}
		code, csv, _ = anon.get(fpath + "/ledger.csv")
		if code != 200 || !strings.Contains(csv, "1,500") || !strings.Contains(csv, "刘**") || strings.Contains(csv, "刘建华") {
			t.Fatalf("fund csv: %d %s", code, csv)
		}
		if problems, _, err := s.VerifyGrants(storetest.Admin()); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
		rounds, err := s.FindRounds(storetest.Admin())
		if err != nil || len(rounds) != 1 || rounds[0].Disbursed != 240000 || rounds[0].Spent != 150000 {
			t.Fatalf("round figures after paying twice: %+v %v", rounds, err)
		}
	})
}

func mustGet(t *testing.T, b *browser, path string) string {
	t.Helper()
	code, body, _ := b.get(path)
	if code != 200 {
		t.Fatalf("GET %s: %d", path, code)
	}
	return body
}

// TestGrantsPagesQueriesBounded (issue 11): a round's and a fund's public
// pages run the same number of SQL statements, at most 20, with one award
// and with three awards over two rounds (each with a paid tranche and an
// approved expense with a receipt): no statement per agreement, expense or
// round.
func TestGrantsPagesQueriesBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock // the dates typed below stay ahead of it
		f := newFixture(t, s)
		admin, staff, anon := f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		staff.login(f.staff)
		fpath := admin.mustPost("/grants/funds", url.Values{"name": {"回天社区治理基金"}, "kind": {"general"}})
		admin.mustPost(fpath+"/donations", url.Values{"key": {"d1"}, "donor": {"北京某科技有限公司"}, "amount": {"500,000"},
			"channel": {"bank"}, "donated_on": {"2026-11-19"}})
		today := s.Now().In(grants.Zone)
		round := func(name string) string {
			return admin.mustPost("/grants/rounds", url.Values{"name": {name}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
				"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"50000"}, "match_pct": {"70"}, "themes": {"property"},
				"eligibility": {"street_orgs"}, "criteria": {"问题真实\n方案可行"}, "opens_on": {today.AddDate(0, 0, -1).Format("2006-01-02")},
				"closes_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}})
		}
		n := 0
		award := func(rpath string) {
			t.Helper()
			n++
			o := &registry.Organization{Name: fmt.Sprintf("回龙观第%d社工服务社", n), StreetID: f.street.ID, CommunityID: f.community.ID,
				Domains: []string{"养老服务"}, Description: "楼门议事"}
			if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
				t.Fatal(err)
			}
			hash, _ := accounts.HashPassword(password)
			phone := fmt.Sprintf("1370000%04d", n)
			if err := s.CreateUser(storetest.Admin(), &accounts.User{Phone: phone, Name: "组织负责人", PasswordHash: hash,
				Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}); err != nil {
				t.Fatal(err)
			}
			org := f.browser(t)
			org.login(phone)
			apath := org.mustPost(rpath+"/applications", gateApplication(o.ID, "2026-12-20"))
			aid := strings.TrimPrefix(apath, "/grants/applications/")
			admin.mustPost(apath+"/actions/review", nil)
			admin.mustPost(apath+"/reviews", url.Values{"score": {"88"}, "comment": {"方案扎实"}})
			staff.mustPost(apath+"/award", url.Values{"amount": {"6000"}, "reason": {"评分第一"}})
			body := mustGet(t, org, apath)
			tr := regexp.MustCompile(`action="/grants/tranches/([^/]+)/report"`).FindStringSubmatch(body)
			if tr == nil {
				t.Fatal("no report form")
			}
			org.mustPost("/grants/tranches/"+tr[1]+"/report", url.Values{"application": {aid}, "note": {"已成立"}})
			staff.mustPost("/grants/tranches/"+tr[1]+"/accept", url.Values{"application": {aid}, "note": {"齐全"}})
			admin.mustPost("/grants/tranches/"+tr[1]+"/pay", url.Values{"application": {aid}, "key": {"p" + aid}})
			body = mustGet(t, org, apath)
			agr := regexp.MustCompile(`action="/grants/agreements/([^/]+)/expenses"`).FindStringSubmatch(body)
			line := regexp.MustCompile(`<option value="([^"]+)">人员劳务`).FindStringSubmatch(body)
			if agr == nil || line == nil {
				t.Fatal("no expense form")
			}
			if code, _ := org.uploadFiles("/grants/agreements/"+agr[1]+"/expenses", url.Values{"application": {aid}, "line": {line[1]},
				"description": {"督导费"}, "payee": {"北京某督导机构"}, "amount": {"1500"}, "spent_on": {"2026-12-05"}},
				map[string][]byte{"发票.pdf": []byte("%PDF-1.4 receipt")}); code != http.StatusSeeOther {
				t.Fatalf("expense: %d", code)
			}
			ex := regexp.MustCompile(`id="expense-([0-9a-f-]{36})"`).FindStringSubmatch(mustGet(t, org, apath))
			if ex == nil {
				t.Fatal("no expense")
			}
			staff.mustPost("/grants/expenses/"+ex[1]+"/approve", url.Values{"application": {aid}})
		}
		count := func(route, path string) int {
			t.Helper()
			before := querySum(t, anon, route)
			if body := mustGet(t, anon, path); !strings.Contains(body, "¥1,500") {
				t.Fatalf("%s lacks the expense", path)
			}
			return int(querySum(t, anon, route) - before)
		}
		r1 := round("2026 年回龙观微创投")
		award(r1)
		few := []int{count("GET /grants/rounds/{id}", r1), count("GET /grants/funds/{id}", fpath)}
		award(r1)
		award(round("2027 年回龙观微创投"))
		award(r1)
		many := []int{count("GET /grants/rounds/{id}", r1), count("GET /grants/funds/{id}", fpath)}
		for i, p := range []string{r1, fpath} {
			if few[i] != many[i] || many[i] > 20 {
				t.Errorf("%s: %d statements with one award, %d with four over two rounds (at most 20, the same)", p, few[i], many[i])
			}
		}
		if problems, _, err := s.VerifyGrants(storetest.Admin()); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
	})
}

// TestGrantsApplicationFormAgain: an application refused comes back with
// everything typed — the topic chosen, every budget line and milestone
// (a blank row in between dropped, so the rows carry the numbers the
// messages name) — and the fields at fault marked as on the other forms:
// the row, the list or the field red with its message beside it.
func TestGrantsApplicationFormAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock // the dates typed below stay ahead of it
		f := newFixture(t, s)
		admin, comm, org := f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		comm.login(f.commStaff)
		org.login(f.orgAdmin)
		fpath := admin.mustPost("/grants/funds", url.Values{"name": {"回天社区治理基金"}, "kind": {"general"}})
		admin.mustPost(fpath+"/donations", url.Values{"key": {"d1"}, "donor": {"北京某科技有限公司"}, "amount": {"100,000"},
			"channel": {"bank"}, "donated_on": {"2026-11-19"}})
		today := s.Now().In(grants.Zone)
		rpath := admin.mustPost("/grants/rounds", url.Values{"name": {"2026 年回龙观微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
			"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"50000"}, "match_pct": {"70"}, "themes": {"property"},
			"eligibility": {"street_orgs"}, "opens_on": {today.AddDate(0, 0, -1).Format("2006-01-02")},
			"closes_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}})
		comm.mustPost(rpath+"/topics", url.Values{"community": {f.community.ID}, "title": {"楼道堆物治理"},
			"description": {"三号楼楼道堆物多年，居民希望有人牵头商量"}})
		topic := regexp.MustCompile(`<option value="([^"]+)" *>楼道堆物治理`).FindStringSubmatch(mustGet(t, org, rpath))
		if topic == nil {
			t.Fatal("no topic to choose")
		}
		tag := func(body, id string) string {
			return regexp.MustCompile(`<[^>]* id="` + id + `"[^>]*>`).FindString(body)
		}
		selected := func(body, id, value string) bool {
			m := regexp.MustCompile(`(?s)<select[^>]* id="` + id + `".*?</select>`).FindString(body)
			return strings.Contains(m, `<option value="`+value+`" selected>`)
		}

		// Budget lines that do not add up: 7000 + 2000 ≠ 7000 + 3000.
		app := url.Values{"org": {f.org.ID}, "topic": {topic[1]}, "title": {"楼门议事会培育"}, "problem": {"楼门长期无人议事，小事拖成大事"},
			"plan":          {"组建楼门议事会，每月开会一次，培养楼门长"},
			"line_category": {"personnel", "personnel", "materials", "personnel"}, "line_item": {"督导费", "", "楼道物料", ""},
			"line_amount": {"7000", "", "2000", ""}, "request": {"7000"}, "match_cash": {"3000"},
			"ms_title": {"议事会成立", "运行三个月", ""}, "ms_due": {"2026-12-20", "2027-03-20", ""}, "ms_pct": {"40", "60", ""}}
		code, body, _ := org.post(rpath+"/applications", app)
		if code != 400 {
			t.Fatalf("budget that does not add up: %d", code)
		}
		if !selected(body, "app-topic", topic[1]) {
			t.Error("the topic chosen is lost")
		}
		for id, v := range map[string]string{"line-item-1": "督导费", "line-amount-1": "7000", "line-item-2": "楼道物料",
			"line-amount-2": "2000", "ms-title-1": "议事会成立", "ms-due-1": "2026-12-20", "ms-pct-1": "40",
			"ms-title-2": "运行三个月", "ms-due-2": "2027-03-20", "ms-pct-2": "60", "app-title": "楼门议事会培育", "app-request": "7000"} {
			if !strings.Contains(tag(body, id), `value="`+v+`"`) {
				t.Errorf("#%s lost %q: %s", id, v, tag(body, id))
			}
		}
		if !selected(body, "line-cat-2", "materials") || !selected(body, "line-cat-1", "personnel") {
			t.Error("a budget line's category is lost")
		}
		if tag(body, "line-item-4") == "" || tag(body, "line-item-5") != "" || tag(body, "ms-title-3") == "" {
			t.Error("the form should offer blank rows up to four lines and three milestones")
		}
		if !strings.Contains(tag(body, "app-lines"), "has-error") ||
			!strings.Contains(body, `<p class="field-error" id="app-lines-error" role="alert">预算明细合计应等于申请金额加自筹配套`) {
			t.Error("the budget lines are not marked with the total's message")
		}
		if strings.Contains(tag(body, "app-title"), "aria-invalid") || strings.Contains(tag(body, "app-milestones"), "has-error") {
			t.Error("fields without fault marked")
		}

		// A row at fault is marked by itself, the others' values kept.
		app.Set("title", "议事")
		app["line_item"] = []string{"督导费", "", "", ""}
		app["line_amount"] = []string{"7000", "", "3000", ""}
		app["ms_pct"] = []string{"40", "0", ""}
		code, body, _ = org.post(rpath+"/applications", app)
		if code != 400 {
			t.Fatalf("bad rows: %d", code)
		}
		for _, id := range []string{"line-2", "ms-2"} {
			if !strings.Contains(tag(body, id), "has-error") {
				t.Errorf("#%s not marked: %s", id, tag(body, id))
			}
		}
		for _, id := range []string{"line-1", "ms-1", "app-lines"} {
			if strings.Contains(tag(body, id), "has-error") {
				t.Errorf("#%s marked without fault", id)
			}
		}
		for _, want := range []string{`id="line-2-error" role="alert">第 2 行预算内容应为 1–100 个字`,
			`id="ms-2-error" role="alert">第 2 个里程碑无效`, `id="app-title-error" role="alert">`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %s", want)
			}
		}
		if !strings.Contains(tag(body, "app-title"), `aria-invalid="true"`) || !strings.Contains(tag(body, "line-amount-2"), `value="3000"`) ||
			!strings.Contains(tag(body, "ms-pct-2"), `value="0"`) {
			t.Error("the title is not marked, or a row at fault lost its values")
		}

		// Another form of the page failing leaves the application form blank.
		// (Someone who works for the community and runs an organization.)
		hash, _ := accounts.HashPassword(password)
		if err := s.CreateUser(storetest.Admin(), &accounts.User{Phone: "13700000099", Name: "两头忙", PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: f.community.ID}, {Role: accounts.OrgAdmin, ScopeID: f.org.ID}}}); err != nil {
			t.Fatal(err)
		}
		both := f.browser(t)
		both.login("13700000099")
		code, body, _ = both.post(rpath+"/topics", url.Values{"community": {f.community.ID}, "title": {"楼"}, "description": {"短"}})
		if code != 400 || tag(body, "app-title") == "" {
			t.Fatalf("a topic refused: %d, or no application form beside it", code)
		}
		if strings.Contains(body, `id="app-title-error"`) || !strings.Contains(tag(body, "app-title"), `value=""`) {
			t.Errorf("the topic form's title or error shows on the application form: %s", tag(body, "app-title"))
		}
	})
}
