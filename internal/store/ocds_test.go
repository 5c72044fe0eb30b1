package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// ocdsWatch builds and checks the OCDS output of processes the store
// fills: valid OCDS 1.1 with the extension, codes in their codelists, and
// none of the people, phones or private texts of the scenario.
type ocdsWatch struct {
	s         *store.Store
	v         *ocdstest.Validator
	cfg       ocds.Config
	forbidden []string
}

func newOCDSWatch(t *testing.T, s *store.Store, forbidden ...string) *ocdsWatch {
	cfg := ocds.DefaultConfig()
	cfg.BaseURL = "https://huitian.example.org"
	return &ocdsWatch{s: s, v: ocdstest.Load(t), cfg: cfg, forbidden: forbidden}
}

// check fills the process of needID, checks what the store passed and the
// packages built from it, and returns the process and its releases.
func (w *ocdsWatch) check(t *testing.T, needID string) (ocds.Process, []ocds.Release) {
	t.Helper()
	p, err := w.s.OCDSProcess(context.Background(), needID)
	if err != nil {
		t.Fatalf("process: %v", err)
	}
	if !p.Now.Equal(w.s.Now().Truncate(time.Microsecond)) {
		t.Errorf("process clock %v, store clock %v", p.Now, w.s.Now())
	}
	// What the store passes: nobody's account, contact, comment or notes.
	if p.Need.CreatedBy != "" || p.Need.ReturnComment != "" {
		t.Errorf("need carries its author or return comment: %+v", p.Need)
	}
	for _, e := range p.Events {
		if e.ActorID != "" || e.Actor != "" || e.Note != "" {
			t.Errorf("event carries who or a note: %+v", e)
		}
	}
	for _, o := range append(slices.Clone(p.Tenderers), p.Supplier) {
		if o != nil && (o.ContactName != "" || o.ContactPhone != "") {
			t.Errorf("organization %s carries its contact", o.Name)
		}
	}
	if p.Award != nil && p.Award.DecidedBy != "" {
		t.Errorf("award carries who decided")
	}
	if p.Contract != nil && p.Contract.SignedBy != "" {
		t.Errorf("contract carries who signed")
	}
	for _, m := range p.Milestones {
		if m.Comment != "" {
			t.Errorf("milestone carries a comment: %q", m.Comment)
		}
	}
	for _, r := range p.Reports {
		if r.Text != "" || r.By != "" {
			t.Errorf("report carries its text or author: %+v", r)
		}
	}
	if a := p.Acceptance; a != nil && (a.Comment != "" || a.By != "") {
		t.Errorf("acceptance carries its comment or author: %+v", a)
	}
	rs := ocds.Releases(p, w.cfg)
	if len(rs) == 0 {
		return p, rs
	}
	pkg := ocds.ReleasePackage(rs, w.cfg, time.Time{})
	rec, err := ocds.RecordPackage(rs[0].OCID, rs, w.cfg, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []any{pkg, rec} {
		if problems := ocdstest.PersonalData(out, w.forbidden...); len(problems) > 0 {
			t.Errorf("personal data in OCDS output: %v", problems)
		}
	}
	if w.v != nil {
		for _, problem := range append(w.v.ReleasePackage(pkg), w.v.RecordPackage(rec)...) {
			t.Errorf("OCDS: %s", problem)
		}
	}
	return p, rs
}

func tags(rs []ocds.Release) []string {
	var out []string
	for _, r := range rs {
		out = append(out, strings.Join(r.Tag, "+"))
	}
	return out
}

func orgNames(os []*registry.Organization) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Name)
	}
	slices.Sort(out)
	return out
}

// TestOCDSProcessLifecycle walks a need from draft to closed and checks at
// every stage what the store passes to the OCDS builder: nothing of the
// proposals while sealed, who bid once opened, never a person.
func TestOCDSProcessLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := newBidding(t, s)
		ctx := context.Background()
		// A third organization with a contact person bids and withdraws.
		orgC := &registry.Organization{Name: "霍营志愿者协会", Registration: registry.Filed, StreetID: b.street.ID,
			Category: "property", ContactName: "钱联系", ContactPhone: "13700001234"}
		if err := s.CreateOrganization(storetest.Admin(), orgC); err != nil {
			t.Fatal(err)
		}
		adminC := newStaff(t, s, "13900000031", "丙组织管理员", bidGrant(accounts.OrgAdmin, orgC.ID))
		pc := bidSubmit(t, s, adminC, b.n, bidOffer("c", 4_000_000))
		if _, err := s.WithdrawProposal(as(adminC), pc.ID); err != nil {
			t.Fatal(err)
		}
		var forbidden []string
		for _, u := range []*accounts.User{b.commStaff, b.streetStaff, b.otherStreet, b.orgAdmin, b.adminB, adminC, b.r1, b.r2,
			b.r3, b.resident} {
			forbidden = append(forbidden, u.ID, u.Phone, u.Name)
		}
		forbidden = append(forbidden, "钱联系", "13700001234", "方案完整", "筹备组成员名单", "验收意见：很好", "物业很配合",
			"请补充签到表", b.pa.ID, b.pb.ID, pc.ID)
		w := newOCDSWatch(t, s, forbidden...)

		draft := b.draft(t)
		if _, err := s.OCDSProcess(ctx, draft.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a draft's process: %v", err)
		}

		// Sealed: nothing of the proposals, not even their number.
		p, rs := w.check(t, b.n.ID)
		if len(p.Tenderers) != 0 || p.Need.Proposals != 0 || p.Award != nil || !slices.Equal(tags(rs), []string{"tender"}) {
			t.Fatalf("sealed: tenderers %v, count %d, award %v, tags %v", orgNames(p.Tenderers), p.Need.Proposals, p.Award, tags(rs))
		}

		// At the deadline who bid is public; a withdrawn bid is not a tenderer.
		b.now = b.n.Deadline.Add(time.Minute)
		p, rs = w.check(t, b.n.ID)
		if got := orgNames(p.Tenderers); !slices.Equal(got, []string{"回龙观惠民社工中心", "霍营助老服务社"}) || p.Need.Proposals != 2 {
			t.Fatalf("opened: tenderers %v, count %d", got, p.Need.Proposals)
		}
		if last := rs[len(rs)-1]; last.Tender.NumberOfTenderers == nil || *last.Tender.NumberOfTenderers != 2 {
			t.Fatalf("numberOfTenderers: %+v", last.Tender)
		}

		// Award.
		if err := s.AssignPanel(as(b.streetStaff), b.n.ID, []string{b.r1.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(b.r1), b.n.ID, false, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.SubmitScores(as(b.r1), b.n.ID, scoreSheet(b.n, map[*procurement.Proposal]int{b.pa: 90, b.pb: 70})); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwardNeed(as(b.streetStaff), b.n.ID, b.pa.ID, "方案针对性强，团队经验丰富，报价合理。"); err != nil {
			t.Fatal(err)
		}
		p, rs = w.check(t, b.n.ID)
		if p.Award == nil || p.Supplier == nil || p.Supplier.ID != b.org.ID || p.AwardDurationDays != 120 ||
			!slices.Contains(tags(rs), "award") {
			t.Fatalf("awarded: %+v %+v %d %v", p.Award, p.Supplier, p.AwardDurationDays, tags(rs))
		}

		// Contract, after the objection period.
		b.now = b.now.AddDate(0, 0, p.Need.ObjectionDays).Add(time.Minute)
		k := &procurement.Contract{AmountFen: b.pa.PriceFen, Start: b.now, End: b.now.AddDate(0, 4, 0),
			Milestones: []procurement.Milestone{{Title: "成立业委会筹备组", Due: b.now.AddDate(0, 1, 0), AmountFen: 3_000_000},
				{Title: "选举与备案", Due: b.now.AddDate(0, 4, 0), AmountFen: 3_000_000}}}
		if err := s.SignContract(as(b.streetStaff), b.n.ID, k); err != nil {
			t.Fatal(err)
		}
		ms, err := s.FindMilestones(ctx, b.n.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, rs = w.check(t, b.n.ID)
		if p.Contract == nil || len(p.Milestones) != 2 || !slices.Contains(tags(rs), "contract") {
			t.Fatalf("contracted: %+v %v", p.Contract, tags(rs))
		}

		// Delivery: reports with a file, a milestone returned with a comment.
		b.now = b.now.Add(time.Hour)
		rep, err := s.ReportProgress(as(b.orgAdmin), b.n.ID, ms[0].ID, "筹备组成员名单已公示",
			[]store.Upload{{Name: "筹备组.png", Content: pngBytes}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ReturnMilestone(as(b.commStaff), b.n.ID, ms[0].ID, "请补充签到表"); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if _, err := s.ReportProgress(as(b.orgAdmin), b.n.ID, m.ID, "筹备组成员名单已公示", nil); err != nil {
				t.Fatal(err)
			}
			if err := s.AcceptMilestone(as(b.commStaff), b.n.ID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Deliver(as(b.orgAdmin), b.n.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptDelivery(as(b.commStaff), b.n.ID, "验收意见：很好", 0); err != nil {
			t.Fatal(err)
		}
		b.now = b.now.Add(time.Hour)
		if err := s.RateNeed(as(b.resident), b.n.ID, 4, "物业很配合，电话13812345678"); err != nil {
			t.Fatal(err)
		}
		p, rs = w.check(t, b.n.ID)
		if len(p.Reports) != 3 || len(p.Reports[0].Files) != 1 || p.Reports[0].Files[0].ID != rep.Files[0].ID ||
			p.Acceptance == nil || p.RatingCount != 1 || p.RatingAverage != 4 || !p.RatedAt.Equal(b.now) {
			t.Fatalf("accepted: reports %+v, acceptance %+v, ratings %d %v %v", p.Reports, p.Acceptance, p.RatingCount,
				p.RatingAverage, p.RatedAt)
		}
		b.now = b.now.Add(time.Hour)
		b.step(t, b.streetStaff, b.n, procurement.ActClose, "")
		_, rs = w.check(t, b.n.ID)
		if got := tags(rs); got[len(got)-1] != "contractTermination" {
			t.Fatalf("closed: %v", got)
		}
		out, _ := json.Marshal(rs)
		if !strings.Contains(string(out), rep.Files[0].SHA256) {
			t.Error("the report's file hash is not published")
		}
	})
}

// TestOCDSProcessCancelledWhileSealed: a tender cancelled before its
// deadline never opens — after the deadline too, who bid stays unknown.
func TestOCDSProcessCancelledWhileSealed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := newBidding(t, s)
		w := newOCDSWatch(t, s, b.org.Name, b.orgB.Name, b.pa.ID, b.pb.ID)
		b.now = b.now.Add(time.Hour)
		b.step(t, b.streetStaff, b.n, procurement.ActCancel, "社区改由物业自行组织")
		b.now = b.n.Deadline.Add(24 * time.Hour)
		p, rs := w.check(t, b.n.ID)
		if len(p.Tenderers) != 0 || p.Need.Proposals != 0 {
			t.Fatalf("tenderers %v, count %d", orgNames(p.Tenderers), p.Need.Proposals)
		}
		if got := tags(rs); !slices.Equal(got, []string{"tender", "tenderCancellation"}) {
			t.Fatalf("tags %v", got)
		}
	})
}

// TestFindOCDSNeedIDs: public needs with releases, in id order, paged;
// since a date (FindOCDSProcessesSince, from the changes' indexes and by
// the walk in id order alike), only those with a release dated at or after
// it — including the stages the clock dates (the deadline).
func TestFindOCDSNeedIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		ctx := context.Background()
		start := tt.now
		tt.draft(t)                                                              // a draft: never listed
		tt.step(t, tt.commStaff, tt.draft(t), procurement.ActSubmit, "")         // submitted: never listed
		tt.step(t, tt.commStaff, tt.draft(t), procurement.ActCancel, "不再需要此项服务") // cancelled before publication
		first := tt.openNeed(t)
		tt.now = tt.now.Add(48 * time.Hour)
		second := tt.openNeed(t)
		afterSecond := tt.now.Add(time.Hour)
		tt.now = afterSecond

		ids, total, err := s.FindOCDSNeedIDs(ctx, 1, 10)
		if err != nil || total != 2 || !slices.Equal(ids, []string{first.ID, second.ID}) {
			t.Fatalf("all: %v %d %v (want %s, %s)", ids, total, err, first.ID, second.ID)
		}
		ids, total, err = s.FindOCDSNeedIDs(ctx, 2, 1)
		if err != nil || total != 2 || !slices.Equal(ids, []string{second.ID}) {
			t.Fatalf("page 2: %v %d %v", ids, total, err)
		}
		ids, total, err = s.FindOCDSNeedIDs(ctx, 3, 10)
		if err != nil || total != 2 || len(ids) != 0 {
			t.Fatalf("past the last page: %v %d %v", ids, total, err)
		}
		for _, bound := range []int{0, 1} { // from the indexes; walking every need
			s.OCDSSinceBoundForTest(bound)
			s.OCDSWalkWindowForTest(1 + bound) // jumping over needs without a change, one at a time
			since := func(at time.Time, want ...string) {
				t.Helper()
				for _, per := range []int{1, 10} {
					if got := ocdsSinceAll(t, s, at, per); !slices.Equal(got, want) {
						t.Errorf("bound %d, since %s by %d: %v, want %v", bound, at, per, got, want)
					}
				}
			}
			tt.now = afterSecond
			since(start.Add(time.Hour), second.ID)
			since(start, first.ID, second.ID)
			// The first need's deadline passes: a release the clock dates.
			tt.now = first.Deadline.Add(time.Minute)
			since(afterSecond, first.ID)
			since(tt.now.Add(time.Hour))
		}
		// More needs than a page: every one once, in id order, both ways.
		all := []string{first.ID, second.ID}
		for range 5 {
			all = append(all, tt.openNeed(t).ID)
		}
		slices.Sort(all)
		for _, bound := range []int{0, 1, 3} {
			s.OCDSSinceBoundForTest(bound)
			for _, window := range []int{1, 2, 5, 0} {
				s.OCDSWalkWindowForTest(window)
				for _, per := range []int{1, 2, 3, 7, 8} {
					if got := ocdsSinceAll(t, s, start, per); !slices.Equal(got, all) {
						t.Errorf("bound %d, window %d, by %d: %v, want %v", bound, window, per, got, all)
					}
				}
			}
		}
		// Since the last two: the walk jumps over the needs before them.
		s.OCDSSinceBoundForTest(1)
		s.OCDSWalkWindowForTest(1)
		tt.now = tt.now.Add(72 * time.Hour)
		late := tt.now
		recent := []string{tt.openNeed(t).ID, tt.openNeed(t).ID}
		slices.Sort(recent)
		if got := ocdsSinceAll(t, s, late, 1); !slices.Equal(got, recent) {
			t.Errorf("since the last two: %v, want %v", got, recent)
		}
	})
}

// ocdsSinceAll walks the feed since a date page by page (following next)
// and gives its needs' ids, checking that none comes twice and every page
// but the last is full.
func ocdsSinceAll(t *testing.T, s *store.Store, since time.Time, perPage int) []string {
	t.Helper()
	var out []string
	after := ""
	for range 1000 {
		procs, next, err := s.FindOCDSProcessesSince(context.Background(), since, after, perPage)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range procs {
			if slices.Contains(out, p.Need.ID) {
				t.Errorf("since %s: %s twice", since, p.Need.ID)
			}
			out = append(out, p.Need.ID)
		}
		if next == "" {
			return out
		}
		if len(procs) != perPage {
			t.Errorf("since %s: a page of %d before the last", since, len(procs))
		}
		after = next
	}
	t.Fatal("no end")
	return nil
}
