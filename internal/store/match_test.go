package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// changeLog records what the store's listener hears, one entry per call.
type changeLog struct {
	mu    sync.Mutex
	calls [][]store.Change
}

func listen(s *store.Store) *changeLog {
	l := &changeLog{}
	s.OnChange(func(_ context.Context, cs []store.Change) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.calls = append(l.calls, slices.Clone(cs))
	})
	return l
}

// take returns the calls heard since the last take.
func (l *changeLog) take() [][]store.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.calls
	l.calls = nil
	return out
}

func has(cs []store.Change, kind store.ChangeKind, id string) bool {
	return slices.Contains(cs, store.Change{Kind: kind, ID: id})
}

func TestChangeListener(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		log := listen(s)
		admin := storetest.Admin()

		// One call per committed transaction, naming what it changed.
		o := &registry.Organization{Name: "回龙观银龄服务社", Registration: registry.Filed, StreetID: d.street.ID}
		if err := s.CreateOrganization(admin, o); err != nil {
			t.Fatal(err)
		}
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeOrganization, o.ID) {
			t.Fatalf("create organization: %+v", calls)
		}
		name := "回龙观银龄志愿服务社"
		if _, err := s.UpdateOrganization(admin, o.ID, registry.Update{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeOrganization, o.ID) {
			t.Fatalf("update organization: %+v", calls)
		}
		if _, err := s.SetOrganizationCredit(admin, o.ID, store.CreditAbnormal, "未按时年检"); err != nil {
			t.Fatal(err)
		}
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeOrganization, o.ID) {
			t.Fatalf("credit: %+v", calls)
		}

		// Never for a transaction that rolled back.
		bad := "x"
		if _, err := s.UpdateOrganization(admin, o.ID, registry.Update{Name: &bad, Founded: &bad}); err == nil {
			t.Fatal("an invalid update was accepted")
		}
		if _, err := s.SetOrganizationCredit(as(d.streetStaff), o.ID, store.CreditNormal, ""); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff set a credit status: %v", err)
		}
		if calls := log.take(); len(calls) != 0 {
			t.Fatalf("rolled-back transactions were announced: %+v", calls)
		}

		// Needs: create, transitions, award (which also touches the supplier).
		n := d.draft(t)
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeNeed, n.ID) {
			t.Fatalf("create need: %+v", calls)
		}
		d.step(t, d.commStaff, n, procurement.ActSubmit, "")
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeNeed, n.ID) {
			t.Fatalf("submit: %+v", calls)
		}
		d.step(t, d.streetStaff, n, procurement.ActPublish, "")
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeNeed, n.ID) {
			t.Fatalf("publish: %+v", calls)
		}
		if _, err := s.TransitionNeed(as(d.streetStaff), n.ID, procurement.ActCancel, "短", d.rules); err == nil {
			t.Fatal("cancel without a reason was accepted")
		}
		if calls := log.take(); len(calls) != 0 {
			t.Fatalf("a refused transition was announced: %+v", calls)
		}
		if _, err := s.SetNeedCategory(as(d.commStaff), n.ID, "elderly"); err != nil {
			t.Fatal(err)
		}
		if calls := log.take(); len(calls) != 1 || !has(calls[0], store.ChangeNeed, n.ID) {
			t.Fatalf("category: %+v", calls)
		}
		k, _ := d.contracted(t)
		calls := log.take()
		var all []store.Change
		for _, c := range calls {
			all = append(all, c...)
		}
		if !has(all, store.ChangeNeed, k.ID) || !has(all, store.ChangeOrganization, d.org.ID) {
			t.Fatalf("award and contract: %+v", calls)
		}
		if len(calls) < 2 {
			t.Fatalf("publish and contract are separate transactions: %+v", calls)
		}

		// An import is one transaction: one call naming every project (and
		// its supplier); a rating is a change of its need.
		if err := s.SetOrgKeyForDeliveryTest(admin, d.org.ID, "o01"); err != nil {
			t.Fatal(err)
		}
		log.take()
		if _, err := s.ImportProjects(admin, readProjects(t, projectsJSONL), true); err != nil {
			t.Fatal(err)
		}
		calls = log.take()
		needs := 0
		for _, c := range calls[0] {
			if c.Kind == store.ChangeNeed {
				needs++
			}
		}
		if len(calls) != 1 || needs != 2 || !has(calls[0], store.ChangeOrganization, d.org.ID) {
			t.Fatalf("import projects: %+v", calls)
		}
	})
}

func TestMatchReads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		ctx := context.Background()
		admin := storetest.Admin()
		if err := s.SetOrgKeyForDeliveryTest(admin, d.org.ID, "o01"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportProjects(admin, readProjects(t, projectsJSONL), true); err != nil {
			t.Fatal(err)
		}
		// A category staff corrected survives importing the project again.
		var p2 string
		if err := s.QueryRowForTest(ctx, `SELECT id FROM needs WHERE source_key = 'p2'`).Scan(&p2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetNeedCategory(admin, p2, "legal"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportProjects(admin, readProjects(t, projectsJSONL), true); err != nil {
			t.Fatal(err)
		}
		if n, err := s.FindNeedByID(ctx, p2); err != nil || n.Category != "legal" || n.CategorySource != procurement.CategoryStaff {
			t.Fatalf("re-imported over a staff category: %+v %v", n, err)
		}
		// A contracted need is the organization's current load.
		k, _ := d.contracted(t)
		if _, err := s.SetOrganizationCredit(admin, d.otherOrg.ID, store.CreditSerious, "  因虚假宣传被列入  "); err != nil {
			t.Fatal(err)
		}

		orgs, err := s.MatchOrganizations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]match.Org{}
		for _, o := range orgs {
			byID[o.ID] = o
		}
		got := byID[d.org.ID]
		if len(orgs) != 2 || got.Key != "o01" || !got.Registered || got.ActiveProjects != 1 || got.Excluded != "" ||
			!slices.Equal(got.Domains, []string{"物业治理"}) || got.StreetName != d.street.Name {
			t.Fatalf("organizations: %+v", orgs)
		}
		other := byID[d.otherOrg.ID]
		if other.Registered || other.Excluded != "列入严重违法失信名单：因虚假宣传被列入" || other.ActiveProjects != 0 {
			t.Fatalf("serious list: %+v", other)
		}
		one, err := s.MatchOrganization(ctx, d.org.ID)
		if err != nil || one.Key != got.Key || one.ActiveProjects != 1 || !slices.Equal(one.Domains, got.Domains) {
			t.Fatalf("one organization: %+v %v", one, err)
		}
		if _, err := s.MatchOrganization(ctx, "missing"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing organization: %v", err)
		}

		// Residents' ratings count where no average was imported.
		for _, u := range []string{"u1", "u2"} {
			if err := s.ExecForTest(ctx, `INSERT INTO ratings (need_id, user_id, stars, at) VALUES (?, ?, ?, ?)`,
				p2, u, map[string]int{"u1": 4, "u2": 5}[u], time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		// Every completed project, with its key and stars (the imported
		// average, else the residents' mean), however many the organization has.
		projects, err := s.MatchProjects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]match.Project{}
		for _, p := range projects {
			keys[p.Key] = p
		}
		if len(projects) != 2 || keys["p1"].Stars != 4.7 || keys["p2"].Stars != 4.5 || keys["p1"].OrgID != d.org.ID ||
			keys["p1"].CommunityName != "天通苑北一区社区" {
			t.Fatalf("projects: %+v", projects)
		}
		p1, err := s.MatchProject(ctx, keys["p1"].ID)
		if err != nil || p1 != keys["p1"] {
			t.Fatalf("one project: %+v %v", p1, err)
		}
		if _, err := s.MatchProject(ctx, k.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a contracted need is not a completed project: %v", err)
		}

		// The board: public needs only, with their rules.
		draft := d.draft(t)
		needs, err := s.MatchNeeds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(needs) != 3 || slices.ContainsFunc(needs, func(n match.Need) bool { return n.ID == draft.ID }) {
			t.Fatalf("board needs: %+v", needs)
		}
		// The start-up's one read gives the same board and the same projects.
		board, boardProjects, err := s.MatchBoard(ctx)
		if err != nil || !reflect.DeepEqual(board, needs) {
			t.Fatalf("MatchBoard needs: %+v %v", board, err)
		}
		slices.SortFunc(projects, func(a, b match.Project) int { return strings.Compare(a.ID, b.ID) })
		if !reflect.DeepEqual(boardProjects, projects) {
			t.Fatalf("MatchBoard projects: %+v, MatchProjects %+v", boardProjects, projects)
		}
		// Read in id ranges at once (as a large board is), it is the same.
		s.SplitBoardForTest(1)
		split, splitProjects, err := s.MatchBoard(ctx)
		if err != nil || !reflect.DeepEqual(split, needs) || !reflect.DeepEqual(splitProjects, projects) {
			t.Fatalf("MatchBoard in parts: %+v %+v %v", split, splitProjects, err)
		}
		// Each need as the one-need read (joined in SQL) gives it.
		for _, n := range split {
			one, err := s.MatchNeed(ctx, n.ID)
			if err != nil || !reflect.DeepEqual(one, n) {
				t.Fatalf("MatchBoard %+v, MatchNeed %+v %v", n, one, err)
			}
		}
		if _, err := s.MatchNeed(ctx, draft.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a draft is on the board: %v", err)
		}
		kn, err := s.MatchNeed(ctx, k.ID)
		if err != nil || kn.Status != "contracted" || kn.Title != k.Title || kn.StreetID != d.street.ID {
			t.Fatalf("board need: %+v %v", kn, err)
		}
	})
}

func TestOrganizationCredit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		admin := storetest.Admin()
		ctx := context.Background()
		cr, err := s.FindOrganizationCredit(ctx, d.org.ID)
		if err != nil || cr.Status != store.CreditNormal || !cr.UpdatedAt.IsZero() {
			t.Fatalf("default credit: %+v %v", cr, err)
		}
		for _, tc := range []struct {
			status store.CreditStatus
			note   string
			field  string
		}{
			{"bogus", "", "status"},
			{store.CreditAbnormal, "  ", "note"},
			{store.CreditSerious, string(make([]rune, 501)), "note"},
		} {
			_, err := s.SetOrganizationCredit(admin, d.org.ID, tc.status, tc.note)
			if e := errs.As(err); e.Code != errs.Invalid || e.Field != tc.field {
				t.Errorf("%s %q: %v, want invalid %s", tc.status, tc.note, err, tc.field)
			}
		}
		for _, who := range []context.Context{as(d.streetStaff), as(d.commStaff), as(d.orgAdmin), ctx} {
			if _, err := s.SetOrganizationCredit(who, d.org.ID, store.CreditAbnormal, "理由"); err == nil {
				t.Fatal("someone other than a platform admin set a credit status")
			}
		}
		if _, err := s.SetOrganizationCredit(admin, "missing", store.CreditNormal, ""); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing organization: %v", err)
		}
		cr, err = s.SetOrganizationCredit(admin, d.org.ID, store.CreditAbnormal, "未按规定报送年度工作报告")
		if err != nil || cr.Status != store.CreditAbnormal || cr.UpdatedAt.IsZero() {
			t.Fatalf("set: %+v %v", cr, err)
		}
		entries, _, err := s.FindAuditEntries(admin, auditFilter("organization", d.org.ID))
		if err != nil || len(entries) == 0 || entries[0].Action != "organization.credit" ||
			!contains(entries[0].Data, "未按规定报送年度工作报告") {
			t.Fatalf("audit: %+v %v", entries, err)
		}
		if got := store.CreditExclusion(store.CreditAbnormal, ""); got != "列入活动异常名录" {
			t.Fatalf("exclusion without a note: %q", got)
		}
		if got := store.CreditExclusion(store.CreditNormal, "旧的理由"); got != "" {
			t.Fatalf("normal status excluded: %q", got)
		}
	})
}

func TestNeedCategory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		// No category given: guessed from the text, with a confidence.
		n := tt.draft(t)
		got, err := s.FindNeedByID(as(tt.commStaff), n.ID)
		if err != nil || got.Category != "property" || got.CategorySource != procurement.CategoryAuto ||
			got.CategoryConfidence <= 0 || got.CategoryConfidence > 100 {
			t.Fatalf("auto category: %+v %v", got, err)
		}
		// An edit of the text re-guesses an automatic category.
		title, desc := "老年人助餐服务", "为社区独居老人提供助餐和送餐，关心老年人饮食健康。"
		got, err = s.UpdateNeed(as(tt.commStaff), n.ID, store.NeedUpdate{Title: &title, Description: &desc}, tt.rules)
		if err != nil || got.Category != "elderly" || got.CategorySource != procurement.CategoryAuto {
			t.Fatalf("re-guessed: %+v %v", got, err)
		}
		// Staff correct it; their choice then survives text edits.
		for _, who := range []*struct {
			ctx  context.Context
			code errs.Code
		}{{as(tt.otherStreet), errs.NotFound}, {as(tt.orgAdmin), errs.NotFound}, {context.Background(), errs.NotFound}} {
			if _, err := s.SetNeedCategory(who.ctx, n.ID, "health"); errs.CodeOf(err) != who.code {
				t.Fatalf("outsider sets the category: %v", err)
			}
		}
		if _, err := s.SetNeedCategory(as(tt.commStaff), n.ID, "nonsense"); errs.As(err).Field != "category" {
			t.Fatalf("unknown category: %v", err)
		}
		got, err = s.SetNeedCategory(as(tt.streetStaff), n.ID, "health")
		if err != nil || got.Category != "health" || got.CategorySource != procurement.CategoryStaff || got.CategoryConfidence != 100 {
			t.Fatalf("staff category: %+v %v", got, err)
		}
		desc = "为社区独居老人提供助餐和送餐服务。"
		got, err = s.UpdateNeed(as(tt.commStaff), n.ID, store.NeedUpdate{Description: &desc}, tt.rules)
		if err != nil || got.Category != "health" || got.CategorySource != procurement.CategoryStaff {
			t.Fatalf("staff choice after an edit: %+v %v", got, err)
		}
		// A category given at creation is the staff's.
		m := &procurement.Need{Title: "楼道消防安全宣传", Description: "入户宣传消防知识。", CommunityID: tt.community.ID,
			Category: "safety", BudgetFen: 1_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria()}
		if err := s.CreateNeed(as(tt.commStaff), m, tt.rules); err != nil {
			t.Fatal(err)
		}
		if m.CategorySource != procurement.CategoryStaff || m.CategoryConfidence != 100 {
			t.Fatalf("chosen at creation: %+v", m)
		}
		// The store asks its Categorize (cli sets the matcher's) when set.
		s.Categorize = func(text string) (string, int) { return "digital", 77 }
		g := &procurement.Need{Title: "楼里老人不会用手机挂号", Description: "子女不在身边。", CommunityID: tt.community.ID,
			BudgetFen: 1_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria()}
		if err := s.CreateNeed(as(tt.commStaff), g, tt.rules); err != nil {
			t.Fatal(err)
		}
		if g.Category != "digital" || g.CategoryConfidence != 77 || g.CategorySource != procurement.CategoryAuto {
			t.Fatalf("Categorize not used: %+v", g)
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("need", n.ID))
		if err != nil || !slices.ContainsFunc(entries, func(e *audit.Entry) bool { return e.Action == "need.category" }) {
			t.Fatalf("audit: %v", err)
		}
	})
}
