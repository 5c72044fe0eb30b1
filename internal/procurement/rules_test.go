package procurement

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

func validNeed() *Need {
	return &Need{Title: "龙锦苑二区业委会组建指导", Description: "社区希望在专业指导下依法依规组建业主委员会。",
		CommunityID: "c1", StreetID: "s1", BudgetFen: 8_000_000, Procedure: Open, Criteria: DefaultCriteria()}
}

func fieldsOf(err error) map[string]string {
	m := map[string]string{}
	for _, e := range errs.Fields(err) {
		m[e.Field] = e.Key
	}
	return m
}

func TestNeedValidate(t *testing.T) {
	t.Parallel()
	r := DefaultRules()
	n := validNeed()
	if err := n.Validate(r); err != nil {
		t.Fatal(err)
	}
	if n.Category != "property" {
		t.Fatalf("category guessed %q", n.Category)
	}
	cases := []struct {
		name  string
		edit  func(*Need)
		field string
		key   string
	}{
		{"no title", func(n *Need) { n.Title = " " }, "title", "field.required"},
		{"zero budget", func(n *Need) { n.BudgetFen = 0 }, "budget_fen", "money.positive"},
		{"negative budget", func(n *Need) { n.BudgetFen = -5 }, "budget_fen", "money.positive"},
		{"weights not 100", func(n *Need) { n.Criteria[0].Weight = 10 }, "criteria", "need.criteria_sum"},
		{"no criteria", func(n *Need) { n.Criteria = nil }, "criteria", "need.criteria_required"},
		{"direct over threshold", func(n *Need) { n.Procedure, n.Justification = Direct, "社区急需，金额很小，直接委托" }, "procedure", "need.direct_over_threshold"},
		{"direct without reason", func(n *Need) { n.Procedure, n.BudgetFen = Direct, 1_000_000 }, "justification", "need.justification_required"},
		{"unknown procedure", func(n *Need) { n.Procedure = "auction" }, "procedure", "need.procedure_invalid"},
		{"unknown category", func(n *Need) { n.Category = "space" }, "category", "category.invalid"},
		{"qa after deadline", func(n *Need) { n.Deadline = time.Now(); n.QACutoff = n.Deadline.Add(time.Hour) }, "qa_cutoff", "need.qa_after_deadline"},
	}
	for _, c := range cases {
		n := validNeed()
		c.edit(n)
		if got := fieldsOf(n.Validate(r))[c.field]; got != c.key {
			t.Errorf("%s: %s = %q, want %q", c.name, c.field, got, c.key)
		}
	}
	d := validNeed()
	d.Procedure, d.BudgetFen, d.Justification = Direct, 4_999_999, "金额小且该组织是社区唯一的持证调解机构"
	if err := d.Validate(r); err != nil {
		t.Fatalf("direct below threshold: %v", err)
	}
}

func TestPublishRules(t *testing.T) {
	t.Parallel()
	r := DefaultRules()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	n := validNeed()
	n.Deadline = now.Add(24 * time.Hour)
	if fieldsOf(CheckPublish(n, r, now))["deadline"] != "need.deadline_too_soon" {
		t.Fatal("a one-day tender must be refused")
	}
	n.Deadline = now.Add(7 * 24 * time.Hour)
	if err := CheckPublish(n, r, now); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if qa := DefaultQACutoff(n.Deadline, r, now); !qa.Equal(n.Deadline.Add(-48 * time.Hour)) {
		t.Fatalf("qa cut-off %v", qa)
	}
	if qa := DefaultQACutoff(now.Add(72*time.Hour), r, now); !qa.Equal(now.Add(24 * time.Hour)) {
		t.Fatalf("short tender qa cut-off %v", qa)
	}
	n.Procedure = Invited
	if fieldsOf(CheckPublish(n, r, now))["invited"] == "" {
		t.Fatal("invited with nobody invited")
	}
}

func TestSealedReading(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	n := &Need{ID: "n1", StreetID: "s1", CommunityID: "c1", Status: Published, Deadline: now.Add(time.Hour)}
	p := &Proposal{ID: "p1", NeedID: "n1", OrgID: "oA"}
	g := func(r accounts.Role, scope string) *accounts.User {
		return &accounts.User{ID: string(r) + scope, Grants: []accounts.Grant{{Role: r, ScopeID: scope}}}
	}
	readers := map[string]*accounts.User{
		"orgA admin": g(accounts.OrgAdmin, "oA"), "orgA member": g(accounts.OrgMember, "oA"),
		"orgB admin": g(accounts.OrgAdmin, "oB"), "buyer": g(accounts.StreetStaff, "s1"),
		"community": g(accounts.CommunityStaff, "c1"), "admin": g(accounts.PlatformAdmin, ""),
		"auditor": g(accounts.Auditor, ""), "reviewer": g(accounts.Reviewer, ""), "anonymous": nil,
		"other street": g(accounts.StreetStaff, "s2"),
	}
	before := map[string]bool{"orgA admin": true, "orgA member": true}
	after := map[string]bool{"orgA admin": true, "orgA member": true, "buyer": true, "community": true, "admin": true, "auditor": true}
	for name, u := range readers {
		if got := CanReadProposal(n, p, u, now); got != before[name] {
			t.Errorf("before the deadline, %s reads: %v", name, got)
		}
		if got := CanReadProposal(n, p, u, n.Deadline); got != after[name] {
			t.Errorf("after the deadline, %s reads: %v", name, got)
		}
	}
}

func TestProposalRules(t *testing.T) {
	t.Parallel()
	n := validNeed()
	p := &Proposal{Summary: "由持证业委会指导员全程指导筹备选举。", Plan: "第一阶段宣传动员，第二阶段成立筹备组，第三阶段选举与备案。",
		PriceFen: n.BudgetFen, DurationDays: 90}
	if err := p.Validate(n); err != nil {
		t.Fatal(err)
	}
	for _, price := range []int64{0, -1, n.BudgetFen + 1} {
		p.PriceFen = price
		if fieldsOf(p.Validate(n))["price_fen"] == "" {
			t.Errorf("price %d accepted", price)
		}
	}
	p.PriceFen = 100
	p.SubmittedAt = time.Unix(1, 0)
	r1 := p.ComputeReceipt()
	p.Plan += "。"
	if r1 == p.ComputeReceipt() || len(r1) != 64 {
		t.Fatal("the receipt must change with the content")
	}
	// Eligibility: invited only, registered only, local only.
	o := &registry.Organization{ID: "o9", Registration: registry.Filed, StreetID: "s2"}
	n.Qualifications = []Qualification{RegisteredOnly}
	if errs.CodeOf(n.Eligible(o)) != errs.Forbidden {
		t.Fatal("filed organization passed registered-only")
	}
	o.Registration = registry.Registered
	n.Qualifications = []Qualification{LocalOnly}
	if errs.CodeOf(n.Eligible(o)) != errs.Forbidden {
		t.Fatal("another street's organization passed local-only")
	}
	n.Qualifications, n.Procedure = nil, Invited
	if errs.CodeOf(n.Eligible(o)) != errs.Forbidden {
		t.Fatal("uninvited organization passed")
	}
	n.InvitedOrgIDs = []string{"o9"}
	if n.Eligible(o) != nil {
		t.Fatal("invited organization refused")
	}
}

func TestRankAndScores(t *testing.T) {
	t.Parallel()
	n := validNeed()
	for i := range n.Criteria {
		n.Criteria[i].ID = string(rune('a' + i))
	}
	ps := []*Proposal{{ID: "p1", PriceFen: 500}, {ID: "p2", PriceFen: 400}, {ID: "p3", PriceFen: 300}}
	sheet := func(rev, pid string, pts ...int) []Score {
		var out []Score
		for i, c := range n.Criteria {
			out = append(out, Score{ReviewerID: rev, ProposalID: pid, CriterionID: c.ID, Points: pts[i]})
		}
		return out
	}
	var all []Score
	all = append(all, sheet("r1", "p1", 90, 80, 70, 60)...) // 40*.9+30*.8+20*.7+10*.6 = 80
	all = append(all, sheet("r2", "p1", 70, 80, 70, 60)...) // 72 → p1 avg 76
	all = append(all, sheet("r1", "p2", 80, 80, 70, 60)...) // 76
	all = append(all, sheet("r2", "p2", 80, 80, 70, 60)...) // 76 → tie with p1, lower price wins
	all = append(all, sheet("r1", "p3", 50, 50, 50, 50)...)
	all = append(all, sheet("r2", "p3", 50, 50, 50, 50)...)
	ranked := Rank(n, ps, all)
	if ranked[0].Proposal.ID != "p2" || ranked[1].Proposal.ID != "p1" || ranked[2].Proposal.ID != "p3" {
		t.Fatalf("ranking: %s %s %s", ranked[0].Proposal.ID, ranked[1].Proposal.ID, ranked[2].Proposal.ID)
	}
	if ranked[1].Total < 75.99 || ranked[1].Total > 76.01 || ranked[0].Reviewers != 2 {
		t.Fatalf("p1 total %v", ranked[1].Total)
	}
	if err := ValidateScores(n, ps, sheet("r1", "p1", 1, 2, 3, 4)); fieldsOf(err)["scores"] != "score.incomplete" {
		t.Fatalf("incomplete sheet: %v", err)
	}
	bad := append(sheet("r1", "p1", 1, 2, 3, 101), append(sheet("r1", "p2", 1, 2, 3, 4), sheet("r1", "p3", 1, 2, 3, 4)...)...)
	if fieldsOf(ValidateScores(n, ps, bad))["points"] == "" {
		t.Fatal("101 points accepted")
	}
	// Panel: declare first, conflicted never.
	now := time.Now()
	ev := &Need{Status: Published, Deadline: now.Add(-time.Minute)}
	u := &accounts.User{ID: "r1"}
	if errs.CodeOf(CanReview(ev, []PanelMember{{UserID: "r1"}}, u, now)) != errs.Conflict {
		t.Fatal("undeclared reviewer scored")
	}
	if errs.CodeOf(CanReview(ev, []PanelMember{{UserID: "r1", Declared: true, Conflicted: true}}, u, now)) != errs.Forbidden {
		t.Fatal("conflicted reviewer scored")
	}
	if errs.CodeOf(CanReview(ev, []PanelMember{{UserID: "r2", Declared: true}}, u, now)) != errs.Forbidden {
		t.Fatal("reviewer off the panel scored")
	}
	if CanReview(ev, []PanelMember{{UserID: "r1", Declared: true}}, u, now) != nil {
		t.Fatal("declared reviewer refused")
	}
}

func TestAwardAndContractMoney(t *testing.T) {
	t.Parallel()
	n := validNeed()
	n.ID = "n1"
	p := &Proposal{ID: "p1", NeedID: "n1", Status: ProposalSubmitted, PriceFen: 7_000_000}
	if err := CheckAward(n, p, "综合得分第一，方案最具针对性", true); err != nil {
		t.Fatal(err)
	}
	if CheckAward(n, p, "短", true) == nil {
		t.Fatal("award without a reason")
	}
	if errs.CodeOf(CheckAward(n, p, "综合得分第一，方案最具针对性", false)) != errs.Conflict {
		t.Fatal("award without scores")
	}
	over := *p
	over.PriceFen = n.BudgetFen + 1
	if CheckAward(n, &over, "综合得分第一，方案最具针对性", true) == nil {
		t.Fatal("award over budget")
	}
	aw := &Award{AmountFen: p.PriceFen}
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Contract{AmountFen: p.PriceFen, Start: start, End: start.AddDate(0, 6, 0),
		Milestones: []Milestone{{Title: "筹备组成立", Due: start.AddDate(0, 2, 0), AmountFen: 3_000_000},
			{Title: "选举完成并备案", Due: start.AddDate(0, 6, 0), AmountFen: 4_000_000}}}
	if err := CheckContract(n, aw, c); err != nil {
		t.Fatal(err)
	}
	c.AmountFen = 6_500_000
	if fieldsOf(CheckContract(n, aw, c))["amendment"] != "contract.amendment_required" {
		t.Fatal("amount differs without amendment")
	}
	c.Amendment = "经协商删减宣传物料，金额相应调低"
	if fieldsOf(CheckContract(n, aw, c))["milestones"] != "contract.milestones_over" {
		t.Fatal("milestones over the amount")
	}
	if CheckDeliver([]Milestone{{Status: MilestoneAccepted}, {Status: MilestoneReported, Title: "x"}}) == nil {
		t.Fatal("delivered with an open milestone")
	}
}

func TestCancelledBeforeDeadlineNeverOpens(t *testing.T) {
	t.Parallel()
	d := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	n := &Need{ID: "n1", StreetID: "s1", CommunityID: "c1", Status: Cancelled, Deadline: d, UpdatedAt: d.Add(-time.Hour)}
	p := &Proposal{ID: "p1", NeedID: "n1", OrgID: "oA"}
	buyer := &accounts.User{ID: "b", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "s1"}}}
	if CanReadProposal(n, p, buyer, d.Add(48*time.Hour)) {
		t.Fatal("the buyer read a bid of a tender cancelled before its deadline")
	}
	n.UpdatedAt = d.Add(time.Hour) // cancelled after opening
	if !CanReadProposal(n, p, buyer, d.Add(48*time.Hour)) {
		t.Fatal("the buyer cannot read a bid opened before the cancellation")
	}
}
