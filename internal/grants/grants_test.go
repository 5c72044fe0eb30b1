package grants

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// TestMachines walks every state × action × actor of the four machines and
// checks Step against the tables written out again by hand.
func TestMachines(t *testing.T) {
	t.Parallel()
	u := func(role accounts.Role, scope string) *accounts.User {
		return &accounts.User{ID: string(role) + scope, Grants: []accounts.Grant{{Role: role, ScopeID: scope}}}
	}
	actors := map[string]*accounts.User{
		"admin": u(accounts.PlatformAdmin, ""), "foundation": u(accounts.FoundationStaff, ""),
		"street": u(accounts.StreetStaff, "s1"), "other_street": u(accounts.StreetStaff, "s2"),
		"org_admin": u(accounts.OrgAdmin, "o1"), "org_member": u(accounts.OrgMember, "o1"),
		"other_org": u(accounts.OrgAdmin, "o2"), "reviewer": u(accounts.Reviewer, ""),
		"auditor": u(accounts.Auditor, ""), "resident": u(accounts.Resident, ""), "anonymous": nil,
	}
	staff := []string{"admin", "foundation", "street"}
	type rule struct {
		to  State
		who []string
	}
	cases := []struct {
		name   string
		m      Machine
		states []State
		acts   []Action
		want   map[State]map[Action]rule
	}{
		{"application", ApplicationMachine, []State{AppSubmitted, AppUnderReview, AppAwarded, AppDeclined, AppWithdrawn},
			[]Action{ActReview, ActWithdraw, ActAward, ActDecline, ActPay}, map[State]map[Action]rule{
				AppSubmitted:   {ActReview: {AppUnderReview, staff}, ActWithdraw: {AppWithdrawn, []string{"org_admin"}}},
				AppUnderReview: {ActAward: {AppAwarded, staff}, ActDecline: {AppDeclined, staff}, ActWithdraw: {AppWithdrawn, []string{"org_admin"}}},
			}},
		{"agreement", AgreementMachine, []State{AgrActive, AgrCompleted, AgrTerminated},
			[]Action{ActComplete, ActTerminate, ActPay}, map[State]map[Action]rule{
				AgrActive: {ActComplete: {AgrCompleted, staff}, ActTerminate: {AgrTerminated, staff}},
			}},
		{"tranche", TrancheMachine, []State{TrPending, TrReported, TrAccepted, TrPaid, TrCancelled},
			[]Action{ActReport, ActAccept, ActReturn, ActPay, ActCancel}, map[State]map[Action]rule{
				TrPending:  {ActReport: {TrReported, []string{"org_admin", "org_member"}}, ActCancel: {TrCancelled, staff}},
				TrReported: {ActAccept: {TrAccepted, staff}, ActReturn: {TrPending, staff}, ActCancel: {TrCancelled, staff}},
				TrAccepted: {ActPay: {TrPaid, staff}, ActCancel: {TrCancelled, staff}},
			}},
		{"expense", ExpenseMachine, []State{ExpSubmitted, ExpApproved, ExpRejected},
			[]Action{ActApprove, ActReject, ActPay}, map[State]map[Action]rule{
				ExpSubmitted: {ActApprove: {ExpApproved, staff}, ActReject: {ExpRejected, staff}},
			}},
	}
	for _, c := range cases {
		for _, from := range c.states {
			for _, act := range c.acts {
				r, listed := c.want[from][act]
				for name, actor := range actors {
					to, err := c.m.Step(actor, Parties{StreetID: "s1", OrgID: "o1"}, from, act)
					allowed := false
					for _, w := range r.who {
						allowed = allowed || w == name
					}
					// Someone who may take act from some state hears of the
					// state (409); anyone else is refused (401/403) first.
					may, known := false, false
					for _, acts := range c.want {
						_, ok := acts[act]
						known = known || ok
						may = may || slices.Contains(acts[act].who, name)
					}
					switch {
					case !listed && (may || !known) && errs.CodeOf(err) != errs.Conflict:
						t.Errorf("%s %s %s by %s: %v, want conflict", c.name, from, act, name, err)
					case !listed && known && !may && name == "anonymous" && errs.CodeOf(err) != errs.Unauthorized:
						t.Errorf("%s %s %s by %s: %v, want unauthorized", c.name, from, act, name, err)
					case !listed && known && !may && name != "anonymous" && errs.CodeOf(err) != errs.Forbidden:
						t.Errorf("%s %s %s by %s: %v, want forbidden", c.name, from, act, name, err)
					case listed && allowed && (err != nil || to != r.to):
						t.Errorf("%s %s %s by %s: %s %v, want %s", c.name, from, act, name, to, err, r.to)
					case listed && !allowed && err == nil:
						t.Errorf("%s %s %s by %s: allowed", c.name, from, act, name)
					case listed && !allowed && name == "anonymous" && errs.CodeOf(err) != errs.Unauthorized:
						t.Errorf("%s %s %s anonymous: %v", c.name, from, act, err)
					}
				}
			}
		}
	}
	// A foundation round (no street) is not a street's to run.
	if _, err := TrancheMachine.Step(actors["street"], Parties{OrgID: "o1"}, TrAccepted, ActPay); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("street staff pays a foundation tranche: %v", err)
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	good := map[string]int64{"8000": 800000, "1.5万": 1500000, "1,234.56": 123456, "0.01": 1, "¥20.5": 2050}
	for in, want := range good {
		if got, err := ParseAmount("amount", in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"12.345", "-5", "0", "", "abc", "0.00", "20000000000", "1e5"} {
		if _, err := ParseAmount("amount", bad); errs.CodeOf(err) != errs.Invalid || errs.As(err).Field != "amount" {
			t.Errorf("ParseAmount(%q): %v", bad, err)
		}
	}
	if CheckAmount("a", MaxFen) != nil || CheckAmount("a", MaxFen+1) == nil || CheckAmount("a", -1) == nil {
		t.Error("bounds")
	}
}

func TestApplicationMatch(t *testing.T) {
	t.Parallel()
	r := &RoundRecord{MatchPct: 70}
	app := func(request, cash, hours int64, lines ...int64) *Application {
		a := &Application{Title: "楼门议事会", Problem: "楼门长期无人议事，小事拖成大事", Plan: "组建楼门议事会并每月开会一次",
			Request: request, MatchCash: cash, MatchHoursValue: hours,
			Milestones: []Milestone{{"组建", "2026-12-01", 40}, {"运行", "2027-03-01", 60}}}
		for _, l := range lines {
			a.Lines = append(a.Lines, BudgetLine{Category: "materials", Item: "物料", Amount: l})
		}
		return a
	}
	if err := app(700000, 200000, 100000, 600000, 400000).Validate(r); err != nil {
		t.Fatalf("70/30: %v", err)
	}
	if err := app(800000, 200000, 0, 1000000).Validate(r); errs.As(err) == nil || errs.Fields(err)[0].Key != "grants.match_short" {
		t.Fatalf("80/20 under a 70 %% round: %v", err)
	}
	if err := app(700000, 200000, 0, 1000000).Validate(r); errs.Fields(err)[0].Key != "grants.budget_mismatch" {
		t.Fatalf("budget not the sum: %v", err)
	}
	a := app(700000, 300000, 0, 1000000)
	a.Milestones[1].Pct = 50
	if err := a.Validate(r); errs.Fields(err)[0].Key != "grants.milestones_pct" {
		t.Fatalf("milestones 90 %%: %v", err)
	}
	if got := Split(1000, []Milestone{{Pct: 33}, {Pct: 33}, {Pct: 34}}); got[0] != 330 || got[1] != 330 || got[2] != 340 {
		t.Fatalf("split: %v", got)
	}
	if got := Split(1001, []Milestone{{Pct: 50}, {Pct: 50}}); got[0]+got[1] != 1001 {
		t.Fatalf("split loses fen: %v", got)
	}
}

func TestDecisionAndApprover(t *testing.T) {
	t.Parallel()
	a := &Application{Request: 500000}
	d := &Decision{Amount: 500001, Reason: "评审得分第一"}
	if err := d.Validate(true, a); errs.Fields(err)[0].Key != "grants.award_over_request" {
		t.Fatalf("award over request: %v", err)
	}
	d.Amount = 400000
	if err := d.Validate(true, a); err != nil {
		t.Fatal(err)
	}
	e := &Expense{AuthorID: "u1"}
	if err := CheckApprover(&accounts.User{ID: "u1"}, e, nil); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("author approves: %v", err)
	}
	if err := CheckApprover(&accounts.User{ID: "u2"}, e, []string{"u2"}); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("approves twice: %v", err)
	}
	if ApprovalsNeeded(FourEyesFen-1) != 1 || ApprovalsNeeded(FourEyesFen) != 2 {
		t.Fatal("four eyes threshold")
	}
}

// TestEmptyDayRequired (F12): a required date left empty says it must be
// filled in, not how dates are written.
func TestEmptyDayRequired(t *testing.T) {
	d := &Donation{FundID: "f", DonorName: "某公司", Amount: 100, Channel: Channels[0]}
	r := &RoundRecord{FundID: "f", Name: "冬季微创投", Route: RouteMatch, Budget: 100, MatchPct: 70, Eligibility: AnyOrg, OpensOn: "2026-11-20"}
	for field, err := range map[string]error{"donated_on": d.Validate(), "closes_on": r.Validate()} {
		fs := errs.Fields(err)
		if len(fs) != 1 || fs[0].Field != field || fs[0].Key != "field.required" {
			t.Errorf("%s empty: %v", field, fs)
		}
	}
}
