package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// tender is a street with a community, an organization, and real users for
// the roles of a tender (so notifications have someone to reach).
type tender struct {
	s                      *store.Store
	street                 *places.Street
	community, otherComm   *places.Community
	org                    *registry.Organization
	commStaff, streetStaff *accounts.User
	otherStreet, orgAdmin  *accounts.User
	now                    time.Time
	rules                  procurement.Rules
}

func newTender(t *testing.T, s *store.Store) *tender {
	t.Helper()
	st, c1, c2 := seed(t, s)
	ctx := storetest.Admin()
	other := &places.Street{Name: "霍营街道"}
	if err := s.CreateStreet(ctx, other); err != nil {
		t.Fatal(err)
	}
	o := &registry.Organization{Name: "回龙观惠民社工中心", Registration: registry.Registered, CreditCode: "52110114Y4CL12TH3D",
		StreetID: st.ID, Domains: []string{"物业治理"}, Category: "property"}
	if err := s.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	tt := &tender{s: s, street: st, community: c1, otherComm: c2, org: o, rules: procurement.DefaultRules(),
		now: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return tt.now }
	mk := func(phone string, r accounts.Role, scope string) *accounts.User {
		u := &accounts.User{Phone: phone, Name: string(r), Grants: []accounts.Grant{{Role: r, ScopeID: scope}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserByPhone(context.Background(), u.Phone)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tt.commStaff = mk("13900000001", accounts.CommunityStaff, c1.ID)
	tt.streetStaff = mk("13900000002", accounts.StreetStaff, st.ID)
	tt.otherStreet = mk("13900000003", accounts.StreetStaff, other.ID)
	tt.orgAdmin = mk("13900000004", accounts.OrgAdmin, o.ID)
	return tt
}

func (tt *tender) draft(t *testing.T) *procurement.Need {
	t.Helper()
	n := &procurement.Need{Title: "龙锦苑二区业委会组建指导", Description: "社区希望在专业指导下依法依规组建业主委员会，完成筹备、选举和备案。",
		CommunityID: tt.community.ID, BudgetFen: 8_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(),
		Deadline: tt.now.Add(10 * 24 * time.Hour)}
	if err := tt.s.CreateNeed(as(tt.commStaff), n, tt.rules); err != nil {
		t.Fatal(err)
	}
	return n
}

func (tt *tender) step(t *testing.T, u *accounts.User, n *procurement.Need, a procurement.Action, note string) *procurement.Need {
	t.Helper()
	got, err := tt.s.TransitionNeed(as(u), n.ID, a, note, tt.rules)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return got
}

// publish opens the tender of n as its street. A community's draft goes to
// the street as a submission first: the street never publishes it before.
func (tt *tender) publish(t *testing.T, n *procurement.Need) *procurement.Need {
	t.Helper()
	if n.CommunityDrafted && n.Status == procurement.Draft {
		n = tt.step(t, tt.commStaff, n, procurement.ActSubmit, "")
	}
	return tt.step(t, tt.streetStaff, n, procurement.ActPublish, "")
}

func TestNeedLifecycleToPublished(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.draft(t)
		if n.Status != procurement.Draft || n.StreetID != tt.street.ID || n.Category != "property" || len(n.Criteria) != 4 {
			t.Fatalf("draft: %+v", n)
		}
		// Drafts are private: the public and other streets do not find them.
		if _, err := s.FindNeedByID(context.Background(), n.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("anonymous reads a draft: %v", err)
		}
		if _, err := s.FindNeedByID(as(tt.otherStreet), n.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("other street reads a draft: %v", err)
		}
		if _, err := s.FindNeedByID(as(tt.streetStaff), n.ID); err != nil {
			t.Fatalf("own street reads a draft: %v", err)
		}
		// Community staff of another community cannot draft here.
		other := &accounts.User{ID: "x", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: tt.otherComm.ID}}}
		bad := &procurement.Need{Title: "别的社区的需求", Description: "不应通过", CommunityID: tt.community.ID, BudgetFen: 100,
			Criteria: procurement.DefaultCriteria()}
		if err := s.CreateNeed(as(other), bad, tt.rules); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other community drafts: %v", err)
		}
		// The street cannot publish what it has not got; the community cannot publish at all.
		if _, err := s.TransitionNeed(as(tt.commStaff), n.ID, procurement.ActPublish, "", tt.rules); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("community publishes: %v", err)
		}
		n = tt.step(t, tt.commStaff, n, procurement.ActSubmit, "")
		if _, err := s.TransitionNeed(as(tt.streetStaff), n.ID, procurement.ActReturn, "", tt.rules); errs.As(err).Field != "comment" {
			t.Fatalf("return without comment: %v", err)
		}
		n = tt.step(t, tt.streetStaff, n, procurement.ActReturn, "请补充预算明细和服务对象人数")
		if n.Status != procurement.Draft || n.ReturnComment == "" {
			t.Fatalf("returned: %+v", n)
		}
		n = tt.step(t, tt.commStaff, n, procurement.ActSubmit, "")
		if _, err := s.TransitionNeed(as(tt.otherStreet), n.ID, procurement.ActPublish, "", tt.rules); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("other street publishes: %v", err)
		}
		// A deadline too soon is refused and changes nothing.
		soon := tt.now.Add(24 * time.Hour)
		if _, err := s.UpdateNeed(as(tt.streetStaff), n.ID, store.NeedUpdate{Deadline: &soon}, tt.rules); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("street edits a submitted need: %v", err)
		}
		n = tt.step(t, tt.streetStaff, n, procurement.ActPublish, "")
		if n.Status != procurement.Published || n.QACutoff.IsZero() || !n.QACutoff.Before(n.Deadline) {
			t.Fatalf("published: %+v", n)
		}
		if _, err := s.FindNeedByID(context.Background(), n.ID); err != nil {
			t.Fatalf("public reads a published need: %v", err)
		}
		// Illegal now: submitting again is a conflict and changes nothing.
		if _, err := s.TransitionNeed(as(tt.commStaff), n.ID, procurement.ActSubmit, "", tt.rules); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("submit a published need: %v", err)
		}
		events, err := s.FindNeedEvents(context.Background(), n.ID)
		if err != nil || len(events) != 5 {
			t.Fatalf("timeline: %d %v", len(events), err)
		}
		if events[2].Actor != "回龙观街道" || events[2].Action != "return" || events[2].ActorID != "" || events[2].Note != "" {
			t.Fatalf("the public timeline names the unit, no account, no internal comment: %+v", events[2])
		}
		staffView, _ := s.FindNeedEvents(as(tt.streetStaff), n.ID)
		if staffView[2].Note != "请补充预算明细和服务对象人数" || staffView[2].ActorID != tt.streetStaff.ID {
			t.Fatalf("the street sees its own comment: %+v", staffView[2])
		}
		// The street staff were told of both submissions.
		var notes int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'need_submitted'`, tt.streetStaff.ID, &notes); notes != 2 {
			t.Fatalf("notifications: %d %v", notes, err)
		}
	})
}

func TestNeedBoardByClock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		a := tt.draft(t)
		tt.publish(t, a)
		b := tt.draft(t) // stays a draft
		_ = b
		board := func(ctx context.Context, st procurement.Status) int {
			_, n, err := s.FindNeeds(ctx, procurement.Filter{Status: st})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		anon := context.Background()
		if board(anon, "") != 1 || board(anon, procurement.Published) != 1 || board(anon, procurement.Evaluating) != 0 {
			t.Fatal("board before the deadline")
		}
		if board(as(tt.commStaff), "") != 2 || board(as(tt.otherStreet), "") != 1 {
			t.Fatal("drafts visible only in scope")
		}
		// Open tenders come first, even before a draft changed later.
		if list, _, _ := s.FindNeeds(as(tt.commStaff), procurement.Filter{}); list[0].ID != a.ID {
			t.Fatal("the open tender is not first on the board")
		}
		tt.now = a.Deadline // the clock passes the deadline; nothing has been written
		if board(anon, procurement.Published) != 0 || board(anon, procurement.Evaluating) != 1 {
			t.Fatal("board after the deadline")
		}
		got, _ := s.FindNeedByID(anon, a.ID)
		if got.EffectiveStatus(tt.now) != procurement.Evaluating {
			t.Fatal("effective status")
		}
		n, err := s.SweepDeadlines(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if n, _ := s.SweepDeadlines(context.Background()); n != 0 {
			t.Fatal("second sweep did something")
		}
		if board(anon, procurement.Evaluating) != 1 {
			t.Fatal("board after the sweep")
		}
		got, _ = s.FindNeedByID(anon, a.ID)
		if got.Status != procurement.Evaluating {
			t.Fatalf("stored status %s", got.Status)
		}
		if _, err := s.TransitionNeed(as(tt.streetStaff), a.ID, procurement.ActFail, "", tt.rules); errs.As(err).Field != "reason" {
			t.Fatalf("fail without reason: %v", err)
		}
		got = tt.step(t, tt.streetStaff, got, procurement.ActFail, "截止时没有收到有效方案")
		if got.Status != procurement.Failed {
			t.Fatalf("failed: %s", got.Status)
		}
		// One click re-tenders: a new draft copying the request, linked back; only once.
		if _, err := s.RetenderNeed(as(tt.commStaff), got.ID, tt.rules); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("community re-tenders: %v", err)
		}
		again, err := s.RetenderNeed(as(tt.streetStaff), got.ID, tt.rules)
		if err != nil || again.Status != procurement.Draft || again.RetenderOf != got.ID || again.BudgetFen != got.BudgetFen ||
			len(again.Criteria) != len(got.Criteria) || !again.Deadline.IsZero() {
			t.Fatalf("re-tender: %+v %v", again, err)
		}
		if _, err := s.RetenderNeed(as(tt.streetStaff), got.ID, tt.rules); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("second re-tender: %v", err)
		}
		evs, _ := s.FindNeedEvents(as(tt.streetStaff), got.ID)
		if last := evs[len(evs)-1]; last.Action != "retender" {
			t.Fatalf("the failed need's timeline: %+v", last)
		}
	})
}

// The board is read in two parts (open tenders, then the rest); every page
// size must give the one order: open tenders closing soonest first, then
// everything else most recently changed first, each need exactly once.
func TestNeedBoardOrderAcrossPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		var open, rest []*procurement.Need
		for i := range 9 {
			tt.now = tt.now.Add(time.Minute)
			if i%2 == 1 {
				rest = append([]*procurement.Need{tt.draft(t)}, rest...) // newest first
				continue
			}
			// Open tenders, their deadlines in an order other than creation's.
			n := &procurement.Need{Title: "楼道堆物清理", Description: "清理楼道堆物，消除消防隐患。", CommunityID: tt.community.ID,
				BudgetFen: 1_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(),
				Deadline: tt.now.Add(time.Duration(20-i) * 24 * time.Hour)}
			if err := s.CreateNeed(as(tt.commStaff), n, tt.rules); err != nil {
				t.Fatal(err)
			}
			open = append(open, tt.publish(t, n))
		}
		want := append(slices.Clone(open), rest...)
		slices.SortStableFunc(want[:len(open)], func(a, b *procurement.Need) int { return a.Deadline.Compare(b.Deadline) })
		for per := 1; per <= len(want)+1; per++ {
			var got []string
			for page := 1; page <= len(want)/per+1; page++ {
				list, total, err := s.FindNeeds(as(tt.commStaff), procurement.Filter{Page: page, PerPage: per})
				if err != nil || total != len(want) {
					t.Fatalf("per %d page %d: total %d, %v", per, page, total, err)
				}
				for _, n := range list {
					got = append(got, n.ID)
				}
			}
			var ids []string
			for _, n := range want {
				ids = append(ids, n.ID)
			}
			if !slices.Equal(got, ids) {
				t.Fatalf("%d a page:\n got  %v\n want %v", per, got, ids)
			}
		}
		// Counting stops past CountUpTo: "more than 3".
		if _, total, _ := s.FindNeeds(as(tt.commStaff), procurement.Filter{CountUpTo: 3}); total != 4 {
			t.Fatalf("counted up to 3: %d", total)
		}
		if _, total, _ := s.FindNeeds(as(tt.commStaff), procurement.Filter{CountUpTo: 50}); total != len(want) {
			t.Fatalf("counted up to 50: %d", total)
		}
		// A search's hits are read in their order, once each, without what
		// the reader may not see (the drafts, for a visitor).
		hits := []string{rest[0].ID, open[1].ID, "missing", open[0].ID, open[1].ID}
		got, err := s.FindNeedsByIDs(context.Background(), hits)
		if err != nil || len(got) != 2 || got[0].ID != open[1].ID || got[1].ID != open[0].ID {
			t.Fatalf("hits for a visitor: %v %v", got, err)
		}
		if got, _ := s.FindNeedsByIDs(as(tt.commStaff), hits); len(got) != 3 || got[0].ID != rest[0].ID {
			t.Fatalf("hits for the community's staff: %v", got)
		}
	})
}

// TestStreetTakesUpOnlySubmissions: a draft its community wrote is the
// community's until submitted — the street neither publishes nor withdraws
// it (the right person at the wrong moment: a conflict, nothing changed);
// a draft the street wrote itself it publishes at once. The store knows
// which is which from whoever wrote the draft, on every read.
func TestStreetTakesUpOnlySubmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.draft(t)
		own := &procurement.Need{Title: "回龙观街道垃圾分类督导", Description: "全街道垃圾分类桶前值守和入户宣传。",
			CommunityID: tt.community.ID, BudgetFen: 5_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(),
			Deadline: tt.now.Add(10 * 24 * time.Hour)}
		if err := s.CreateNeed(as(tt.streetStaff), own, tt.rules); err != nil {
			t.Fatal(err)
		}
		if !n.CommunityDrafted || own.CommunityDrafted {
			t.Fatalf("created: community's %v, street's %v", n.CommunityDrafted, own.CommunityDrafted)
		}
		drafts, _, err := s.FindNeeds(as(tt.streetStaff), procurement.Filter{StreetID: tt.street.ID, Status: procurement.Draft})
		if err != nil || len(drafts) != 2 {
			t.Fatalf("drafts: %v %v", drafts, err)
		}
		for _, d := range drafts {
			if d.CommunityDrafted != (d.ID == n.ID) {
				t.Fatalf("listed %s as the community's: %v", d.Title, d.CommunityDrafted)
			}
			if got := procurement.Actions(d, tt.streetStaff, tt.now); slices.Contains(got, procurement.ActPublish) != (d.ID == own.ID) {
				t.Fatalf("the street's steps on %s: %v", d.Title, got)
			}
		}
		for _, c := range []struct {
			action procurement.Action
			note   string
		}{{procurement.ActPublish, ""}, {procurement.ActCancel, "街道直接撤销社区草稿"}} {
			if _, err := s.TransitionNeed(as(tt.streetStaff), n.ID, c.action, c.note, tt.rules); errs.CodeOf(err) != errs.Conflict {
				t.Fatalf("the street takes %s on the community's draft: %v", c.action, err)
			}
		}
		if got, err := s.FindNeedByID(as(tt.streetStaff), n.ID); err != nil || got.Status != procurement.Draft || !got.CommunityDrafted {
			t.Fatalf("the community's draft: %+v %v", got, err)
		}
		// Submitted, it is the street's to publish; returned, the community's again.
		n = tt.step(t, tt.commStaff, n, procurement.ActSubmit, "")
		n = tt.step(t, tt.streetStaff, n, procurement.ActReturn, "请补充服务对象人数")
		if _, err := s.TransitionNeed(as(tt.streetStaff), n.ID, procurement.ActPublish, "", tt.rules); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("the street publishes a returned draft: %v", err)
		}
		n = tt.step(t, tt.commStaff, n, procurement.ActSubmit, "")
		if n = tt.step(t, tt.streetStaff, n, procurement.ActPublish, ""); n.Status != procurement.Published {
			t.Fatalf("published: %s", n.Status)
		}
		if own = tt.step(t, tt.streetStaff, own, procurement.ActPublish, ""); own.Status != procurement.Published {
			t.Fatalf("the street's own: %s", own.Status)
		}
	})
}

// TestCommunityDraftedIsDecidedAtCreation: whose draft a need is (the
// community's, or the street's own) is decided as it is created — its
// author is staff of its community and not also of its street — and stays
// so when the author's roles change later. Migration 0029 gave the needs
// created before the same answer from their authors' grants.
func TestCommunityDraftedIsDecidedAtCreation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tt := newTender(t, s)
		both := &accounts.User{Phone: "13900000009", Name: "社区兼街道", Grants: []accounts.Grant{
			{Role: accounts.CommunityStaff, ScopeID: tt.community.ID}, {Role: accounts.StreetStaff, ScopeID: tt.street.ID}}}
		if err := s.CreateUser(storetest.Admin(), both); err != nil {
			t.Fatal(err)
		}
		both, err := s.FindUserByPhone(ctx, both.Phone)
		if err != nil {
			t.Fatal(err)
		}
		create := func(u *accounts.User, title string) *procurement.Need {
			t.Helper()
			n := &procurement.Need{Title: title, Description: "楼道里堆满杂物，影响消防通道，需要专业力量协助清理。",
				CommunityID: tt.community.ID, BudgetFen: 2_000_000, Procedure: procurement.Open,
				Criteria: procurement.DefaultCriteria(), CommunityDrafted: u != tt.commStaff} // the caller's say counts for nothing
			if err := s.CreateNeed(as(u), n, tt.rules); err != nil {
				t.Fatal(err)
			}
			return n
		}
		comm, street, mixed := create(tt.commStaff, "社区起草的需求"), create(tt.streetStaff, "街道起草的需求"),
			create(both, "社区兼街道起草的需求")
		want := map[string]bool{comm.ID: true, street.ID: false, mixed.ID: false}
		check := func(when string) {
			t.Helper()
			for _, n := range []*procurement.Need{comm, street, mixed} {
				got, err := s.FindNeedByID(storetest.Admin(), n.ID)
				if err != nil || got.CommunityDrafted != want[n.ID] {
					t.Errorf("%s: %s read as the community's: %v %v, want %v", when, n.Title, got.CommunityDrafted, err, want[n.ID])
				}
			}
		}
		for _, n := range []*procurement.Need{comm, street, mixed} {
			if n.CommunityDrafted != want[n.ID] {
				t.Errorf("created: %s as the community's: %v", n.Title, n.CommunityDrafted)
			}
		}
		check("read back")

		// A database from before 0029: the migration works it out from the grants.
		dashExec(t, s, `ALTER TABLE needs DROP COLUMN drafted_by_community`)
		dashExec(t, s, `DELETE FROM schema_migrations WHERE version = '0029_need_drafted_by_community'`)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check("migrated")

		// The author of the community's draft joins the street's staff, the
		// one with both roles leaves the community: neither need changes hands.
		if err := s.AddGrant(storetest.Admin(), &accounts.Grant{UserID: tt.commStaff.ID, Role: accounts.StreetStaff,
			ScopeID: tt.street.ID}); err != nil {
			t.Fatal(err)
		}
		for _, g := range both.Grants {
			if g.Role == accounts.StreetStaff {
				if err := s.RemoveGrant(storetest.Admin(), both.ID, g.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		check("after the authors' roles changed")
		if _, err := s.TransitionNeed(as(tt.streetStaff), comm.ID, procurement.ActPublish, "", tt.rules); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("the street publishes the community's draft once its author holds a street role: %v", err)
		}
	})
}
