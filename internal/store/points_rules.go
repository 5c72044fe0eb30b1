package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/text"
)

const ruleColumns = `id, name, kind, activity_type, points_per_hour, points, daily_cap, threshold, active, updated_at`

func scanRule(sc interface{ Scan(...any) error }) (*points.Rule, error) {
	r := &points.Rule{}
	var kind string
	err := sc.Scan(&r.ID, &r.Name, &kind, &r.ActivityType, &r.PointsPerHour, &r.Points, &r.DailyCap, &r.Threshold, &r.Active, &r.UpdatedAt)
	r.Kind, r.UpdatedAt = points.RuleKind(kind), r.UpdatedAt.UTC()
	return r, err
}

func findRules(ctx context.Context, c conn, activeOnly bool) ([]*points.Rule, error) {
	q := `SELECT ` + ruleColumns + ` FROM points_rules`
	if activeOnly {
		q += ` WHERE active`
	}
	rows, err := c.query(ctx, q+` ORDER BY created_at, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*points.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindRules lists the points rules (public), oldest first.
func (s *Store) FindRules(ctx context.Context, activeOnly bool) ([]*points.Rule, error) {
	rs, err := findRules(ctx, s.read(), activeOnly)
	return rs, s.translate(err)
}

// SaveRule creates a rule (empty ID) or replaces one; coordinators only.
func (s *Store) SaveRule(ctx context.Context, r *points.Rule) error {
	action := accounts.Create
	if r.ID != "" {
		action = accounts.Update
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), action, r.Resource()); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		r.UpdatedAt = c.now
		if r.ID == "" {
			r.ID = newID()
			if _, err := c.exec(ctx, `INSERT INTO points_rules (id, name, kind, activity_type, points_per_hour, points, daily_cap,
				threshold, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Name, string(r.Kind),
				r.ActivityType, r.PointsPerHour, r.Points, r.DailyCap, r.Threshold, r.Active, c.now, c.now); err != nil {
				return err
			}
			return record(ctx, c, "points_rule.create", r.Resource(), r)
		}
		res, err := c.exec(ctx, `UPDATE points_rules SET name = ?, kind = ?, activity_type = ?, points_per_hour = ?, points = ?,
			daily_cap = ?, threshold = ?, active = ?, updated_at = ? WHERE id = ?`, r.Name, string(r.Kind), r.ActivityType,
			r.PointsPerHour, r.Points, r.DailyCap, r.Threshold, r.Active, c.now, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("points_rule")
		}
		return record(ctx, c, "points_rule.update", r.Resource(), r)
	})
}

// FindRuleByID returns one rule.
func (s *Store) FindRuleByID(ctx context.Context, id string) (*points.Rule, error) {
	r, err := scanRule(s.read().row(ctx, `SELECT `+ruleColumns+` FROM points_rules WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("points_rule")
	}
	return r, s.translate(err)
}

const awardSelect = `SELECT a.id, a.idem_key, a.rule_id, r.name, a.recipient, a.recipient_name, a.street_id, a.amount, a.reason,
	a.status, a.notice_ends, a.objection, a.decision, a.posting_id, a.created_at
	FROM points_awards a JOIN points_rules r ON r.id = a.rule_id`

func scanAward(sc interface{ Scan(...any) error }) (*points.Award, error) {
	a := &points.Award{}
	var status string
	err := sc.Scan(&a.ID, &a.Key, &a.RuleID, &a.RuleName, &a.Recipient, &a.RecipientName, &a.StreetID, &a.Amount, &a.Reason,
		&status, &a.NoticeEnds, &a.Objection, &a.Decision, &a.PostingID, &a.CreatedAt)
	a.Status, a.NoticeEnds, a.CreatedAt = points.AwardStatus(status), a.NoticeEnds.UTC(), a.CreatedAt.UTC()
	return a, err
}

func findAward(ctx context.Context, c conn, id string) (*points.Award, error) {
	a, err := scanAward(c.row(ctx, awardSelect+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("points_award")
	}
	return a, err
}

// AwardAttendance turns a confirmed attendance into awards under the active
// rules and puts them on public notice for notice (0: points.DefaultNotice).
// The activities side calls it once an organizer confirms hours; the same
// attendance key again returns the awards it made the first time.
func (s *Store) AwardAttendance(ctx context.Context, att points.Attendance, notice time.Duration) ([]*points.Award, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accounts.Resource{Kind: accounts.KindAward, StreetID: att.StreetID}); err != nil {
		return nil, err
	}
	var l errs.List
	if att.Key = strings.TrimSpace(att.Key); att.Key == "" || len(att.Key) > 100 {
		l.Add("idempotency_key", "field.required")
	}
	if att.ResidentID == "" {
		l.Add("resident", "field.required")
	}
	if att.Minutes < 0 || att.Minutes > 24*60 {
		l.Add("minutes", "number.range", 0, 24*60)
	}
	if att.ActivityType = strings.TrimSpace(att.ActivityType); att.ActivityType == "" || utf8.RuneCountInString(att.ActivityType) > 30 {
		l.Add("activity_type", "field.required")
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if !att.Participated() {
		// Not recorded either: it must not count as the resident's n-th
		// attendance of the month, nor the organization's.
		return nil, nil
	}
	if notice <= 0 {
		notice = points.DefaultNotice
	}
	var out []*points.Award
	err := s.tx(ctx, func(c conn) error {
		day := att.Date.In(points.Zone()).Format("2006-01-02")
		month := day[:7]
		res, err := c.exec(ctx, `INSERT INTO points_attendances (idem_key, resident_id, org_id, activity_type, minutes, day, month,
			street_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`, att.Key, att.ResidentID,
			att.OrgID, att.ActivityType, att.Minutes, day, month, att.StreetID, c.now)
		if err != nil {
			return fieldErr("street", s.translate(err))
		}
		if c.d == Postgres {
			// Daily caps and monthly counts read what other attendances of
			// this resident and organization wrote: take them one at a time
			// (resident first, then organization, so no two wait on each other).
			// SQLite has one writer already.
			for _, k := range []string{"points-resident:" + att.ResidentID, "points-org:" + att.OrgID} {
				if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, k); err != nil {
					return err
				}
			}
		}
		if n, _ := res.RowsAffected(); n == 0 { // reported before: the same awards
			rows, err := c.query(ctx, awardSelect+` WHERE a.attendance_key = ? ORDER BY a.created_at, a.id`, att.Key)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				a, err := scanAward(rows)
				if err != nil {
					return err
				}
				out = append(out, a)
			}
			return rows.Err()
		}
		if err := c.row(ctx, `SELECT COUNT(*) FROM points_attendances WHERE resident_id = ? AND month = ?`, att.ResidentID, month).
			Scan(&att.MonthAttendances); err != nil {
			return err
		}
		if att.OrgID != "" {
			var same int64
			if err := c.row(ctx, `SELECT COUNT(DISTINCT activity_type), SUM(CASE WHEN activity_type = ? THEN 1 ELSE 0 END)
				FROM points_attendances WHERE org_id = ? AND month = ?`, att.ActivityType, att.OrgID, month).
				Scan(&att.OrgMonthTypes, &same); err != nil {
				return err
			}
			att.OrgTypeIsNew = same == 1
		}
		att.EarnedToday = map[string]int64{}
		rows, err := c.query(ctx, `SELECT rule_id, recipient, SUM(amount) FROM points_awards
			WHERE day = ? AND status <> 'cancelled' AND recipient IN (?, ?) GROUP BY rule_id, recipient`, day,
			points.AccountID(points.Resident, att.ResidentID), points.AccountID(points.Organization, att.OrgID))
		if err != nil {
			return err
		}
		for rows.Next() {
			var rule, recipient string
			var sum int64
			if err := rows.Scan(&rule, &recipient, &sum); err != nil {
				rows.Close()
				return err
			}
			att.EarnedToday[rule+":"+recipient] = sum
		}
		rows.Close()
		rules, err := findRules(ctx, c, true)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, r := range rules {
			names[r.ID] = r.Name
		}
		for _, ln := range points.Compute(rules, att) {
			a := &points.Award{ID: newID(), Key: att.Key + ":" + ln.RuleID + ":" + ln.Recipient, RuleID: ln.RuleID,
				RuleName: names[ln.RuleID], Recipient: ln.Recipient, RecipientName: ln.Name, StreetID: att.StreetID,
				Amount: ln.Amount, Reason: ln.Reason, Status: points.AwardNoticed, NoticeEnds: c.now.Add(notice), CreatedAt: c.now}
			if strings.HasPrefix(ln.Recipient, string(points.Resident)+":") {
				a.RecipientName = accounts.MaskName(ln.Name)
				// A resident who withdrew consent (privacy centre) is noticed without a name.
				if ok, err := publishesName(ctx, c, strings.TrimPrefix(ln.Recipient, string(points.Resident)+":")); err != nil {
					return err
				} else if !ok {
					a.RecipientName = portal.AnonymousName
				}
			}
			if _, err := c.exec(ctx, `INSERT INTO points_awards (id, idem_key, attendance_key, rule_id, recipient, recipient_name,
				street_id, amount, reason, day, status, notice_ends, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.Key, att.Key, a.RuleID, a.Recipient, a.RecipientName,
				a.StreetID, a.Amount, a.Reason, day, string(a.Status), a.NoticeEnds, c.now, c.now); err != nil {
				return err
			}
			if err := record(ctx, c, "award.notice", a.Resource(), map[string]any{"rule": a.RuleID, "amount": a.Amount,
				"recipient": a.Recipient}); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// AwardFilter narrows the award list.
type AwardFilter struct {
	Statuses []points.AwardStatus
	StreetID string
	Account  string // the recipient's account id ("" for everyone's)
	Due      bool   // noticed and past the notice
	Limit    int
}

// FindAwards lists awards newest first (public: names are stored masked).
func (s *Store) FindAwards(ctx context.Context, f AwardFilter) ([]*points.Award, error) {
	c := s.read()
	where, args := []string{"1=1"}, []any{}
	if len(f.Statuses) > 0 {
		where = append(where, "a.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.StreetID != "" {
		where, args = append(where, "a.street_id = ?"), append(args, f.StreetID)
	}
	if f.Account != "" {
		where, args = append(where, "a.recipient = ?"), append(args, f.Account)
	}
	if f.Due {
		where, args = append(where, "a.status = 'noticed' AND a.notice_ends <= ?"), append(args, c.now)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := c.query(ctx, awardSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY a.created_at DESC, a.id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*points.Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, a)
	}
	return out, s.translate(rows.Err())
}

// ObjectAward records an objection during the notice; it holds the award
// until the street's staff decide.
func (s *Store) ObjectAward(ctx context.Context, id, objection string) (*points.Award, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	objection = strings.TrimSpace(objection)
	switch n := utf8.RuneCountInString(objection); {
	case text.Len(objection) < 5:
		return nil, errs.Field("objection", "field.too_short", 5)
	case n > 500:
		return nil, errs.Field("objection", "field.too_long", 500)
	}
	var out *points.Award
	err := s.tx(ctx, func(c conn) error {
		a, err := findAward(ctx, c, id)
		if err != nil {
			return err
		}
		to, err := a.Step(points.ActObject, c.now)
		if err != nil {
			return err
		}
		if err := setAwardStatus(ctx, c, a, to, `objection = ?, objector_id = ?`, objection, u.ID); err != nil {
			return err
		}
		a.Objection, out = objection, a
		// The objection's text may name people: the audit keeps that it
		// happened, not what it says.
		return record(ctx, c, "award.object", a.Resource(), nil)
	})
	return out, err
}

// DecideAward settles an objection: uphold cancels the award, otherwise it
// goes back on notice and is issued when the notice ends.
func (s *Store) DecideAward(ctx context.Context, id string, uphold bool, note string) (*points.Award, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, errs.Field("decision", "field.too_long", 500)
	}
	var out *points.Award
	err := s.tx(ctx, func(c conn) error {
		a, err := findAward(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, a.Resource()); err != nil {
			return err
		}
		act := points.ActDismiss
		if uphold {
			act = points.ActUphold
		}
		to, err := a.Step(act, c.now)
		if err != nil {
			return err
		}
		by := ""
		if u := accounts.ActorFrom(ctx); u != nil {
			by = u.ID
		}
		if err := setAwardStatus(ctx, c, a, to, `decision = ?, decided_by = ?`, note, by); err != nil {
			return err
		}
		a.Decision, out = note, a
		return record(ctx, c, "award."+string(act), a.Resource(), map[string]any{"note": note})
	})
	return out, err
}

func setAwardStatus(ctx context.Context, c conn, a *points.Award, to points.AwardStatus, set string, args ...any) error {
	q := `UPDATE points_awards SET status = ?, updated_at = ?`
	if set != "" {
		q += `, ` + set
	}
	all := append([]any{string(to), c.now}, args...)
	res, err := c.exec(ctx, q+` WHERE id = ? AND status = ?`, append(all, a.ID, string(a.Status))...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "conflict.retry")
	}
	a.Status = to
	return nil
}

// IssueDueAwards posts every award whose notice has ended without an
// objection (pool → recipient, citing its rule), each in its own
// transaction and once. It returns how many were issued. Staff see only
// their street's; `huitian points issue` runs it as the system.
func (s *Store) IssueDueAwards(ctx context.Context) (int, error) {
	due, err := s.FindAwards(ctx, AwardFilter{Due: true, Limit: 1000})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		if !accounts.Allowed(accounts.ActorFrom(ctx), accounts.Update, d.Resource()) {
			continue
		}
		err := s.tx(ctx, func(c conn) error {
			a, err := findAward(ctx, c, d.ID)
			if err != nil {
				return err
			}
			to, err := a.Step(points.ActIssue, c.now)
			if err != nil {
				return err
			}
			p, err := post(ctx, c, &points.Posting{Key: "award:" + a.ID, Kind: points.KindAward,
				From: points.AccountID(points.Pool, a.StreetID), To: a.Recipient, Amount: a.Amount, Reason: a.Reason,
				RuleID: a.RuleID}, a.StreetID, a.StreetID)
			if err != nil {
				return err
			}
			return setAwardStatus(ctx, c, a, to, `posting_id = ?`, p.ID)
		})
		switch {
		case err == nil:
			n++
		case errs.Is(err, errs.Conflict): // someone else issued or objected meanwhile
		default:
			return n, err
		}
	}
	return n, nil
}

// Expiring is a resident account and the points it loses at a cutoff.
type Expiring struct {
	AccountID string
	Amount    int64
}

// FindExpiring lists the residents whose points earned up to the end of
// year are still unspent (what expires at points.ExpiryCutoff(year)):
// spending before the cutoff and every expiry already posted use the
// oldest points first. accountID, when set, looks at one account.
func (s *Store) FindExpiring(ctx context.Context, year int, accountID string) ([]Expiring, error) {
	c := s.read()
	return findExpiring(ctx, c, year, accountID)
}

func findExpiring(ctx context.Context, c conn, year int, accountID string) ([]Expiring, error) {
	earnedBy := points.ExpiryCutoff(year - 1) // the end of year
	cutoff := points.ExpiryCutoff(year)
	where, args := `a.kind = 'resident'`, []any{earnedBy, cutoff}
	if accountID != "" {
		where, args = where+` AND a.id = ?`, append(args, accountID)
	}
	rows, err := c.query(ctx, `SELECT a.id,
		COALESCE((SELECT SUM(amount) FROM points_postings p WHERE p.to_id = a.id AND p.created_at < ?), 0),
		COALESCE((SELECT SUM(amount) FROM points_postings p WHERE p.from_id = a.id AND (p.created_at < ? OR p.kind = 'expiry')), 0)
		FROM points_accounts a WHERE `+where+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Expiring
	for rows.Next() {
		var id string
		var earned, spent int64
		if err := rows.Scan(&id, &earned, &spent); err != nil {
			return nil, err
		}
		if n := points.Expiring(earned, spent); n > 0 {
			out = append(out, Expiring{AccountID: id, Amount: n})
		}
	}
	return out, rows.Err()
}

// ExpirePoints posts, once the cutoff has passed, every resident's points
// earned up to the end of year and still unspent to the expiry sink (one
// posting each, idempotent per year and account). Coordinators only.
func (s *Store) ExpirePoints(ctx context.Context, year int) (int, int64, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accounts.Resource{Kind: accounts.KindPoints}); err != nil {
		return 0, 0, err
	}
	if s.Now().Before(points.ExpiryCutoff(year)) {
		return 0, 0, errs.E(errs.Conflict, "points.expiry_not_due")
	}
	var n int
	var total int64
	err := s.tx(ctx, func(c conn) error {
		list, err := findExpiring(ctx, c, year, "")
		if err != nil {
			return err
		}
		for _, e := range list {
			if _, err := post(ctx, c, &points.Posting{Key: "expiry:" + strconv.Itoa(year) + ":" + e.AccountID, Kind: points.KindExpiry,
				From: e.AccountID, To: points.ExpiryAccount, Amount: e.Amount,
				Reason: strconv.Itoa(year) + " 年及以前获得的积分到期"}, "", ""); err != nil {
				return err
			}
			n, total = n+1, total+e.Amount
		}
		return nil
	})
	return n, total, err
}
