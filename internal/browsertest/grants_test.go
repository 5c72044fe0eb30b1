package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestGrantsRound: the foundation's staff open a round; two organizations
// apply; one is awarded with a published reason, the other declined; its
// first milestone is reported, accepted and the tranche paid; an expense
// of 2,500 yuan with its receipt is approved by two people, neither its
// author; the public round page shows every yuan of it, the payee masked.
func TestGrantsRound(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	today := s.Store.Now().In(beijingZone())
	admin := storetest.Admin()
	var fundID string
	funds, err := s.Store.FindFunds(admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range funds {
		if f.Name == "回天社区治理基金" {
			fundID = f.ID
		}
	}
	// A second organization's administrator from the demo data.
	users, _, err := s.Store.FindUsers(admin, store.UserFilter{Role: accounts.OrgAdmin, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var other *accounts.User
	for _, u := range users {
		if u.Phone != "13800000004" && u.PasswordHash != "" {
			other = u
			break
		}
	}
	if fundID == "" || other == nil {
		t.Fatal("demo data lacks the fund or a second organization")
	}
	const (
		project = "楼道微更新与楼门议事"
		reason  = "评分第一；方案回应居民需求，物料部分按市场价压缩"
		payee   = "刘建华"
	)
	ctx := newTab(t)

	// The foundation opens a round.
	signIn(t, ctx, s, "13800000008", "孙丽君", "")
	visit(t, ctx, s, "/grants", "#funds")
	shot(t, ctx, s, "grants-home.png")
	run(t, ctx, "fill the round form",
		chromedp.SendKeys(chromedp.CSS("#round-name"), "2026 年冬季基层治理微创投"),
		chromedp.SetValue(chromedp.CSS("#round-fund"), fundID),
		chromedp.SetValue(chromedp.CSS("#round-route"), "micro_venture"),
		chromedp.SetValue(chromedp.CSS("#round-street"), ""),
		chromedp.SendKeys(chromedp.CSS("#round-budget"), "30000"),
		chromedp.Click(chromedp.CSS(`input[name="themes"][value="property"]`)),
		chromedp.SetValue(chromedp.CSS("#round-elig"), "any"),
		chromedp.SetValue(chromedp.CSS("#round-opens"), today.AddDate(0, 0, -1).Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS("#round-closes"), today.AddDate(0, 0, 30).Format("2006-01-02")))
	scrollTo(t, ctx, "#new-round")
	shot(t, ctx, s, "grants-round-form.png")
	submit(t, ctx, "open the round", "#round-create", "轮次已发布")
	roundURL := get(t, ctx, "read the location", chromedp.Location())
	roundPath := strings.TrimPrefix(roundURL, s.URL)
	signOut(t, ctx)

	// Two organizations apply.
	apply := func(phone, name, title string) string {
		signIn(t, ctx, s, phone, name, "")
		visit(t, ctx, s, roundPath, "#apply-form")
		run(t, ctx, "fill the application",
			chromedp.SendKeys(chromedp.CSS("#app-title"), title),
			chromedp.SendKeys(chromedp.CSS("#app-problem"), "老旧楼道堆物多、照明差，楼门内小矛盾无人牵头协商。"),
			chromedp.SendKeys(chromedp.CSS("#app-plan"), "组建楼门议事会，居民共同商定楼道微更新方案并参与施工和维护。"),
			chromedp.SetValue(chromedp.CSS("#line-cat-1"), "personnel"),
			chromedp.SendKeys(chromedp.CSS("#line-item-1"), "议事督导"),
			chromedp.SendKeys(chromedp.CSS("#line-amount-1"), "14000"),
			chromedp.SetValue(chromedp.CSS("#line-cat-2"), "materials"),
			chromedp.SendKeys(chromedp.CSS("#line-item-2"), "楼道照明与公示栏"),
			chromedp.SendKeys(chromedp.CSS("#line-amount-2"), "6000"),
			chromedp.SendKeys(chromedp.CSS("#app-request"), "14000"),
			chromedp.SendKeys(chromedp.CSS("#app-cash"), "6000"),
			chromedp.SendKeys(chromedp.CSS("#ms-title-1"), "议事会成立"),
			chromedp.SetValue(chromedp.CSS("#ms-due-1"), today.AddDate(0, 1, 0).Format("2006-01-02")),
			chromedp.SendKeys(chromedp.CSS("#ms-pct-1"), "50"),
			chromedp.SendKeys(chromedp.CSS("#ms-title-2"), "微更新完成"),
			chromedp.SetValue(chromedp.CSS("#ms-due-2"), today.AddDate(0, 3, 0).Format("2006-01-02")),
			chromedp.SendKeys(chromedp.CSS("#ms-pct-2"), "50"))
		if phone == "13800000004" {
			scrollTo(t, ctx, "#apply")
			shot(t, ctx, s, "grants-apply.png")
		}
		submit(t, ctx, "apply", "#apply-submit", "申请已提交")
		url := get(t, ctx, "read the location", chromedp.Location())
		signOut(t, ctx)
		return strings.TrimPrefix(url, s.URL)
	}
	app1 := apply("13800000004", "陈思雨", project)
	app2 := apply(other.Phone, other.Name, "楼门文化墙彩绘")

	// The foundation reviews, awards one and declines the other.
	signIn(t, ctx, s, "13800000008", "孙丽君", "")
	visit(t, ctx, s, app1, "#start-review")
	submit(t, ctx, "start review", "#start-review", "已保存")
	run(t, ctx, "fill the award",
		chromedp.SendKeys(chromedp.CSS("#award-amount"), "12000"),
		chromedp.SendKeys(chromedp.CSS("#award-reason"), reason))
	scrollTo(t, ctx, "#decide")
	shot(t, ctx, s, "grants-award.png")
	submit(t, ctx, "award", "#award-submit", "已决定资助")
	contains(t, "decision", text(t, ctx, "#decision"), reason)
	visit(t, ctx, s, app2, "#start-review")
	submit(t, ctx, "start review", "#start-review", "已保存")
	run(t, ctx, "fill the decline", chromedp.SendKeys(chromedp.CSS("#decline-reason"), "与本轮治理主题关联较弱，预算有限"))
	submit(t, ctx, "decline", "#decline-submit", "已保存")
	signOut(t, ctx)

	// The organization reports its first milestone.
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, app1, "#tranches")
	run(t, ctx, "write the report", chromedp.SendKeys(chromedp.CSS("#report-1"), "议事会已成立，附首次会议纪要和签到表。"))
	submit(t, ctx, "report", "#report-submit-1", "已保存")
	signOut(t, ctx)

	// The foundation accepts it and pays the tranche.
	signIn(t, ctx, s, "13800000008", "孙丽君", "")
	visit(t, ctx, s, app1, "#accept-1")
	submit(t, ctx, "accept", "#accept-1", "已保存")
	submit(t, ctx, "pay", "#pay-1", "已保存")
	contains(t, "tranche", text(t, ctx, "#tranches"), "已拨付")
	scrollTo(t, ctx, "#agreement")
	shot(t, ctx, s, "grants-tranche-paid.png")
	signOut(t, ctx)

	// The organization files an expense with its receipt.
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, app1, "#expense-form")
	run(t, ctx, "fill the expense",
		chromedp.SendKeys(chromedp.CSS("#exp-desc"), "议事督导劳务（第一期）"),
		chromedp.SendKeys(chromedp.CSS("#exp-payee"), payee),
		chromedp.Click(chromedp.CSS("#exp-personal")),
		chromedp.SendKeys(chromedp.CSS("#exp-amount"), "2500"),
		chromedp.SetValue(chromedp.CSS("#exp-date"), today.Format("2006-01-02")),
		chromedp.SetUploadFiles(chromedp.CSS("#exp-files"), []string{photo(t)}))
	scrollTo(t, ctx, "#expenses")
	shot(t, ctx, s, "grants-expense.png")
	submit(t, ctx, "file the expense", "#expense-submit", "支出已提交")
	if n := get(t, ctx, "count approve buttons", chromedp.Evaluate[int](`document.querySelectorAll(".approve-expense").length`)); n != 0 {
		t.Fatal("the author is offered to approve their own expense")
	}
	signOut(t, ctx)

	// Two approvers, neither the author.
	signIn(t, ctx, s, "13800000008", "孙丽君", "")
	visit(t, ctx, s, app1, ".approve-expense")
	submit(t, ctx, "first approval", ".approve-expense", "已保存")
	contains(t, "after one approval", text(t, ctx, "#expense-list"), "审批 1 / 2")
	signOut(t, ctx)
	signIn(t, ctx, s, "13800000001", "周明远", "")
	visit(t, ctx, s, app1, ".approve-expense")
	submit(t, ctx, "second approval", ".approve-expense", "已保存")
	contains(t, "after two approvals", text(t, ctx, "#expense-list"), "已批准")
	signOut(t, ctx)

	// Anyone follows every yuan on the public round page.
	visit(t, ctx, s, roundPath, "#ledger")
	ledger := text(t, ctx, "#ledger")
	for _, want := range []string{project, "¥12,000", "¥6,000", "¥2,500", "已批准", "刘**", "人员劳务"} {
		contains(t, "public ledger", ledger, want)
	}
	if strings.Contains(text(t, ctx, "main"), payee) {
		t.Fatal("the public page shows the payee's full name")
	}
	contains(t, "applications", text(t, ctx, "#application-list"), reason)
	scrollTo(t, ctx, "#ledger")
	shot(t, ctx, s, "grants-round-public.png")
	visit(t, ctx, s, "/grants/funds/"+fundID, "#donation-list")
	contains(t, "thank-you list", text(t, ctx, "#donation-list"), "爱心人士（匿名）")
	shot(t, ctx, s, "grants-fund.png")
	// On a cheap phone the public pages fit the screen (tables scroll inside).
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, sel string }{
		{"/grants", "#funds"}, {roundPath, "#ledger"}, {app1, "#agreement"}, {"/grants/funds/" + fundID, "#donation-list"},
	} {
		visit(t, ctx, s, p.path, p.sel)
		width := get(t, ctx, "measure "+p.path, chromedp.Evaluate[struct {
			Scroll, Inner int
		}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Scroll > width.Inner {
			t.Errorf("%s on a phone: page %dpx wide in a %dpx window", p.path, width.Scroll, width.Inner)
		}
	}
	if problems, _, err := s.Store.VerifyGrants(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %+v %v", problems, err)
	}
}
