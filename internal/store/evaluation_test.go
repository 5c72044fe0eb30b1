package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// scoreSheet scores every criterion of each proposal with the given points.
func scoreSheet(n *procurement.Need, points map[*procurement.Proposal]int) []procurement.Score {
	var out []procurement.Score
	for p, pts := range points {
		for _, c := range n.Criteria {
			out = append(out, procurement.Score{ProposalID: p.ID, CriterionID: c.ID, Points: pts, Comment: "方案完整"})
		}
	}
	return out
}

// bidding is a published need with two proposals: A (the tender's
// organization) and B (a second one, cheaper).
type bidding struct {
	*tender
	n          *procurement.Need
	orgB       *registry.Organization
	adminB     *accounts.User
	pa, pb     *procurement.Proposal
	r1, r2, r3 *accounts.User
	resident   *accounts.User
}

func newBidding(t *testing.T, s *store.Store) *bidding {
	t.Helper()
	b := &bidding{tender: newTender(t, s)}
	b.n = b.openNeed(t)
	b.orgB = bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, b.street.ID)
	b.adminB = newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, b.orgB.ID))
	b.r1 = newStaff(t, s, "13900000021", "评审一", bidGrant(accounts.Reviewer, ""))
	b.r2 = newStaff(t, s, "13900000022", "评审二", bidGrant(accounts.Reviewer, ""))
	b.r3 = newStaff(t, s, "13900000023", "评审三", bidGrant(accounts.Reviewer, ""))
	b.resident = newStaff(t, s, "13812345678", "张三丰", bidGrant(accounts.Resident, ""))
	b.pa = bidSubmit(t, s, b.orgAdmin, b.n, bidOffer("a", 6_000_000))
	b.pb = bidSubmit(t, s, b.adminB, b.n, bidOffer("b", 5_000_000))
	return b
}

func TestPanelAndScores(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := newBidding(t, s)
		n := b.n
		ctx := func(u *accounts.User) context.Context { return as(u) }

		// Only the street assigns, and only reviewers.
		panelRefusals := []struct {
			name       string
			u          *accounts.User
			ids        []string
			code       errs.Code
			key, field string
		}{
			{"community staff", b.commStaff, []string{b.r1.ID}, errs.Forbidden, "auth.forbidden", ""},
			{"other street", b.otherStreet, []string{b.r1.ID}, errs.Forbidden, "auth.forbidden", ""},
			{"anonymous", nil, []string{b.r1.ID}, errs.Unauthorized, "auth.required", ""},
			{"a non-reviewer", b.streetStaff, []string{b.r1.ID, b.commStaff.ID}, errs.Invalid, "panel.not_reviewer", "reviewers"},
			{"an unknown user", b.streetStaff, []string{"nobody"}, errs.Invalid, "panel.not_reviewer", "reviewers"},
			{"nobody at all", b.streetStaff, []string{" "}, errs.Invalid, "panel.empty", "reviewers"},
		}
		for _, r := range panelRefusals {
			wantErr(t, "assign by "+r.name, s.AssignPanel(ctx(r.u), n.ID, r.ids), r.code, r.key, r.field)
		}
		if err := s.AssignPanel(ctx(b.streetStaff), n.ID, []string{b.r1.ID, b.r2.ID, b.r3.ID, b.r1.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignPanel(ctx(b.streetStaff), n.ID, []string{b.r1.ID}); err != nil {
			t.Fatalf("assigning again: %v", err)
		}
		var told int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = ?`, "panel_assigned", &told)
		if told != 3 {
			t.Fatalf("%d panel notifications", told)
		}
		if _, err := s.FindPanel(context.Background(), n.ID); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous reads the panel: %v", err)
		}
		if _, err := s.FindPanel(ctx(b.orgAdmin), n.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("a bidder reads the panel: %v", err)
		}

		// Declarations: by the reviewer, a statement with a conflict, once.
		wantErr(t, "non-member declares", s.DeclareInterest(ctx(b.orgAdmin), n.ID, false, ""), errs.Forbidden, "score.not_on_panel", "")
		if err := s.DeclareInterest(ctx(b.r1), n.ID, false, ""); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "conflict without a statement", s.DeclareInterest(ctx(b.r2), n.ID, true, " "), errs.Invalid,
			"panel.statement_required", "statement")
		if err := s.DeclareInterest(ctx(b.r2), n.ID, true, "本人是乙组织的理事"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "declare again", s.DeclareInterest(ctx(b.r2), n.ID, false, ""), errs.Conflict, "panel.already_declared", "")

		// Before the deadline nobody scores and nobody sees a ranking.
		wantErr(t, "score while sealed", s.SubmitScores(ctx(b.r1), n.ID, scoreSheet(n, map[*procurement.Proposal]int{b.pa: 50, b.pb: 50})),
			errs.Conflict, "score.not_evaluating", "")
		_, err := s.Ranking(ctx(b.streetStaff), n.ID)
		wantErr(t, "ranking while sealed", err, errs.Conflict, "proposal.sealed", "")
		_, err = s.Ranking(context.Background(), n.ID)
		wantErr(t, "anonymous ranking", err, errs.Unauthorized, "auth.required", "")

		b.now = n.Deadline // the clock decides; nothing is swept
		full := func(a, bb int) []procurement.Score {
			return scoreSheet(n, map[*procurement.Proposal]int{b.pa: a, b.pb: bb})
		}
		scoreRefusals := []struct {
			name  string
			u     *accounts.User
			sheet []procurement.Score
			code  errs.Code
			key   string
		}{
			{"undeclared", b.r3, full(50, 50), errs.Conflict, "score.declare_first"},
			{"conflicted", b.r2, full(50, 50), errs.Forbidden, "score.conflicted"},
			{"not on the panel", b.commStaff, full(50, 50), errs.Forbidden, "score.not_on_panel"},
			{"incomplete sheet", b.r1, scoreSheet(n, map[*procurement.Proposal]int{b.pa: 50}), errs.Invalid, "score.incomplete"},
			{"out of range", b.r1, full(101, 50), errs.Invalid, "number.range"},
		}
		for _, r := range scoreRefusals {
			wantErr(t, "score: "+r.name, s.SubmitScores(ctx(r.u), n.ID, r.sheet), r.code, r.key, "")
		}
		var rows int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM scores WHERE need_id = ?`, n.ID, &rows)
		if rows != 0 {
			t.Fatalf("refused sheets wrote %d scores", rows)
		}
		if err := s.SubmitScores(ctx(b.r1), n.ID, full(50, 50)); err != nil {
			t.Fatal(err)
		}
		if err := s.SubmitScores(ctx(b.r1), n.ID, full(80, 90)); err != nil { // replaces the first sheet
			t.Fatal(err)
		}
		if err := s.DeclareInterest(ctx(b.r3), n.ID, false, "与各投标组织均无往来"); err != nil {
			t.Fatalf("declare while evaluating: %v", err)
		}
		// A reviewer scores on their own: no one else's totals before their sheet is in.
		_, err = s.Ranking(ctx(b.r3), n.ID)
		wantErr(t, "ranking before one's own scores", err, errs.Forbidden, "eval.ranking_after_scores", "")
		if rk, err := s.Ranking(ctx(b.r1), n.ID); err != nil || len(rk) != 2 {
			t.Fatalf("ranking for a reviewer who scored: %+v %v", rk, err)
		}
		if err := s.SubmitScores(ctx(b.r3), n.ID, full(60, 70)); err != nil {
			t.Fatal(err)
		}
		_ = rawCount(t, s, `SELECT COUNT(*) FROM scores WHERE need_id = ?`, n.ID, &rows)
		if rows != 2*2*len(n.Criteria) {
			t.Fatalf("%d scores stored", rows)
		}

		// The ranking: B (80) before A (70), for the buyer and the scoring panel only.
		for _, u := range []*accounts.User{b.streetStaff, b.commStaff, b.r1, b.r3} {
			rk, err := s.Ranking(ctx(u), n.ID)
			if err != nil || len(rk) != 2 || rk[0].Proposal.ID != b.pb.ID || rk[0].Total != 80 || rk[1].Total != 70 ||
				rk[0].Rank != 1 || rk[0].Reviewers != 2 {
				t.Fatalf("ranking for %s: %+v %v", u.Name, rk, err)
			}
		}
		for _, u := range []*accounts.User{b.r2, b.orgAdmin, b.otherStreet} {
			if _, err := s.Ranking(ctx(u), n.ID); errs.CodeOf(err) != errs.Forbidden {
				t.Fatalf("ranking for %s: %v", u.Name, err)
			}
		}
		panel, err := s.FindPanel(ctx(b.streetStaff), n.ID)
		if err != nil || len(panel) != 3 {
			t.Fatalf("panel: %+v %v", panel, err)
		}
		for _, m := range panel {
			if !m.Declared || (m.UserID == b.r2.ID) != m.Conflicted || m.Statement == "" {
				t.Fatalf("declaration: %+v", m)
			}
		}
		// The public timeline does not name reviewers.
		events, _ := s.FindNeedEvents(context.Background(), n.ID)
		for _, e := range events {
			if (e.Action == "interest_declared" || e.Action == "scores_submitted") && e.ActorID != "" {
				t.Fatalf("timeline names a reviewer: %+v", e)
			}
		}
	})
}

func TestAwardAndObjections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := newBidding(t, s)
		reason := "乙组织方案针对性强、报价合理，综合得分第一"
		if err := s.AssignPanel(as(b.streetStaff), b.n.ID, []string{b.r1.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(b.r1), b.n.ID, false, ""); err != nil {
			t.Fatal(err)
		}
		_, err := s.AwardNeed(as(b.streetStaff), b.n.ID, b.pb.ID, reason)
		wantErr(t, "award before the deadline", err, errs.Conflict, "need.bad_transition", "")
		// The street may not lower the budget below a live price (A bid 60,000 yuan)…
		budget := int64(5_500_000)
		_, err = s.UpdateNeed(as(b.streetStaff), b.n.ID, store.NeedUpdate{BudgetFen: &budget}, b.rules)
		wantErr(t, "budget below a live price", err, errs.Invalid, "need.budget_below_proposals", "budget_fen")
		// …but may lower it to it: bidders re-confirm and the deadline moves.
		budget = 6_000_000
		n, err := s.UpdateNeed(as(b.streetStaff), b.n.ID, store.NeedUpdate{BudgetFen: &budget}, b.rules)
		if err != nil {
			t.Fatal(err)
		}
		b.now = n.Deadline.Add(time.Minute)
		_, err = s.AwardNeed(as(b.streetStaff), n.ID, b.pb.ID, reason)
		wantErr(t, "award without scores", err, errs.Conflict, "award.not_scored", "")
		if err := s.SubmitScores(as(b.r1), n.ID, scoreSheet(n, map[*procurement.Proposal]int{b.pa: 70, b.pb: 85})); err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name, proposal, reason string
			u                      *accounts.User
			code                   errs.Code
			key, field             string
		}{
			{"wrong street", b.pb.ID, reason, b.otherStreet, errs.Forbidden, "auth.forbidden", ""},
			{"community", b.pb.ID, reason, b.commStaff, errs.Forbidden, "auth.forbidden", ""},
			{"no reason", b.pb.ID, " 好 ", b.streetStaff, errs.Invalid, "award.reason_required", "reason"},
			{"made-up proposal", "nope", reason, b.streetStaff, errs.Invalid, "award.proposal_invalid", "proposal_id"},
		}
		for _, r := range refusals {
			_, err := s.AwardNeed(as(r.u), n.ID, r.proposal, r.reason)
			wantErr(t, "award: "+r.name, err, r.code, r.key, r.field)
		}
		a, err := s.AwardNeed(as(b.streetStaff), n.ID, b.pb.ID, reason)
		if err != nil || a.AmountFen != 5_000_000 || a.OrgID != b.orgB.ID || a.Reason != reason || !a.DecidedAt.Equal(b.now) {
			t.Fatalf("award: %+v %v", a, err)
		}
		_, err = s.AwardNeed(as(b.streetStaff), n.ID, b.pb.ID, reason)
		wantErr(t, "award twice", err, errs.Conflict, "need.bad_transition", "")

		anon := context.Background()
		got, _ := s.FindNeedByID(anon, n.ID)
		if got.Status != procurement.Awarded || got.AwardedOrgID != b.orgB.ID || got.AwardedProposalID != b.pb.ID ||
			!got.AwardedAt.Equal(b.now) {
			t.Fatalf("need after the award: %+v", got)
		}
		ps, _, _ := s.FindProposals(as(b.streetStaff), n.ID)
		status := map[string]procurement.ProposalStatus{}
		for _, p := range ps {
			status[p.ID] = p.Status
		}
		if status[b.pb.ID] != procurement.ProposalAwarded || status[b.pa.ID] != procurement.ProposalNotAwarded {
			t.Fatalf("proposal statuses: %v", status)
		}
		for who, kind := range map[*accounts.User]string{b.adminB: "awarded", b.orgAdmin: "not_awarded"} {
			var k int
			_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = '`+kind+`' AND user_id = ?`, who.ID, &k)
			if k != 1 {
				t.Fatalf("%s: %d %q notifications", who.Name, k, kind)
			}
		}
		events, _ := s.FindNeedEvents(anon, n.ID)
		last := events[len(events)-1]
		if last.Action != "award" || last.Note != b.orgB.Name || last.Actor != b.street.Name || last.To != procurement.Awarded ||
			last.From != procurement.Evaluating {
			t.Fatalf("award on the timeline: %+v", last)
		}
		if pub, err := s.FindAward(anon, n.ID); err != nil || pub.OrgName != b.orgB.Name || pub.AmountFen != a.AmountFen {
			t.Fatalf("public award: %+v %v", pub, err)
		}
		if _, err := s.FindAward(anon, b.openNeed(t).ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("award of an open need: %v", err)
		}

		// Objections: anyone signed in, inside the period; the street answers.
		_, err = s.FileObjection(anon, n.ID, "定标理由不充分，请公开评分依据")
		wantErr(t, "anonymous objection", err, errs.Unauthorized, "auth.required", "")
		_, err = s.FileObjection(as(b.resident), n.ID, "不公平")
		wantErr(t, "short objection", err, errs.Invalid, "field.too_short", "text")
		o, err := s.FileObjection(as(b.resident), n.ID, "定标理由不充分，请公开评分依据")
		if err != nil {
			t.Fatal(err)
		}
		var told int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'objection_filed' AND user_id = ?`, b.streetStaff.ID, &told)
		if told != 1 {
			t.Fatalf("street told %d times", told)
		}
		list, err := s.FindObjections(anon, n.ID)
		if err != nil || len(list) != 1 || list[0].Filer != "张**" || list[0].UserID != "" || list[0].Answer != "" {
			t.Fatalf("public objections: %+v %v", list, err)
		}
		if mine, _ := s.FindObjections(as(b.resident), n.ID); mine[0].UserID != b.resident.ID {
			t.Fatal("the filer does not recognize their objection")
		}
		for _, u := range []*accounts.User{b.commStaff, b.otherStreet, b.resident} {
			_, err := s.AnswerObjection(as(u), o.ID, "评分依据已在评审报告中公开。")
			wantErr(t, "answer by "+u.Name, err, errs.Forbidden, "auth.forbidden", "")
		}
		_, err = s.AnswerObjection(as(b.streetStaff), o.ID, "已阅")
		wantErr(t, "short answer", err, errs.Invalid, "field.too_short", "answer")
		if _, err := s.AnswerObjection(as(b.streetStaff), o.ID, "评分依据已在评审报告中公开，详见附件。"); err != nil {
			t.Fatal(err)
		}
		_, err = s.AnswerObjection(as(b.streetStaff), o.ID, "再次答复的内容。")
		wantErr(t, "answer twice", err, errs.Conflict, "objection.answered", "")
		_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'objection_answered' AND user_id = ?`, b.resident.ID, &told)
		if told != 1 {
			t.Fatalf("filer told %d times", told)
		}
		list, _ = s.FindObjections(anon, n.ID)
		if list[0].Answer == "" || list[0].AnsweredAt.IsZero() {
			t.Fatalf("answered objection: %+v", list[0])
		}
		events, _ = s.FindNeedEvents(anon, n.ID)
		for _, e := range events {
			if e.Action == "objection_filed" && (e.ActorID != "" || strings.Contains(e.Actor, "张")) {
				t.Fatalf("timeline names the filer: %+v", e)
			}
		}
		// The period ends: objections are refused.
		b.now = a.DecidedAt.AddDate(0, 0, got.ObjectionDays)
		_, err = s.FileObjection(as(b.resident), n.ID, "期满后的质疑，应当被拒绝")
		wantErr(t, "objection after the period", err, errs.Conflict, "objection.closed", "")
	})
}

// A direct commission is awarded without scoring, also after the deadline
// sweep has written the evaluation down.
func TestAwardDirectCommission(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t, func(n *procurement.Need) {
			n.Procedure, n.BudgetFen, n.InvitedOrgIDs = procurement.Direct, 3_000_000, []string{tt.org.ID}
			n.Justification = "延续上一年度的业委会组建辅导，由原团队承接更为稳妥"
		})
		p := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("direct", 2_900_000))
		tt.now = n.Deadline
		if k, err := s.SweepDeadlines(context.Background()); err != nil || k != 1 {
			t.Fatalf("sweep: %d %v", k, err)
		}
		a, err := s.AwardNeed(as(tt.streetStaff), n.ID, p.ID, "直接委托，方案与报价符合要求")
		if err != nil || a.AmountFen != 2_900_000 {
			t.Fatalf("direct award: %+v %v", a, err)
		}
	})
}
