package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

type grantFixture struct {
	s                     *store.Store
	now                   time.Time
	streetID, communityID string
	org1, org2            *registry.Organization
	foundation, second    *accounts.User
	orgAdmin1, orgMember1 *accounts.User
	orgAdmin2, reviewer   *accounts.User
	fund                  *grants.FundRecord
}

func newGrantFixture(t *testing.T, s *store.Store) *grantFixture {
	t.Helper()
	f := &grantFixture{s: s, now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return f.now }
	st, c1, _ := seed(t, s)
	f.streetID, f.communityID = st.ID, c1.ID
	f.org1 = bidOrg(t, s, 1, "龙锦苑邻里互助社", registry.Filed, st.ID)
	f.org2 = bidOrg(t, s, 2, "回龙观社区营造中心", registry.Registered, st.ID)
	u := func(id, name string, role accounts.Role, scope string) *accounts.User {
		return &accounts.User{ID: id, Name: name, Grants: []accounts.Grant{{Role: role, ScopeID: scope}}}
	}
	f.foundation = u("fs1", "孙丽君", accounts.FoundationStaff, "")
	f.second = u("fs2", "周明", accounts.FoundationStaff, "")
	f.orgAdmin1 = u("oa1", "王秀兰", accounts.OrgAdmin, f.org1.ID)
	f.orgMember1 = u("om1", "赵强", accounts.OrgMember, f.org1.ID)
	f.orgAdmin2 = u("oa2", "李青", accounts.OrgAdmin, f.org2.ID)
	f.reviewer = u("rv1", "陈评审", accounts.Reviewer, "")
	f.fund = &grants.FundRecord{Name: "回天社区治理基金", Kind: grants.General}
	if err := s.CreateFund(as(f.foundation), f.fund); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *grantFixture) donate(t *testing.T, name string, anon bool, fen int64, key string) *grants.Donation {
	t.Helper()
	d := &grants.Donation{FundID: f.fund.ID, DonorName: name, Anonymous: anon, Amount: fen, Channel: "bank", DonatedOn: "2026-11-19"}
	if err := f.s.RecordDonation(as(f.foundation), d, key); err != nil {
		t.Fatalf("donate %s: %v", key, err)
	}
	return d
}

func (f *grantFixture) round(t *testing.T, budget int64) *grants.RoundRecord {
	t.Helper()
	r := &grants.RoundRecord{FundID: f.fund.ID, Name: fmt.Sprintf("2026 年第 %d 期微创投", budget), Route: grants.RouteMatch,
		StreetID: f.streetID, Budget: budget, MatchPct: 70, Themes: []string{"property", "为老服务"},
		Eligibility: grants.StreetOrgs, Criteria: []string{"问题清楚", "方案可行"}, OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
	if err := f.s.CreateRound(as(f.foundation), r); err != nil {
		t.Fatalf("round: %v", err)
	}
	return r
}

func application(roundID, orgID string, request int64) *grants.Application {
	own := request * 30 / 70
	return &grants.Application{RoundID: roundID, OrgID: orgID, Title: "楼门议事会培育", Problem: "楼门长期无人议事，小事拖成大事",
		Plan: "组建楼门议事会，每月开会一次，培养楼门长", Team: "王秀兰（负责人）",
		Lines:   []grants.BudgetLine{{Category: "personnel", Item: "督导费", Amount: request}, {Category: "materials", Item: "物料", Amount: own}},
		Request: request, MatchCash: own,
		Milestones: []grants.Milestone{{Title: "议事会成立", Due: "2026-12-20", Pct: 40}, {Title: "运行三个月", Due: "2027-03-20", Pct: 60}}}
}

func receipt() []store.Upload {
	return []store.Upload{{Name: "发票.pdf", Content: []byte("%PDF-1.4 receipt")}}
}

func TestGrantsFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newGrantFixture(t, s)
		ctx := context.Background()
		d1 := f.donate(t, "北京某科技有限公司", false, 30_000_000, "d1")
		f.donate(t, "张先生", true, 2_000_000, "d2")
		again := f.donate(t, "北京某科技有限公司", false, 30_000_000, "d1") // replay
		if again.ID != d1.ID || again.ReceiptNo != d1.ReceiptNo {
			t.Fatalf("replayed donation is another: %+v %+v", again, d1)
		}
		if err := s.RecordDonation(as(f.orgAdmin1), &grants.Donation{FundID: f.fund.ID, DonorName: "x", Amount: 1, Channel: "bank",
			DonatedOn: "2026-11-19"}, "d3"); code(t, err) != errs.Forbidden {
			t.Fatalf("an organization records a donation: %v", err)
		}
		pub, err := s.FindDonations(ctx, f.fund.ID, 0)
		if err != nil || len(pub) != 2 {
			t.Fatalf("donations: %v %v", pub, err)
		}
		for _, d := range pub {
			if d.Amount == 2_000_000 && d.DonorName != "" || d.ReceiptToken != "" {
				t.Fatalf("public list shows an anonymous donor or a receipt link: %+v", d)
			}
		}
		if got, err := s.FindDonationByReceipt(ctx, d1.ReceiptToken); err != nil || got.DonorName != "北京某科技有限公司" {
			t.Fatalf("receipt: %+v %v", got, err)
		}
		// A round cannot reserve more than the fund holds.
		big := &grants.RoundRecord{FundID: f.fund.ID, Name: "超额轮次", Route: grants.RouteGrant, Budget: 40_000_000, Eligibility: grants.AnyOrg,
			OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if err := s.CreateRound(as(f.foundation), big); errs.As(err) == nil || errs.As(err).Key != "grants.fund_insufficient" {
			t.Fatalf("round over the fund: %v", err)
		}
		// A street's staff cannot spend the foundation's general fund.
		streetStaff := &accounts.User{ID: "ss", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: f.streetID}}}
		own := &grants.RoundRecord{FundID: f.fund.ID, Name: "街道自办轮次", Route: grants.RouteMatch, StreetID: f.streetID, Budget: 100_000,
			MatchPct: 70, Eligibility: grants.StreetOrgs, OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if err := s.CreateRound(as(streetStaff), own); errs.As(err) == nil || errs.As(err).Key != "grants.fund_not_yours" {
			t.Fatalf("street staff spend the general fund: %v", err)
		}
		r := f.round(t, 10_000_000)
		topic := &grants.Topic{RoundID: r.ID, CommunityID: f.communityID, Title: "楼门议事会", Description: "希望社会组织帮助楼门建立议事机制"}
		cs := &accounts.User{ID: "cs", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: f.communityID}}}
		if err := s.CreateTopic(as(cs), topic); err != nil {
			t.Fatalf("topic: %v", err)
		}
		// Two organizations apply; the match is checked.
		bad := application(r.ID, f.org1.ID, 900_000)
		bad.MatchCash, bad.Lines[1].Amount = 100_000, 100_000
		if err := s.CreateApplication(as(f.orgAdmin1), bad); errs.As(err) == nil || errs.Fields(err)[0].Key != "grants.match_short" {
			t.Fatalf("short match: %v", err)
		}
		a1 := application(r.ID, f.org1.ID, 3_500_000)
		a1.TopicID = topic.ID
		if err := s.CreateApplication(as(f.orgMember1), a1); err != nil {
			t.Fatalf("apply 1: %v", err)
		}
		a2 := application(r.ID, f.org2.ID, 2_100_000)
		if err := s.CreateApplication(as(f.orgAdmin2), a2); err != nil {
			t.Fatalf("apply 2: %v", err)
		}
		if err := s.CreateApplication(as(f.orgAdmin2), application(r.ID, f.org2.ID, 700_000)); code(t, err) != errs.Conflict {
			t.Fatalf("second application: %v", err)
		}
		// Not public before the award.
		if _, err := s.FindApplicationByID(ctx, a1.ID); code(t, err) != errs.NotFound {
			t.Fatalf("public sees an application under review: %v", err)
		}
		// Reviews: a declared conflict gives no score.
		if err := s.ReviewApplication(as(f.reviewer), &grants.Review{ApplicationID: a1.ID, Score: 88, Comment: "方案扎实"}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewApplication(as(f.second), &grants.Review{ApplicationID: a1.ID, Conflict: true, ConflictNote: "曾任该组织理事"}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewApplication(as(f.reviewer), &grants.Review{ApplicationID: a1.ID, Score: 90, Comment: "再评"}); code(t, err) != errs.Conflict {
			t.Fatalf("reviews twice: %v", err)
		}
		if err := s.ReviewApplication(as(f.orgAdmin2), &grants.Review{ApplicationID: a1.ID, Score: 10, Comment: "不行"}); code(t, err) != errs.Forbidden {
			t.Fatalf("an organization reviews: %v", err)
		}
		if _, err := s.FindReviews(as(f.orgAdmin1), a1.ID); code(t, err) != errs.Forbidden {
			t.Fatalf("the applicant reads who scored what: %v", err)
		}
		if rv, err := s.FindReviews(as(f.foundation), a1.ID); err != nil || len(rv) != 2 {
			t.Fatalf("reviews: %v %v", rv, err)
		}
		got, _ := s.FindApplicationByID(as(f.foundation), a1.ID)
		if got.Reviews != 1 || got.Conflict != 1 || got.Score != 88 {
			t.Fatalf("review summary: %d %d %v", got.Reviews, got.Conflict, got.Score)
		}
		// Award: only under review, never over the request.
		if _, err := s.AwardApplication(as(f.foundation), a1.ID, grants.Decision{Amount: 3_000_000, Reason: "评分第一"}); code(t, err) != errs.Conflict {
			t.Fatalf("award before review: %v", err)
		}
		for _, id := range []string{a1.ID, a2.ID} {
			if _, err := s.StepApplication(as(f.foundation), id, grants.ActReview, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AwardApplication(as(f.foundation), a1.ID, grants.Decision{Amount: 3_500_001, Reason: "评分第一"}); errs.As(err) == nil || errs.Fields(err)[0].Key != "grants.award_over_request" {
			t.Fatalf("award over request: %v", err)
		}
		if _, err := s.AwardApplication(as(f.orgAdmin1), a1.ID, grants.Decision{Amount: 3_000_000, Reason: "自己批"}); code(t, err) != errs.Forbidden {
			t.Fatalf("an organization awards itself: %v", err)
		}
		agr, err := s.AwardApplication(as(f.foundation), a1.ID, grants.Decision{Amount: 3_000_000, Reason: "评分第一，预算压缩物料部分"})
		if err != nil {
			t.Fatalf("award: %v", err)
		}
		if len(agr.Tranches) != 2 || agr.Tranches[0].Amount != 1_200_000 || agr.Tranches[1].Amount != 1_800_000 {
			t.Fatalf("tranches: %+v", agr.Tranches)
		}
		if _, err := s.StepApplication(as(f.foundation), a2.ID, grants.ActDecline, "预算有限，得分较低"); err != nil {
			t.Fatal(err)
		}
		if pubApp, err := s.FindApplicationByID(ctx, a1.ID); err != nil || pubApp.Reason == "" || pubApp.Team != "" {
			t.Fatalf("public award: %+v %v", pubApp, err)
		}
		// A tranche is paid only after its milestone is accepted.
		t1 := agr.Tranches[0]
		if _, err := s.PayTranche(as(f.foundation), t1.ID, "k1"); code(t, err) != errs.Conflict {
			t.Fatalf("pay before acceptance: %v", err)
		}
		if _, err := s.StepTranche(as(f.orgMember1), t1.ID, grants.ActReport, "议事会已成立，附会议纪要"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StepTranche(as(f.orgAdmin1), t1.ID, grants.ActAccept, "自己验收"); code(t, err) != errs.Forbidden {
			t.Fatalf("organization accepts its own milestone: %v", err)
		}
		if _, err := s.StepTranche(as(f.foundation), t1.ID, grants.ActAccept, "材料齐全"); err != nil {
			t.Fatal(err)
		}
		// Pressed twice on two nodes at once: paid once.
		var wg sync.WaitGroup
		errsCh := make(chan error, 2)
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.PayTranche(as(f.foundation), t1.ID, fmt.Sprintf("node-%d", i))
				errsCh <- err
			}(i)
		}
		wg.Wait()
		close(errsCh)
		for err := range errsCh {
			if err != nil {
				t.Fatalf("concurrent pay: %v", err)
			}
		}
		if tr, err := s.PayTranche(as(f.foundation), t1.ID, "k-later"); err != nil || tr.Status != grants.TrPaid {
			t.Fatalf("pay again: %+v %v", tr, err)
		}
		var postings int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM grant_postings WHERE ref_id = ?`, t1.ID, &postings); err != nil || postings != 1 {
			t.Fatalf("tranche postings: %d %v", postings, err)
		}
		// Expenses: the author never approves; from 2,000 yuan two approvers.
		e := &grants.Expense{AgreementID: agr.ID, LineID: agr.Lines[0].ID, Description: "督导费（12 月）", Payee: "刘督导",
			PayeePersonal: true, Amount: 500_000, SpentOn: "2026-12-05"}
		if err := s.CreateExpense(as(f.orgAdmin2), e, receipt(), true); code(t, err) != errs.Forbidden {
			t.Fatalf("another organization files an expense: %v", err)
		}
		if err := s.CreateExpense(as(f.orgMember1), e, nil, true); errs.As(err) == nil || errs.Fields(err)[0].Key != "grants.receipt_required" {
			t.Fatalf("expense without receipt: %v", err)
		}
		if err := s.CreateExpense(as(f.orgMember1), e, receipt(), true); err != nil {
			t.Fatalf("expense: %v", err)
		}
		if e.ApprovalsNeeded != 2 {
			t.Fatalf("four eyes: %d", e.ApprovalsNeeded)
		}
		if _, err := s.DecideExpense(as(f.orgMember1), e.ID, true, ""); code(t, err) != errs.Forbidden {
			t.Fatalf("author approves: %v", err)
		}
		staffAuthor := &grants.Expense{AgreementID: agr.ID, LineID: agr.Lines[1].ID, Description: "宣传物料", Payee: "某印刷厂",
			Amount: 100_000, SpentOn: "2026-12-06"}
		if err := s.CreateExpense(as(f.orgAdmin1), staffAuthor, receipt(), false); err != nil {
			t.Fatal(err)
		}
		x, err := s.DecideExpense(as(f.foundation), e.ID, true, "")
		if err != nil || x.Status != grants.ExpSubmitted {
			t.Fatalf("first approval: %+v %v", x, err)
		}
		if _, err := s.DecideExpense(as(f.foundation), e.ID, true, ""); code(t, err) != errs.Conflict {
			t.Fatalf("approves twice: %v", err)
		}
		if x, err = s.DecideExpense(as(f.second), e.ID, true, "票据齐全"); err != nil || x.Status != grants.ExpApproved {
			t.Fatalf("second approval: %+v %v", x, err)
		}
		if x, err = s.DecideExpense(as(f.second), staffAuthor.ID, false, ""); code(t, err) != errs.Invalid {
			t.Fatalf("reject without a note: %+v %v", x, err)
		}
		if x, err = s.DecideExpense(as(f.second), staffAuthor.ID, false, "票据抬头不符"); err != nil || x.Status != grants.ExpRejected {
			t.Fatalf("reject: %+v %v", x, err)
		}
		for _, action := range []string{"grants.expense_approve", "grants.expense_reject", "grants.expense"} {
			if list, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: action}); err != nil || len(list) == 0 {
				t.Errorf("no audit entry %s (%v)", action, err)
			}
		}
		// More than was paid cannot be spent.
		over := &grants.Expense{AgreementID: agr.ID, LineID: agr.Lines[0].ID, Description: "督导费", Payee: "刘督导",
			Amount: 1_000_000, SpentOn: "2026-12-20"}
		if err := s.CreateExpense(as(f.orgMember1), over, receipt(), false); err != nil {
			t.Fatal(err)
		}
		s.DecideExpense(as(f.foundation), over.ID, true, "")
		if _, err := s.DecideExpense(as(f.second), over.ID, true, ""); errs.As(err) == nil || errs.As(err).Key != "grants.expense_over_disbursed" {
			t.Fatalf("spend more than paid: %v", err)
		}
		// Every figure is a sum of postings.
		fund, err := s.FindFundByID(ctx, f.fund.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := grants.FundFigures{Balance: 22_000_000, Donations: 32_000_000, Reserved: 10_000_000, Awarded: 3_000_000,
			Disbursed: 1_200_000, Spent: 500_000}
		if fund.FundFigures != want {
			t.Fatalf("fund figures %+v, want %+v", fund.FundFigures, want)
		}
		if sp, err := s.FindFundSpending(ctx, f.fund.ID); err != nil || len(sp) != 1 || sp["personnel"] != 500_000 {
			t.Fatalf("fund spending: %v %v", sp, err)
		}
		rr, err := s.FindRoundByID(ctx, r.ID)
		if err != nil || rr.Available != 7_000_000 || rr.Awarded != 3_000_000 || rr.Disbursed != 1_200_000 || rr.Spent != 500_000 {
			t.Fatalf("round figures: %+v %v", rr, err)
		}
		led, err := s.FindRoundLedger(ctx, r.ID)
		if err != nil || len(led.Agreements) != 1 || led.ByCategory["personnel"] != 500_000 || len(led.Expenses[agr.ID]) != 3 {
			t.Fatalf("ledger: %+v %v", led, err)
		}
		fid := led.Expenses[agr.ID][0].Files[0].ID
		if _, _, err := s.GrantFile(ctx, fid); code(t, err) != errs.NotFound {
			t.Fatalf("a personal receipt is public: %v", err)
		}
		if _, body, err := s.GrantFile(as(f.foundation), fid); err != nil || string(body) != "%PDF-1.4 receipt" {
			t.Fatalf("staff open a receipt: %v", err)
		}
		// The dashboard's money by funding route.
		if o, err := s.Overview(ctx, store.DashboardFilter{StreetID: f.streetID}); err != nil || o.MoneyMatch != 3_000_000 || o.MoneyGrant != 0 {
			t.Fatalf("dashboard money: %+v %v", o, err)
		}
		// Finishing the round returns what was not awarded.
		s.CloseRound(as(f.foundation), r.ID)
		if _, err := s.CloseRound(as(f.foundation), r.ID); err != nil {
			t.Fatal(err)
		}
		if fund, _ = s.FindFundByID(ctx, f.fund.ID); fund.Balance != 29_000_000 || fund.Reserved != 3_000_000 {
			t.Fatalf("after finishing: %+v", fund.FundFigures)
		}
		problems, n, err := s.VerifyGrants(ctx)
		if err != nil || len(problems) != 0 || n.Funds != 1 || n.Rounds != 1 || n.Awards != 1 || n.Accounts < 6 {
			t.Fatalf("verify: %+v %+v %v", problems, n, err)
		}
		if err := s.ExecForTest(ctx, `UPDATE grant_accounts SET balance = balance + 1 WHERE id = ?`, grants.AccountID(grants.Fund, f.fund.ID)); err != nil {
			t.Fatal(err)
		}
		if problems, _, _ := s.VerifyGrants(ctx); len(problems) != 1 || problems[0].Kind != "account" {
			t.Fatalf("tampered fund not found: %+v", problems)
		}
		if err := s.ExecForTest(ctx, `UPDATE grant_postings SET amount = 1 WHERE ref_id = ?`, t1.ID); err == nil {
			t.Fatal("a posting was changed")
		}
	})
}

// TestGrantsConcurrentAwards: twelve awards of 3,000 yuan race for a round
// of 10,000 yuan; exactly three win and the round never goes below zero.
func TestGrantsConcurrentAwards(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newGrantFixture(t, s)
		f.donate(t, "某公司", false, 10_000_000, "d1")
		r := &grants.RoundRecord{FundID: f.fund.ID, Name: "基金会资助 2026", Route: grants.RouteGrant, Budget: 1_000_000,
			Eligibility: grants.AnyOrg, OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if err := s.CreateRound(as(f.foundation), r); err != nil {
			t.Fatal(err)
		}
		const n = 12
		var apps []string
		for i := 0; i < n; i++ {
			o := bidOrg(t, s, 10+i, fmt.Sprintf("第%d公益服务社", i), registry.Filed, f.streetID)
			a := application(r.ID, o.ID, 300_000)
			a.MatchCash, a.Lines = 0, a.Lines[:1]
			admin := &accounts.User{ID: "a" + o.ID, Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}
			if err := s.CreateApplication(as(admin), a); err != nil {
				t.Fatal(err)
			}
			if _, err := s.StepApplication(as(f.foundation), a.ID, grants.ActReview, ""); err != nil {
				t.Fatal(err)
			}
			apps = append(apps, a.ID)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		for _, id := range apps {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				_, err := s.AwardApplication(as(f.foundation), id, grants.Decision{Amount: 300_000, Reason: "同时决定"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errs.As(err) != nil && errs.As(err).Key == "grants.round_budget_exceeded":
					lost++
				default:
					t.Errorf("award: %v", err)
				}
			}(id)
		}
		wg.Wait()
		if won != 3 || lost != n-3 {
			t.Fatalf("won %d lost %d", won, lost)
		}
		rr, _ := s.FindRoundByID(context.Background(), r.ID)
		if rr.Available != 100_000 || rr.Awarded != 900_000 {
			t.Fatalf("round after the race: %+v", rr)
		}
		if problems, _, err := s.VerifyGrants(context.Background()); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %+v %v", problems, err)
		}
		// Lost awards left their applications under review.
		var under int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM grant_applications WHERE status = ?`, "under_review", &under); err != nil || under != n-3 {
			t.Fatalf("under review after the race: %d %v", under, err)
		}
	})
}

// TestGrantsCancelTerminateAudit: a cancelled tranche and a terminated
// agreement send the unpaid money back to the round; a donation key reused
// for other content is refused; every payment, approval and rejection is in
// the audit log.
func TestGrantsCancelTerminateAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newGrantFixture(t, s)
		ctx := context.Background()
		f.donate(t, "某公司", false, 5_000_000, "d1")
		if err := s.RecordDonation(as(f.foundation), &grants.Donation{FundID: f.fund.ID, DonorName: "某公司", Amount: 5_000_001,
			Channel: "bank", DonatedOn: "2026-11-19"}, "d1"); errs.As(err) == nil || errs.As(err).Key != "grants.key_reused" {
			t.Fatalf("key reused for another amount: %v", err)
		}
		r := f.round(t, 2_000_000)
		a := application(r.ID, f.org1.ID, 700_000)
		a.Milestones = []grants.Milestone{{Title: "一", Due: "2026-12-01", Pct: 30}, {Title: "二", Due: "2027-01-01", Pct: 30},
			{Title: "三", Due: "2027-02-01", Pct: 40}}
		if err := s.CreateApplication(as(f.orgAdmin1), a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StepApplication(as(f.foundation), a.ID, grants.ActReview, ""); err != nil {
			t.Fatal(err)
		}
		agr, err := s.AwardApplication(as(f.foundation), a.ID, grants.Decision{Amount: 700_000, Reason: "评审通过"})
		if err != nil {
			t.Fatal(err)
		}
		t1, t2 := agr.Tranches[0], agr.Tranches[1]
		s.StepTranche(as(f.orgAdmin1), t1.ID, grants.ActReport, "完成")
		s.StepTranche(as(f.foundation), t1.ID, grants.ActAccept, "")
		if _, err := s.PayTranche(as(f.foundation), t1.ID, "k1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StepTranche(as(f.orgAdmin1), t2.ID, grants.ActCancel, "不做了"); code(t, err) != errs.Forbidden {
			t.Fatalf("organization cancels a tranche: %v", err)
		}
		if _, err := s.StepTranche(as(f.foundation), t2.ID, grants.ActCancel, "里程碑调整"); err != nil {
			t.Fatal(err)
		}
		rr, _ := s.FindRoundByID(ctx, r.ID)
		if rr.Available != 2_000_000-700_000+210_000 || rr.Awarded != 490_000 {
			t.Fatalf("after cancelling: available %d awarded %d", rr.Available, rr.Awarded)
		}
		if err := s.TerminateAgreement(as(f.orgAdmin1), agr.ID, "组织解散"); code(t, err) != errs.Forbidden {
			t.Fatalf("organization terminates: %v", err)
		}
		if err := s.TerminateAgreement(as(f.foundation), agr.ID, "组织未按期实施"); err != nil {
			t.Fatal(err)
		}
		if err := s.TerminateAgreement(as(f.foundation), agr.ID, "再次终止"); code(t, err) != errs.Conflict {
			t.Fatalf("terminate twice: %v", err)
		}
		rr, _ = s.FindRoundByID(ctx, r.ID)
		if rr.Available != 2_000_000-210_000 || rr.Awarded != 210_000 || rr.Disbursed != 210_000 {
			t.Fatalf("after terminating: %+v", rr)
		}
		g, _ := s.FindAgreementByID(ctx, agr.ID)
		if g.Status != grants.AgrTerminated || g.Tranches[2].Status != grants.TrCancelled {
			t.Fatalf("agreement after terminating: %s %s", g.Status, g.Tranches[2].Status)
		}
		// No more expenses on a terminated agreement.
		e := &grants.Expense{AgreementID: agr.ID, LineID: agr.Lines[0].ID, Description: "督导费", Payee: "某机构", Amount: 10_000, SpentOn: "2026-12-05"}
		if err := s.CreateExpense(as(f.orgAdmin1), e, receipt(), false); code(t, err) != errs.Conflict {
			t.Fatalf("expense on a terminated agreement: %v", err)
		}
		if problems, _, err := s.VerifyGrants(ctx); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %+v %v", problems, err)
		}
		for _, action := range []string{"grants.tranche_pay", "grants.tranche_cancel", "grants.agreement_terminate", "grants.award", "grants.donation", "grants.post"} {
			list, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: action})
			if err != nil || len(list) == 0 {
				t.Errorf("no audit entry %s (%v)", action, err)
			}
		}
	})
}
