package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/dashboard"
)

// The dashboard at a city's scale (issue #11). The filter's bounds are
// Asia/Shanghai day boundaries, so the needs and points figures are sums of
// per-day, per-street cells (migration 0023):
//
//   - dash_point_days: points postings are append-only and dated when
//     written; a day closed for an hour (commit lag) never changes, so the
//     job rolls it once, with no trigger on the ledger.
//   - dash_need_days: a need's figures hang on the day it was created but
//     change for weeks (proposals, award, contract, acceptance, ratings).
//     Triggers mark the need's cell in dash_dirty in the same transaction as
//     any such change; Overview reads dirty cells live, the job recomputes
//     them and clears the mark if nobody marked it again meanwhile.
//
//   - dash_money_days: contracts' money by the day signed and the need's
//     street, marked dirty like the needs (kind 'm').
//   - dash_point_hours: today's points by the hour, rolled a quarter of an
//     hour after each hour, deleted when the day is rolled.
//   - Month cells (grain 'm') beside the needs' day cells: a month wholly in
//     the period is one row per street unless a day of it is dirty.
//
// Everything from the watermark (dash_rollup_state.through) on, and the
// parts of a day a filter cuts, is read live through the created_at
// indexes. The medians stay exact: a cell keeps its publication-to-contract
// times in nanoseconds with their counts. The register's breakdowns come
// from dash_org_tallies (triggers; dashOrganizations).

// dashRollLag is how long a day must have been over before the job rolls
// its points postings: a posting is dated at its transaction's start, so one
// committed late could otherwise land in a rolled day.
const dashRollLag = time.Hour

// dashRollDays is how many days one step of the job rolls.
const dashRollDays = 7

// dashDirtyBatch is how many dirty cells one transaction recomputes.
const dashDirtyBatch = 50

const dayLayout = "2006-01-02"

// dashDay is t's Asia/Shanghai date.
func dashDay(t time.Time) string { return t.In(dashboard.Zone()).Format(dayLayout) }

// dashDayStart is the first instant (UTC) of the Asia/Shanghai day.
func dashDayStart(day string) time.Time {
	t, err := time.ParseInLocation(dayLayout, day, dashboard.Zone())
	if err != nil {
		panic("store: bad rollup day " + day)
	}
	return t.UTC()
}

// dashNextDay is the day after day.
func dashNextDay(day string) string { return dashDay(dashDayStart(day).Add(36 * time.Hour)) }

// dashFloorDay is the start of t's day; dashCeilDay the first day start at
// or after t.
func dashFloorDay(t time.Time) time.Time { return dashDayStart(dashDay(t)) }

func dashCeilDay(t time.Time) time.Time {
	if d := dashFloorDay(t); d.Equal(t) {
		return d
	} else {
		return dashDayStart(dashNextDay(dashDay(t)))
	}
}

// dashCell is the needs figures of a set of needs of one street: a rollup
// cell, or what a live read adds to a street.
type dashCell struct {
	needs, published, proposals, noProposal, contracted int64
	awards, awardsOwn, acceptances, ratings, stars      int64
	cats, statuses                                      map[string]int64
	spans                                               map[int64]int64 // nanoseconds publication → contract: count
}

func newDashCell() *dashCell {
	return &dashCell{cats: map[string]int64{}, statuses: map[string]int64{}, spans: map[int64]int64{}}
}

// dashNeedRow is one need with what hangs on it, as dashNeedSelect reads it.
type dashNeedRow struct {
	street, category, status string
	published, signed        sql.NullTime
	awardStreet              sql.NullString
	proposals, ratings       int64
	stars                    int64
	accepted                 bool
	created                  time.Time
}

// add counts one need, as dashNeedsDirect does.
func (c *dashCell) add(r *dashNeedRow) {
	c.needs++
	c.cats[r.category]++
	c.statuses[r.status]++
	if r.accepted {
		c.acceptances++
	}
	c.ratings += r.ratings
	c.stars += r.stars
	if r.awardStreet.Valid {
		c.awards++
		if r.awardStreet.String == r.street {
			c.awardsOwn++
		}
	}
	if !tendered(r.published, r.signed) {
		return
	}
	c.published++
	c.proposals += r.proposals
	if r.proposals == 0 {
		c.noProposal++
	}
	if r.signed.Valid {
		c.contracted++
		if r.published.Valid {
			c.spans[int64(r.signed.Time.Sub(r.published.Time))]++
		}
	}
}

// merge adds cell x to c.
func (c *dashCell) merge(x *dashCell) {
	c.needs += x.needs
	c.published += x.published
	c.proposals += x.proposals
	c.noProposal += x.noProposal
	c.contracted += x.contracted
	c.awards += x.awards
	c.awardsOwn += x.awardsOwn
	c.acceptances += x.acceptances
	c.ratings += x.ratings
	c.stars += x.stars
	for k, n := range x.cats {
		c.cats[k] += n
	}
	for k, n := range x.statuses {
		c.statuses[k] += n
	}
	for k, n := range x.spans {
		c.spans[k] += n
	}
}

// encodeCounts writes counts by key as "key:n;key:n", keys in order and
// escaped.
func encodeCounts[K string | int64](m map[K]int64) string {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(';')
		}
		switch k := any(k).(type) {
		case string:
			b.WriteString(url.QueryEscape(k))
		case int64:
			b.WriteString(strconv.FormatInt(k, 10))
		}
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(m[k], 10))
	}
	return b.String()
}

// decodeCounts adds what encodeCounts wrote to m.
func decodeCounts[K string | int64](s string, m map[K]int64) error {
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, ";")
		k, v, ok := strings.Cut(item, ":")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			return errors.New("store: bad dashboard rollup counts " + strconv.Quote(item))
		}
		var key K
		switch p := any(&key).(type) {
		case *string:
			if strings.ContainsAny(k, "%+") {
				if k, err = url.QueryUnescape(k); err != nil {
					return err
				}
			}
			*p = k
		case *int64:
			if *p, err = strconv.ParseInt(k, 10, 64); err != nil {
				return err
			}
		}
		m[key] += n
	}
	return nil
}

// weightedMedian is dashboard.Median over the spans, each counted as often
// as it occurs, in hours: the same arithmetic on the same values.
func weightedMedian(spans map[int64]int64) float64 {
	var n int64
	keys := make([]int64, 0, len(spans))
	for k, c := range spans {
		if c > 0 {
			keys = append(keys, k)
			n += c
		}
	}
	if n == 0 {
		return -1
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	at := func(i int64) float64 { // the i-th smallest, from 0
		for _, k := range keys {
			if i < spans[k] {
				return time.Duration(k).Hours()
			}
			i -= spans[k]
		}
		panic("unreachable")
	}
	if n%2 == 1 {
		return at(n / 2)
	}
	return (at(n/2-1) + at(n/2)) / 2
}

// dashNeedColumns are a need's figures: what dashNeedsDirect reads, with
// per-need subqueries instead of whole-table aggregates (a live read of a
// day's needs must not count every proposal of the city), and its creation.
const dashNeedColumns = `SELECT n.street_id, n.category, n.status, n.published_at, k.signed_at, ao.street_id,
	(SELECT COUNT(*) FROM proposals p WHERE p.need_id = n.id AND p.status <> 'withdrawn'),
	ac.need_id IS NOT NULL,
	(SELECT COUNT(*) FROM ratings r WHERE r.need_id = n.id),
	(SELECT COALESCE(SUM(r.stars), 0) FROM ratings r WHERE r.need_id = n.id),
	n.created_at`

const dashNeedJoins = `
	LEFT JOIN contracts k ON k.need_id = n.id
	LEFT JOIN awards aw ON aw.need_id = n.id
	LEFT JOIN organizations ao ON ao.id = aw.org_id
	LEFT JOIN acceptances ac ON ac.need_id = n.id`

// scanNeeds runs a need query and hands each row to fn.
func scanNeeds(ctx context.Context, c conn, q string, args []any, fn func(*dashNeedRow)) error {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r dashNeedRow
	for rows.Next() {
		r = dashNeedRow{}
		if err := rows.Scan(&r.street, &r.category, &r.status, &r.published, &r.signed, &r.awardStreet,
			&r.proposals, &r.accepted, &r.ratings, &r.stars, &r.created); err != nil {
			return err
		}
		fn(&r)
	}
	return rows.Err()
}

// dashPlan splits a filter's period into the whole days read from the
// rollups, [dayA, dayB), and the time ranges read live.
type dashPlan struct {
	rolled     bool
	dayA, dayB string
	live       []dashRange
}

// dashRange is [from, to); a zero bound is open.
type dashRange struct{ from, to time.Time }

// planDash plans f against the watermark through ("": nothing rolled).
func planDash(f DashboardFilter, through string) dashPlan {
	whole := dashPlan{live: []dashRange{{f.From, f.To}}}
	if through == "" {
		return whole
	}
	w := dashDayStart(through)
	b := w
	if !f.To.IsZero() && dashFloorDay(f.To).Before(w) {
		b = dashFloorDay(f.To)
	}
	p := dashPlan{rolled: true, dayA: "0000-00-00", dayB: dashDay(b)}
	if !f.From.IsZero() {
		a := dashCeilDay(f.From)
		if !a.Before(b) {
			return whole
		}
		p.dayA = dashDay(a)
		if f.From.Before(a) {
			p.live = append(p.live, dashRange{f.From, a})
		}
	}
	if f.To.IsZero() || b.Before(f.To) {
		p.live = append(p.live, dashRange{b, f.To})
	}
	return p
}

// where is the SQL condition that col lies in one of the live ranges.
func (p dashPlan) where(col string) (string, []any) {
	if len(p.live) == 0 {
		return "1 = 0", nil
	}
	var parts []string
	var args []any
	for _, r := range p.live {
		var cs []string
		if !r.from.IsZero() {
			cs = append(cs, col+" >= ?")
			args = append(args, r.from.UTC())
		}
		if !r.to.IsZero() {
			cs = append(cs, col+" < ?")
			args = append(args, r.to.UTC())
		}
		if len(cs) == 0 {
			return "1 = 1", nil
		}
		parts = append(parts, "("+strings.Join(cs, " AND ")+")")
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// dashThrough reads the watermark.
func dashThrough(ctx context.Context, c conn) (string, error) {
	var through string
	err := c.row(ctx, `SELECT through FROM dash_rollup_state WHERE id = 1`).Scan(&through)
	return through, err
}

// dashNeeds sums the rolled cells of the period that are not marked dirty,
// and adds the needs of the live ranges and of the dirty cells read from
// the tables: the same figures as dashNeedsDirect.
func dashNeeds(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, names map[string]string) error {
	through, err := dashThrough(ctx, c)
	if err != nil {
		return err
	}
	p := planDash(f, through)
	per := map[string]*dashCell{}
	cell := func(st string) *dashCell {
		x := per[st]
		if x == nil {
			x = newDashCell()
			per[st] = x
		}
		return x
	}
	if p.rolled {
		// Whole months [monthA, monthB) from the month cells, unless a day
		// of that month and street is dirty; the other days from the day
		// cells that are not dirty.
		monthA, monthB := dashMonths(p.dayA, p.dayB)
		const cols = `SELECT r.street_id, r.needs, r.published, r.proposals, r.no_proposal, r.contracted, r.awards,
			r.awards_own, r.acceptances, r.ratings, r.stars, r.categories, r.statuses, r.spans`
		const dayClean = ` AND NOT EXISTS (SELECT 1 FROM dash_dirty d WHERE d.kind = 'n' AND d.day = r.day AND d.street_id = r.street_id)`
		// Three parts, each reading only its rows (day rows are wide: a
		// scan of six years' of them is megabytes): the months, the days
		// at the edges, and the days of months with a dirty day.
		months, args := inStreet("r.street_id", f, cols+` FROM dash_need_days r
			WHERE r.grain = 'm' AND r.day >= ? AND r.day < ? AND NOT `+dashMonthDirty, []any{monthA, monthB})
		edges, args := inStreet("r.street_id", f, cols+` FROM dash_need_days r
			WHERE r.grain = 'd' AND ((r.day >= ? AND r.day < ?) OR (r.day >= ? AND r.day < ?))`+dayClean,
			append(args, p.dayA, min(monthA, p.dayB), max(monthB, p.dayA), p.dayB))
		broken, args := inStreet("dm.street_id", f, cols+` FROM (SELECT DISTINCT street_id, substr(day, 1, 7) AS m
			FROM dash_dirty WHERE kind = 'n' AND day >= ? AND day < ?) dm
			JOIN dash_need_days r ON r.grain = 'd' AND r.street_id = dm.street_id AND r.day >= dm.m || '-01'
				AND r.day < dm.m || '-99'
			WHERE 1 = 1`+dayClean, append(args, monthA, monthB))
		q := months + ` UNION ALL ` + edges + ` UNION ALL ` + broken
		rows, err := c.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var st, cats, statuses, spans string
		var n [10]int64
		for rows.Next() {
			if err := rows.Scan(&st, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9],
				&cats, &statuses, &spans); err != nil {
				return err
			}
			// Straight into the street's cell: no cell per row.
			x := cell(st)
			for i, p := range []*int64{&x.needs, &x.published, &x.proposals, &x.noProposal, &x.contracted, &x.awards,
				&x.awardsOwn, &x.acceptances, &x.ratings, &x.stars} {
				*p += n[i]
			}
			if err := decodeCounts(cats, x.cats); err != nil {
				return err
			}
			if err := decodeCounts(statuses, x.statuses); err != nil {
				return err
			}
			if err := decodeCounts(spans, x.spans); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
	}
	cond, args := p.where("n.created_at")
	q, args := inStreet("n.street_id", f, dashNeedColumns+` FROM needs n`+dashNeedJoins+` WHERE `+cond, args)
	if p.rolled {
		var dirty string
		dirty, args = inStreet("d.street_id", f, ` UNION ALL `+dashNeedColumns+` FROM dash_dirty d
			JOIN needs n ON n.street_id = d.street_id AND n.created_at >= d.from_at AND n.created_at < d.to_at`+
			dashNeedJoins+` WHERE d.kind = 'n' AND d.day >= ? AND d.day < ?`, append(args, p.dayA, p.dayB))
		q += dirty
	}
	if err := scanNeeds(ctx, c, q, args, func(r *dashNeedRow) { cell(r.street).add(r) }); err != nil {
		return err
	}

	all := newDashCell()
	for st, x := range per {
		all.merge(x)
		if x.published == 0 {
			continue // nothing put out to tender: no matching to measure
		}
		o.Streets = append(o.Streets, dashboard.StreetMatch{StreetID: st, StreetName: names[st],
			Published: int(x.published), Contracted: int(x.contracted), Proposals: int(x.proposals),
			NoProposal: int(x.noProposal), MedianH: weightedMedian(x.spans)})
	}
	o.Needs, o.Acceptances, o.Ratings = int(all.needs), int(all.acceptances), int(all.ratings)
	o.Awards, o.AwardsOwnStreet = int(all.awards), int(all.awardsOwn)
	o.NeedsByCategory = dashboard.Tally(intCounts(all.cats))
	o.NeedsByStatus = dashboard.Tally(intCounts(all.statuses))
	o.MedianHoursToContract = weightedMedian(all.spans)
	if o.Ratings > 0 {
		o.AvgSatisfaction = float64(all.stars) / float64(o.Ratings)
	}
	dashboard.SortStreets(o.Streets)
	return nil
}

func intCounts(m map[string]int64) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		out[k] = int(n)
	}
	return out
}

// dashPointsSelect is the postings of some period by kind of account and
// street, as dashPointsDirect reads them.
const dashPointsSelect = `SELECT fa.kind, ta.kind, fa.street_id, ta.street_id, SUM(p.amount)
	FROM points_postings p JOIN points_accounts fa ON fa.id = p.from_id JOIN points_accounts ta ON ta.id = p.to_id
	WHERE ((fa.kind = 'pool' AND ta.kind IN ('resident', 'organization')) OR (fa.kind = 'resident' AND ta.kind = 'merchant'))`

const dashPointsGroup = ` GROUP BY fa.kind, ta.kind, fa.street_id, ta.street_id`

// scanPoints adds what dashPointsSelect read to issued and redeemed by
// street.
func scanPoints(rows *sql.Rows, issued, redeemed map[string]int64) error {
	defer rows.Close()
	for rows.Next() {
		var fk, tk, fs, ts string
		var sum int64
		if err := rows.Scan(&fk, &tk, &fs, &ts, &sum); err != nil {
			return err
		}
		if fk == "pool" {
			issued[ts] += sum
		} else {
			redeemed[fs] += sum
		}
	}
	return rows.Err()
}

// dashPoints sums the rolled days of the period and reads the rest live.
func dashPoints(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	var through, hours string
	if err := c.row(ctx, `SELECT through, hours_through FROM dash_rollup_state WHERE id = 1`).Scan(&through, &hours); err != nil {
		return err
	}
	p := planDash(f, through)
	// The tail from the watermark on: its whole hours rolled since come
	// from dash_point_hours when the range covers them.
	hourA, hourB := "", ""
	if through != "" && hours > through+" 00" {
		w, hw := dashDayStart(through), dashHourStart(hours)
		for i, r := range p.live {
			if r.from.Equal(w) && (r.to.IsZero() || !r.to.Before(hw)) {
				hourA, hourB = through+" 00", hours
				p.live[i].from = hw
			}
		}
	}
	if p.rolled {
		q, args := inStreet("street_id", f, `SELECT COALESCE(SUM(issued), 0), COALESCE(SUM(redeemed), 0)
			FROM dash_point_days WHERE day >= ? AND day < ?`, []any{p.dayA, p.dayB})
		if err := c.row(ctx, q, args...).Scan(&o.PointsIssued, &o.PointsRedeemed); err != nil {
			return err
		}
	}
	var hi, hr int64
	q, args := inStreet("street_id", f, `SELECT COALESCE(SUM(issued), 0), COALESCE(SUM(redeemed), 0)
		FROM dash_point_hours WHERE hour >= ? AND hour < ?`, []any{hourA, hourB})
	if err := c.row(ctx, q, args...).Scan(&hi, &hr); err != nil {
		return err
	}
	o.PointsIssued += hi
	o.PointsRedeemed += hr
	cond, args := p.where("p.created_at")
	rows, err := c.query(ctx, dashPointsSelect+` AND `+cond+dashPointsGroup, args...)
	if err != nil {
		return err
	}
	issued, redeemed := map[string]int64{}, map[string]int64{}
	if err := scanPoints(rows, issued, redeemed); err != nil {
		return err
	}
	for st, n := range issued {
		if f.StreetID == "" || st == f.StreetID {
			o.PointsIssued += n
		}
	}
	for st, n := range redeemed {
		if f.StreetID == "" || st == f.StreetID {
			o.PointsRedeemed += n
		}
	}
	return nil
}

const hourLayout = "2006-01-02 15"

// dashHour is t's Asia/Shanghai hour; dashHourStart its first instant (UTC).
func dashHour(t time.Time) string { return t.In(dashboard.Zone()).Format(hourLayout) }

func dashHourStart(hour string) time.Time {
	t, err := time.ParseInLocation(hourLayout, hour, dashboard.Zone())
	if err != nil {
		panic("store: bad rollup hour " + hour)
	}
	return t.UTC()
}

// dashHourLag is how long after an hour ended the job rolls its postings.
const dashHourLag = 15 * time.Minute

// rollHours rolls the points of today's hours that ended dashHourLag ago,
// from the watermark on, and returns how many.
func (s *Store) rollHours(ctx context.Context) (int, error) {
	c := s.dashPrimary()
	var through, hours string
	if err := c.row(ctx, `SELECT through, hours_through FROM dash_rollup_state WHERE id = 1`).Scan(&through, &hours); err != nil {
		return 0, err
	}
	target := dashHour(s.Now().Add(-dashHourLag))
	start := hours
	if through == "" {
		return 0, nil
	}
	if start < through+" 00" {
		start = through + " 00"
	}
	if start >= target {
		return 0, nil
	}
	type pointCell struct{ issued, redeemed int64 }
	cells := map[[2]string]*pointCell{}
	n := 0
	for h := dashHourStart(start); h.Before(dashHourStart(target)); h = h.Add(time.Hour) {
		n++
		rows, err := c.query(ctx, dashPointsSelect+` AND p.created_at >= ? AND p.created_at < ?`+dashPointsGroup, h, h.Add(time.Hour))
		if err != nil {
			return 0, err
		}
		issued, redeemed := map[string]int64{}, map[string]int64{}
		if err := scanPoints(rows, issued, redeemed); err != nil {
			return 0, err
		}
		hour := dashHour(h)
		for st, v := range issued {
			k := [2]string{hour, st}
			if cells[k] == nil {
				cells[k] = &pointCell{}
			}
			cells[k].issued += v
		}
		for st, v := range redeemed {
			k := [2]string{hour, st}
			if cells[k] == nil {
				cells[k] = &pointCell{}
			}
			cells[k].redeemed += v
		}
	}
	err := s.tx(ctx, func(c conn) error {
		now, err := lockDashState(ctx, c)
		if err != nil {
			return err
		}
		var nowHours string
		if err := c.row(ctx, `SELECT hours_through FROM dash_rollup_state WHERE id = 1`).Scan(&nowHours); err != nil {
			return err
		}
		if now != through || nowHours != hours {
			return errDashMoved
		}
		if _, err := c.exec(ctx, `DELETE FROM dash_point_hours WHERE hour >= ? AND hour < ?`, start, target); err != nil {
			return err
		}
		for k, p := range cells {
			if _, err := c.exec(ctx, `INSERT INTO dash_point_hours (hour, street_id, issued, redeemed) VALUES (?, ?, ?, ?)`,
				k[0], k[1], p.issued, p.redeemed); err != nil {
				return err
			}
		}
		_, err = c.exec(ctx, `UPDATE dash_rollup_state SET hours_through = ? WHERE id = 1`, target)
		return err
	})
	if errors.Is(err, errDashMoved) {
		return 0, nil
	}
	return n, err
}

// ---- The job ----

// DashboardRollup is what one run of RollupDashboard did.
type DashboardRollup struct {
	Days    int    // days rolled
	Hours   int    // hours of today's points rolled
	Cells   int    // dirty cells recomputed
	Through string // the watermark after the run
}

// RollupDashboard brings the dashboard's rollups up to date: it rolls the
// days from the watermark to yesterday (an hour after midnight, for commit
// lag), a week per transaction, then recomputes the cells marked dirty. It
// is idempotent and safe beside a second run (each transaction checks the
// watermark it started from); the leader runs it every minute, `huitian
// gen` after loading.
func (s *Store) RollupDashboard(ctx context.Context) (DashboardRollup, error) {
	var r DashboardRollup
	target := dashDay(s.Now().Add(-dashRollLag))
	for {
		through, err := dashThrough(ctx, s.dashPrimary())
		if err != nil {
			return r, s.translate(err)
		}
		r.Through = through
		if through != "" && through >= target {
			break
		}
		from := through
		if from == "" {
			if from, err = s.dashFirstDay(ctx, target); err != nil {
				return r, s.translate(err)
			}
		}
		to := from
		for range dashRollDays {
			if to >= target {
				break
			}
			to = dashNextDay(to)
		}
		if err := s.rollDays(ctx, through, from, to); err != nil {
			return r, err
		}
		r.Days += dayCount(from, to)
		if err := ctx.Err(); err != nil {
			return r, err
		}
	}
	n, err := s.rollHours(ctx)
	r.Hours = n
	if err != nil {
		return r, s.translate(err)
	}
	for {
		n, err := s.recomputeDirty(ctx)
		r.Cells += n
		if err != nil || n < dashDirtyBatch {
			return r, err
		}
	}
}

func dayCount(from, to string) int {
	return int(dashDayStart(to).Sub(dashDayStart(from)).Round(24*time.Hour) / (24 * time.Hour))
}

// dashFirstDay is the day of the oldest need or posting (target when there
// are none): where a rebuild starts.
func (s *Store) dashFirstDay(ctx context.Context, target string) (string, error) {
	first := target
	for _, t := range []string{"needs", "points_postings"} {
		var at time.Time
		err := s.dashPrimary().row(ctx, `SELECT created_at FROM `+t+` ORDER BY created_at LIMIT 1`).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", err
		}
		if d := dashDay(at); d < first {
			first = d
		}
	}
	return first, nil
}

// dashPrimary reads what the job computes from: the primary on PostgreSQL
// (a replica could lag behind a mark it has cleared), the read pool on
// SQLite (not to hold the one writer).
func (s *Store) dashPrimary() conn {
	if s.dialect == Postgres {
		return conn{q: s.db, d: s.dialect, now: s.Now().Truncate(time.Microsecond)}
	}
	return conn{q: s.rdb, d: s.dialect, now: s.Now().Truncate(time.Microsecond)}
}

// lockDashState takes the rollup state's row for the transaction (rolls,
// recomputations and rebuilds run one after the other) and returns the
// watermark.
func lockDashState(ctx context.Context, c conn) (string, error) {
	if _, err := c.exec(ctx, `UPDATE dash_rollup_state SET through = through WHERE id = 1`); err != nil {
		return "", err
	}
	return dashThrough(ctx, c)
}

// errDashMoved: another run moved the watermark first; this one stops.
var errDashMoved = errors.New("store: dashboard watermark moved")

// rollDays computes the days [from, to) and writes them, moving the
// watermark from through to to. The needs are read outside the writing
// transaction: a need changed meanwhile is marked dirty by the triggers and
// recomputed later.
func (s *Store) rollDays(ctx context.Context, through, from, to string) error {
	c := s.dashPrimary()
	cells, err := dashComputeNeeds(ctx, c, from, to, nil)
	if err != nil {
		return s.translate(err)
	}
	money, err := dashComputeMoney(ctx, c, from, to, nil)
	if err != nil {
		return s.translate(err)
	}
	type pointCell struct{ issued, redeemed int64 }
	points := map[[2]string]*pointCell{}
	for day := from; day < to; day = dashNextDay(day) {
		rows, err := c.query(ctx, dashPointsSelect+` AND p.created_at >= ? AND p.created_at < ?`+dashPointsGroup,
			dashDayStart(day), dashDayStart(dashNextDay(day)))
		if err != nil {
			return s.translate(err)
		}
		issued, redeemed := map[string]int64{}, map[string]int64{}
		if err := scanPoints(rows, issued, redeemed); err != nil {
			return s.translate(err)
		}
		for st, n := range issued {
			k := [2]string{day, st}
			if points[k] == nil {
				points[k] = &pointCell{}
			}
			points[k].issued += n
		}
		for st, n := range redeemed {
			k := [2]string{day, st}
			if points[k] == nil {
				points[k] = &pointCell{}
			}
			points[k].redeemed += n
		}
	}
	err = s.tx(ctx, func(c conn) error {
		now, err := lockDashState(ctx, c)
		if err != nil {
			return err
		}
		if now != through {
			return errDashMoved
		}
		for _, t := range []string{"dash_need_days WHERE grain = 'd' AND", "dash_point_days WHERE", "dash_money_days WHERE"} {
			if _, err := c.exec(ctx, `DELETE FROM `+t+` day >= ? AND day < ?`, from, to); err != nil {
				return err
			}
		}
		if err := insertNeedCells(ctx, c, "d", cells); err != nil {
			return err
		}
		months := map[string]map[string]bool{}
		for day := from; day < to; day = dashNextDay(day) {
			months[day[:8]+"01"] = nil // all streets
		}
		if err := rollMonths(ctx, c, months); err != nil {
			return err
		}
		if err := insertMoneyCells(ctx, c, money); err != nil {
			return err
		}
		var args []any
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := c.exec(ctx, `INSERT INTO dash_point_days (day, street_id, issued, redeemed) VALUES `+
				valuesList(n, "(?, ?, ?, ?)"), args...)
			args, n = args[:0], 0
			return err
		}
		for k, p := range points {
			args = append(args, k[0], k[1], p.issued, p.redeemed)
			if n++; n == 500 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM dash_point_hours WHERE hour < ?`, to+" 00"); err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE dash_rollup_state SET through = ? WHERE id = 1`, to)
		return err
	})
	if errors.Is(err, errDashMoved) {
		return nil // the loop rereads the watermark
	}
	return err
}

// dashMonthDirty is true when a day of rollup row r's month and street is
// marked dirty (the month's first day is r.day's first seven characters
// and "-01"; "-99" is after its last).
const dashMonthDirty = `EXISTS (SELECT 1 FROM dash_dirty d WHERE d.kind = 'n' AND d.street_id = r.street_id
	AND d.day >= substr(r.day, 1, 7) || '-01' AND d.day < substr(r.day, 1, 7) || '-99')`

// dashMonths is the whole months [monthA, monthB) within the days
// [dayA, dayB), as their first days; monthA = monthB when there are none.
func dashMonths(dayA, dayB string) (string, string) {
	monthA := dayA
	if dayA != "0000-00-00" && dayA[8:] != "01" {
		monthA = dashNextMonth(dayA[:8] + "01")
	}
	monthB := dayB[:8] + "01"
	if monthA >= monthB {
		return monthB, monthB
	}
	return monthA, monthB
}

// dashNextMonth is the first day of the month after month (a first day).
func dashNextMonth(month string) string {
	t, err := time.Parse(dayLayout, month)
	if err != nil {
		panic("store: bad rollup month " + month)
	}
	return t.AddDate(0, 1, 0).Format(dayLayout)
}

// rollMonths recomputes the month cells of months (first days) from their
// day cells: for every street, or the streets given.
func rollMonths(ctx context.Context, c conn, months map[string]map[string]bool) error {
	for month, streets := range months {
		next := dashNextMonth(month)
		rows, err := c.query(ctx, `SELECT street_id, needs, published, proposals, no_proposal, contracted, awards, awards_own,
			acceptances, ratings, stars, categories, statuses, spans FROM dash_need_days
			WHERE grain = 'd' AND day >= ? AND day < ?`, month, next)
		if err != nil {
			return err
		}
		cells := map[dashCellKey]*dashCell{}
		for rows.Next() {
			var st, cats, statuses, spans string
			var n [10]int64
			if err := rows.Scan(&st, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9],
				&cats, &statuses, &spans); err != nil {
				rows.Close()
				return err
			}
			if streets != nil && !streets[st] {
				continue
			}
			k := dashCellKey{month, st}
			x := cells[k]
			if x == nil {
				x = newDashCell()
				cells[k] = x
			}
			for i, p := range []*int64{&x.needs, &x.published, &x.proposals, &x.noProposal, &x.contracted, &x.awards,
				&x.awardsOwn, &x.acceptances, &x.ratings, &x.stars} {
				*p += n[i]
			}
			for _, d := range []error{decodeCounts(cats, x.cats), decodeCounts(statuses, x.statuses), decodeCounts(spans, x.spans)} {
				if d != nil {
					rows.Close()
					return d
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if streets == nil {
			if _, err := c.exec(ctx, `DELETE FROM dash_need_days WHERE grain = 'm' AND day = ?`, month); err != nil {
				return err
			}
		} else {
			for st := range streets {
				if _, err := c.exec(ctx, `DELETE FROM dash_need_days WHERE grain = 'm' AND day = ? AND street_id = ?`, month, st); err != nil {
					return err
				}
			}
		}
		if err := insertNeedCells(ctx, c, "m", cells); err != nil {
			return err
		}
	}
	return nil
}

// dashCellKey is a cell: a day and a street.
type dashCellKey struct{ day, street string }

// dashComputeNeeds computes the cells of the needs created on the days
// [from, to), all streets or only the cells in only.
func dashComputeNeeds(ctx context.Context, c conn, from, to string, only map[dashCellKey]bool) (map[dashCellKey]*dashCell, error) {
	cells := map[dashCellKey]*dashCell{}
	err := scanNeeds(ctx, c, dashNeedColumns+` FROM needs n`+dashNeedJoins+` WHERE n.created_at >= ? AND n.created_at < ?`,
		[]any{dashDayStart(from), dashDayStart(to)}, func(r *dashNeedRow) {
			k := dashCellKey{dashDay(r.created), r.street}
			if only != nil && !only[k] {
				return
			}
			x := cells[k]
			if x == nil {
				x = newDashCell()
				cells[k] = x
			}
			x.add(r)
		})
	return cells, err
}

// insertNeedCells writes cells (their rows deleted before).
func insertNeedCells(ctx context.Context, c conn, grain string, cells map[dashCellKey]*dashCell) error {
	const cols = 16
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := c.exec(ctx, `INSERT INTO dash_need_days (grain, day, street_id, needs, published, proposals, no_proposal,
			contracted, awards, awards_own, acceptances, ratings, stars, categories, statuses, spans) VALUES `+
			valuesList(n, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), args...)
		args, n = args[:0], 0
		return err
	}
	for k, x := range cells {
		args = append(args, grain, k.day, k.street, x.needs, x.published, x.proposals, x.noProposal, x.contracted, x.awards,
			x.awardsOwn, x.acceptances, x.ratings, x.stars, encodeCounts(x.cats), encodeCounts(x.statuses), encodeCounts(x.spans))
		if n++; n == 2000/cols {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// recomputeDirty recomputes up to dashDirtyBatch dirty cells before the
// watermark in one transaction and clears their marks, each only if it was
// not marked again meanwhile (v unchanged). It returns how many it did.
func (s *Store) recomputeDirty(ctx context.Context) (int, error) {
	done := 0
	err := s.tx(ctx, func(c conn) error {
		through, err := lockDashState(ctx, c)
		if err != nil || through == "" {
			return err
		}
		rows, err := c.query(ctx, `SELECT kind, day, street_id, v FROM dash_dirty WHERE day < ? ORDER BY day, kind, street_id LIMIT ?`,
			through, dashDirtyBatch)
		if err != nil {
			return err
		}
		type mark struct {
			kind string
			k    dashCellKey
		}
		marks := map[mark]int64{}
		days := map[string]map[string]map[dashCellKey]bool{} // kind → day → cells
		for rows.Next() {
			var m mark
			var v int64
			if err := rows.Scan(&m.kind, &m.k.day, &m.k.street, &v); err != nil {
				rows.Close()
				return err
			}
			marks[m] = v
			if days[m.kind] == nil {
				days[m.kind] = map[string]map[dashCellKey]bool{}
			}
			if days[m.kind][m.k.day] == nil {
				days[m.kind][m.k.day] = map[dashCellKey]bool{}
			}
			days[m.kind][m.k.day][m.k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for kind, byDay := range days {
			table := map[string]string{"n": "dash_need_days WHERE grain = 'd' AND", "m": "dash_money_days WHERE"}[kind]
			months := map[string]map[string]bool{}
			for day, only := range byDay {
				for k := range only {
					if _, err := c.exec(ctx, `DELETE FROM `+table+` day = ? AND street_id = ?`, k.day, k.street); err != nil {
						return err
					}
					m := k.day[:8] + "01"
					if months[m] == nil {
						months[m] = map[string]bool{}
					}
					months[m][k.street] = true
				}
				if kind == "n" {
					cells, err := dashComputeNeeds(ctx, c, day, dashNextDay(day), only)
					if err != nil {
						return err
					}
					err = insertNeedCells(ctx, c, "d", cells)
				} else {
					cells, err := dashComputeMoney(ctx, c, day, dashNextDay(day), only)
					if err != nil {
						return err
					}
					err = insertMoneyCells(ctx, c, cells)
				}
				if err != nil {
					return err
				}
			}
			if kind == "n" {
				if err := rollMonths(ctx, c, months); err != nil {
					return err
				}
			}
		}
		for m, v := range marks {
			if _, err := c.exec(ctx, `DELETE FROM dash_dirty WHERE kind = ? AND day = ? AND street_id = ? AND v = ?`,
				m.kind, m.k.day, m.k.street, v); err != nil {
				return err
			}
		}
		done = len(marks)
		return nil
	})
	return done, err
}

// dashComputeMoney sums the contracts signed on the days [from, to) by day
// and need's street, all streets or only the cells in only.
func dashComputeMoney(ctx context.Context, c conn, from, to string, only map[dashCellKey]bool) (map[dashCellKey]int64, error) {
	rows, err := c.query(ctx, `SELECT n.street_id, k.signed_at, k.amount_fen FROM contracts k JOIN needs n ON n.id = k.need_id
		WHERE k.signed_at >= ? AND k.signed_at < ?`, dashDayStart(from), dashDayStart(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cells := map[dashCellKey]int64{}
	for rows.Next() {
		var st string
		var at time.Time
		var amount int64
		if err := rows.Scan(&st, &at, &amount); err != nil {
			return nil, err
		}
		k := dashCellKey{dashDay(at), st}
		if only == nil || only[k] {
			cells[k] += amount
		}
	}
	return cells, rows.Err()
}

// insertMoneyCells writes money cells (their rows deleted before).
func insertMoneyCells(ctx context.Context, c conn, cells map[dashCellKey]int64) error {
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := c.exec(ctx, `INSERT INTO dash_money_days (day, street_id, procurement) VALUES `+valuesList(n, "(?, ?, ?)"), args...)
		args, n = args[:0], 0
		return err
	}
	for k, amount := range cells {
		args = append(args, k.day, k.street, amount)
		if n++; n == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// dashMoney: as dashMoneyDirect, the contracts' part summed from the
// rollups by day signed, dirty cells and the tail read live.
func dashMoney(ctx context.Context, c conn, f DashboardFilter, o *dashboard.Overview, _ map[string]string) error {
	through, err := dashThrough(ctx, c)
	if err != nil {
		return err
	}
	p := planDash(f, through)
	var args []any
	rolled, dirty := `SELECT 0`, `SELECT 0`
	if p.rolled {
		rolled, args = inStreet("r.street_id", f, `SELECT COALESCE(SUM(r.procurement), 0) FROM dash_money_days r
			WHERE r.day >= ? AND r.day < ?`, []any{p.dayA, p.dayB})
		rolled += ` AND NOT EXISTS (SELECT 1 FROM dash_dirty d WHERE d.kind = 'm' AND d.day = r.day AND d.street_id = r.street_id)`
		// The need's street by a per-contract subquery, not a join: a join
		// lets SQLite walk all of a street's needs instead of the
		// contracts of the days asked.
		dirty, args = inStreet("d.street_id", f, `SELECT COALESCE(SUM(k.amount_fen), 0) FROM dash_dirty d
			JOIN contracts k ON k.signed_at >= d.from_at AND k.signed_at < d.to_at
			WHERE d.kind = 'm' AND d.day >= ? AND d.day < ?
			AND (SELECT n.street_id FROM needs n WHERE n.id = k.need_id) = d.street_id`, append(args, p.dayA, p.dayB))
	}
	cond, cargs := p.where("k.signed_at")
	live, args := inStreet("(SELECT n.street_id FROM needs n WHERE n.id = k.need_id)", f,
		`SELECT COALESCE(SUM(k.amount_fen), 0) FROM contracts k WHERE `+cond, append(args, cargs...))
	var parts [3]int64
	grants := dashGrantsSQL(f, &args)
	if err := c.row(ctx, `SELECT (`+rolled+`), (`+dirty+`), (`+live+`), `+grants, args...).
		Scan(&parts[0], &parts[1], &parts[2], &o.MoneyGrant, &o.MoneyMatch); err != nil {
		return err
	}
	o.MoneyProcurement = parts[0] + parts[1] + parts[2]
	return nil
}

// RebuildDashboard forgets every rollup and dirty mark, then rolls every
// day again (after `huitian gen`, or `huitian dashboard rebuild`). Until it
// has caught up, Overview reads the days not rolled yet live.
func (s *Store) RebuildDashboard(ctx context.Context) (DashboardRollup, error) {
	err := s.tx(ctx, func(c conn) error {
		if _, err := lockDashState(ctx, c); err != nil {
			return err
		}
		for _, t := range []string{"dash_need_days", "dash_point_days", "dash_point_hours", "dash_money_days", "dash_dirty"} {
			if _, err := c.exec(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
		_, err := c.exec(ctx, `UPDATE dash_rollup_state SET through = '', hours_through = '' WHERE id = 1`)
		return err
	})
	if err != nil {
		return DashboardRollup{}, err
	}
	r, err := s.RollupDashboard(ctx)
	if err == nil && s.dialect == Postgres {
		// Fresh statistics at once (autovacuum would take its time): without
		// them the planner guesses the rollups huge, and parallel workers and
		// JIT cost more than the reads.
		_, err = s.db.ExecContext(ctx, `ANALYZE dash_need_days, dash_point_days, dash_money_days, dash_dirty`)
		err = s.translate(err)
	}
	return r, err
}
