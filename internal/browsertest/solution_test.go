package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// catalogSolution returns a published solution of the demo catalog with a
// provider, proposing one from the first demo projects when the demo has
// none.
func catalogSolution(t *testing.T, s *site) *catalog.Solution {
	t.Helper()
	ctx := storetest.Admin()
	listed, _, err := s.Store.FindSolutions(ctx, catalog.Filter{Status: catalog.Published, Sort: catalog.SortDeliveries, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range listed {
		sol, err := s.Store.FindSolutionByID(ctx, l.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(sol.Providers) > 0 && sol.Version.BudgetMaxFen > 0 {
			return sol
		}
	}
	projects, err := s.Store.MatchProjects(ctx)
	if err != nil || len(projects) == 0 {
		t.Fatalf("no demo projects: %v", err)
	}
	p := projects[0]
	sol, err := s.Store.CreateSolution(ctx, store.SolutionProposal{OrgID: p.OrgID, NeedIDs: []string{p.ID},
		Version: catalog.Version{Title: "独居老人助餐送餐", Problem: "社区独居老人做饭难、吃饭难，子女不在身边。", Category: "elderly",
			Steps:    []catalog.Step{{Title: "摸底登记"}, {Title: "每天送餐上门"}},
			Outcomes: []catalog.Outcome{{Text: "老人按时吃上热饭", Indicator: "送餐到达率"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.SubmitSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.PublishSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	if sol, err = s.Store.FindSolutionByID(ctx, sol.ID, 0); err != nil {
		t.Fatal(err)
	}
	return sol
}

// deliveries reads the solution page's "交付次数" figure.
func deliveries(t *testing.T, ctx context.Context) int {
	t.Helper()
	txt := text(t, ctx, "#figures .ev-deliveries")
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(txt), "次")))
	if err != nil {
		t.Fatalf("deliveries %q: %v", txt, err)
	}
	return n
}

// TestAdoptSolution: a community staffer finds a solution in the catalog,
// adopts it in one click, finds the draft pre-filled and invites the
// solution's providers; once the new project is accepted (the tender in
// between driven through the store) the solution page shows one more
// delivery. Screenshots for docs/solutions.md.
func TestAdoptSolution(t *testing.T) {
	needBrowser(t)
	st := storetest.Open(t, store.SQLite)
	clock := &journeyClock{}
	st.Now = clock.now
	cfg := config.Default()
	cfg.SessionIdle, cfg.SessionAbsolute = 60*24*time.Hour, 90*24*time.Hour
	s := newSiteConfig(t, st, cfg)
	sol := catalogSolution(t, s)
	provider := sol.Providers[0]
	// The provider's administrator, who answers the invitation.
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	const provPhone = "13600000030"
	if err := st.CreateUser(storetest.Admin(), &accounts.User{Phone: provPhone, Name: "方案提供方", PasswordHash: hash,
		Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: provider.OrgID}}}); err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	// The catalog is public: a shelf by category, cards with their evidence.
	visit(t, ctx, s, "/solutions", "#solution-results .solution-card")
	shot(t, ctx, s, "solutions-catalog.png")
	visit(t, ctx, s, "/solutions?q="+"老人吃饭难", "main h1")
	shot(t, ctx, s, "solutions-search.png")

	start := time.Now()
	signIn(t, ctx, s, "13800000003", "王建华", "")
	visit(t, ctx, s, "/solutions/"+sol.ID, "#adopt-btn")
	before := deliveries(t, ctx)
	shot(t, ctx, s, "solution-page.png")
	scrollTo(t, ctx, "#evidence")
	shot(t, ctx, s, "solution-evidence.png")

	// One click: a draft need for the staffer's community, pre-filled.
	submit(t, ctx, "adopt the solution", "#adopt-btn", "已按同款方案生成需求草稿")
	title := get(t, ctx, "read the draft's title", chromedp.Evaluate[string](`document.querySelector("#title").value`))
	desc := get(t, ctx, "read the draft's description", chromedp.Evaluate[string](`document.querySelector("#description").value`))
	if title != sol.Version.Title || !strings.Contains(desc, sol.Version.Steps[0].Title) {
		t.Fatalf("the draft: %q / %q", title, desc)
	}
	contains(t, "the offer", text(t, ctx, "#adopted"), provider.OrgName)
	run(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	shot(t, ctx, s, "solution-adopted.png")

	// The offer: invite the providers (an invited procedure).
	submit(t, ctx, "invite the providers", "#adopt-invite", "已邀请方案提供方")
	if d := time.Since(start); d > time.Minute {
		t.Errorf("adopting took %s", d)
	}
	needID := strings.TrimSuffix(strings.TrimPrefix(get(t, ctx, "read the url", chromedp.Evaluate[string](`location.pathname`)), "/needs/"), "/edit")
	n, err := st.FindNeedByID(storetest.Admin(), needID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != procurement.Draft || n.Procedure != procurement.Invited || len(n.InvitedOrgIDs) == 0 || n.InvitedOrgIDs[0] != provider.OrgID {
		t.Fatalf("the draft after the invitation: %s %s %v", n.Status, n.Procedure, n.InvitedOrgIDs)
	}
	info, err := st.FindNeedAdoption(storetest.Admin(), needID)
	if err != nil || info.SolutionID != sol.ID {
		t.Fatalf("the need's adoption: %+v %v", info, err)
	}

	// The tender, through the store: submitted, published, a proposal by
	// the provider, scored, awarded, contracted, delivered, accepted.
	tender(t, st, clock, n, provPhone)

	visit(t, ctx, s, "/solutions/"+sol.ID, "#figures")
	if after := deliveries(t, ctx); after != before+1 {
		t.Fatalf("deliveries %d after the accepted project, %d before%s", after, before, pageState(ctx))
	}
	contains(t, "the evidence table", text(t, ctx, "#evidence-projects"), n.Title)
	contains(t, "the community's words at acceptance", text(t, ctx, "#evidence-projects"), "按同款方案完成，居民满意。")
	contains(t, "the lead time", text(t, ctx, "#lead-time"), "从发布到签合同平均")

	// Writing a new need: similar solutions appear as the staffer types.
	visit(t, ctx, s, "/needs/new", "#title")
	run(t, ctx, "type a need", chromedp.SendKeys(chromedp.CSS("#title"), "老人吃饭难，想给独居老人送餐"),
		chromedp.WaitVisible(chromedp.CSS("#suggestions .match-project")))
	scrollTo(t, ctx, "#suggestions-box")
	shot(t, ctx, s, "need-suggestions.png")
	signOut(t, ctx)

	// The provider proposes a solution from its completed project.
	signIn(t, ctx, s, provPhone, "方案提供方", "")
	visit(t, ctx, s, "/solutions/new?from="+needID, "#solution-form")
	if v := get(t, ctx, "read the pre-filled budget", chromedp.Evaluate[string](`document.querySelector("#budget_min").value`)); v == "" {
		t.Fatalf("the proposal form has no budget%s", pageState(ctx))
	}
	shot(t, ctx, s, "solution-form.png")
	scrollTo(t, ctx, "#steps-fields")
	shot(t, ctx, s, "solution-form-steps.png")
	signOut(t, ctx)

	// Coordinators: the review queue, duplicates, clusters, statistics.
	signIn(t, ctx, s, "13800000001", "周明远", "")
	visit(t, ctx, s, "/admin/solutions", "#stats-categories")
	shot(t, ctx, s, "admin-solutions.png")
	scrollTo(t, ctx, "#stats")
	shot(t, ctx, s, "admin-solutions-stats.png")
}

// tender drives an invited draft to its acceptance as its people would.
func tender(t *testing.T, st *store.Store, clock *journeyClock, n *procurement.Need, provPhone string) {
	t.Helper()
	ctx := context.Background()
	user := func(phone string) context.Context {
		u, err := st.FindUserByPhone(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		return accounts.WithActor(ctx, u)
	}
	comm, street, reviewer, prov := user("13800000003"), user("13800000002"), user("13800000006"), user(provPhone)
	rules := config.Default().Rules()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	advance := func(d time.Duration) {
		clock.off.Add(int64(d))
		_, err := st.SweepDeadlines(ctx)
		must("sweep", err)
	}
	deadline := clock.now().Add(4 * 24 * time.Hour)
	_, err := st.UpdateNeed(comm, n.ID, store.NeedUpdate{Deadline: &deadline}, rules)
	must("set the deadline", err)
	_, err = st.TransitionNeed(comm, n.ID, procurement.ActSubmit, "", rules)
	must("submit", err)
	_, err = st.TransitionNeed(street, n.ID, procurement.ActPublish, "", rules)
	must("publish", err)
	p, err := st.SubmitProposal(prov, n.ID, &procurement.Proposal{Summary: "按同款方案实施，沿用已验证的步骤和志愿者团队。",
		Plan: strings.Repeat("按同款方案的步骤逐项实施：摸底登记、组建团队、开展服务、每月回访并报告进度，结束时评估成效。", 2), Team: "社工2名，志愿者10名", PriceFen: n.BudgetFen, DurationDays: 90,
		IdempotencyKey: "adopt-" + n.ID})
	must("propose", err)
	advance(5 * 24 * time.Hour)
	rv, err := st.FindUserByPhone(ctx, "13800000006")
	must("reviewer", err)
	must("panel", st.AssignPanel(street, n.ID, []string{rv.ID}))
	must("declare", st.DeclareInterest(reviewer, n.ID, false, "与投标组织无利害关系"))
	full, err := st.FindNeedByID(street, n.ID)
	must("need", err)
	var scores []procurement.Score
	for _, c := range full.Criteria {
		scores = append(scores, procurement.Score{NeedID: n.ID, ProposalID: p.ID, CriterionID: c.ID, Points: 90, Comment: "方案成熟"})
	}
	must("score", st.SubmitScores(reviewer, n.ID, scores))
	_, err = st.AwardNeed(street, n.ID, p.ID, "评分最高，方案与同款方案一致，提供方有交付经验。")
	must("award", err)
	advance(time.Duration(full.ObjectionDays+1) * 24 * time.Hour)
	now := clock.now()
	must("contract", st.SignContract(street, n.ID, &procurement.Contract{AmountFen: p.PriceFen, Start: now, End: now.AddDate(0, 3, 0),
		Milestones: []procurement.Milestone{{Title: "按方案完成全部步骤", Due: now.AddDate(0, 3, 0), AmountFen: p.PriceFen}}}))
	ms, err := st.FindMilestones(ctx, n.ID)
	must("milestones", err)
	_, err = st.ReportProgress(prov, n.ID, ms[0].ID, "全部步骤已完成，附服务记录。", nil)
	must("report", err)
	must("accept the milestone", st.AcceptMilestone(comm, n.ID, ms[0].ID))
	must("deliver", st.Deliver(prov, n.ID))
	must("accept", st.AcceptDelivery(comm, n.ID, "按同款方案完成，居民满意。", 80))
}

// TestSolutionsOnAPhone: the catalog, a solution page and the adoption box
// fit a 375px phone: nothing scrolls sideways.
func TestSolutionsOnAPhone(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	sol := catalogSolution(t, s)
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000003", "王建华", "")
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, sel, shot string }{
		{"/solutions", "#solution-results", "solutions-phone.png"},
		{"/solutions/" + sol.ID, "#adopt-btn", "solution-phone.png"},
		{"/needs/new", "#find-similar", ""},
	} {
		visit(t, ctx, s, p.path, p.sel)
		width := get(t, ctx, "measure "+p.path, chromedp.Evaluate[struct {
			Scroll, Inner int
		}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Inner != 375 || width.Scroll > width.Inner {
			t.Errorf("%s on a phone: page %dpx wide in a %dpx window", p.path, width.Scroll, width.Inner)
		}
		if p.shot != "" {
			shot(t, ctx, s, p.shot)
		}
	}
}
