package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// chinaTime is how the pages' forms read dates and times.
var chinaTime = time.FixedZone("CST", 8*3600)

// journeyClock is the site's clock: real time plus an offset the journey
// moves forward past the deadline and the objection period.
type journeyClock struct{ off atomic.Int64 }

func (c *journeyClock) now() time.Time { return time.Now().UTC().Add(time.Duration(c.off.Load())) }

// submit presses a button that posts a form and waits for the next page's
// notice; it fails with the page's own words when there is none (an error
// shown beside a field).
func submit(t *testing.T, ctx context.Context, what, button, wantFlash string) {
	t.Helper()
	run(t, ctx, what,
		// The old page's notices go first, so only the next page's can match.
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".flash, .alert, .field-error").forEach(e => e.remove())`),
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.CSS(".flash, .alert, .field-error")))
	got := get(t, ctx, "read the notice", chromedp.Evaluate[string](`(document.querySelector(".flash") || {innerText: ""}).innerText`))
	if !strings.Contains(got, wantFlash) {
		t.Fatalf("%s: notice %q, want %q%s", what, got, wantFlash, pageState(ctx))
	}
}

// scrollTo brings sel to the top of the viewport, for a screenshot.
func scrollTo(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	run(t, ctx, "scroll to "+sel, chromedp.Evaluate[chromedp.Void](
		fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"}); window.scrollBy(0, -8)`, sel)))
}

// photo writes a small PNG standing for a photo of the work.
func photo(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 320))
	for y := 0; y < 320; y++ {
		for x := 0; x < 480; x++ {
			img.Set(x, y, color.RGBA{uint8(180 + x/8), uint8(90 + y/6), 80, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "筹备组第一次会议.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestJourney is the whole tender in one run, each person in their
// own browser: community staff draft a need, street staff publish it, two
// organizations ask and bid, the deadline passes, a reviewer declares and
// scores, the street awards, the objection period passes, the street signs
// the contract, the supplier reports on the milestone with a photo, the
// community accepts the milestone and then the work, a resident rates it —
// and the public page shows the whole timeline.
func TestJourney(t *testing.T) {
	needBrowser(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &journeyClock{}
		st.Now = clock.now
		// The journey spans two weeks of the site's clock: sessions last
		// longer here, so people need not sign in again after each jump.
		cfg := config.Default()
		cfg.SessionIdle, cfg.SessionAbsolute = 60*24*time.Hour, 90*24*time.Hour
		s := newSiteConfig(t, st, cfg)
		ctx := context.Background()
		// A second bidder: an administrator for another organization of the street.
		street := s.street(t, "回龙观街道")
		orgs, _, err := st.FindOrganizations(ctx, registry.Filter{StreetID: street.ID, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		var orgB *registry.Organization
		for _, o := range orgs {
			if o.Name != "昌平区回龙观惠民社会工作服务中心" {
				orgB = o
				break
			}
		}
		hash, err := accounts.HashPassword(demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		const orgBPhone, orgBName = "13600000020", "刘建国"
		if err := st.CreateUser(storetest.Admin(), &accounts.User{Phone: orgBPhone, Name: orgBName, PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: orgB.ID}}}); err != nil {
			t.Fatal(err)
		}
		reviewer, err := st.FindUserByPhone(ctx, "13800000006")
		if err != nil {
			t.Fatal(err)
		}
		advance := func(d time.Duration) {
			clock.off.Add(int64(d))
			// What `huitian serve` does on its own every minute.
			if _, err := st.SweepDeadlines(ctx); err != nil {
				t.Fatal(err)
			}
		}
		local := func(d time.Duration, layout string) string { return clock.now().Add(d).In(chinaTime).Format(layout) }
		const title = "龙锦苑二区加装电梯协商议事服务"

		// 1. Community staff draft the need and submit it to the street.
		comm := newTab(t)
		signIn(t, comm, s, "13800000003", "王建华", "")
		visit(t, comm, s, "/needs/new", "#title")
		run(t, comm, "fill the need",
			chromedp.SetValue(chromedp.CSS("#title"), title),
			chromedp.SetValue(chromedp.CSS("#description"), "龙锦苑二区有 12 个单元希望加装电梯，低层与高层居民意见分歧较大。"+
				"希望专业社会组织组织楼门议事会，帮助居民形成加装方案和费用分摊协议。"),
			chromedp.SetValue(chromedp.CSS("#budget"), "8万"),
			chromedp.SetValue(chromedp.CSS("#deadline"), local(5*24*time.Hour, "2006-01-02T15:04")))
		shot(t, comm, s, "need-draft.png")
		submit(t, comm, "save the draft", "#save", "需求草稿已保存")
		loc := get(t, comm, "read the location", chromedp.Location())
		needPath := regexp.MustCompile(`/needs/[0-9a-f-]+$`).FindString(loc)
		if needPath == "" {
			t.Fatalf("after saving the browser is at %s", loc)
		}
		submit(t, comm, "submit to the street", "#act-submit", "已提交街道审核")

		// 2. Street staff publish it; it is on the public board.
		strt := newTab(t)
		signIn(t, strt, s, "13800000002", "李晓燕", "")
		visit(t, strt, s, needPath, "#act-publish")
		submit(t, strt, "publish", "#act-publish", "需求已发布")
		visit(t, strt, s, "/needs?status=published&street="+street.ID, ".grid .need-card")
		contains(t, "board", text(t, strt, ".grid"), title)
		shot(t, strt, s, "need-board.png")

		// 3. Two organizations: one asks a question (answered by the community), both bid.
		orgA := newTab(t)
		signIn(t, orgA, s, "13800000004", "陈思雨", "")
		visit(t, orgA, s, needPath, "#proposal-form")
		run(t, orgA, "fill the proposal",
			chromedp.SetValue(chromedp.CSS("#p-summary"), "以楼门议事会为抓手，三个月内帮助 12 个单元形成加装电梯协议。"),
			chromedp.SetValue(chromedp.CSS("#p-plan"), "第一个月入户走访，摸清每户意见；第二个月分单元召开楼门议事会，"+
				"请设计单位讲解方案；第三个月形成费用分摊协议并公示。"),
			chromedp.SetValue(chromedp.CSS("#p-team"), "持证社工 3 人，曾在回龙观推动 8 部电梯加装。"),
			chromedp.SetValue(chromedp.CSS("#p-price"), "7.5万"),
			chromedp.SetValue(chromedp.CSS("#p-days"), "90"))
		submit(t, orgA, "submit the proposal", "#submit-proposal", "方案已提交并密封")
		receipt := text(t, orgA, ".receipt .hash")
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(receipt) {
			t.Fatalf("receipt %q is not a SHA-256", receipt)
		}
		scrollTo(t, orgA, "#proposals")
		shot(t, orgA, s, "proposal-receipt.png")

		orgBTab := newTab(t)
		signIn(t, orgBTab, s, orgBPhone, orgBName, "")
		visit(t, orgBTab, s, needPath, "#qa-form")
		run(t, orgBTab, "ask a question", chromedp.SetValue(chromedp.CSS("#q-text"), "设计单位的费用是否包含在预算内？"))
		submit(t, orgBTab, "ask", "#ask", "问题已提交")
		run(t, orgBTab, "fill the proposal",
			chromedp.SetValue(chromedp.CSS("#p-summary"), "组建居民自治小组，分楼门协商加装电梯方案。"),
			chromedp.SetValue(chromedp.CSS("#p-plan"), "培训楼门长，组织协商会，邀请已加装小区居民分享经验，形成协议。"),
			chromedp.SetValue(chromedp.CSS("#p-price"), "78000"),
			chromedp.SetValue(chromedp.CSS("#p-days"), "120"))
		submit(t, orgBTab, "submit the second proposal", "#submit-proposal", "方案已提交并密封")
		if body := text(t, orgBTab, "main"); strings.Contains(body, receipt) || strings.Contains(body, "楼门议事会为抓手") {
			t.Fatal("the second bidder sees the first one's proposal")
		}

		visit(t, comm, s, needPath, "#qa form textarea")
		run(t, comm, "answer", chromedp.SetValue(chromedp.CSS("#qa form textarea"), "不包含。设计由街道另行委托，方案只需组织居民协商。"))
		submit(t, comm, "answer the question", "#qa form button", "答复已公开")

		// The street names the panel while the tender runs; it sees only the count.
		visit(t, strt, s, needPath, "#panel-form")
		contains(t, "sealed count", text(t, strt, "#proposal-count"), "已收到 2 份方案")
		if body := text(t, strt, "main"); strings.Contains(body, receipt) || strings.Contains(body, "75,000") {
			t.Fatal("the buyer reads a sealed proposal")
		}
		shot(t, strt, s, "need-sealed.png")
		run(t, strt, "choose the reviewer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=reviewers][value=%q]`, reviewer.ID))))
		submit(t, strt, "assign the panel", "#assign-panel", "评审小组已更新")

		// 4. The deadline passes; the reviewer declares and scores.
		advance(5*24*time.Hour + time.Hour)
		rev := newTab(t)
		signIn(t, rev, s, "13800000006", "赵文博", "")
		visit(t, rev, s, needPath, "#declare-form")
		submit(t, rev, "declare no conflict", "#declare", "申报已记录")
		run(t, rev, "open the score sheet", chromedp.Click(chromedp.CSS("#score-link")), chromedp.WaitVisible(chromedp.CSS("#score-sheet")))
		run(t, rev, "score", chromedp.Evaluate[chromedp.Void](`(() => {
			const rows = document.querySelectorAll("#score-sheet tbody tr");
			const marks = [[90, 88, 80, 85], [78, 75, 82, 70]];
			rows.forEach((row, i) => row.querySelectorAll("input.score").forEach((input, j) => { input.value = marks[i % 2][j % 4]; }));
			rows[0].querySelector("textarea").value = "走访计划细致，团队有同类经验。";
		})()`))
		shot(t, rev, s, "score-sheet.png")
		submit(t, rev, "save the scores", "#save-scores", "评分已保存")

		// 5. The street awards with a reason; the notice is public.
		visit(t, strt, s, needPath, "#award-form")
		contains(t, "ranking", text(t, strt, "#ranking"), "昌平区回龙观惠民社会工作服务中心")
		run(t, strt, "choose the winner",
			chromedp.Click(chromedp.CSS(`#award-form input[name=proposal_id]`)),
			chromedp.SetValue(chromedp.CSS("#award-reason"), "综合得分第一，走访和议事安排切合小区实际，报价在预算内。"))
		submit(t, strt, "award", "#award", "已定标")
		scrollTo(t, strt, "#award")
		shot(t, strt, s, "award-notice.png")

		// 6. After the objection period the street signs the contract.
		advance(6 * 24 * time.Hour)
		visit(t, strt, s, needPath+"/contract", "#contract-form")
		if got := get(t, strt, "read the amount", chromedp.Value(chromedp.CSS("#amount"))); got != "75000" {
			t.Fatalf("the contract amount defaults to %q, want the award", got)
		}
		run(t, strt, "fill the milestone",
			chromedp.SetValue(chromedp.CSS("#m_title_0"), "完成全部楼门议事会并形成加装协议"),
			chromedp.SetValue(chromedp.CSS("#m_due_0"), local(60*24*time.Hour, "2006-01-02")),
			chromedp.SetValue(chromedp.CSS("#m_amount_0"), "75000"))
		submit(t, strt, "sign", "#sign", "合同已签订并公开")

		// 7. The supplier reports with a photo; the community accepts the milestone.
		visit(t, orgA, s, needPath, ".report-form")
		run(t, orgA, "fill the report",
			chromedp.SetValue(chromedp.CSS(".report-form textarea"), "12 个单元的楼门议事会全部开完，10 个单元签订了加装协议，照片为第一次议事会。"),
			chromedp.SetUploadFiles(chromedp.CSS(`.report-form input[type=file]`), []string{photo(t)}))
		submit(t, orgA, "report", ".report-form button", "进度报告已提交")
		visit(t, comm, s, needPath, `button[id^="accept-stone-"]`)
		submit(t, comm, "accept the milestone", `button[id^="accept-stone-"]`, "里程碑已验收通过")
		contains(t, "file hash", text(t, comm, ".files"), "SHA-256")
		scrollTo(t, comm, "#contract")
		shot(t, comm, s, "contract-milestones.png")

		// 8. The supplier delivers; the community accepts the work.
		visit(t, orgA, s, needPath, "#deliver")
		submit(t, orgA, "deliver", "#deliver", "已提交交付")
		visit(t, comm, s, needPath, "#accept-delivery")
		run(t, comm, "write the result", chromedp.SetValue(chromedp.CSS("#accept-comment"), "10 个单元已签协议，居民认可议事过程。"))
		submit(t, comm, "accept", "#accept-delivery", "项目已验收通过")

		// 9. A resident signs in by code and rates the project.
		res := newTab(t)
		visit(t, res, s, "/login?tab=code", "#code-send")
		run(t, res, "ask for a code",
			chromedp.SetValue(chromedp.CSS("#cphone"), "13800000010"),
			chromedp.Click(chromedp.CSS("#code-send")),
			chromedp.WaitVisible(chromedp.CSS("#code")))
		run(t, res, "enter the code",
			chromedp.SetValue(chromedp.CSS("#code"), sixDigits.FindString(s.Inbox.Last("13800000010"))),
			chromedp.Click(chromedp.CSS("#code-submit")),
			chromedp.WaitVisible(chromedp.CSS(`header a[href="/me"]`)))
		visit(t, res, s, needPath, "#rating-form")
		run(t, res, "rate",
			chromedp.Click(chromedp.CSS(`input[name=stars][value="5"]`)),
			chromedp.SetValue(chromedp.CSS("#rating-comment"), "社工一户一户上门听意见，我们单元终于装上电梯了。"))
		submit(t, res, "rate", "#rate", "感谢您的评价")
		contains(t, "rating", text(t, res, "#ratings"), "张**")
		scrollTo(t, res, "#ratings")
		shot(t, res, s, "need-rated.png")

		// 10. The public page shows the whole timeline.
		pub := newTab(t)
		visit(t, pub, s, needPath, "#timeline")
		timeline := text(t, pub, "#timeline")
		for _, ev := range []string{"起草", "提交街道", "发布", "收到方案", "收到提问", "答复提问", "组建评审小组", "方案截止",
			"评审专家申报利益冲突情况", "评审专家提交评分", "定标", "签订合同", "提交进度报告", "里程碑验收", "提交交付", "验收通过"} {
			contains(t, "public timeline", timeline, ev)
		}
		if strings.Contains(timeline, "system") || strings.Contains(timeline, "赵文博") || strings.Contains(timeline, "张桂兰") {
			t.Fatalf("the timeline names a person or a raw actor: %q", timeline)
		}
		contains(t, "public status", text(t, pub, "#need-status"), "已验收")
		scrollTo(t, pub, "#timeline-section")
		shot(t, pub, s, "need-timeline.png")

		// On a phone the whole page fits the screen's width.
		run(t, pub, "emulate a phone",
			chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		visit(t, pub, s, needPath, "#timeline")
		width := get(t, pub, "measure the page", chromedp.Evaluate[struct{ Scroll, Inner int }](
			`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Scroll > width.Inner {
			t.Errorf("the need page on a phone is %dpx wide in a %dpx window", width.Scroll, width.Inner)
		}
		scrollTo(t, pub, "#contract")
		shot(t, pub, s, "need-phone.png")
	})
}
