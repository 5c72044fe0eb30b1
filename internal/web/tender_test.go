package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// testClock is the store's clock, moved forward by the tests.
type testClock struct{ off atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().UTC().Add(time.Duration(c.off.Load())) }

func (c *testClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// tenderFixture is the fixture with a second organization, a reviewer, a
// resident and a published need (budget 80,000 yuan, deadline in 4 days).
type tenderFixture struct {
	*fixture
	clock                       *testClock
	orgB                        *registry.Organization
	orgBAdmin, reviewer, reside string // phones
	need                        *procurement.Need
	signed                      []signedBrowser
}

type signedBrowser struct {
	b     *browser
	phone string
}

func newTenderFixture(t *testing.T, s *store.Store) *tenderFixture {
	t.Helper()
	c := &testClock{}
	s.Now = c.now // before the server answers anything
	f := &tenderFixture{fixture: newFixture(t, s), clock: c, orgBAdmin: "13900000006", reviewer: "13900000007",
		reside: "13900000008"}
	ctx := storetest.Admin()
	f.orgB = &registry.Organization{Name: "霍营邻里互助协会", Registration: registry.Filed, StreetID: f.street.ID}
	if err := s.CreateOrganization(ctx, f.orgB); err != nil {
		t.Fatal(err)
	}
	hash, _ := accounts.HashPassword(password)
	for _, u := range []*accounts.User{
		{Phone: f.orgBAdmin, Name: "王五", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: f.orgB.ID}}},
		{Phone: f.reviewer, Name: "赵评审", Grants: []accounts.Grant{{Role: accounts.Reviewer}}},
		{Phone: f.reside, Name: "张三丰", Grants: []accounts.Grant{{Role: accounts.Resident}}},
	} {
		u.PasswordHash = hash
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	n := &procurement.Need{Title: "龙锦苑二区业委会组建指导", Description: "社区希望在专业指导下依法依规组建业主委员会。",
		CommunityID: f.community.ID, BudgetFen: 8_000_000, Procedure: procurement.Open, Deadline: c.now().Add(96 * time.Hour),
		Criteria: []procurement.Criterion{{Name: "方案可行性", Weight: 60}, {Name: "报价", Weight: 40}}}
	if err := s.CreateNeed(f.as(t, f.commStaff), n, procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionNeed(f.as(t, f.commStaff), n.ID, procurement.ActSubmit, "", procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionNeed(f.as(t, f.staff), n.ID, procurement.ActPublish, "", procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	f.need = n
	f.need = f.reload(t)
	return f
}

func (f *tenderFixture) reload(t *testing.T) *procurement.Need {
	t.Helper()
	n, err := f.s.FindNeedByID(storetest.Admin(), f.need.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *tenderFixture) page() string { return "/needs/" + f.need.ID }

// signedIn is a browser signed in as phone.
func (f *tenderFixture) signedIn(t *testing.T, phone string) *browser {
	b := f.browser(t)
	b.login(phone)
	f.signed = append(f.signed, signedBrowser{b, phone})
	return b
}

// advance moves the clock on; sessions idle longer than that have ended,
// so every signed-in browser signs in again.
func (f *tenderFixture) advance(d time.Duration) {
	f.clock.advance(d)
	for _, s := range f.signed {
		s.b.login(s.phone)
	}
}

// propose submits a proposal through the store (for tests about later steps).
func (f *tenderFixture) propose(t *testing.T, phone, summary string, priceFen int64) *procurement.Proposal {
	t.Helper()
	p, err := f.s.SubmitProposal(f.as(t, phone), f.need.ID, &procurement.Proposal{Summary: summary,
		Plan: "第一阶段入户走访，第二阶段召开业主大会筹备会，第三阶段完成选举与备案。", PriceFen: priceFen, DurationDays: 180,
		IdempotencyKey: "k-" + phone})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var keyField = regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]+)"`)

func TestProposalSealedOnPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		const summary = "以居民议事会为抓手，三个月内完成业委会筹备。"
		orgA := f.signedIn(t, f.orgAdmin)
		_, body, _ := orgA.get(f.page())
		m := keyField.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, `id="submit-proposal"`) {
			t.Fatal("no proposal form for the organization")
		}
		form := url.Values{"summary": {summary}, "plan": {"第一阶段入户走访，第二阶段召开业主大会筹备会，第三阶段完成选举与备案。"},
			"team": {"持证社工 3 人"}, "price": {"99万"}, "duration_days": {"180"}, "idempotency_key": {m[1]}}
		// Over budget: refused beside the price, nothing stored, the form kept.
		code, body, _ := orgA.post(f.page()+"/proposals", form)
		if code != 400 || !strings.Contains(body, "报价不能超过预算（80000 元）") || !strings.Contains(body, summary) ||
			!strings.Contains(body, `id="p-price-error"`) {
			t.Fatalf("over budget: %d %s", code, regexpAlert(body))
		}
		if n := f.reload(t); n.Proposals != 0 {
			t.Fatalf("a refused proposal was stored: %d", n.Proposals)
		}
		// A double click sends the same form twice: one proposal.
		form.Set("price", "7.5万")
		for i := 0; i < 2; i++ {
			if code, body, _ := orgA.post(f.page()+"/proposals", form); code != 303 {
				t.Fatalf("submit %d: %d %s", i, code, regexpAlert(body))
			}
		}
		if n := f.reload(t); n.Proposals != 1 {
			t.Fatalf("double submit made %d proposals", n.Proposals)
		}
		// Back, edit, send again with the old key: refused with a clear
		// message and a fresh key, so the next press goes through.
		edited := url.Values{}
		for k, v := range form {
			edited[k] = v
		}
		edited.Set("price", "7.2万")
		code, body, _ = orgA.post(f.page()+"/proposals", edited)
		if m2 := keyField.FindStringSubmatch(body); code != 409 || !strings.Contains(body, "内容不同的方案") || m2 == nil || m2[1] == m[1] {
			t.Fatalf("same key, other content: %d %s", code, regexpAlert(body))
		}
		own, _, err := s.FindProposals(f.as(t, f.orgAdmin), f.need.ID)
		if err != nil || len(own) != 1 {
			t.Fatalf("own proposals: %v %v", own, err)
		}
		receipt := own[0].Receipt
		_, body, _ = orgA.get(f.page())
		if !strings.Contains(body, receipt) || !strings.Contains(body, "SHA-256") || !strings.Contains(body, summary) {
			t.Fatal("the organization does not see its receipt")
		}
		if keyField.FindStringSubmatch(body)[1] == m[1] {
			t.Fatal("a fresh form reuses the old idempotency key")
		}
		// Sealed: everyone else sees the count only.
		readers := map[string]*browser{"org B": f.signedIn(t, f.orgBAdmin), "buyer": f.signedIn(t, f.staff),
			"community": f.signedIn(t, f.commStaff), "admin": f.signedIn(t, f.admin), "anonymous": f.browser(t)}
		for who, b := range readers {
			code, body, _ := b.get(f.page())
			if code != 200 || !strings.Contains(body, "已收到 1 份方案") {
				t.Fatalf("%s: %d, count missing", who, code)
			}
			if strings.Contains(body, summary) || strings.Contains(body, receipt) || strings.Contains(body, "75,000") {
				t.Fatalf("%s sees the sealed proposal", who)
			}
		}
		// After the deadline the buyer reads it with its price; another bidder and the public never do.
		f.advance(97 * time.Hour)
		_, body, _ = readers["buyer"].get(f.page())
		if !strings.Contains(body, summary) || !strings.Contains(body, "¥75,000") || !strings.Contains(body, "评审中") {
			t.Fatal("the buyer cannot read the opened proposal")
		}
		for _, who := range []string{"org B", "anonymous"} {
			if _, body, _ := readers[who].get(f.page()); strings.Contains(body, summary) || strings.Contains(body, receipt) {
				t.Fatalf("%s reads another organization's proposal after the deadline", who)
			}
		}
		// Too late to submit, whatever the client sends.
		form.Set("idempotency_key", "late-key")
		if code, body, _ := orgA.post(f.page()+"/proposals", form); code != 409 || !strings.Contains(body, "方案提交已截止") {
			t.Fatalf("late proposal: %d", code)
		}
	})
}

// uploadFiles posts a multipart form with files under "files".
func (b *browser) uploadFiles(path string, fields url.Values, files map[string][]byte) (int, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf())
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, body, _ := b.do(req)
	return code, body
}

// TestProposalPriceHintWithinBudget: the price field's example and hint
// come from the need's budget (¥55,000 here), never a number above it.
func TestProposalPriceHintWithinBudget(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		budget := int64(5_500_000)
		if _, err := s.UpdateNeed(f.as(t, f.staff), f.need.ID, store.NeedUpdate{BudgetFen: &budget}, procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		_, body, _ := f.signedIn(t, f.orgAdmin).get(f.page())
		field := regexp.MustCompile(`<input id="p-price"[^>]*>`).FindString(body)
		if !strings.Contains(field, `placeholder="55000"`) {
			t.Errorf("price placeholder: %s", field)
		}
		if !strings.Contains(body, "不能超过预算 ¥55,000，可以写 55000 或 5.5万。") || strings.Contains(body, "75000") {
			t.Errorf("price hint: %s", regexp.MustCompile(`不能超过预算[^<]*`).FindString(body))
		}
	})
}

func TestTenderThroughPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		a := f.propose(t, f.orgAdmin, "以居民议事会为抓手，三个月内完成业委会筹备。", 7_500_000)
		f.propose(t, f.orgBAdmin, "邻里互助协会协助成立业委会筹备组。", 7_800_000)
		street, comm := f.signedIn(t, f.staff), f.signedIn(t, f.commStaff)
		reviewer, resident := f.signedIn(t, f.reviewer), f.signedIn(t, f.reside)
		orgA, orgB, anon := f.signedIn(t, f.orgAdmin), f.signedIn(t, f.orgBAdmin), f.browser(t)

		// Q&A: an organization asks, the community answers in public.
		if code, body, _ := orgB.post(f.page()+"/questions", url.Values{"text": {"短"}}); code != 400 || !strings.Contains(body, `id="q-text-error"`) {
			t.Fatalf("short question: %d", code)
		}
		if code, _, _ := orgB.post(f.page()+"/questions", url.Values{"text": {"是否需要提供过往业委会组建案例？"}}); code != 303 {
			t.Fatalf("ask: %d", code)
		}
		qs, _ := s.FindQuestions(context.Background(), f.need.ID)
		if code, _, _ := comm.post(f.page()+"/questions/"+qs[0].ID+"/answer", url.Values{"answer": {"需要，请附在方案中。"}}); code != 303 {
			t.Fatalf("answer: %d", code)
		}
		if _, body, _ := anon.get(f.page()); !strings.Contains(body, "是否需要提供过往业委会组建案例？") || !strings.Contains(body, "需要，请附在方案中。") {
			t.Fatal("Q&A not public")
		}

		// The deadline passes; the street names the reviewer, who declares and scores.
		f.advance(97 * time.Hour)
		rev, _ := s.FindUserByPhone(context.Background(), f.reviewer)
		if code, body, _ := street.post(f.page()+"/panel", url.Values{}); code != 400 || !strings.Contains(body, "请至少指定一位评审专家") {
			t.Fatalf("empty panel: %d", code)
		}
		if code, _, _ := street.post(f.page()+"/panel", url.Values{"reviewers": {rev.ID}}); code != 303 {
			t.Fatalf("assign: %d", code)
		}
		if code, body, _ := reviewer.get(f.page() + "/scores"); code != 409 || !strings.Contains(body, "请先申报") {
			t.Fatalf("scores before declaring: %d", code)
		}
		if code, _, _ := reviewer.post(f.page()+"/declaration", url.Values{"conflicted": {"no"}}); code != 303 {
			t.Fatalf("declare: %d", code)
		}
		code, body, _ := reviewer.get(f.page() + "/scores")
		if code != 200 || !strings.Contains(body, "回龙观惠民社工中心") || !strings.Contains(body, "霍营邻里互助协会") {
			t.Fatalf("score sheet: %d", code)
		}
		n := f.reload(t)
		props, _, _ := s.FindProposals(f.as(t, f.staff), n.ID)
		sheet := url.Values{}
		for _, p := range props {
			for i, c := range n.Criteria {
				sheet.Set("s_"+p.ID+"_"+c.ID, []string{"90", "80"}[i])
				if p.ID != a.ID {
					sheet.Set("s_"+p.ID+"_"+c.ID, []string{"70", "75"}[i])
				}
			}
		}
		bad := url.Values{}
		for k, v := range sheet {
			bad[k] = v
		}
		bad.Set("s_"+a.ID+"_"+n.Criteria[0].ID, "九十")
		if code, body, _ := reviewer.post(f.page()+"/scores", bad); code != 400 || !strings.Contains(body, `id="s_`+a.ID+`_`+n.Criteria[0].ID+`-error"`) {
			t.Fatalf("bad cell: %d", code)
		}
		if mine, _ := s.FindOwnScores(f.as(t, f.reviewer), n.ID); len(mine) != 0 {
			t.Fatal("a refused sheet was saved")
		}
		if code, body, _ := reviewer.post(f.page()+"/scores", sheet); code != 303 {
			t.Fatalf("scores: %d %s", code, regexpAlert(body))
		}
		if _, body, _ := street.get(f.page()); !strings.Contains(body, `id="ranking"`) || !strings.Contains(body, "86.0") {
			t.Fatal("ranking for the street")
		}

		// Award: without a reason nothing changes; with one the notice is public.
		if code, body, _ := street.post(f.page()+"/award", url.Values{"proposal_id": {a.ID}}); code != 400 || !strings.Contains(body, "请写明定标理由") {
			t.Fatalf("award without reason: %d", code)
		}
		if n := f.reload(t); n.EffectiveStatus(f.clock.now()) != procurement.Evaluating || !n.AwardedAt.IsZero() {
			t.Fatal("a refused award changed the need")
		}
		const reason = "综合得分第一，方案针对性强，报价合理。"
		if code, _, _ := street.post(f.page()+"/award", url.Values{"proposal_id": {a.ID}, "reason": {reason}}); code != 303 {
			t.Fatalf("award: %d", code)
		}
		_, body, _ = anon.get(f.page())
		if !strings.Contains(body, "中标公告") || !strings.Contains(body, reason) || !strings.Contains(body, "质疑期内") {
			t.Fatal("award notice not public")
		}

		// Objections: during the period, masked; the street answers; after it, refused.
		if code, _, _ := resident.post(f.page()+"/objections", url.Values{"text": {"第二名报价更低，为什么不选？请说明理由。"}}); code != 303 {
			t.Fatalf("objection: %d", code)
		}
		obs, _ := s.FindObjections(context.Background(), n.ID)
		if code, _, _ := street.post(f.page()+"/objections/"+obs[0].ID+"/answer", url.Values{"answer": {"评审按综合得分排序，报价只占 40%。"}}); code != 303 {
			t.Fatalf("answer objection: %d", code)
		}
		_, body, _ = anon.get(f.page())
		if !strings.Contains(body, "张**") || strings.Contains(body, "张三丰") || !strings.Contains(body, "报价只占 40%") {
			t.Fatal("objection not public or not masked")
		}
		if code, body, _ := street.post(f.page()+"/contract", url.Values{"amount": {"75000"}, "start": {"2030-01-01"}, "end": {"2030-06-01"},
			"m_title_0": {"筹备"}, "m_due_0": {"2030-03-01"}}); code != 409 || !strings.Contains(body, "质疑期到") {
			t.Fatalf("contract in the objection period: %d", code)
		}
		f.advance(6 * 24 * time.Hour)
		if code, body, _ := resident.post(f.page()+"/objections", url.Values{"text": {"质疑期结束以后再提出的质疑，应当被拒绝。"}}); code != 409 || !strings.Contains(body, "质疑期已结束") {
			t.Fatalf("late objection: %d", code)
		}

		// Contract: the amount defaults to the award; a different amount needs a reason.
		code, body, _ = street.get(f.page() + "/contract")
		if code != 200 || !strings.Contains(body, `value="75000"`) {
			t.Fatalf("contract form: %d", code)
		}
		day := func(d int) string {
			return f.clock.now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, d).Format("2006-01-02")
		}
		contract := url.Values{"amount": {"76000"}, "start": {day(0)}, "end": {day(180)},
			"m_title_0": {"成立业委会筹备组"}, "m_due_0": {day(60)}, "m_amount_0": {"30000"}}
		if code, body, _ := street.post(f.page()+"/contract", contract); code != 400 || !strings.Contains(body, `id="amendment-error"`) {
			t.Fatalf("amended without a reason: %d", code)
		}
		contract.Set("amount", "75000")
		if code, body, _ := street.post(f.page()+"/contract", contract); code != 303 {
			t.Fatalf("contract: %d %s", code, regexpAlert(body))
		}
		ms, _ := s.FindMilestones(context.Background(), n.ID)
		if len(ms) != 1 {
			t.Fatalf("milestones: %v", ms)
		}

		// A progress report with a photo: its SHA-256 on the page, the same bytes back.
		photo := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("回天"), 500)...)
		sum := sha256.Sum256(photo)
		report := f.page() + "/milestones/" + ms[0].ID + "/report"
		if code, body := orgA.uploadFiles(report, url.Values{"text": {"筹备组已成立"}}, map[string][]byte{"notes.txt": []byte("plain text")}); code != 400 || !strings.Contains(body, "类型不支持") {
			t.Fatalf("text file: %d", code)
		}
		if code, body := orgB.uploadFiles(report, url.Values{"text": {"冒充的进度"}}, map[string][]byte{"p.png": photo}); code != 403 {
			t.Fatalf("another organization reports: %d %s", code, regexpAlert(body))
		}
		if code, body := orgA.uploadFiles(report, url.Values{"text": {"筹备组已成立，召开了第一次会议。"}}, map[string][]byte{"筹备会.png": photo}); code != 303 {
			t.Fatalf("report: %d %s", code, regexpAlert(body))
		}
		_, body, _ = anon.get(f.page())
		if !strings.Contains(body, hex.EncodeToString(sum[:])) || !strings.Contains(body, "筹备会.png") {
			t.Fatal("the page lacks the file's hash")
		}
		doc := regexp.MustCompile(`href="/documents/([0-9a-f-]+)"`).FindStringSubmatch(body)
		if doc == nil {
			t.Fatal("no document link")
		}
		code, got, h := anon.get("/documents/" + doc[1])
		if code != 200 || got != string(photo) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "inline") || !strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''") {
			t.Fatalf("download: %d %v", code, h)
		}

		// The community accepts the milestone, the supplier delivers, the community accepts the work.
		if code, _, _ := comm.post(f.page()+"/milestones/"+ms[0].ID+"/accept", url.Values{}); code != 303 {
			t.Fatalf("accept milestone: %d", code)
		}
		if code, _, _ := orgA.post(f.page()+"/delivery", url.Values{}); code != 303 {
			t.Fatalf("deliver: %d", code)
		}
		if code, body, _ := comm.post(f.page()+"/rejection", url.Values{"comment": {""}}); code != 400 || !strings.Contains(body, "退回时请写明修改意见") {
			t.Fatalf("reject without a comment: %d", code)
		}
		if code, _, _ := comm.post(f.page()+"/acceptance", url.Values{"comment": {"业委会已依法备案，居民满意。"}}); code != 303 {
			t.Fatalf("accept: %d", code)
		}

		// Ratings: masked, averaged; the supplier cannot rate its own work.
		if code, body, _ := resident.post(f.page()+"/ratings", url.Values{"comment": {"很好"}}); code != 400 || !strings.Contains(body, "请选择满意度") {
			t.Fatalf("rating without stars: %d", code)
		}
		if code, _, _ := resident.post(f.page()+"/ratings", url.Values{"stars": {"4"}, "comment": {"筹备过程很透明，电话 13912345678"}}); code != 303 {
			t.Fatalf("rate: %d", code)
		}
		if code, _, _ := orgA.post(f.page()+"/ratings", url.Values{"stars": {"5"}}); code != 403 {
			t.Fatalf("supplier rates itself: %d", code)
		}
		_, body, _ = anon.get(f.page())
		for _, want := range []string{"张**", "平均 4.0 星，共 1 人评价", "139****5678", "定标", "签订合同", "验收通过", "验收意见：业委会已依法备案"} {
			if !strings.Contains(body, want) {
				t.Fatalf("public page lacks %q", want)
			}
		}
		if strings.Contains(body, "张三丰") || strings.Contains(body, "13912345678") || strings.Contains(body, ">system<") {
			t.Fatal("the public page shows a personal detail or a raw actor")
		}

		// The supplier's profile shows the project in its track record.
		_, body, _ = anon.get("/organizations/" + f.org.ID)
		if !strings.Contains(body, "在平台完成项目 1 个") || !strings.Contains(body, `href="/needs/`+n.ID+`"`) || !strings.Contains(body, "平均 4.0 星") {
			t.Fatal("track record")
		}

		// My work: notifications in sentences, our proposals with their status, staff to-dos.
		_, body, _ = orgA.get("/me/notifications")
		if !strings.Contains(body, "恭喜！需求“龙锦苑二区业委会组建指导”定标给回龙观惠民社工中心") || !strings.Contains(body, `id="unread-count"`) {
			t.Fatal("notifications")
		}
		if code, _, _ := orgA.post("/me/notifications/read", url.Values{}); code != 303 {
			t.Fatalf("mark read: %d", code)
		}
		if _, body, _ := orgA.get("/me/notifications"); strings.Contains(body, `id="unread-count"`) {
			t.Fatal("still unread")
		}
		if _, body, _ := orgB.get("/me/proposals"); !strings.Contains(body, "未中标") {
			t.Fatal("our proposals")
		}
		if _, body, _ := street.get("/me/needs"); !strings.Contains(body, "龙锦苑二区业委会组建指导") || !strings.Contains(body, "结项") {
			t.Fatal("street to-do")
		}
	})
}

func TestFailedNeedRetenders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		f.advance(97 * time.Hour)
		street := f.signedIn(t, f.staff)
		if code, _, _ := street.post(f.page()+"/actions/fail", url.Values{"note": {"没有收到有效方案"}}); code != 303 {
			t.Fatalf("fail: %d", code)
		}
		if code, _, _ := f.signedIn(t, f.commStaff).post(f.page()+"/retender", url.Values{}); code != 403 {
			t.Fatalf("the community re-tenders: %d", code)
		}
		code, _, h := street.post(f.page()+"/retender", url.Values{})
		if code != 303 || !strings.HasSuffix(h.Get("Location"), "/edit") {
			t.Fatalf("retender: %d", code)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/needs/"), "/edit")
		n, err := s.FindNeedByID(f.as(t, f.staff), id)
		if err != nil || n.RetenderOf != f.need.ID || n.Status != procurement.Draft || n.BudgetFen != f.need.BudgetFen ||
			len(n.Criteria) != 2 || !n.Deadline.IsZero() {
			t.Fatalf("re-tender draft: %+v %v", n, err)
		}
	})
}

func TestProposalReconfirmAndWithdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		p := f.propose(t, f.orgAdmin, "以居民议事会为抓手，三个月内完成业委会筹备。", 7_500_000)
		title := "龙锦苑二区业委会组建指导（补充服务对象）"
		if _, err := s.UpdateNeed(f.as(t, f.staff), f.need.ID, store.NeedUpdate{Title: &title}, procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		orgA, orgB := f.signedIn(t, f.orgAdmin), f.signedIn(t, f.orgBAdmin)
		if _, body, _ := orgA.get(f.page()); !strings.Contains(body, `id="reconfirm-`+p.ID+`"`) {
			t.Fatal("no re-confirm button after the need changed")
		}
		// Another organization can neither re-confirm nor withdraw it: not found, as if it did not exist.
		for _, act := range []string{"reconfirm", "withdraw"} {
			if code, _, _ := orgB.post(f.page()+"/proposals/"+p.ID+"/"+act, url.Values{}); code != 404 {
				t.Fatalf("another organization's %s: %d", act, code)
			}
		}
		if code, _, _ := orgA.post(f.page()+"/proposals/"+p.ID+"/reconfirm", url.Values{}); code != 303 {
			t.Fatalf("reconfirm: %d", code)
		}
		if _, body, _ := orgA.get(f.page()); strings.Contains(body, `id="reconfirm-`+p.ID+`"`) {
			t.Fatal("still asked to re-confirm")
		}
		if code, _, _ := orgA.post(f.page()+"/proposals/"+p.ID+"/withdraw", url.Values{}); code != 303 {
			t.Fatalf("withdraw: %d", code)
		}
		if n := f.reload(t); n.Proposals != 0 {
			t.Fatalf("withdrawn proposal still counted: %d", n.Proposals)
		}
		if _, body, _ := orgA.get(f.page()); !strings.Contains(body, "已撤回") || !strings.Contains(body, "已收到 0 份方案") {
			t.Fatal("the withdrawn proposal is not shown as such to its organization")
		}
		if _, body, _ := orgA.get("/me/proposals"); !strings.Contains(body, "已撤回") || !strings.Contains(body, title) {
			t.Fatal("our proposals")
		}
	})
}

// TestQuestionAskerSealedOnPage: until the deadline the Q&A and the
// timeline show an asker as "某社会组织" to everyone but the need's staff and
// the asking organization, so nobody ties a question to the next "收到方案".
func TestQuestionAskerSealedOnPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		orgB := f.signedIn(t, f.orgBAdmin)
		// The hint under the question box tells the asker who will see
		// the name: the street and community do (AskerShown), not only
		// the public's "某社会组织".
		if _, body, _ := orgB.get(f.page()); !strings.Contains(body, "公众和其他组织只看到“某社会组织”提问，需求所在的街道、社区工作人员能看到是哪家组织") {
			t.Error("the question hint does not say the street and community see the asker")
		}
		if code, _, _ := orgB.post(f.page()+"/questions", url.Values{"text": {"是否需要提供过往业委会组建案例？"}}); code != 303 {
			t.Fatalf("ask: %d", code)
		}
		f.propose(t, f.orgBAdmin, "邻里互助协会协助成立业委会筹备组。", 7_800_000)
		// part is a list on the page: the questions or the timeline.
		part := func(who, body, list string) string {
			t.Helper()
			i := strings.Index(body, list)
			if i < 0 {
				t.Fatalf("%s: no %s on the page", who, list)
			}
			body = body[i:]
			if j := strings.Index(body, "</ol>"); j >= 0 {
				body = body[:j]
			}
			return body
		}
		lists := []string{`class="qa-list`, `id="timeline"`}
		readers := []struct {
			who   string
			b     *browser
			named bool
		}{
			{"anonymous", f.browser(t), false},
			{"another organization", f.signedIn(t, f.orgAdmin), false},
			{"a resident", f.signedIn(t, f.reside), false},
			{"the asker", orgB, true},
			{"the street", f.signedIn(t, f.staff), true},
			{"the community", f.signedIn(t, f.commStaff), true},
			{"a platform admin", f.signedIn(t, f.admin), true},
		}
		for _, r := range readers {
			code, body, _ := r.b.get(f.page())
			if code != 200 {
				t.Fatalf("%s: %d", r.who, code)
			}
			for _, id := range lists {
				p := part(r.who, body, id)
				if strings.Contains(p, f.orgB.Name) != r.named || strings.Contains(p, "某社会组织") == r.named {
					t.Errorf("before the deadline %s reads in %s (named %v): %s", r.who, id, r.named, p)
				}
			}
			if !r.named && strings.Contains(body, f.orgB.Name) {
				t.Errorf("%s finds the asker elsewhere on the page", r.who)
			}
		}
		// Past the deadline the proposals are opened, and so is who asked
		// (the sweep's change also drops the visitors' copy of the page).
		f.advance(97 * time.Hour)
		if _, err := s.SweepDeadlines(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, body, _ := f.browser(t).get(f.page())
		for _, id := range lists {
			if p := part("anonymous", body, id); !strings.Contains(p, f.orgB.Name) || strings.Contains(p, "某社会组织") {
				t.Errorf("after the deadline the public reads in %s: %s", id, p)
			}
		}
	})
}
