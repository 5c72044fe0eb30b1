package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

const activitySelect = `SELECT a.id, a.title, a.type, a.description, a.org_id, o.name, a.team, a.street_id, s.name,
	COALESCE(a.community_id, ''), COALESCE(c.name, ''), a.address, a.starts_at, a.ends_at, a.capacity, a.eligibility,
	a.points_rule, a.status, a.created_by, a.created_at, a.updated_at,
	(SELECT COUNT(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'confirmed'),
	(SELECT COUNT(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'waiting'),
	o.kind = 'team'
	FROM activities a JOIN organizations o ON o.id = a.org_id JOIN streets s ON s.id = a.street_id
	LEFT JOIN communities c ON c.id = a.community_id`

func scanActivity(sc interface{ Scan(...any) error }) (*activities.Activity, error) {
	a := &activities.Activity{}
	err := sc.Scan(&a.ID, &a.Title, &a.Type, &a.Description, &a.OrgID, &a.OrgName, &a.Team, &a.StreetID, &a.StreetName,
		&a.CommunityID, &a.CommunityName, &a.Address, &a.StartsAt, &a.EndsAt, &a.Capacity, &a.Eligibility,
		&a.PointsRule, &a.Status, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &a.Signed, &a.Waiting, &a.OrgIsTeam)
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	return a, err
}

func findActivity(ctx context.Context, c conn, id string) (*activities.Activity, error) {
	a, err := scanActivity(c.row(ctx, activitySelect+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("activity")
	}
	return a, err
}

// lockActivity takes the activity's row lock for the rest of the
// transaction (SQLite has one writer anyway; on PostgreSQL this serializes
// signups for one activity, so two residents never both take the last
// place), then reads it.
func lockActivity(ctx context.Context, c conn, id string) (*activities.Activity, error) {
	res, err := c.exec(ctx, `UPDATE activities SET version = version + 1 WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, notFound("activity")
	}
	return findActivity(ctx, c, id)
}

// FindActivityByID returns one activity; a draft only to those who may see
// it privately (to others it does not exist).
func (s *Store) FindActivityByID(ctx context.Context, id string) (*activities.Activity, error) {
	a, err := findActivity(ctx, s.read(), id)
	if err != nil {
		return nil, s.translate(err)
	}
	if !a.Public() && !accounts.Allowed(accounts.ActorFrom(ctx), accounts.ViewPrivate, a.Resource()) {
		return nil, notFound("activity")
	}
	return a, nil
}

// publicActivity is the condition of the activities anyone may list.
const publicActivity = `a.status IN ('published', 'finished')`

// FindActivities lists activities: published and finished ones by default,
// soonest first (From set) or latest first; with f.Private and f.OrgID,
// every status of that organization's, for those who may see them.
func (s *Store) FindActivities(ctx context.Context, f activities.Filter) ([]*activities.Activity, int, error) {
	var where []string
	var args []any
	switch {
	case f.Private:
		if f.OrgID == "" {
			return nil, 0, errs.E(errs.Invalid, "activity.private_needs_org")
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate,
			accounts.Resource{Kind: accounts.KindActivity, OrgID: f.OrgID}); err != nil {
			return nil, 0, err
		}
	case f.Status == activities.Draft:
		return nil, 0, errs.Field("status", "activity.status_invalid")
	case f.Status != "":
		where = append(where, `a.status = ?`)
		args = append(args, f.Status)
	default:
		where = append(where, publicActivity)
	}
	if f.Private && f.Status != "" {
		where = append(where, `a.status = ?`)
		args = append(args, f.Status)
	}
	if f.StreetID != "" {
		where = append(where, `a.street_id = ?`)
		args = append(args, f.StreetID)
	}
	if f.CommunityID != "" {
		where = append(where, `a.community_id = ?`)
		args = append(args, f.CommunityID)
	}
	if f.OrgID != "" {
		where = append(where, `a.org_id = ?`)
		args = append(args, f.OrgID)
	}
	if f.Type != "" {
		where = append(where, `a.type = ?`)
		args = append(args, f.Type)
	}
	if !f.From.IsZero() {
		// Implied by the end (no activity runs longer than MaxDuration),
		// the start bounds the index's range: the activities ended long
		// ago are not read one by one.
		where = append(where, `a.ends_at >= ?`, `a.starts_at >= ?`)
		args = append(args, f.From.UTC(), f.From.Add(-activities.MaxDuration).UTC())
	}
	if !f.To.IsZero() {
		where = append(where, `a.starts_at < ?`)
		args = append(args, f.To.UTC())
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM activities a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, s.translate(err)
	}
	order := ` ORDER BY a.starts_at DESC, a.id`
	if !f.From.IsZero() {
		order = ` ORDER BY a.starts_at, a.id`
	}
	limit, offset := paging(f.Page, f.PerPage, 100)
	// The page's ids are cut from an index alone (activities_status_start
	// holds every column a public filter and its order read), then joined
	// and their sign-ups counted: joined first, every activity of the
	// filter was read, joined and counted before the sort.
	ids, idArgs := `SELECT a.id FROM activities a`+cond+order+` LIMIT ? OFFSET ?`, append(slices.Clone(args), limit, offset)
	if len(where) > 0 && where[0] == publicActivity && offset+limit <= 1000 {
		// Published and finished activities in time order: each status
		// read in the index's order up to the page's end, then merged
		// (IN of two statuses, the index gave no order and every public
		// activity was sorted).
		rest := strings.Replace(cond, publicActivity, `a.status = ?`, 1)
		var parts []string
		idArgs = nil
		for _, st := range []activities.Status{activities.Published, activities.Finished} {
			parts = append(parts, `SELECT * FROM (SELECT a.id, a.starts_at FROM activities a`+rest+order+` LIMIT ?) s_`+string(st))
			idArgs = append(append(append(idArgs, st), args...), offset+limit)
		}
		ids = `SELECT a.id FROM (` + strings.Join(parts, ` UNION ALL `) + `) a` + order + ` LIMIT ? OFFSET ?`
		idArgs = append(idArgs, limit, offset)
	}
	page := strings.Replace(activitySelect, `FROM activities a `, `FROM (`+ids+`) pg JOIN activities a ON a.id = pg.id `, 1) + order
	rows, err := c.query(ctx, page, idArgs...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*activities.Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		out = append(out, a)
	}
	return out, total, s.translate(rows.Err())
}

// CreateActivity saves a new activity as a draft, or published when
// a.Status is Published, with a fresh check-in secret.
func (s *Store) CreateActivity(ctx context.Context, a *activities.Activity) error {
	u := accounts.ActorFrom(ctx)
	if err := accounts.Can(u, accounts.Create, a.Resource()); err != nil {
		return err
	}
	if a.Status == "" {
		a.Status = activities.Draft
	}
	if a.Status != activities.Draft && a.Status != activities.Published {
		return errs.Field("status", "activity.status_invalid")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		org, err := findOrg(ctx, c, `o.id = ?`, a.OrgID)
		if err != nil {
			return fieldErr("org", err)
		}
		st, err := findStreet(ctx, c, `id = ?`, a.StreetID)
		if err != nil {
			return fieldErr("street", err)
		}
		a.OrgName, a.OrgIsTeam, a.StreetName = org.Name, org.Kind == registry.KindTeam, st.Name
		if a.CommunityID != "" {
			cm, err := findCommunity(ctx, c, a.CommunityID)
			if err != nil {
				return fieldErr("community", err)
			}
			if cm.StreetID != a.StreetID {
				return fieldErrKey("community", "community.other_street")
			}
			a.CommunityName = cm.Name
		}
		if a.Status == activities.Published && !a.StartsAt.After(c.now) {
			return errs.Field("starts_at", "activity.starts_in_past")
		}
		a.ID, a.CreatedAt, a.UpdatedAt = newID(), c.now, c.now
		if u != nil {
			a.CreatedBy = u.ID
		}
		a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
		if _, err := c.exec(ctx, `INSERT INTO activities (id, title, type, description, org_id, team, street_id, community_id,
			address, starts_at, ends_at, capacity, eligibility, points_rule, status, secret, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Title, a.Type, a.Description, a.OrgID, a.Team, a.StreetID, nullStr(a.CommunityID), a.Address,
			a.StartsAt, a.EndsAt, a.Capacity, a.Eligibility, a.PointsRule, a.Status, activities.NewSecret(), a.CreatedBy,
			c.now, c.now); err != nil {
			return err
		}
		return record(ctx, c, "activity.create", a.Resource(), map[string]any{"title": a.Title, "status": a.Status,
			"starts_at": a.StartsAt, "capacity": a.Capacity})
	})
}

// UpdateActivity changes a draft, or a published activity before it starts.
// Places cannot drop below those taken; more places go to the waiting list
// in order; a change to a published activity's time or place is told to
// everyone signed up.
func (s *Store) UpdateActivity(ctx context.Context, id string, u activities.Update) (*activities.Activity, error) {
	var out *activities.Activity
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, a.Resource()); err != nil {
			if !a.Public() {
				return notFound("activity")
			}
			return err
		}
		if !a.Editable(c.now) {
			return errs.E(errs.Conflict, "activity.not_editable")
		}
		before := *a
		u.Apply(a)
		a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
		if err := a.Validate(); err != nil {
			return err
		}
		if a.Capacity < a.Signed {
			return errs.Field("capacity", "activity.capacity_below_signed", a.Signed)
		}
		if a.Status == activities.Published && !a.StartsAt.After(c.now) {
			return errs.Field("starts_at", "activity.starts_in_past")
		}
		st, err := findStreet(ctx, c, `id = ?`, a.StreetID)
		if err != nil {
			return fieldErr("street", err)
		}
		a.StreetName, a.CommunityName = st.Name, ""
		if a.CommunityID != "" {
			cm, err := findCommunity(ctx, c, a.CommunityID)
			if err != nil {
				return fieldErr("community", err)
			}
			if cm.StreetID != a.StreetID {
				return fieldErrKey("community", "community.other_street")
			}
			a.CommunityName = cm.Name
		}
		if _, err := c.exec(ctx, `UPDATE activities SET title = ?, type = ?, description = ?, team = ?, street_id = ?,
			community_id = ?, address = ?, starts_at = ?, ends_at = ?, capacity = ?, eligibility = ?, points_rule = ?,
			updated_at = ? WHERE id = ?`, a.Title, a.Type, a.Description, a.Team, a.StreetID, nullStr(a.CommunityID),
			a.Address, a.StartsAt, a.EndsAt, a.Capacity, a.Eligibility, a.PointsRule, c.now, a.ID); err != nil {
			return err
		}
		a.UpdatedAt = c.now
		for range a.Capacity - before.Capacity {
			if err := promote(ctx, c, a); err != nil {
				return err
			}
		}
		if a.Status == activities.Published && (!a.StartsAt.Equal(before.StartsAt) || !a.EndsAt.Equal(before.EndsAt) ||
			a.Address != before.Address || a.StreetID != before.StreetID) {
			ids, err := signupUsers(ctx, c, a.ID)
			if err != nil {
				return err
			}
			if err := notifyAt(ctx, c, ids, "/activities/"+a.ID, "activity_changed", a.Title); err != nil {
				return err
			}
		}
		if out, err = findActivity(ctx, c, a.ID); err != nil {
			return err
		}
		return record(ctx, c, "activity.update", a.Resource(), map[string]any{"title": a.Title,
			"starts_at": a.StartsAt, "capacity": a.Capacity})
	})
	return out, err
}

// StepActivity publishes, cancels or finishes an activity. Finishing waits
// for its start; cancelling tells everyone signed up.
func (s *Store) StepActivity(ctx context.Context, id string, act activities.Action) (*activities.Activity, error) {
	var out *activities.Activity
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, a.Resource()); err != nil {
			if !a.Public() {
				return notFound("activity")
			}
			return err
		}
		to, err := activities.Next(a.Status, act)
		if err != nil {
			return err
		}
		switch act {
		case activities.ActPublish:
			if !a.StartsAt.After(c.now) {
				return errs.E(errs.Conflict, "activity.starts_in_past")
			}
		case activities.ActFinish:
			if c.now.Before(a.StartsAt) {
				return errs.E(errs.Conflict, "activity.not_started")
			}
		case activities.ActCancel:
			ids, err := signupUsers(ctx, c, id)
			if err != nil {
				return err
			}
			if err := notifyAt(ctx, c, ids, "/activities/"+a.ID, "activity_cancelled", a.Title); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `UPDATE activities SET status = ?, updated_at = ? WHERE id = ?`, to, c.now, id); err != nil {
			return err
		}
		a.Status, a.UpdatedAt = to, c.now
		out = a
		return record(ctx, c, "activity."+string(act), a.Resource(), map[string]any{"title": a.Title})
	})
	return out, err
}

// signupUsers lists the residents signed up or waiting.
func signupUsers(ctx context.Context, c conn, activityID string) ([]string, error) {
	rows, err := c.query(ctx, `SELECT user_id FROM activity_signups WHERE activity_id = ? AND status <> 'cancelled'
		ORDER BY queued_at, id`, activityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FindHome returns the community the actor said they live in ("" if none).
func (s *Store) FindHome(ctx context.Context) (string, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return "", errs.E(errs.Unauthorized, "auth.required")
	}
	var id string
	err := s.read().row(ctx, `SELECT community_id FROM resident_homes WHERE user_id = ?`, u.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, s.translate(err)
}

const signupSelect = `SELECT g.id, g.activity_id, g.user_id, u.name, u.phone, g.status, g.queued_at, g.checkin_at,
	g.checkin_method, g.checkout_at, g.checkout_method, g.minutes, g.confirmed_minutes, g.confirmed_at, g.created_at
	FROM activity_signups g JOIN users u ON u.id = g.user_id`

func scanSignup(sc interface{ Scan(...any) error }) (*activities.Signup, error) {
	g := &activities.Signup{}
	var in, out, conf sql.NullTime
	var confMins sql.NullInt64
	err := sc.Scan(&g.ID, &g.ActivityID, &g.UserID, &g.UserName, &g.UserPhone, &g.Status, &g.QueuedAt, &in,
		&g.CheckinMethod, &out, &g.CheckoutMethod, &g.Minutes, &confMins, &conf, &g.CreatedAt)
	if in.Valid {
		g.CheckinAt = in.Time.UTC()
	}
	if out.Valid {
		g.CheckoutAt = out.Time.UTC()
	}
	if conf.Valid {
		g.Confirmed, g.ConfirmedAt, g.ConfirmedMins = true, conf.Time.UTC(), int(confMins.Int64)
	}
	return g, err
}

func findSignup(ctx context.Context, c conn, activityID, userID string) (*activities.Signup, error) {
	g, err := scanSignup(c.row(ctx, signupSelect+` WHERE g.activity_id = ? AND g.user_id = ?`, activityID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("signup")
	}
	if err != nil {
		return nil, err
	}
	if g.Status == activities.Waiting {
		err = c.row(ctx, `SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND status = 'waiting'
			AND (queued_at < ? OR (queued_at = ? AND id <= ?))`, activityID, g.QueuedAt, g.QueuedAt, g.ID).Scan(&g.Position)
	}
	return g, err
}

// FindMySignup returns the actor's signup for an activity (NotFound if none).
func (s *Store) FindMySignup(ctx context.Context, activityID string) (*activities.Signup, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	g, err := findSignup(ctx, s.read(), activityID, u.ID)
	return g, s.translate(err)
}

// FindSignups lists everyone signed up, waiting or cancelled, with names
// and phones: the organizer's list.
func (s *Store) FindSignups(ctx context.Context, activityID string) ([]*activities.Signup, error) {
	a, err := s.FindActivityByID(ctx, activityID)
	if err != nil {
		return nil, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, a.Resource()); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, signupSelect+` WHERE g.activity_id = ?
		ORDER BY CASE g.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, g.queued_at, g.id`, activityID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*activities.Signup
	pos := 0
	for rows.Next() {
		g, err := scanSignup(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if g.Status == activities.Waiting {
			pos++
			g.Position = pos
		}
		out = append(out, g)
	}
	return out, s.translate(rows.Err())
}

// Signup signs the actor (a resident) up for an activity: a place while
// there is one, else the waiting list. Activities open to a street or a
// community are checked against where the resident lives: the home they
// confirmed, else communityID (remembered as their home). A confirmed home
// is never changed here — a sign-up form's picker cannot move a resident
// into an activity's street (their home is changed on its own page).
func (s *Store) Signup(ctx context.Context, activityID, communityID string) (*activities.Signup, error) {
	u := accounts.ActorFrom(ctx)
	if err := accounts.Can(u, accounts.Create, accounts.Resource{Kind: accounts.KindSignup, ID: activityID, OwnerID: userID(u)}); err != nil {
		return nil, err
	}
	var out *activities.Signup
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		if a.Status != activities.Published {
			if !a.Public() {
				return notFound("activity")
			}
			return errs.E(errs.Conflict, "activity.not_open")
		}
		if !c.now.Before(a.EndsAt) {
			return errs.E(errs.Conflict, "activity.over")
		}
		var home string
		if err := c.row(ctx, `SELECT community_id FROM resident_homes WHERE user_id = ?`, u.ID).Scan(&home); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case home != "":
			communityID = home
		case communityID != "":
			if _, err := findCommunity(ctx, c, communityID); err != nil {
				return fieldErr("community", err)
			}
			if _, err := c.exec(ctx, `INSERT INTO resident_homes (user_id, community_id, updated_at) VALUES (?, ?, ?)`,
				u.ID, communityID, c.now); err != nil {
				return err
			}
		}
		if a.Eligibility != activities.OpenToAnyone {
			if communityID == "" {
				return errs.Field("community", "activity.home_needed")
			}
			cm, err := findCommunity(ctx, c, communityID)
			if err != nil {
				return fieldErr("community", err)
			}
			if err := a.Eligible(cm.StreetID, cm.ID); err != nil {
				return err
			}
		}
		prev, err := findSignup(ctx, c, a.ID, u.ID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if prev != nil && prev.Status != activities.Withdrawn {
			return errs.E(errs.Conflict, "activity.already_signed")
		}
		status := activities.SignedUp
		if a.Signed >= a.Capacity {
			status = activities.Waiting
		}
		if prev != nil {
			if _, err := c.exec(ctx, `UPDATE activity_signups SET status = ?, queued_at = ?, updated_at = ? WHERE id = ?`,
				status, c.now, c.now, prev.ID); err != nil {
				return err
			}
		} else if _, err := c.exec(ctx, `INSERT INTO activity_signups (id, activity_id, user_id, status, queued_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, newID(), a.ID, u.ID, status, c.now, c.now, c.now); err != nil {
			return err
		}
		if out, err = findSignup(ctx, c, a.ID, u.ID); err != nil {
			return err
		}
		return record(ctx, c, "activity.signup", a.Resource(), map[string]any{"status": status})
	})
	return out, err
}

func userID(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

// CancelSignup takes the actor off an activity before it starts; a place
// freed goes to the first on the waiting list, who is told.
func (s *Store) CancelSignup(ctx context.Context, activityID string) error {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		g, err := findSignup(ctx, c, a.ID, u.ID)
		if err != nil {
			return err
		}
		if err := accounts.Can(u, accounts.Update, accounts.Resource{Kind: accounts.KindSignup, ID: g.ID, OwnerID: g.UserID}); err != nil {
			return err
		}
		if g.Status == activities.Withdrawn {
			return errs.E(errs.Conflict, "activity.not_signed")
		}
		if !g.CheckinAt.IsZero() {
			return errs.E(errs.Conflict, "activity.cancel_after_checkin")
		}
		if !c.now.Before(a.StartsAt) {
			return errs.E(errs.Conflict, "activity.cancel_started")
		}
		if _, err := c.exec(ctx, `UPDATE activity_signups SET status = 'cancelled', updated_at = ? WHERE id = ?`, c.now, g.ID); err != nil {
			return err
		}
		if g.Status == activities.SignedUp {
			if err := promote(ctx, c, a); err != nil {
				return err
			}
		}
		return record(ctx, c, "activity.signup_cancel", a.Resource(), map[string]any{"was": g.Status})
	})
}

// promote gives the freed place to the first on the waiting list.
func promote(ctx context.Context, c conn, a *activities.Activity) error {
	var id, uid string
	err := c.row(ctx, `SELECT id, user_id FROM activity_signups WHERE activity_id = ? AND status = 'waiting'
		ORDER BY queued_at, id LIMIT 1`, a.ID).Scan(&id, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := c.exec(ctx, `UPDATE activity_signups SET status = 'confirmed', updated_at = ? WHERE id = ?`, c.now, id); err != nil {
		return err
	}
	return notifyAt(ctx, c, []string{uid}, "/activities/"+a.ID, "activity_promoted", a.Title)
}

// Step says what a code or a list tick did.
type Step string

const (
	StepCheckin  Step = "checkin"
	StepCheckout Step = "checkout"
)

// CheckinByCode checks the actor in at the venue with the code shown there,
// or out when already in. want, when set, insists on one of the two.
func (s *Store) CheckinByCode(ctx context.Context, activityID, code string, want Step) (Step, *activities.Signup, error) {
	if accounts.ActorFrom(ctx) == nil {
		return "", nil, errs.E(errs.Unauthorized, "auth.required")
	}
	if code = strings.TrimSpace(code); code == "" {
		return "", nil, errs.Field("code", "activity.code_empty")
	}
	return s.checkin(ctx, activityID, want, func(secret string, now time.Time) bool { return activities.CheckCode(secret, code, now) })
}

// ScanActivityCode is a venue code scanned by a phone not yet signed in:
// if it is good now, the proof the phone keeps (activities.ScanProof) to
// check in with once signed in, within activities.ScanGrace.
func (s *Store) ScanActivityCode(ctx context.Context, activityID, code string) (string, error) {
	c := s.read()
	a, err := findActivity(ctx, c, activityID)
	if err != nil {
		return "", s.translate(err)
	}
	if !a.Public() {
		return "", notFound("activity")
	}
	if !a.CodeOpen(c.now) {
		return "", errs.E(errs.Conflict, "activity.code_closed")
	}
	var secret string
	if err := c.row(ctx, `SELECT secret FROM activities WHERE id = ?`, a.ID).Scan(&secret); err != nil {
		return "", s.translate(err)
	}
	if !activities.CheckCode(secret, strings.TrimSpace(code), c.now) {
		return "", errs.Field("code", "activity.code_wrong")
	}
	return activities.ScanProof(secret, c.now), nil
}

// CheckinByScan is CheckinByCode for a resident who scanned the venue code
// before signing in: proof is what ScanActivityCode gave that phone.
func (s *Store) CheckinByScan(ctx context.Context, activityID, proof string, want Step) (Step, *activities.Signup, error) {
	return s.checkin(ctx, activityID, want, func(secret string, now time.Time) bool {
		return activities.CheckScanProof(secret, proof, now)
	})
}

// checkin checks the signed-in resident in or out of an activity when
// valid says the venue code (or a scan of it) holds.
func (s *Store) checkin(ctx context.Context, activityID string, want Step, valid func(secret string, now time.Time) bool) (Step, *activities.Signup, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return "", nil, errs.E(errs.Unauthorized, "auth.required")
	}
	var step Step
	var out *activities.Signup
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		if !a.Public() {
			return notFound("activity")
		}
		g, err := findSignup(ctx, c, a.ID, u.ID)
		if errs.Is(err, errs.NotFound) || (err == nil && g.Status != activities.SignedUp) {
			return errs.E(errs.Conflict, "activity.checkin_not_signed")
		}
		if err != nil {
			return err
		}
		if err := accounts.Can(u, accounts.Update, accounts.Resource{Kind: accounts.KindSignup, ID: g.ID, OwnerID: g.UserID}); err != nil {
			return err
		}
		if g.Confirmed {
			// The organizer settled the hours (typed, for one who never
			// checked out): a late check-out changes nothing.
			return errs.E(errs.Conflict, "activity.already_confirmed")
		}
		if !a.CodeOpen(c.now) {
			return errs.E(errs.Conflict, "activity.code_closed")
		}
		var secret string
		if err := c.row(ctx, `SELECT secret FROM activities WHERE id = ?`, a.ID).Scan(&secret); err != nil {
			return err
		}
		if !valid(secret, c.now) {
			return errs.Field("code", "activity.code_wrong")
		}
		step, err = nextStep(g, want)
		if err != nil {
			return err
		}
		if step == StepCheckout && c.now.Before(activities.CheckoutOpens(g.CheckinAt)) {
			// Asked for or not (the check-in page's button always asks), a
			// resident's check-out this soon is a double scan or a slip that
			// would leave 0 hours and no way back in. The organizer's list
			// is not held to it: they confirm the hours themselves.
			return errs.E(errs.Conflict, "activity.just_in", activities.ClockUp(activities.CheckoutOpens(g.CheckinAt)))
		}
		if err := mark(ctx, c, a, g, step, activities.ByCode); err != nil {
			return err
		}
		out, err = findSignup(ctx, c, a.ID, u.ID)
		return err
	})
	return step, out, err
}

// nextStep is what a code or a list tick does for g: want when it is
// allowed now, else (want "") check-in or check-out as g stands.
func nextStep(g *activities.Signup, want Step) (Step, error) {
	switch {
	case !g.CheckoutAt.IsZero():
		return "", errs.E(errs.Conflict, "activity.already_out")
	case g.CheckinAt.IsZero():
		if want == StepCheckout {
			return "", errs.E(errs.Conflict, "activity.not_in")
		}
		return StepCheckin, nil
	case want == StepCheckin:
		return "", errs.E(errs.Conflict, "activity.already_in")
	}
	return StepCheckout, nil
}

// mark records a check-in or check-out (and the minutes it makes) and
// writes the audit entry.
func mark(ctx context.Context, c conn, a *activities.Activity, g *activities.Signup, step Step, m activities.Method) error {
	if step == StepCheckin {
		if _, err := c.exec(ctx, `UPDATE activity_signups SET checkin_at = ?, checkin_method = ?, updated_at = ? WHERE id = ?`,
			c.now, m, c.now, g.ID); err != nil {
			return err
		}
	} else {
		mins := a.Minutes(g.CheckinAt, c.now)
		if _, err := c.exec(ctx, `UPDATE activity_signups SET checkout_at = ?, checkout_method = ?, minutes = ?, updated_at = ? WHERE id = ?`,
			c.now, m, mins, c.now, g.ID); err != nil {
			return err
		}
	}
	return record(ctx, c, "activity."+string(step), a.Resource(), map[string]any{"signup": g.ID, "method": m})
}

// MarkByList checks a signed-up resident in or out from the organizer's
// list (for elders without a phone); the record says it was by list.
func (s *Store) MarkByList(ctx context.Context, activityID, signupID string, step Step) error {
	if step != StepCheckin && step != StepCheckout {
		return errs.E(errs.Invalid, "activity.step_invalid")
	}
	return s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, a.Resource()); err != nil {
			return err
		}
		if a.Status != activities.Published && a.Status != activities.Finished {
			return errs.E(errs.Conflict, "activity.not_open")
		}
		if c.now.Before(a.StartsAt.Add(-activities.CheckinOpens)) {
			return errs.E(errs.Conflict, "activity.code_closed")
		}
		g, err := scanSignup(c.row(ctx, signupSelect+` WHERE g.id = ? AND g.activity_id = ?`, signupID, activityID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("signup")
		}
		if err != nil {
			return err
		}
		if g.Status != activities.SignedUp {
			return errs.E(errs.Conflict, "activity.checkin_not_signed")
		}
		if g.Confirmed {
			return errs.E(errs.Conflict, "activity.already_confirmed")
		}
		if _, err := nextStep(g, step); err != nil {
			return err
		}
		return mark(ctx, c, a, g, step, activities.ByList)
	})
}

// ConfirmHours confirms the volunteer minutes of the given signups (signup
// id → minutes) once the activity has started. Each must be checked in, not
// yet confirmed, and at most the activity's length. All or nothing.
func (s *Store) ConfirmHours(ctx context.Context, activityID string, minutes map[string]int) (int, error) {
	if len(minutes) == 0 {
		return 0, errs.E(errs.Invalid, "activity.confirm_none")
	}
	n := 0
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		u := accounts.ActorFrom(ctx)
		if err := accounts.Can(u, accounts.Update, a.Resource()); err != nil {
			return err
		}
		if a.Status != activities.Published && a.Status != activities.Finished {
			return errs.E(errs.Conflict, "activity.not_open")
		}
		if c.now.Before(a.StartsAt) {
			return errs.E(errs.Conflict, "activity.not_started")
		}
		total := 0
		for id, m := range minutes {
			g, err := scanSignup(c.row(ctx, signupSelect+` WHERE g.id = ? AND g.activity_id = ?`, id, activityID))
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("signup")
			}
			if err != nil {
				return err
			}
			if g.Status != activities.SignedUp || g.CheckinAt.IsZero() {
				return errs.E(errs.Conflict, "activity.confirm_not_in")
			}
			if g.Confirmed {
				return errs.E(errs.Conflict, "activity.already_confirmed")
			}
			if m < 0 || m > a.MaxMinutes() || m%activities.Step != 0 {
				return errs.Field("hours", "activity.hours_range", activities.FormatHours(a.MaxMinutes()))
			}
			if _, err := c.exec(ctx, `UPDATE activity_signups SET confirmed_minutes = ?, confirmed_at = ?, confirmed_by = ?, updated_at = ?
				WHERE id = ?`, m, c.now, userID(u), c.now, id); err != nil {
				return err
			}
			kind, args := "activity_hours_confirmed", []any{a.Title, activities.FormatHours(m)}
			if m == 0 {
				kind, args = "activity_hours_none", args[:1]
			}
			if err := notifyAt(ctx, c, []string{g.UserID}, "/me/hours", kind, args...); err != nil {
				return err
			}
			n++
			total += m
		}
		return record(ctx, c, "activity.confirm_hours", a.Resource(), map[string]any{"signups": n, "minutes": total})
	})
	return n, err
}

// The store is the points scheme's source of confirmed attendance.
var _ activities.AttendanceSource = (*Store)(nil)

// ConfirmedAttendance is the integration point of the points scheme (积分制):
// every confirmed attendance matching f, oldest confirmation first —
// resident, activity type, confirmed minutes, date, organization, street,
// and the activity's points rule code. The points side awards from this
// (idempotently, keyed by SignupID); nothing here knows of points. With
// f.UserID it is that resident's own (the resident or a coordinator may
// read it); without, the whole district's, for the coordinators (and the
// system actor the points engine runs as).
func (s *Store) ConfirmedAttendance(ctx context.Context, f activities.AttendanceFilter) ([]*activities.Attendance, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View,
		accounts.Resource{Kind: accounts.KindHours, ID: f.UserID, OwnerID: f.UserID}); err != nil {
		return nil, err
	}
	where := []string{`g.confirmed_at IS NOT NULL`, `g.status = 'confirmed'`}
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.UserID != "" {
		add(`g.user_id = ?`, f.UserID)
	}
	if f.StreetID != "" {
		add(`a.street_id = ?`, f.StreetID)
	}
	if f.OrgID != "" {
		add(`a.org_id = ?`, f.OrgID)
	}
	if f.Type != "" {
		add(`a.type = ?`, f.Type)
	}
	if !f.Since.IsZero() {
		add(`g.confirmed_at >= ?`, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add(`g.confirmed_at < ?`, f.Until.UTC())
	}
	rows, err := s.read().query(ctx, `SELECT g.id, a.id, a.title, g.user_id, a.type, g.confirmed_minutes, a.starts_at,
		a.org_id, o.name, a.street_id, s.name, a.points_rule, g.confirmed_at
		FROM activity_signups g JOIN activities a ON a.id = g.activity_id JOIN organizations o ON o.id = a.org_id
		JOIN streets s ON s.id = a.street_id WHERE `+strings.Join(where, ` AND `)+` ORDER BY g.confirmed_at, g.id`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*activities.Attendance
	for rows.Next() {
		x := &activities.Attendance{}
		if err := rows.Scan(&x.SignupID, &x.ActivityID, &x.Title, &x.UserID, &x.Type, &x.Minutes, &x.Date,
			&x.OrgID, &x.OrgName, &x.StreetID, &x.StreetName, &x.PointsRule, &x.ConfirmedAt); err != nil {
			return nil, s.translate(err)
		}
		x.Date, x.ConfirmedAt = x.Date.UTC(), x.ConfirmedAt.UTC()
		out = append(out, x)
	}
	return out, s.translate(rows.Err())
}

// MySignups lists the actor's own signups with their activities, latest
// activity first (the resident's history).
func (s *Store) MySignups(ctx context.Context) ([]*activities.Signup, []*activities.Activity, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, nil, errs.E(errs.Unauthorized, "auth.required")
	}
	c := s.read()
	rows, err := c.query(ctx, signupSelect+` JOIN activities a ON a.id = g.activity_id WHERE g.user_id = ?
		ORDER BY a.starts_at DESC, g.id`, u.ID)
	if err != nil {
		return nil, nil, s.translate(err)
	}
	var gs []*activities.Signup
	for rows.Next() {
		g, err := scanSignup(rows)
		if err != nil {
			rows.Close()
			return nil, nil, s.translate(err)
		}
		gs = append(gs, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.translate(err)
	}
	as := make([]*activities.Activity, len(gs))
	for i, g := range gs {
		if as[i], err = findActivity(ctx, c, g.ActivityID); err != nil {
			return nil, nil, s.translate(err)
		}
	}
	return gs, as, nil
}

// Certificate is a printed proof of volunteer hours (志愿服务时长证明).
type Certificate struct {
	Token           string
	UserID          string
	UserName        string
	Minutes         int
	Activities      int
	FirstAt, LastAt time.Time
	IssuedAt        time.Time
}

// IssueCertificate snapshots the actor's confirmed hours into a certificate
// anyone can verify by its token.
func (s *Store) IssueCertificate(ctx context.Context) (*Certificate, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	list, err := s.ConfirmedAttendance(ctx, activities.AttendanceFilter{UserID: u.ID})
	if err != nil {
		return nil, err
	}
	// Attendance confirmed at 0 hours is not an activity taken part in.
	list = slices.DeleteFunc(list, func(x *activities.Attendance) bool { return x.Minutes == 0 })
	if len(list) == 0 {
		return nil, errs.E(errs.Conflict, "activity.no_hours")
	}
	ct := &Certificate{Token: randomToken(12), UserID: u.ID, UserName: u.Name, FirstAt: list[0].Date, LastAt: list[0].Date}
	for _, x := range list {
		ct.Minutes += x.Minutes
		ct.Activities++
		if x.Date.Before(ct.FirstAt) {
			ct.FirstAt = x.Date
		}
		if x.Date.After(ct.LastAt) {
			ct.LastAt = x.Date
		}
	}
	err = s.tx(ctx, func(c conn) error {
		ct.IssuedAt = c.now
		if _, err := c.exec(ctx, `INSERT INTO volunteer_certificates (token, user_id, minutes, activities, first_at, last_at, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ct.Token, ct.UserID, ct.Minutes, ct.Activities, ct.FirstAt, ct.LastAt, c.now); err != nil {
			return err
		}
		return record(ctx, c, "volunteer_hours.certificate", accounts.Resource{Kind: accounts.KindHours, ID: u.ID, OwnerID: u.ID},
			map[string]any{"minutes": ct.Minutes, "activities": ct.Activities})
	})
	if err != nil {
		return nil, err
	}
	return ct, nil
}

// FindCertificate returns a certificate by its token (public: verification).
func (s *Store) FindCertificate(ctx context.Context, token string) (*Certificate, error) {
	ct := &Certificate{}
	var first, last sql.NullTime
	err := s.read().row(ctx, `SELECT v.token, v.user_id, u.name, v.minutes, v.activities, v.first_at, v.last_at, v.issued_at
		FROM volunteer_certificates v JOIN users u ON u.id = v.user_id WHERE v.token = ?`, token).
		Scan(&ct.Token, &ct.UserID, &ct.UserName, &ct.Minutes, &ct.Activities, &first, &last, &ct.IssuedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("certificate")
	}
	ct.FirstAt, ct.LastAt = first.Time.UTC(), last.Time.UTC()
	return ct, s.translate(err)
}

// flagLookback is how far back the fraud checks read check-ins: the week
// under review and the weeks that make the resident's norm.
const flagLookback = (activities.NormWeeks + 1) * 7 * 24 * time.Hour

// FindActivityFlags returns the attendance findings for staff review: of
// one street (street staff), or everywhere with streetID "" (coordinators).
func (s *Store) FindActivityFlags(ctx context.Context, streetID string) ([]activities.Flag, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View,
		accounts.Resource{Kind: accounts.KindActivityFlag, StreetID: streetID}); err != nil {
		return nil, err
	}
	c := s.read()
	rows, err := c.query(ctx, `SELECT g.id, a.id, a.title, a.address, a.street_id, g.user_id, u.name, g.checkin_at,
		g.checkout_at, g.checkin_method
		FROM activity_signups g JOIN activities a ON a.id = g.activity_id JOIN users u ON u.id = g.user_id
		WHERE g.checkin_at IS NOT NULL AND g.checkin_at >= ?`, c.now.Add(-flagLookback))
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var ps []activities.Presence
	for rows.Next() {
		var p activities.Presence
		var out sql.NullTime
		if err := rows.Scan(&p.SignupID, &p.ActivityID, &p.Title, &p.Address, &p.StreetID, &p.UserID, &p.UserName,
			&p.In, &out, &p.Method); err != nil {
			return nil, s.translate(err)
		}
		p.In = p.In.UTC()
		if out.Valid {
			p.Out = out.Time.UTC()
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	var out []activities.Flag
	var keys []string
	for _, f := range activities.Flags(ps, c.now) {
		if streetID == "" || involves(f, streetID) {
			out = append(out, f)
			keys = append(keys, f.Key())
		}
	}
	// Flags staff dismissed leave the list (flag_dismissals.go).
	gone, err := dismissedFlags(ctx, c, keys)
	if err != nil {
		return nil, s.translate(err)
	}
	open := out[:0]
	for _, f := range out {
		if !gone[f.Key()] {
			open = append(open, f)
		}
	}
	return open, nil
}

// involves reports whether any check-in of f happened in the street.
func involves(f activities.Flag, streetID string) bool {
	for _, p := range f.Presences {
		if p.StreetID == streetID {
			return true
		}
	}
	return false
}

// ActivitySecretCode returns the code the organizer shows now and when it
// changes; only those who may update the activity see it.
func (s *Store) ActivitySecretCode(ctx context.Context, id string) (string, time.Time, error) {
	a, err := s.FindActivityByID(ctx, id)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, a.Resource()); err != nil {
		return "", time.Time{}, err
	}
	var secret string
	if err := s.read().row(ctx, `SELECT secret FROM activities WHERE id = ?`, id).Scan(&secret); err != nil {
		return "", time.Time{}, s.translate(err)
	}
	code, until := activities.Code(secret, s.Now())
	return code, until, nil
}
