package store_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// projectsJSONL: two good projects of organization "o01" (one in a street
// and community the platform does not know yet), one naming an unknown
// organization in another new street, and one completed in the future.
const projectsJSONL = `{"key":"p1","title":"天通苑北一区困境老人帮扶","description":"逐户评估困境老人需求，建立一人一档，链接医疗和志愿资源。","street":"天通苑北街道","community":"天通苑北一区社区","org":"o01","budget_fen":12000000,"duration_days":365,"rating":4.7,"completed":"2024-06-30"}
{"key":"p2","title":"龙锦苑二区业委会组建指导","description":"指导业主依法依规组建业主委员会，完成筹备、选举和备案。","street":"回龙观街道","community":"龙锦苑二区社区","org":"o01","budget_fen":4500000,"duration_days":90,"rating":null,"completed":"2025-03-31"}
{"key":"p3","title":"史各庄垃圾分类宣传","description":"入户宣传垃圾分类。","street":"史各庄街道","community":"史各庄社区","org":"o99","budget_fen":3000000,"duration_days":60,"rating":4.2,"completed":"2024-01-15"}
{"key":"p4","title":"未来的项目","description":"还没有完成。","street":"回龙观街道","community":"龙锦苑二区社区","org":"o01","budget_fen":0,"duration_days":30,"rating":4.0,"completed":"2027-01-01"}
`

func readProjects(t *testing.T, s string) []projectfile.ProjectRow {
	t.Helper()
	rows, err := projectfile.Read(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImportProjects(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		ctx := storetest.Admin()
		if err := s.SetOrgKeyForDeliveryTest(ctx, d.org.ID, "o01"); err != nil {
			t.Fatal(err)
		}
		rows := readProjects(t, projectsJSONL)
		if _, err := s.ImportProjects(as(d.streetStaff), rows, true); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff imports: %v", err)
		}
		if _, err := s.ImportProjects(context.Background(), rows, true); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous imports: %v", err)
		}
		count := func(q string) int {
			var n int
			if err := s.QueryRowForTest(context.Background(), q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// All or nothing: two bad rows, nothing written (not even the new street).
		rep, err := s.ImportProjects(ctx, rows, false)
		if errs.CodeOf(err) != errs.Invalid || rep.Committed || rep.Skipped != 2 {
			t.Fatalf("import with problems: %+v %v", rep, err)
		}
		lines := map[int][]string{}
		for _, p := range rep.Problems {
			lines[p.Line] = append(lines[p.Line], p.Field+" "+p.Key)
		}
		if strings.Join(lines[3], ",") != "org project.org_unknown" || !strings.Contains(strings.Join(lines[4], ","), "budget_fen money.positive") ||
			!strings.Contains(strings.Join(lines[4], ","), "completed date.future") || len(lines) != 2 {
			t.Fatalf("problems: %v", lines)
		}
		if count(`SELECT COUNT(*) FROM needs WHERE source_key IS NOT NULL`) != 0 || count(`SELECT COUNT(*) FROM streets`) != 2 {
			t.Fatal("a refused import wrote something")
		}
		rep, err = s.ImportProjects(ctx, rows, true)
		if err != nil || !rep.Committed || rep.Created != 2 || rep.Skipped != 2 || strings.Join(rep.CreatedStreets, ",") != "天通苑北街道" ||
			strings.Join(rep.CreatedCommunities, ",") != "天通苑北一区社区" {
			t.Fatalf("import --skip-invalid: %+v %v", rep, err)
		}
		if _, err := s.FindStreetByName(context.Background(), "史各庄街道"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a skipped row left its street behind: %v", err)
		}

		var id string
		if err := s.QueryRowForTest(context.Background(), `SELECT id FROM needs WHERE source_key = 'p1'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		n, err := s.FindNeedByID(context.Background(), id)
		if err != nil || n.Status != procurement.Closed || n.AwardedOrgID != d.org.ID || n.BudgetFen != 12_000_000 ||
			n.Category != "elderly" || n.StreetName != "天通苑北街道" || n.Procedure != procurement.Open {
			t.Fatalf("imported need: %+v %v", n, err)
		}
		completed := time.Date(2024, 6, 30, 0, 0, 0, 0, time.FixedZone("", 8*3600))
		k, err := s.FindContract(context.Background(), id)
		if err != nil || k.AmountFen != 12_000_000 || !k.End.Equal(completed) || !k.Start.Equal(completed.AddDate(0, 0, -365)) ||
			len(k.Milestones) != 1 || k.Milestones[0].Status != procurement.MilestoneAccepted {
			t.Fatalf("imported contract: %+v %v", k, err)
		}
		var award int64
		if err := s.QueryRowForTest(context.Background(), `SELECT amount_fen FROM awards WHERE need_id = ? AND org_id = ?`, id, d.org.ID).Scan(&award); err != nil ||
			award != 12_000_000 {
			t.Fatalf("award: %d %v", award, err)
		}
		events, _ := s.FindNeedEvents(context.Background(), id)
		if len(events) != 1 || events[0].Action != "import" || events[0].To != procurement.Closed || events[0].Note != "p1" {
			t.Fatalf("timeline: %+v", events)
		}

		tr, err := s.OrgTrackRecord(context.Background(), d.org.ID)
		if err != nil || tr.Completed != 2 || tr.Rated != 1 || tr.AvgStars != 4.7 || len(tr.Recent) != 2 {
			t.Fatalf("track record: %+v %v", tr, err)
		}
		if r := tr.Recent[0]; r.Key != "p2" || r.Stars != 0 || r.Imported || r.Community != "龙锦苑二区社区" {
			t.Fatalf("newest first, p2 unrated: %+v", r)
		}
		if r := tr.Recent[1]; r.Key != "p1" || r.Stars != 4.7 || !r.Imported || !r.AcceptedAt.Equal(completed) || r.Street != "天通苑北街道" {
			t.Fatalf("p1 keeps its imported average: %+v", r)
		}

		// Re-importing by key updates, never duplicates; residents' ratings stay.
		if err := s.RateNeed(as(d.resident), id, 2, ""); err != nil {
			t.Fatal(err)
		}
		again := strings.Replace(strings.Replace(projectsJSONL, `"rating":4.7`, `"rating":4.9`, 1), `"budget_fen":4500000`, `"budget_fen":4600000`, 1)
		rep, err = s.ImportProjects(ctx, readProjects(t, again), true)
		if err != nil || rep.Created != 0 || rep.Updated != 2 || len(rep.CreatedStreets) != 0 {
			t.Fatalf("re-import: %+v %v", rep, err)
		}
		if count(`SELECT COUNT(*) FROM needs WHERE source_key IS NOT NULL`) != 2 || count(`SELECT COUNT(*) FROM awards`) != 2 ||
			count(`SELECT COUNT(*) FROM milestones`) != 2 || count(`SELECT COUNT(*) FROM ratings`) != 1 {
			t.Fatal("re-import duplicated or lost rows")
		}
		tr, _ = s.OrgTrackRecord(context.Background(), d.org.ID)
		if tr.AvgStars != 4.9 || tr.Recent[1].Stars != 4.9 || tr.Recent[1].Ratings != 1 {
			t.Fatalf("track record after re-import: %+v", tr)
		}
		var budget int64
		if err := s.QueryRowForTest(context.Background(), `SELECT c.amount_fen FROM contracts c JOIN needs n ON n.id = c.need_id
			WHERE n.source_key = 'p2'`).Scan(&budget); err != nil || budget != 4_600_000 {
			t.Fatalf("updated contract: %d %v", budget, err)
		}
		// A street-wide project has no community: the need belongs to the whole street or town.
		wide := `{"key":"p9","title":"北七家镇垃圾分类督导","description":"全镇垃圾分类桶前值守与督导。","street":"北七家镇","community":"","org":"o01","budget_fen":3000000,"duration_days":60,"rating":4.2,"completed":"2024-01-15"}`
		rep, err = s.ImportProjects(ctx, readProjects(t, wide), false)
		if err != nil || rep.Created != 1 || len(rep.CreatedCommunities) != 0 {
			t.Fatalf("street-wide project: %+v %v", rep, err)
		}
		tr, _ = s.OrgTrackRecord(context.Background(), d.org.ID)
		if tr.Completed != 3 || tr.Recent[2].Community != "" || tr.Recent[2].Street != "北七家镇" {
			t.Fatalf("street-wide project in the track record: %+v", tr.Recent)
		}
		if _, err := s.OrgTrackRecord(context.Background(), "nope"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unknown organization: %v", err)
		}
		// The publication day, when the file gives it: on or before the
		// contract's start (2023-11-16 here), kept by a re-import without it.
		published := func(day string) string {
			return `{"key":"p10","title":"北七家镇垃圾分类宣传","description":"入户宣传垃圾分类。","street":"北七家镇","org":"o01","budget_fen":3000000,"duration_days":60,"completed":"2024-01-15"` +
				day + `}`
		}
		rep, err = s.ImportProjects(ctx, readProjects(t, published(`,"published":"2023-11-17"`)), false)
		if errs.CodeOf(err) != errs.Invalid || len(rep.Problems) != 1 || rep.Problems[0].Field != "published" ||
			rep.Problems[0].Key != "project.published_after_start" {
			t.Fatalf("published after the start: %+v %v", rep, err)
		}
		for _, day := range []string{`,"published":"2023-11-02"`, ``} {
			if _, err := s.ImportProjects(ctx, readProjects(t, published(day)), false); err != nil {
				t.Fatal(err)
			}
			var at time.Time
			if err := s.QueryRowForTest(context.Background(), `SELECT published_at FROM needs WHERE source_key = 'p10'`).Scan(&at); err != nil ||
				!at.Equal(time.Date(2023, 11, 2, 0, 0, 0, 0, time.FixedZone("", 8*3600))) {
				t.Fatalf("published_at (%q): %v %v", day, at, err)
			}
		}
	})
}

func TestTrackRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		// One project delivered on the platform, rated 3 and 4 by residents.
		n, _ := d.contracted(t)
		deliverAll(t, d, n)
		acceptedAt := d.now
		if err := s.RateNeed(as(d.resident), n.ID, 3, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.RateNeed(as(d.resident2), n.ID, 4, ""); err != nil {
			t.Fatal(err)
		}
		// One still in progress does not count.
		d.now = d.now.Add(time.Hour)
		d.contracted(t)
		// Two imported, one with the source's average.
		if err := s.SetOrgKeyForDeliveryTest(context.Background(), d.org.ID, "o01"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportProjects(storetest.Admin(), readProjects(t, projectsJSONL), true); err != nil {
			t.Fatal(err)
		}
		tr, err := s.OrgTrackRecord(context.Background(), d.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Completed != 3 || tr.Rated != 2 || math.Abs(tr.AvgStars-(3.5+4.7)/2) > 1e-9 || len(tr.Recent) != 3 {
			t.Fatalf("track record: %+v", tr)
		}
		if r := tr.Recent[0]; r.NeedID != n.ID || r.Stars != 3.5 || r.Ratings != 2 || r.Imported || !r.AcceptedAt.Equal(acceptedAt) ||
			r.Title != n.Title || r.Community != "龙锦苑二区社区" || r.Street != "回龙观街道" {
			t.Fatalf("platform project: %+v", r)
		}
		other, err := s.OrgTrackRecord(context.Background(), d.otherOrg.ID)
		if err != nil || other.Completed != 0 || other.AvgStars != 0 || len(other.Recent) != 0 {
			t.Fatalf("an organization with no projects: %+v %v", other, err)
		}
	})
}
