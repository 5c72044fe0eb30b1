package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// catalogFixture is a delivery fixture with one completed project of the
// organization and a coordinator.
type catalogFixture struct {
	*delivery
	project     *procurement.Need
	coordinator *accounts.User
}

func newCatalogFixture(t *testing.T, s *store.Store) *catalogFixture {
	t.Helper()
	f := &catalogFixture{delivery: newDelivery(t, s)}
	n, _ := f.contracted(t)
	deliverAll(t, f.delivery, n)
	f.project = n
	u := &accounts.User{Phone: "13900000021", Name: "协调员", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	if err := s.CreateUser(storetest.Admin(), u); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.coordinator, err = s.FindUserByPhone(context.Background(), u.Phone); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *catalogFixture) content() catalog.Version {
	return catalog.Version{Title: "老旧小区业委会组建全流程陪伴", Problem: "老旧小区长期没有业委会，物业矛盾无人牵头协商",
		Tags: []string{"业委会", "物业"}, Suits: catalog.Suits{CommunityTypes: []string{"old_estate"}},
		Steps:    []catalog.Step{{Title: "摸底与宣传"}, {Title: "成立筹备组"}, {Title: "选举与备案"}},
		Outcomes: []catalog.Outcome{{Text: "业委会依法成立", Indicator: "完成备案"}}}
}

// published proposes a solution from the fixture's project as the
// organization and has the coordinator publish it.
func (f *catalogFixture) published(t *testing.T) *catalog.Solution {
	t.Helper()
	sol, err := f.s.CreateSolution(as(f.orgAdmin), store.SolutionProposal{OrgID: f.org.ID, NeedIDs: []string{f.project.ID},
		Version: f.content()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SubmitSolution(as(f.orgAdmin), sol.ID); err != nil {
		t.Fatal(err)
	}
	sol, err = f.s.PublishSolution(as(f.coordinator), sol.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sol
}

func TestSolutionProposeReviewPublish(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCatalogFixture(t, s)
		// Pre-filled from the project: budget and duration, provider, category.
		sol, err := s.CreateSolution(as(f.orgAdmin), store.SolutionProposal{OrgID: f.org.ID, NeedIDs: []string{f.project.ID},
			Version: f.content()})
		if err != nil {
			t.Fatal(err)
		}
		v := sol.Version
		if sol.Status != catalog.Draft || v.Number != 1 || v.BudgetMinFen != awardFen || v.BudgetMaxFen != awardFen ||
			v.DurationMinDays < 180 || v.Category != "property" || len(sol.Providers) != 1 || sol.Providers[0].OrgID != f.org.ID {
			t.Fatalf("proposed: %+v providers %+v", v, sol.Providers)
		}
		if sol.Figures.Deliveries != 1 {
			t.Fatalf("evidence of the proposing project: %+v", sol.Figures)
		}
		// A draft is private: the public, another organization and a community do not see it.
		for name, ctx := range map[string]context.Context{"anonymous": context.Background(), "other org": as(f.otherAdmin),
			"community": as(f.commStaff)} {
			if _, err := s.FindSolutionByID(ctx, sol.ID, 0); !errs.Is(err, errs.NotFound) {
				t.Fatalf("%s sees the draft: %v", name, err)
			}
		}
		if _, err := s.FindSolutionByID(as(f.orgMember), sol.ID, 0); err != nil {
			t.Fatalf("the organization's member does not see its draft: %v", err)
		}
		if list, _, err := s.FindSolutions(context.Background(), catalog.Filter{}); err != nil || len(list) != 0 {
			t.Fatalf("public catalog lists a draft: %v %v", list, err)
		}
		if list, total, err := s.FindSolutions(as(f.orgAdmin), catalog.Filter{Status: catalog.Draft}); err != nil || total != 1 || list[0].Version.Title != v.Title {
			t.Fatalf("author's drafts: %v %d %v", list, total, err)
		}
		if list, _, err := s.FindSolutions(as(f.otherAdmin), catalog.Filter{Status: catalog.Draft}); err != nil || len(list) != 0 {
			t.Fatalf("another organization lists the draft: %v %v", list, err)
		}
		// Editing: the authors, in draft only.
		title := "老旧小区业委会组建陪伴服务"
		if _, err := s.UpdateSolution(as(f.otherAdmin), sol.ID, store.SolutionUpdate{Title: &title}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another organization edits: %v", err)
		}
		bad := int64(1)
		if _, err := s.UpdateSolution(as(f.orgAdmin), sol.ID, store.SolutionUpdate{BudgetMaxFen: &bad}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("budget max below min: %v", err)
		}
		if sol, err = s.UpdateSolution(as(f.orgAdmin), sol.ID, store.SolutionUpdate{Title: &title}); err != nil || sol.Version.Title != title {
			t.Fatalf("edit: %v %+v", err, sol)
		}
		// Only a coordinator publishes, and only what is under review.
		if _, err := s.PublishSolution(as(f.coordinator), sol.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("publish a draft: %v", err)
		}
		if _, err := s.SubmitSolution(as(f.orgAdmin), sol.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishSolution(as(f.orgAdmin), sol.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the author publishes: %v", err)
		}
		if _, err := s.UpdateSolution(as(f.orgAdmin), sol.ID, store.SolutionUpdate{Title: &title}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("edit under review: %v", err)
		}
		if _, err := s.ReturnSolution(as(f.coordinator), sol.ID, "补充"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("return without a real comment: %v", err)
		}
		if sol, err = s.ReturnSolution(as(f.coordinator), sol.ID, "请补充风险与应对"); err != nil || sol.Status != catalog.Draft ||
			sol.ReviewComment == "" {
			t.Fatalf("return: %v %+v", err, sol)
		}
		if notes(t, s, f.coordinator.ID, "solution_submitted") != 1 || notes(t, s, f.orgAdmin.ID, "solution_returned") != 1 {
			t.Fatal("the coordinator is not told of the submission, or the author of the return")
		}
		if _, err := s.SubmitSolution(as(f.orgAdmin), sol.ID); err != nil {
			t.Fatal(err)
		}
		if sol, err = s.PublishSolution(as(f.coordinator), sol.ID); err != nil || sol.Status != catalog.Published || sol.PublishedVersion != 1 {
			t.Fatalf("publish: %v %+v", err, sol)
		}
		var audits int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE object_id = ? AND action = 'solution.publish'`, sol.ID, &audits); err != nil || audits != 1 {
			t.Fatalf("publish audit entries: %d %v", audits, err)
		}
		// Public now, listed in the catalog.
		pub, err := s.FindSolutionByID(context.Background(), sol.ID, 0)
		if err != nil || pub.Version.Title != title || pub.ReviewComment != "" || len(pub.Versions) != 1 {
			t.Fatalf("public view: %v %+v", err, pub)
		}
		list, total, err := s.FindSolutions(context.Background(), catalog.Filter{Category: "property"})
		if err != nil || total != 1 || list[0].ID != sol.ID || list[0].Figures.Deliveries != 1 || len(list[0].Providers) != 1 {
			t.Fatalf("catalog: %v %d %v", list, total, err)
		}
		if list, _, _ := s.FindSolutions(context.Background(), catalog.Filter{Query: "业委会 陪伴"}); len(list) != 1 {
			t.Fatalf("catalog query: %v", list)
		}
		if list, _, _ := s.FindSolutions(context.Background(), catalog.Filter{Category: "elderly"}); len(list) != 0 {
			t.Fatalf("another category: %v", list)
		}

		// A revision is a new draft version; the published one stays in the catalog, immutable.
		rev, err := s.ReviseSolution(as(f.orgAdmin), sol.ID, "补充选举流程细节")
		if err != nil || rev.Status != catalog.Draft || rev.LatestVersion != 2 || rev.PublishedVersion != 1 || rev.Version.Number != 2 {
			t.Fatalf("revise: %v %+v", err, rev)
		}
		title2 := "老旧小区业委会组建陪伴（第二版）"
		if _, err := s.UpdateSolution(as(f.orgAdmin), sol.ID, store.SolutionUpdate{Title: &title2}); err != nil {
			t.Fatal(err)
		}
		pub, err = s.FindSolutionByID(context.Background(), sol.ID, 0)
		if err != nil || pub.Version.Number != 1 || pub.Version.Title != title || !pub.Listed() {
			t.Fatalf("the public still sees version 1: %v %+v", err, pub)
		}
		if _, err := s.FindSolutionByID(context.Background(), sol.ID, 2); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the public reads the draft version: %v", err)
		}
		if _, err := s.SubmitSolution(as(f.orgAdmin), sol.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishSolution(as(f.coordinator), sol.ID); err != nil {
			t.Fatal(err)
		}
		pub, err = s.FindSolutionByID(context.Background(), sol.ID, 0)
		if err != nil || pub.Version.Number != 2 || pub.Version.Title != title2 || len(pub.Versions) != 2 {
			t.Fatalf("version 2 published: %v %+v", err, pub)
		}
		old, err := s.FindSolutionByID(context.Background(), sol.ID, 1)
		if err != nil || old.Version.Title != title || old.Version.Status != catalog.Published {
			t.Fatalf("version 1 stays readable: %v %+v", err, old)
		}
	})
}

func TestSolutionProposeRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCatalogFixture(t, s)
		open := f.draft(t)
		cases := []struct {
			name string
			ctx  context.Context
			p    store.SolutionProposal
			code errs.Code
		}{
			{"anonymous", context.Background(), store.SolutionProposal{OrgID: f.org.ID, NeedIDs: []string{f.project.ID}}, errs.Unauthorized},
			{"community staff", as(f.commStaff), store.SolutionProposal{OrgID: f.org.ID, NeedIDs: []string{f.project.ID}}, errs.Forbidden},
			{"member", as(f.orgMember), store.SolutionProposal{OrgID: f.org.ID, NeedIDs: []string{f.project.ID}}, errs.Forbidden},
			{"not its project", as(f.otherAdmin), store.SolutionProposal{OrgID: f.otherOrg.ID, NeedIDs: []string{f.project.ID}}, errs.Invalid},
			{"not completed", as(f.coordinator), store.SolutionProposal{NeedIDs: []string{open.ID}}, errs.Invalid},
			{"no project", as(f.orgAdmin), store.SolutionProposal{OrgID: f.org.ID}, errs.Invalid},
		}
		for _, c := range cases {
			c.p.Version = f.content()
			if _, err := s.CreateSolution(c.ctx, c.p); errs.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM solutions WHERE 1 = ?`, 1, &n); err != nil || n != 0 {
			t.Fatalf("refused proposals left %d solutions (%v)", n, err)
		}
		// Platform staff propose in the platform's name; the prefill needs nothing typed but outcomes' defaults.
		v, err := s.SolutionPrefill(as(f.coordinator), "", []string{f.project.ID})
		if err != nil || v.Title != f.project.Title || len(v.Steps) != 2 || len(v.Outcomes) == 0 || v.ProviderIDs[0] != f.org.ID {
			t.Fatalf("prefill: %v %+v", err, v)
		}
		// The milestones as steps, each as long as from the one before — the
		// first from the contract's start, so the steps cover the whole term.
		k, err := s.FindContract(storetest.Admin(), f.project.ID)
		if err != nil {
			t.Fatal(err)
		}
		days := func(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }
		if first, second := days(k.Start, k.Milestones[0].Due), days(k.Milestones[0].Due, k.Milestones[1].Due); first == 0 ||
			v.Steps[0].Days != first || v.Steps[1].Days != second || first+second != v.DurationMaxDays {
			t.Fatalf("steps %+v, want %d and %d days (the term %d)", v.Steps, first, second, v.DurationMaxDays)
		}
		sol, err := s.CreateSolution(as(f.coordinator), store.SolutionProposal{NeedIDs: []string{f.project.ID}})
		if err != nil || sol.OrgID != "" {
			t.Fatalf("platform proposal from the prefill alone: %v %+v", err, sol)
		}
		if _, err := s.UpdateSolution(as(f.orgAdmin), sol.ID, store.SolutionUpdate{}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("an organization edits the platform's draft: %v", err)
		}
	})
}

func TestSolutionAdoptionJoinsEvidence(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCatalogFixture(t, s)
		sol := f.published(t)
		a := catalog.Adoption{CommunityID: f.community.ID, Procedure: procurement.Invited}
		// Scope: a community's staff adopt for their own community only; organizations do not adopt.
		if _, err := s.AdoptSolution(as(f.orgAdmin), sol.ID, a, f.rules); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("an organization adopts: %v", err)
		}
		if _, err := s.AdoptSolution(as(f.commStaff), sol.ID, catalog.Adoption{CommunityID: f.otherComm.ID}, f.rules); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("adopt for another community: %v", err)
		}
		if _, err := s.AdoptSolution(as(f.commStaff), sol.ID, catalog.Adoption{CommunityID: f.community.ID,
			Procedure: procurement.Invited, OrgIDs: []string{f.otherOrg.ID}}, f.rules); !errs.Is(err, errs.Invalid) {
			t.Fatalf("invite a non-provider: %v", err)
		}
		// Over the direct-commission threshold the ordinary rule refuses it.
		if _, err := s.AdoptSolution(as(f.commStaff), sol.ID, catalog.Adoption{CommunityID: f.community.ID,
			Procedure: procurement.Direct}, f.rules); !errs.Is(err, errs.Invalid) {
			t.Fatalf("direct commission over the threshold: %v", err)
		}
		n, err := s.AdoptSolution(as(f.commStaff), sol.ID, a, f.rules)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != procurement.Draft || n.Title != sol.Version.Title || n.BudgetFen != awardFen ||
			strings.Join(n.InvitedOrgIDs, ",") != f.org.ID || !strings.Contains(n.Description, "摸底与宣传") {
			t.Fatalf("adopted draft: %+v", n)
		}
		info, err := s.FindNeedAdoption(as(f.commStaff), n.ID)
		if err != nil || info.SolutionID != sol.ID || info.Version != 1 {
			t.Fatalf("adoption recorded: %+v %v", info, err)
		}
		var audits int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE object_id = ? AND action = 'solution.adopt'`, sol.ID, &audits); err != nil || audits != 1 {
			t.Fatalf("adopt audit: %d %v", audits, err)
		}
		// Below the threshold, direct commission of the provider with the solution cited.
		small := int64(3_000_000)
		d, err := s.AdoptSolution(as(f.commStaff), sol.ID, catalog.Adoption{CommunityID: f.community.ID,
			Procedure: procurement.Direct, BudgetFen: small}, f.rules)
		if err != nil || d.Procedure != procurement.Direct || !strings.Contains(d.Justification, sol.Version.Title) {
			t.Fatalf("direct adoption: %v %+v", err, d)
		}

		// The adopted need runs its course; when it is accepted, its outcome joins the evidence.
		deadline := f.now.Add(10 * 24 * time.Hour)
		if _, err := s.UpdateNeed(as(f.commStaff), n.ID, store.NeedUpdate{Deadline: &deadline}, f.rules); err != nil {
			t.Fatal(err)
		}
		f.publish(t, n)
		f.now = f.now.Add(24 * time.Hour)
		if err := s.AwardForDeliveryTest(context.Background(), n.ID, f.org.ID, awardFen, f.now); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.AddDate(0, 0, 6)
		if err := s.SignContract(as(f.streetStaff), n.ID, f.contract(awardFen)); err != nil {
			t.Fatal(err)
		}
		ev, err := s.SolutionEvidence(context.Background(), sol.ID)
		if err != nil || ev.Deliveries != 1 {
			t.Fatalf("evidence before acceptance: %+v %v", ev.Figures, err)
		}
		deliverReaching(t, f.delivery, n, 100)
		ev, err = s.SolutionEvidence(context.Background(), sol.ID)
		if err != nil || ev.Deliveries != 2 || ev.Adopted != 1 || ev.Projects[0].NeedID != n.ID {
			t.Fatalf("evidence after acceptance: %+v %v", ev, err)
		}
		// Only the adopted project reported whom it reached: its amount over its 100 people.
		if ev.Projects[0].Beneficiaries != 100 || ev.Projects[1].Beneficiaries != 0 ||
			ev.CostPerBeneficiaryFen != (ev.Projects[0].AmountFen+50)/100 {
			t.Fatalf("cost per beneficiary: %d from %+v", ev.CostPerBeneficiaryFen, ev.Projects)
		}
		got, err := s.FindSolutionByID(context.Background(), sol.ID, 0)
		if err != nil || got.Adoptions != 2 || got.Figures.Deliveries != 2 {
			t.Fatalf("figures: %+v %v", got, err)
		}
		st, err := s.SolutionStats(context.Background(), sol.ID)
		if err != nil || st.Adoptions != 2 || st.Deliveries != 2 || st.Adopted.Needs != 1 || st.Adopted.AvgDays < 6 {
			t.Fatalf("stats: %+v %v", st, err)
		}
		cats, err := s.CategoryStats(context.Background())
		if err != nil || len(cats) != 1 || cats[0].Key != "property" || cats[0].Solutions != 1 || cats[0].Adoptions != 2 {
			t.Fatalf("category stats: %+v %v", cats, err)
		}
	})
}

func TestSolutionMergeDuplicatesClusters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCatalogFixture(t, s)
		a := f.published(t)
		// A near-duplicate by platform staff from the same project.
		b, err := s.CreateSolution(as(f.coordinator), store.SolutionProposal{NeedIDs: []string{f.project.ID}, Version: f.content()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SolutionDuplicates(as(f.orgAdmin)); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("an organization sees duplicates: %v", err)
		}
		pairs, err := s.SolutionDuplicates(as(f.coordinator))
		if err != nil || len(pairs) != 1 || pairs[0].Score < catalog.DuplicateThreshold {
			t.Fatalf("duplicates: %+v %v", pairs, err)
		}
		if _, err := s.MergeSolutions(as(f.orgAdmin), b.ID, a.ID, "重复的方案"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("an organization merges the platform's draft: %v", err)
		}
		if _, err := s.MergeSolutions(as(f.coordinator), a.ID, b.ID, "重复的方案"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("merge into a draft: %v", err)
		}
		into, err := s.MergeSolutions(as(f.coordinator), b.ID, a.ID, "与已发布方案重复")
		if err != nil || into.ID != a.ID || into.Figures.Deliveries != 1 {
			t.Fatalf("merge: %v %+v", err, into)
		}
		gone, err := s.FindSolutionByID(as(f.coordinator), b.ID, 0)
		if err != nil || gone.Status != catalog.Merged || gone.MergedInto != a.ID {
			t.Fatalf("merged one redirects: %v %+v", err, gone)
		}
		// A merged draft was never public: only coordinators list it.
		if list, _, err := s.FindSolutions(context.Background(), catalog.Filter{Status: catalog.Merged}); err != nil || len(list) != 0 {
			t.Fatalf("the public lists a merged draft: %v %v", list, err)
		}
		if _, err := s.SolutionEvidence(context.Background(), b.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the public reads a merged draft's evidence: %v", err)
		}
		if list, _, err := s.FindSolutions(as(f.coordinator), catalog.Filter{Status: catalog.Merged}); err != nil || len(list) != 1 {
			t.Fatalf("coordinator's merged list: %v %v", list, err)
		}
		if pairs, _ := s.SolutionDuplicates(as(f.coordinator)); len(pairs) != 0 {
			t.Fatalf("duplicates after the merge: %+v", pairs)
		}
		// Clusters: completed projects no solution links, alike in text.
		for i := 0; i < 2; i++ {
			n, _ := f.contracted(t)
			deliverAll(t, f.delivery, n)
		}
		cls, err := s.SuggestSolutionClusters(as(f.coordinator))
		if err != nil || len(cls) != 1 || len(cls[0].Projects) != 2 || cls[0].Category != "property" {
			t.Fatalf("clusters: %+v %v", cls, err)
		}
	})
}

func TestSolutionChangesAndSearchReads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCatalogFixture(t, s)
		var heard []string
		s.OnChange(func(_ context.Context, cs []store.Change) {
			for _, c := range cs {
				if c.Kind == store.ChangeSolution {
					heard = append(heard, c.ID)
				}
			}
		})
		sol := f.published(t)
		if len(heard) != 3 || heard[2] != sol.ID {
			t.Fatalf("changes heard: %v", heard)
		}
		docs, err := s.MatchSolutions(context.Background())
		if err != nil || len(docs) != 1 || docs[0].Title != sol.Version.Title || len(docs[0].Steps) != 3 ||
			len(docs[0].Providers) != 1 || docs[0].Providers[0] != f.org.Name {
			t.Fatalf("search reads: %+v %v", docs, err)
		}
		// A provider renamed: the solution is heard changed, and reads the new name.
		heard = nil
		renamed := "回天惠民社会工作服务中心"
		if _, err := s.UpdateOrganization(storetest.Admin(), f.org.ID, registry.Update{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		if doc, err := s.MatchSolution(context.Background(), sol.ID); err != nil || len(heard) != 1 || heard[0] != sol.ID ||
			doc.Providers[0] != renamed {
			t.Fatalf("provider renamed: heard %v, providers %v %v", heard, doc.Providers, err)
		}
		if _, err := s.ArchiveSolution(as(f.coordinator), sol.ID, "内容已过时"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MatchSolution(context.Background(), sol.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("archived solution still indexed: %v", err)
		}
		if got, err := s.FindSolutionByID(context.Background(), sol.ID, 0); err != nil || got.Listed() {
			t.Fatalf("archived: readable, not listed: %v %+v", err, got)
		}
		if _, err := s.AdoptSolution(as(f.commStaff), sol.ID, catalog.Adoption{CommunityID: f.community.ID}, f.rules); !errs.Is(err, errs.Conflict) {
			t.Fatalf("adopt an archived solution: %v", err)
		}
	})
}
