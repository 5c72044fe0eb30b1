package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/dashboard"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// dashT0 is the start of the period the dashboard tests read.
var dashT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func dashExec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if err := s.ExecForTest(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func dashDay(d int) time.Time { return dashT0.Add(time.Duration(d) * 24 * time.Hour) }

// dashNeed inserts a need; published and signed are hours after created
// (negative: none); the award goes to awardOrg when not "".
func dashNeed(t *testing.T, s *store.Store, id, street, cat, status string, created time.Time, published, signed int, awardOrg string) {
	t.Helper()
	var pub any
	if published >= 0 {
		pub = created.Add(time.Duration(published) * time.Hour)
	}
	dashExec(t, s, `INSERT INTO needs (id, title, description, street_id, category, budget_fen, procedure, status,
		created_at, updated_at, published_at) VALUES (?, ?, 'd', ?, ?, 100, 'open', ?, ?, ?, ?)`,
		id, "need "+id, street, cat, status, created, created, pub)
	if signed >= 0 {
		dashExec(t, s, `INSERT INTO contracts (need_id, amount_fen, start_at, end_at, signed_by, signed_at)
			VALUES (?, 100, ?, ?, 'u', ?)`, id, created, created, created.Add(time.Duration(published+signed)*time.Hour))
	}
	if awardOrg != "" {
		pid := "aw-" + id
		dashProposal(t, s, pid, id, awardOrg, "awarded")
		dashExec(t, s, `INSERT INTO awards (need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at)
			VALUES (?, ?, ?, 100, 'best', 'u', ?)`, id, pid, awardOrg, created)
	}
}

func dashProposal(t *testing.T, s *store.Store, id, need, org, status string) {
	t.Helper()
	dashExec(t, s, `INSERT INTO proposals (id, need_id, org_id, summary, plan, price_fen, duration_days, status,
		receipt, idempotency_key, submitted_by, submitted_at) VALUES (?, ?, ?, 's', 'p', 100, 10, ?, 'r', ?, 'u', ?)`,
		id, need, org, status, id, dashT0)
}

// dashSeed writes a small district whose figures are worked out by hand in
// TestOverview.
func dashSeed(t *testing.T, s *store.Store) {
	now := dashDay(0)
	dashExec(t, s, `INSERT INTO streets (id, name, kind, district, created_at) VALUES ('s1', '东街', 'street', '区', ?), ('s2', '西街', 'street', '区', ?)`, now, now)
	for _, o := range [][]string{
		{"o1", "s1", "registered", "joint", "elderly", "2015-04"},
		{"o2", "s1", "filed", "none", "children", "2019"},
		{"o3", "s2", "registered", "independent", "elderly", "2015"},
	} {
		dashExec(t, s, `INSERT INTO organizations (id, name, street_id, registration, party_form, category, founded, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o[0], "org "+o[0], o[1], o[2], o[3], o[4], o[5], now, now)
	}
	// A volunteer team is not an organization in the register's figures:
	// it is counted apart.
	dashExec(t, s, `INSERT INTO organizations (id, name, street_id, registration, party_form, category, founded, kind, created_at, updated_at)
		VALUES ('team1', 'team', 's1', 'filed', 'none', 'elderly', '2020', 'team', ?, ?)`, now, now)

	d1 := dashDay(1)
	dashNeed(t, s, "n1", "s1", "elderly", "contracted", d1, 0, 10, "o1")
	dashProposal(t, s, "p1b", "n1", "o2", "not_awarded")
	dashProposal(t, s, "p1c", "n1", "o3", "withdrawn")
	dashNeed(t, s, "n2", "s1", "elderly", "accepted", d1, 0, 30, "o3")
	dashNeed(t, s, "n3", "s1", "children", "published", d1, 0, -1, "")
	dashNeed(t, s, "n4", "s2", "children", "accepted", d1, 0, 50, "o3")
	dashNeed(t, s, "n5", "s2", "elderly", "draft", d1, -1, -1, "")
	dashNeed(t, s, "n6", "s1", "elderly", "closed", dashDay(-30), 0, 1000, "o1") // before the period
	for _, a := range []string{"n2", "n4", "n6"} {
		dashExec(t, s, `INSERT INTO acceptances (need_id, result, by_user, at) VALUES (?, 'passed', 'u', ?)`, a, d1)
	}
	for _, r := range []struct {
		need, user string
		stars      int
	}{{"n2", "u1", 4}, {"n2", "u2", 5}, {"n4", "u1", 3}, {"n6", "u1", 1}} {
		dashExec(t, s, `INSERT INTO ratings (need_id, user_id, stars, at) VALUES (?, ?, ?, ?)`, r.need, r.user, r.stars, d1)
	}

	for _, u := range []string{"u1", "u2"} {
		dashExec(t, s, `INSERT INTO users (id, phone, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, u, "1380000000"+u[1:], u, now, now)
	}
	for _, a := range [][]string{{"pool:district", "pool", ""}, {"resident:u1", "resident", "s1"},
		{"organization:o3", "organization", "s2"}, {"merchant:m1", "merchant", "s1"}} {
		dashExec(t, s, `INSERT INTO points_accounts (id, kind, owner_id, street_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			a[0], a[1], a[0], a[2], now)
	}
	for i, p := range []struct {
		from, to string
		amount   int
		at       time.Time
	}{
		{"pool:district", "resident:u1", 100, dashDay(2)},
		{"pool:district", "organization:o3", 50, dashDay(2)},
		{"resident:u1", "merchant:m1", 30, dashDay(3)},
		{"pool:district", "resident:u1", 999, dashDay(-10)}, // before the period
	} {
		dashExec(t, s, `INSERT INTO points_postings (id, idem_key, kind, from_id, to_id, amount, reason, created_at)
			VALUES (?, ?, 'test', ?, ?, ?, 'r', ?)`, fmt.Sprint("pp", i), fmt.Sprint("k", i), p.from, p.to, p.amount, p.at)
	}

	for _, a := range []struct{ id, status string }{{"a1", "finished"}, {"a2", "cancelled"}} {
		dashExec(t, s, `INSERT INTO activities (id, title, type, org_id, street_id, address, starts_at, ends_at, capacity,
			eligibility, status, secret, created_at, updated_at) VALUES (?, 't', 'x', 'o1', 's1', 'addr', ?, ?, 10, 'anyone', ?, 'sec', ?, ?)`,
			a.id, dashDay(5), dashDay(5).Add(2*time.Hour), a.status, now, now)
	}
	for _, su := range []struct {
		id, act, user string
		min           int
	}{{"su1", "a1", "u1", 90}, {"su2", "a1", "u2", 30}, {"su3", "a2", "u1", 600}} {
		dashExec(t, s, `INSERT INTO activity_signups (id, activity_id, user_id, status, queued_at, confirmed_minutes, created_at, updated_at)
			VALUES (?, ?, ?, 'confirmed', ?, ?, ?, ?)`, su.id, su.act, su.user, now, su.min, now, now)
	}

	dashExec(t, s, `INSERT INTO incubation_bases (id, name, created_at) VALUES ('b1', 'base', ?)`, now)
	for _, i := range [][]string{{"i1", "o1", "incubating"}, {"i2", "o2", "graduated"}, {"i3", "o3", "graduated"}} {
		var open any
		if i[2] == "incubating" {
			open = 1
		}
		dashExec(t, s, `INSERT INTO incubations (id, base_id, org_id, stage, statement, open, applied_at, updated_at)
			VALUES (?, 'b1', ?, ?, 'st', ?, ?, ?)`, i[0], i[1], i[2], open, now, now)
	}
	dashExec(t, s, `INSERT INTO courses (id, title, topic, created_at) VALUES ('c1', 'course', 'topic', ?)`, now)
	dashExec(t, s, `INSERT INTO course_sessions (id, course_id, teacher, place, start_at, end_at, capacity, created_at)
		VALUES ('cs1', 'c1', 'T', 'P', ?, ?, 10, ?)`, dashDay(4), dashDay(4).Add(time.Hour), now)
	for _, e := range [][]string{{"e1", "o1", "present"}, {"e2", "o2", "absent"}, {"e3", "o3", "present"}} {
		dashExec(t, s, `INSERT INTO enrollments (id, session_id, org_id, person, status, created_at) VALUES (?, 'cs1', ?, 'p', ?, ?)`,
			e[0], e[1], e[2], now)
	}
	dashExec(t, s, `INSERT INTO meetings (id, title, held_at, created_at) VALUES ('m1', 'meeting', ?, ?)`, now, now)
	for _, x := range []struct {
		id, street, status string
		due                time.Time
	}{{"x1", "s1", "open", dashDay(10)}, {"x2", "s2", "done", dashDay(10)}, {"x3", "s1", "in_progress", dashDay(90)}} {
		dashExec(t, s, `INSERT INTO meeting_actions (id, meeting_id, title, owner_kind, owner_id, owner_street_id, due, status, created_at, updated_at)
			VALUES (?, 'm1', 't', 'street', ?, ?, ?, ?, ?, ?)`, x.id, x.street, x.street, x.due, x.status, now, now)
	}
}

func counts(cs []dashboard.Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.N
	}
	return m
}

func sameCounts(t *testing.T, what string, got []dashboard.Count, want map[string]int) {
	t.Helper()
	g := counts(got)
	if len(g) != len(want) {
		t.Errorf("%s = %v, want %v", what, g, want)
		return
	}
	for k, n := range want {
		if g[k] != n {
			t.Errorf("%s = %v, want %v", what, g, want)
			return
		}
	}
}

func TestOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = func() time.Time { return dashDay(60) }
		dashSeed(t, s)
		ctx := context.Background()
		period := store.DashboardFilter{From: dashT0, To: dashDay(30)}

		o, err := s.Overview(ctx, period)
		if err != nil {
			t.Fatal(err)
		}
		if o.Organizations != 3 || o.Teams != 1 {
			t.Errorf("organizations = %d, teams %d, want 3 and 1", o.Organizations, o.Teams)
		}
		sameCounts(t, "by registration", o.OrgsByRegistration, map[string]int{"registered": 2, "filed": 1})
		sameCounts(t, "by party form", o.OrgsByPartyForm, map[string]int{"joint": 1, "none": 1, "independent": 1})
		sameCounts(t, "by category", o.OrgsByCategory, map[string]int{"elderly": 2, "children": 1})
		sameCounts(t, "by street", o.OrgsByStreet, map[string]int{"s1": 2, "s2": 1})
		sameCounts(t, "by year", o.OrgsByYear, map[string]int{"2015": 2, "2019": 1})
		if o.Incubating != 1 || o.Graduated != 2 {
			t.Errorf("incubating %d graduated %d, want 1 2", o.Incubating, o.Graduated)
		}
		if o.Needs != 5 {
			t.Errorf("needs = %d, want 5", o.Needs)
		}
		sameCounts(t, "needs by category", o.NeedsByCategory, map[string]int{"elderly": 3, "children": 2})
		sameCounts(t, "needs by status", o.NeedsByStatus, map[string]int{"contracted": 1, "accepted": 2, "published": 1, "draft": 1})
		if o.MedianHoursToContract != 30 {
			t.Errorf("median = %v, want 30", o.MedianHoursToContract)
		}
		want := []dashboard.StreetMatch{
			{StreetID: "s2", StreetName: "西街", Published: 1, Contracted: 1, Proposals: 1, NoProposal: 0, MedianH: 50},
			{StreetID: "s1", StreetName: "东街", Published: 3, Contracted: 2, Proposals: 3, NoProposal: 1, MedianH: 20},
		}
		if fmt.Sprint(o.Streets) != fmt.Sprint(want) {
			t.Errorf("streets = %+v, want %+v", o.Streets, want)
		}
		if o.Awards != 3 || o.AwardsOwnStreet != 2 {
			t.Errorf("awards %d own street %d, want 3 2", o.Awards, o.AwardsOwnStreet)
		}
		if o.Acceptances != 2 || o.Ratings != 3 || o.AvgSatisfaction != 4 {
			t.Errorf("acceptances %d ratings %d avg %v, want 2 3 4", o.Acceptances, o.Ratings, o.AvgSatisfaction)
		}
		if o.PointsIssued != 150 || o.PointsRedeemed != 30 {
			t.Errorf("points issued %d redeemed %d, want 150 30", o.PointsIssued, o.PointsRedeemed)
		}
		if o.ActivitiesHeld != 1 || o.VolunteerHours != 2 {
			t.Errorf("activities %d hours %v, want 1 2", o.ActivitiesHeld, o.VolunteerHours)
		}
		if o.TrainingPresent != 2 || o.OverdueActions != 1 {
			t.Errorf("training %d overdue %d, want 2 1", o.TrainingPresent, o.OverdueActions)
		}

		// One street: everything narrows to it.
		f := period
		f.StreetID = "s1"
		o, err = s.Overview(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if o.Organizations != 2 || o.Teams != 1 || o.Needs != 3 || o.MedianHoursToContract != 20 || len(o.Streets) != 1 {
			t.Errorf("s1: orgs %d teams %d needs %d median %v streets %d, want 2 1 3 20 1", o.Organizations, o.Teams, o.Needs,
				o.MedianHoursToContract, len(o.Streets))
		}
		if o, err := s.Overview(ctx, store.DashboardFilter{StreetID: "s2"}); err != nil {
			t.Fatal(err)
		} else if o.Organizations != 1 || o.Teams != 0 {
			t.Errorf("s2: orgs %d teams %d, want 1 0", o.Organizations, o.Teams)
		}
		if o.Awards != 2 || o.AwardsOwnStreet != 1 || o.Acceptances != 1 || o.Ratings != 2 || math.Abs(o.AvgSatisfaction-4.5) > 1e-9 {
			t.Errorf("s1: awards %d own %d acceptances %d ratings %d avg %v", o.Awards, o.AwardsOwnStreet, o.Acceptances, o.Ratings, o.AvgSatisfaction)
		}
		if o.PointsIssued != 100 || o.PointsRedeemed != 30 || o.Incubating != 1 || o.Graduated != 1 || o.TrainingPresent != 1 || o.OverdueActions != 1 {
			t.Errorf("s1: points %d/%d incubation %d/%d training %d overdue %d", o.PointsIssued, o.PointsRedeemed,
				o.Incubating, o.Graduated, o.TrainingPresent, o.OverdueActions)
		}

		// No period: the older need and posting count too.
		o, err = s.Overview(ctx, store.DashboardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if o.Needs != 6 || o.PointsIssued != 1149 || o.Acceptances != 3 {
			t.Errorf("all time: needs %d issued %d acceptances %d, want 6 1149 3", o.Needs, o.PointsIssued, o.Acceptances)
		}

		// Bad filters are the caller's mistakes, not failures.
		if _, err := s.Overview(ctx, store.DashboardFilter{StreetID: "nowhere"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown street: %v, want invalid", err)
		}
		if _, err := s.Overview(ctx, store.DashboardFilter{From: dashDay(5), To: dashDay(5)}); !errs.Is(err, errs.Invalid) {
			t.Errorf("empty period: %v, want invalid", err)
		}
	})
}

// TestOverviewImportedContracts: a past project imported without a
// publication date was still tendered and contracted; the streets' table
// counts it (as published and contracted, with no time to contract), the
// same whether read live or summed from the rollups.
func TestOverviewImportedContracts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = func() time.Time { return dashDay(60) }
		dashSeed(t, s)
		ctx := context.Background()
		dashNeed(t, s, "imp1", "s2", "elderly", "closed", dashDay(2), -1, 200, "o3")
		dashNeed(t, s, "imp2", "s2", "elderly", "closed", dashDay(2), -1, 300, "o3")
		period := store.DashboardFilter{From: dashT0, To: dashDay(30)}
		want := []dashboard.StreetMatch{
			{StreetID: "s2", StreetName: "西街", Published: 3, Contracted: 3, Proposals: 3, NoProposal: 0, MedianH: 50},
			{StreetID: "s1", StreetName: "东街", Published: 3, Contracted: 2, Proposals: 3, NoProposal: 1, MedianH: 20},
		}
		for _, when := range []string{"live", "rolled"} {
			if when == "rolled" {
				if _, err := s.RollupDashboard(ctx); err != nil {
					t.Fatal(err)
				}
			}
			direct, err := s.OverviewDirect(ctx, period)
			if err != nil {
				t.Fatal(err)
			}
			o, err := s.Overview(ctx, period)
			if err != nil {
				t.Fatal(err)
			}
			for name, o := range map[string]*dashboard.Overview{"direct": direct, "overview": o} {
				if fmt.Sprint(o.Streets) != fmt.Sprint(want) {
					t.Errorf("%s %s: streets = %+v, want %+v", when, name, o.Streets, want)
				}
				if o.MedianHoursToContract != 30 || o.Awards != 5 {
					t.Errorf("%s %s: median %v awards %d, want 30 5", when, name, o.MedianHoursToContract, o.Awards)
				}
			}
		}
		// A database rolled before: migration 0031 has every day rolled again.
		dashExec(t, s, `DELETE FROM schema_migrations WHERE version = '0031_dash_imported_contracts'`)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var through string
		var cells int
		if err := s.QueryRowForTest(ctx, `SELECT through, (SELECT COUNT(*) FROM dash_need_days) FROM dash_rollup_state WHERE id = 1`).Scan(&through, &cells); err != nil {
			t.Fatal(err)
		}
		if through != "" || cells != 0 {
			t.Fatalf("after the migration: rolled through %q, %d need cells", through, cells)
		}
	})
}

// TestOverviewQueriesConstant checks the dashboard never runs a query per
// row: the count of statements is the same for n and 3n needs.
func TestOverviewQueriesConstant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = func() time.Time { return dashDay(60) }
		dashSeed(t, s)
		ctx := context.Background()
		add := func(from, to int) {
			for i := from; i < to; i++ {
				id := fmt.Sprint("bulk", i)
				street := []string{"s1", "s2"}[i%2]
				dashNeed(t, s, id, street, "elderly", "contracted", dashDay(2), 1, 5+i, "o3")
				dashProposal(t, s, id+"-x", id, "o1", "not_awarded")
			}
		}
		const n = 10
		add(0, n)
		f := store.DashboardFilter{From: dashT0, To: dashDay(30)}
		q1, err := s.OverviewQueriesForTest(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		add(n, 3*n)
		q3, err := s.OverviewQueriesForTest(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if q1 != q3 || q1 == 0 {
			t.Fatalf("queries: %d with %d needs, %d with %d", q1, n, q3, 3*n)
		}
		// Summing the rollups: as constant.
		if _, err := s.RollupDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		r1, err := s.OverviewQueriesForTest(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		add(3*n, 6*n)
		r2, err := s.OverviewQueriesForTest(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if r1 != r2 || r1 == 0 {
			t.Fatalf("queries with rollups: %d with %d needs, %d with %d", r1, 3*n, r2, 6*n)
		}
		o, err := s.Overview(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if o.Needs != 5+6*n {
			t.Fatalf("needs = %d, want %d", o.Needs, 5+6*n)
		}
	})
}

// TestOverviewRollups builds a varied district at random (several streets,
// needs over six weeks with contracts, awards, proposals, acceptances and
// ratings arriving late, postings on past days and today, times near
// midnight) and checks that Overview, summing the rollups, gives exactly
// the figures of OverviewDirect, for several filters: before the job ran,
// after, after late changes, and after the job caught up with them.
func TestOverviewRollups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loc := dashboard.Zone()
		// Noon in Shanghai, forty days after the period's start.
		today := time.Date(2026, 4, 10, 0, 0, 0, 0, loc)
		now := today.Add(12 * time.Hour)
		s.Now = func() time.Time { return now.UTC() }
		dashSeed(t, s)
		r := rand.New(rand.NewPCG(7, 11))
		streets := []string{"s1", "s2", "s3", "s4"}
		dashExec(t, s, `INSERT INTO streets (id, name, kind, district, created_at) VALUES ('s3', '南街', 'street', '区', ?), ('s4', '北街', 'street', '区', ?)`, now.UTC(), now.UTC())
		var orgs []string
		for i := range 8 {
			id := fmt.Sprint("ro", i)
			orgs = append(orgs, id)
			dashExec(t, s, `INSERT INTO organizations (id, name, street_id, registration, party_form, category, founded, created_at, updated_at)
				VALUES (?, ?, ?, 'registered', 'none', 'elderly', '2018', ?, ?)`, id, "org "+id, streets[i%4], now, now)
		}
		// A time on day d before today, near midnight now and then, with
		// fractions of a second.
		at := func(d int) time.Time {
			base := today.AddDate(0, 0, -d).UTC() // stored in UTC, as the store does
			switch r.IntN(6) {
			case 0:
				return base.Add(time.Duration(r.IntN(3000)) * time.Millisecond)
			case 1:
				return base.Add(24*time.Hour - time.Duration(1+r.IntN(3000))*time.Millisecond)
			}
			return base.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
		}
		cats := []string{"elderly", "children", "disability"}
		statuses := []string{"draft", "published", "contracted", "accepted", "closed"}
		var needs []string
		contracted := map[string]bool{}
		newNeed := func(i, d int) {
			id := fmt.Sprint("rn", i)
			created := at(d)
			if d == 0 && created.After(now) {
				created = now.Add(-time.Minute).UTC()
			}
			var pub any
			if r.IntN(5) > 0 {
				pub = created.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))
			}
			dashExec(t, s, `INSERT INTO needs (id, title, description, street_id, category, budget_fen, procedure, status,
				created_at, updated_at, published_at) VALUES (?, ?, 'd', ?, ?, 100, 'open', ?, ?, ?, ?)`,
				id, "need "+id, streets[r.IntN(4)], cats[r.IntN(3)], statuses[r.IntN(5)], created, created, pub)
			needs = append(needs, id)
			first := r.IntN(len(orgs))
			for k := range r.IntN(4) {
				st := []string{"submitted", "withdrawn", "not_awarded"}[r.IntN(3)]
				dashProposal(t, s, fmt.Sprint(id, "-p", k), id, orgs[(first+k)%len(orgs)], st)
			}
			if pub != nil && r.IntN(2) == 0 {
				lateContract(t, s, id, pub.(time.Time), r, orgs)
				contracted[id] = true
			}
		}
		for i := range 240 {
			newNeed(i, r.IntN(42))
		}
		accounts := []string{"pool:district", "resident:u1", "organization:o3", "merchant:m1"}
		for i, st := range streets {
			for _, kind := range []string{"resident", "organization", "merchant"} {
				id := fmt.Sprint(kind, ":r", i)
				accounts = append(accounts, id)
				dashExec(t, s, `INSERT INTO points_accounts (id, kind, owner_id, street_id, created_at) VALUES (?, ?, ?, ?, ?)`,
					id, kind, id, st, now.UTC())
			}
		}
		posting := 0
		post := func(when time.Time) {
			from, to := "pool:district", accounts[1+r.IntN(len(accounts)-1)]
			if r.IntN(3) == 0 {
				from = accounts[1+r.IntN(len(accounts)-1)]
			}
			if from == to {
				from = "pool:district"
			}
			posting++
			dashExec(t, s, `INSERT INTO points_postings (id, idem_key, kind, from_id, to_id, amount, reason, created_at)
				VALUES (?, ?, 'test', ?, ?, ?, 'r', ?)`, fmt.Sprint("rp", posting), fmt.Sprint("rk", posting), from, to, 1+r.IntN(500), when)
		}
		for range 300 {
			when := at(r.IntN(42))
			if when.After(now) {
				when = now.Add(-time.Second).UTC()
			}
			post(when)
		}

		filters := []store.DashboardFilter{{}, {StreetID: "s2"},
			{From: today.AddDate(0, 0, -30), To: today.AddDate(0, 0, -5)},
			{StreetID: "s1", From: today.AddDate(0, 0, -20), To: today.AddDate(0, 0, 1)},
			{From: today.AddDate(0, 0, -3)}, {To: today.AddDate(0, 0, -10)},
			{StreetID: "s3", To: today},
			// Not on day boundaries (the API's callers use dates, but the
			// store does not rely on it).
			{From: today.AddDate(0, 0, -25).Add(7 * time.Hour), To: today.AddDate(0, 0, -2).Add(90 * time.Minute)},
			{From: dashT0, To: dashDay(30)},
			// Whole months, from the month cells (unless a day is dirty).
			{From: time.Date(2026, 3, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)},
			{StreetID: "s4", From: time.Date(2026, 2, 1, 0, 0, 0, 0, loc), To: today.AddDate(0, 0, 3)},
		}
		check := func(when string) {
			t.Helper()
			for _, f := range filters {
				got, err := s.Overview(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				want, err := s.OverviewDirect(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, filter %+v:\n got %+v\nwant %+v", when, f, got, want)
				}
			}
		}
		check("nothing rolled")
		run, err := s.RollupDashboard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := today.AddDate(0, 0, -1).Format("2006-01-02"); run.Through != today.Format("2006-01-02") || run.Days < 42 {
			t.Fatalf("rollup run %+v, want through %s (yesterday rolled, %s)", run, today.Format("2006-01-02"), want)
		}
		var rows, dirty int
		if err := s.QueryRowForTest(ctx, `SELECT (SELECT COUNT(*) FROM dash_need_days), (SELECT COUNT(*) FROM dash_dirty WHERE day < ?)`,
			run.Through).Scan(&rows, &dirty); err != nil {
			t.Fatal(err)
		}
		if rows == 0 || dirty != 0 {
			t.Fatalf("after the job: %d rolled cells, %d dirty before the watermark", rows, dirty)
		}
		var hours int
		if err := s.QueryRowForTest(ctx, `SELECT COUNT(*) FROM dash_point_hours`).Scan(&hours); err != nil {
			t.Fatal(err)
		}
		if run.Hours != 11 || hours == 0 {
			t.Fatalf("today's points: %d hours rolled, %d rows; want the 11 hours before 11:45", run.Hours, hours)
		}
		check("rolled")

		// Late changes on rolled days: contracts, awards, ratings,
		// acceptances, withdrawn proposals, a need that moves street, an
		// organization that moves street; new needs and postings today.
		for _, id := range needs[:80] {
			switch r.IntN(5) {
			case 0:
				if !contracted[id] {
					var pub sql.NullTime
					if err := s.QueryRowForTest(ctx, `SELECT published_at FROM needs WHERE id = ?`, id).Scan(&pub); err != nil {
						t.Fatal(err)
					}
					if pub.Valid {
						lateContract(t, s, id, pub.Time, r, orgs)
						contracted[id] = true
					}
				}
			case 1:
				dashExec(t, s, `INSERT INTO ratings (need_id, user_id, stars, at) VALUES (?, 'u2', ?, ?)`, id, 1+r.IntN(5), now.UTC())
			case 2:
				dashExec(t, s, `UPDATE proposals SET status = 'withdrawn' WHERE need_id = ?`, id)
			case 3:
				dashExec(t, s, `UPDATE needs SET street_id = ?, status = 'closed' WHERE id = ?`, streets[r.IntN(4)], id)
			case 4:
				dashExec(t, s, `INSERT INTO acceptances (need_id, result, by_user, at) VALUES (?, 'passed', 'u', ?)
					ON CONFLICT (need_id) DO NOTHING`, id, now.UTC())
			}
		}
		dashExec(t, s, `UPDATE organizations SET street_id = 's4' WHERE id = 'ro0'`)
		dashExec(t, s, `UPDATE organizations SET founded = '2011-02', registration = 'filed' WHERE id = 'ro1'`)
		dashExec(t, s, `UPDATE organizations SET kind = 'team' WHERE id = 'ro2'`)
		for i := 240; i < 260; i++ {
			newNeed(i, 0)
		}
		// New postings are dated when written: in the last minutes, after
		// the hours rolled.
		for range 30 {
			post(now.Add(-time.Duration(r.IntN(10*60)) * time.Second).UTC())
		}
		check("late changes, before the job")
		if _, err := s.RollupDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.QueryRowForTest(ctx, `SELECT COUNT(*) FROM dash_dirty WHERE day < ?`, run.Through).Scan(&dirty); err != nil {
			t.Fatal(err)
		}
		if dirty != 0 {
			t.Fatalf("%d dirty cells before the watermark after the job", dirty)
		}
		check("late changes, after the job")

		// Two days later today's needs and postings are rolled too; a
		// rebuild from nothing gives the same figures again.
		now = now.AddDate(0, 0, 2)
		if run, err = s.RollupDashboard(ctx); err != nil || run.Days != 2 {
			t.Fatalf("two days later: %+v, %v", run, err)
		}
		check("two days later")
		if _, err := s.RebuildDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		check("rebuilt")
	})
}

// lateContract awards need id to a random organization and signs its
// contract a random time (to the nanosecond) after publication.
func lateContract(t *testing.T, s *store.Store, id string, pub time.Time, r *rand.Rand, orgs []string) {
	t.Helper()
	signed := pub.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
	if r.IntN(3) == 0 {
		signed = pub.Add(time.Duration(1+r.IntN(200)) * time.Hour) // whole hours: ties
	}
	dashExec(t, s, `INSERT INTO contracts (need_id, amount_fen, start_at, end_at, signed_by, signed_at)
		VALUES (?, 100, ?, ?, 'u', ?)`, id, pub, pub, signed)
	org := orgs[r.IntN(len(orgs))]
	pid := "aw-" + id
	dashProposal(t, s, pid, id, org, "awarded")
	dashExec(t, s, `INSERT INTO awards (need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at)
		VALUES (?, ?, ?, 100, 'best', 'u', ?)`, id, pid, org, pub)
}
