package store

import (
	"context"
	"database/sql"

	"github.com/huitian/huitian/internal/dashboard"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

// DashboardFilter narrows the dashboard's figures (see dashboard.Filter).
type DashboardFilter = dashboard.Filter

// Overview computes the dashboard's figures for f with a fixed number of
// queries, however many rows there are: GROUP BY aggregates, and for the
// needs and the points the per-day, per-street rollups of the days before
// the job's watermark plus a live read of the rest (dashboard_rollups.go). Authorization
// (which street a person may see) is the caller's: the handlers force street
// staff's filter to their street. An unknown street is an invalid filter.
func (s *Store) Overview(ctx context.Context, f DashboardFilter) (*dashboard.Overview, error) {
	return s.overview(ctx, f, nil)
}

// countingQuerier counts the statements run through it (the test that the
// number of queries stays constant as data grows).
type countingQuerier struct {
	querier
	n *int
}

func (q countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	*q.n++
	return q.querier.QueryContext(ctx, query, args...)
}

func (q countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	*q.n++
	return q.querier.QueryRowContext(ctx, query, args...)
}

func (q countingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	*q.n++
	return q.querier.ExecContext(ctx, query, args...)
}

func (s *Store) overview(ctx context.Context, f DashboardFilter, count *int) (*dashboard.Overview, error) {
	var o *dashboard.Overview
	// One snapshot: the watermark, the rollups, the cells marked dirty and
	// the live tail must agree, or a cell the job finishes in between would
	// be read twice or not at all.
	err := s.readTx(ctx, func(c conn) error {
		if count != nil {
			c.q = countingQuerier{querier: c.q, n: count}
		}
		var err error
		o, err = overviewIn(ctx, c, f, false)
		return err
	})
	return o, err
}

// OverviewDirect computes the dashboard's figures the slow way, from the
// tables alone (every need and every points posting of the period), without
// the rollups: what `huitian dashboard verify` and the tests compare
// Overview with. At a city's scale it takes minutes.
func (s *Store) OverviewDirect(ctx context.Context, f DashboardFilter) (*dashboard.Overview, error) {
	var o *dashboard.Overview
	err := s.readTx(ctx, func(c conn) error {
		var err error
		o, err = overviewIn(ctx, c, f, true)
		return err
	})
	return o, err
}

func overviewIn(ctx context.Context, c conn, f DashboardFilter, direct bool) (*dashboard.Overview, error) {
	o := &dashboard.Overview{Filter: f, MedianHoursToContract: -1}
	names, err := streetNames(ctx, c)
	if err != nil {
		return nil, err
	}
	if f.StreetID != "" {
		if _, ok := names[f.StreetID]; !ok {
			return nil, errs.Field("street", "dash.err_street")
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, errs.Field("to", "dash.err_period")
	}
	orgs, needs, points, money := dashOrganizations, dashNeeds, dashPoints, dashMoney
	if direct {
		orgs, needs, points, money = dashOrganizationsDirect, dashNeedsDirect, dashPointsDirect, dashMoneyDirect
	}
	for _, step := range []func(context.Context, conn, DashboardFilter, *dashboard.Overview, map[string]string) error{
		orgs, needs, points, dashActivities, dashOthers, money, dashVisits,
	} {
		if err := step(ctx, c, f, o, names); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func streetNames(ctx context.Context, c conn) (map[string]string, error) {
	rows, err := c.query(ctx, `SELECT id, name FROM streets`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		m[id] = name
	}
	return m, rows.Err()
}

// period appends "AND col >= ? AND col < ?" for the bounds f has. The
// bounds go in UTC: SQLite compares times as text, and the filter's bounds
// come in Asia/Shanghai (dashboard.ParseFilter), which compared with UTC
// text shifted the period by eight hours.
func period(col string, f DashboardFilter, q string, args []any) (string, []any) {
	if !f.From.IsZero() {
		q += " AND " + col + " >= ?"
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += " AND " + col + " < ?"
		args = append(args, f.To.UTC())
	}
	return q, args
}

// inStreet appends "AND col = ?" when f names a street.
func inStreet(col string, f DashboardFilter, q string, args []any) (string, []any) {
	if f.StreetID != "" {
		q += " AND " + col + " = ?"
		args = append(args, f.StreetID)
	}
	return q, args
}

// dashOrganizations: the register as it stands (not limited to the period;
// the founding years show its growth), four breakdowns by street from the
// tallies the triggers keep (migration 0023), which leave volunteer teams
// out; the teams are what the register's own tallies (organization_tallies,
// every kind, migration 0022) count beyond them.
func dashOrganizations(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, names map[string]string) error {
	q, args := inStreet("street_id", f, `SELECT street_id, dim, key, n FROM dash_org_tallies WHERE n > 0`, nil)
	all, allArgs := inStreet("street_id", f, `SELECT street_id, 'register', '', n FROM organization_tallies WHERE n > 0`, nil)
	rows, err := c.query(ctx, q+` UNION ALL `+all, append(args, allArgs...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	by := map[string]map[string]int{"registration": {}, "party_form": {}, "category": {}, "year": {}}
	street := map[string]int{}
	register := 0
	for rows.Next() {
		var st, dim, key string
		var n int
		if err := rows.Scan(&st, &dim, &key, &n); err != nil {
			return err
		}
		if m := by[dim]; m != nil {
			m[key] += n
		}
		switch dim {
		case "registration": // every organization once
			street[st] += n
			o.Organizations += n
		case "register":
			register += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	o.Teams = register - o.Organizations
	o.OrgsByRegistration = dashboard.Tally(by["registration"])
	o.OrgsByPartyForm = dashboard.Tally(by["party_form"])
	o.OrgsByCategory = dashboard.Tally(by["category"])
	o.OrgsByStreet = dashboard.Tally(street)
	for i := range o.OrgsByStreet {
		o.OrgsByStreet[i].Name = names[o.OrgsByStreet[i].Key]
	}
	o.OrgsByYear = dashboard.ByKey(dashboard.Tally(by["year"]))
	return nil
}

// dashOrganizationsDirect: the same from the organizations themselves, one
// GROUP BY (OverviewDirect).
func dashOrganizationsDirect(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, names map[string]string) error {
	q, args := inStreet("street_id", f, `SELECT kind, registration, party_form, category, street_id, founded, COUNT(*)
		FROM organizations WHERE 1 = 1`, nil)
	rows, err := c.query(ctx, q+` GROUP BY kind, registration, party_form, category, street_id, founded`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	reg, party, cat, street, year := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for rows.Next() {
		var kind, r, p, ca, st, founded string
		var n int
		if err := rows.Scan(&kind, &r, &p, &ca, &st, &founded, &n); err != nil {
			return err
		}
		if kind != string(registry.KindOrganization) {
			o.Teams += n
			continue
		}
		reg[r] += n
		party[p] += n
		cat[ca] += n
		street[st] += n
		y := ""
		if len(founded) >= 4 {
			y = founded[:4]
		}
		year[y] += n
		o.Organizations += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	o.OrgsByRegistration = dashboard.Tally(reg)
	o.OrgsByPartyForm = dashboard.Tally(party)
	o.OrgsByCategory = dashboard.Tally(cat)
	o.OrgsByStreet = dashboard.Tally(street)
	for i := range o.OrgsByStreet {
		o.OrgsByStreet[i].Name = names[o.OrgsByStreet[i].Key]
	}
	o.OrgsByYear = dashboard.ByKey(dashboard.Tally(year))
	return nil
}

// dashNeedsDirect reads the needs created in the period once, one row per need with
// its contract, award, proposals, acceptance and ratings joined as
// aggregates, and derives every needs figure from it (OverviewDirect; Overview
// sums the rollups, dashboard_rollups.go).
func dashNeedsDirect(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, names map[string]string) error {
	q, args := inStreet("n.street_id", f, `SELECT n.street_id, n.category, n.status, n.published_at, k.signed_at,
		ao.street_id, COALESCE(pc.n, 0), ac.need_id IS NOT NULL, COALESCE(rt.n, 0), COALESCE(rt.stars, 0)
		FROM needs n
		LEFT JOIN contracts k ON k.need_id = n.id
		LEFT JOIN awards aw ON aw.need_id = n.id
		LEFT JOIN organizations ao ON ao.id = aw.org_id
		LEFT JOIN (SELECT need_id, COUNT(*) AS n FROM proposals WHERE status <> 'withdrawn' GROUP BY need_id) pc ON pc.need_id = n.id
		LEFT JOIN acceptances ac ON ac.need_id = n.id
		LEFT JOIN (SELECT need_id, COUNT(*) AS n, SUM(stars) AS stars FROM ratings GROUP BY need_id) rt ON rt.need_id = n.id
		WHERE 1 = 1`, nil)
	q, args = period("n.created_at", f, q, args)
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cat, status := map[string]int{}, map[string]int{}
	var all []float64
	per := map[string]*dashboard.StreetMatch{}
	spans := map[string][]float64{}
	stars := 0
	for rows.Next() {
		var st, ca, stt string
		var pub, signed sql.NullTime
		var awardStreet sql.NullString
		var props, nRatings, sumStars int
		var accepted bool
		if err := rows.Scan(&st, &ca, &stt, &pub, &signed, &awardStreet, &props, &accepted, &nRatings, &sumStars); err != nil {
			return err
		}
		o.Needs++
		cat[ca]++
		status[stt]++
		if accepted {
			o.Acceptances++
		}
		o.Ratings += nRatings
		stars += sumStars
		if awardStreet.Valid {
			o.Awards++
			if awardStreet.String == st {
				o.AwardsOwnStreet++
			}
		}
		if !tendered(pub, signed) {
			continue // never put out to tender: no matching to measure
		}
		m := per[st]
		if m == nil {
			m = &dashboard.StreetMatch{StreetID: st, StreetName: names[st]}
			per[st] = m
		}
		m.Published++
		m.Proposals += props
		if props == 0 {
			m.NoProposal++
		}
		if signed.Valid {
			m.Contracted++
			if pub.Valid {
				h := signed.Time.Sub(pub.Time).Hours()
				all = append(all, h)
				spans[st] = append(spans[st], h)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	o.NeedsByCategory = dashboard.Tally(cat)
	o.NeedsByStatus = dashboard.Tally(status)
	o.MedianHoursToContract = dashboard.Median(all)
	if o.Ratings > 0 {
		o.AvgSatisfaction = float64(stars) / float64(o.Ratings)
	}
	for st, m := range per {
		m.MedianH = dashboard.Median(spans[st])
		o.Streets = append(o.Streets, *m)
	}
	dashboard.SortStreets(o.Streets)
	return nil
}

// tendered reports whether a need counts in the streets' matching table:
// published on the platform, or contracted without a publication date (a
// past project imported from the old system, tendered elsewhere), which
// counts as published and contracted but has no time to contract.
func tendered(published, signed sql.NullTime) bool { return published.Valid || signed.Valid }

// dashPointsDirect: issued is the pool's postings to residents and organizations,
// redeemed a resident's postings to a merchant; a street filter applies to
// the resident's or organization's account (OverviewDirect; Overview sums the
// rollups, dashboard_rollups.go).
func dashPointsDirect(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	q, args := period("p.created_at", f, `SELECT fa.kind, ta.kind, fa.street_id, ta.street_id, SUM(p.amount)
		FROM points_postings p JOIN points_accounts fa ON fa.id = p.from_id JOIN points_accounts ta ON ta.id = p.to_id
		WHERE ((fa.kind = 'pool' AND ta.kind IN ('resident', 'organization')) OR (fa.kind = 'resident' AND ta.kind = 'merchant'))`, nil)
	rows, err := c.query(ctx, q+` GROUP BY fa.kind, ta.kind, fa.street_id, ta.street_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var fk, tk, fs, ts string
		var sum int64
		if err := rows.Scan(&fk, &tk, &fs, &ts, &sum); err != nil {
			return err
		}
		if fk == "pool" {
			if f.StreetID == "" || ts == f.StreetID {
				o.PointsIssued += sum
			}
		} else if f.StreetID == "" || fs == f.StreetID {
			o.PointsRedeemed += sum
		}
	}
	return rows.Err()
}

// dashActivities: activities that took place in the period (published or
// finished, already ended) and the volunteer minutes confirmed for them.
func dashActivities(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	q, args := `SELECT COUNT(DISTINCT a.id), COALESCE(SUM(s.confirmed_minutes), 0)
		FROM activities a LEFT JOIN activity_signups s ON s.activity_id = a.id
		WHERE a.status IN ('published', 'finished') AND a.ends_at <= ?`, []any{c.now}
	q, args = inStreet("a.street_id", f, q, args)
	q, args = period("a.starts_at", f, q, args)
	var minutes int64
	if err := c.row(ctx, q, args...).Scan(&o.ActivitiesHeld, &minutes); err != nil {
		return err
	}
	o.VolunteerHours = float64(minutes) / 60
	return nil
}

// dashOthers: incubation stages (as they stand), training attendance in the
// period and action items overdue now, in one statement of subqueries.
func dashOthers(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	inc, incArgs := inStreet("o.street_id", f, `SELECT COUNT(CASE WHEN i.stage = 'incubating' THEN 1 END),
		COUNT(CASE WHEN i.stage = 'graduated' THEN 1 END)
		FROM incubations i JOIN organizations o ON o.id = i.org_id WHERE 1 = 1`, nil)
	if err := c.row(ctx, inc, incArgs...).Scan(&o.Incubating, &o.Graduated); err != nil {
		return err
	}
	tr, trArgs := inStreet("o.street_id", f, `SELECT COUNT(*) FROM enrollments e
		JOIN course_sessions cs ON cs.id = e.session_id JOIN organizations o ON o.id = e.org_id
		WHERE e.status = 'present'`, nil)
	tr, trArgs = period("cs.start_at", f, tr, trArgs)
	if err := c.row(ctx, tr, trArgs...).Scan(&o.TrainingPresent); err != nil {
		return err
	}
	// Overdue as coordination.Action.Overdue: live, its due day over. A
	// street's items are those owned in the street (the street, its
	// communities and organizations) and those of the meetings it called,
	// as its staff's 督办总览 lists them (store.supervises).
	od, odArgs := `SELECT COUNT(*) FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id
		WHERE a.status IN ('open', 'in_progress') AND a.due <= ?`, []any{c.now.AddDate(0, 0, -1)}
	if f.StreetID != "" {
		od += ` AND (a.owner_street_id = ? OR m.street_id = ?)`
		odArgs = append(odArgs, f.StreetID, f.StreetID)
	}
	return c.row(ctx, od, odArgs...).Scan(&o.OverdueActions)
}

// dashMoneyDirect: money by funding route (资金渠道) in the period, in one
// statement: contracts signed (government purchase) by the need's street,
// and grant awards posted by the organization's street, split by the
// round's route (OverviewDirect; Overview sums the contracts' rollups).
func dashMoneyDirect(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	pr, args := inStreet("n.street_id", f, `SELECT COALESCE(SUM(k.amount_fen), 0) FROM contracts k
		JOIN needs n ON n.id = k.need_id WHERE 1 = 1`, nil)
	pr, args = period("k.signed_at", f, pr, args)
	q := `SELECT (` + pr + `), ` + dashGrantsSQL(f, &args)
	return c.row(ctx, q, args...).Scan(&o.MoneyProcurement, &o.MoneyGrant, &o.MoneyMatch)
}

// dashGrantsSQL is the grant awards of the period by route, two columns
// for a SELECT; their arguments go after args.
func dashGrantsSQL(f DashboardFilter, args *[]any) string {
	grant := func(route string) string {
		q, a := inStreet("og.street_id", f, `SELECT COALESCE(SUM(p.amount), 0) FROM grant_postings p
			JOIN grant_applications a ON a.id = p.ref_id JOIN grant_rounds r ON r.id = a.round_id
			JOIN organizations og ON og.id = a.org_id WHERE p.kind = 'award' AND r.route = '`+route+`'`, nil)
		q, a = period("p.created_at", f, q, a)
		*args = append(*args, a...)
		return q
	}
	return `(` + grant("foundation_grant") + `), (` + grant("micro_venture") + `)`
}

// dashVisits: page views of the resident portal and the sum of its daily
// unique visitors in the period, in one statement. Visits are counted for
// the whole district (a visitor has no street), whatever the street filter.
func dashVisits(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	from, to := "0000-00-00", "9999-99-99"
	loc := dashboard.Zone()
	if !f.From.IsZero() {
		from = f.From.In(loc).Format("2006-01-02")
	}
	if !f.To.IsZero() {
		to = f.To.In(loc).Format("2006-01-02")
	}
	return c.row(ctx, `SELECT (SELECT COALESCE(SUM(views), 0) FROM portal_visits WHERE day >= ? AND day < ?),
		(SELECT COUNT(*) FROM portal_visitors WHERE day >= ? AND day < ?)`, from, to, from, to).
		Scan(&o.PortalViews, &o.PortalVisitors)
}
