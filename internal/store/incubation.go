package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(...any) error }

// ---- bases ----

const baseSelect = `SELECT b.id, b.name, COALESCE(b.street_id, ''), COALESCE(s.name, ''), b.address, b.created_at
	FROM incubation_bases b LEFT JOIN streets s ON s.id = b.street_id`

func scanBase(sc scanner) (*incubation.Base, error) {
	b := &incubation.Base{}
	return b, sc.Scan(&b.ID, &b.Name, &b.StreetID, &b.StreetName, &b.Address, &b.CreatedAt)
}

// CreateBase opens an incubation base: the district's (no street; platform
// admins) or a street's (its staff too).
func (s *Store) CreateBase(ctx context.Context, b *incubation.Base) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, b.Resource()); err != nil {
		return err
	}
	if err := b.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		if b.StreetID != "" {
			st, err := findStreet(ctx, c, `id = ?`, b.StreetID)
			if err != nil {
				return fieldErr("street", err)
			}
			b.StreetName = st.Name
		}
		b.ID, b.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO incubation_bases (id, name, street_id, address, created_at) VALUES (?, ?, ?, ?, ?)`,
			b.ID, b.Name, nullStr(b.StreetID), b.Address, c.now); err != nil {
			return err
		}
		return record(ctx, c, "base.create", b.Resource(), map[string]any{"name": b.Name})
	})
}

// FindBases lists every base, the district's first.
func (s *Store) FindBases(ctx context.Context) ([]*incubation.Base, error) {
	rows, err := s.read().query(ctx, baseSelect+` ORDER BY b.street_id IS NOT NULL, s.created_at, b.name`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Base
	for rows.Next() {
		b, err := scanBase(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, b)
	}
	return out, s.translate(rows.Err())
}

// FindBaseByID returns one base.
func (s *Store) FindBaseByID(ctx context.Context, id string) (*incubation.Base, error) {
	return findBase(ctx, s.read(), id, s)
}

func findBase(ctx context.Context, c conn, id string, s *Store) (*incubation.Base, error) {
	b, err := scanBase(c.row(ctx, baseSelect+` WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("base")
	}
	return b, s.translate(err)
}

// ---- spaces ----

const spaceSelect = `SELECT sp.id, sp.base_id, b.name, COALESCE(b.street_id, ''), COALESCE(st.name, ''), sp.name, sp.kind,
	sp.capacity, sp.hours, sp.audience, sp.rules, sp.max_slots, sp.ahead_days, COALESCE(sp.assignee_org_id, ''),
	COALESCE(o.name, ''), sp.created_at
	FROM spaces sp JOIN incubation_bases b ON b.id = sp.base_id LEFT JOIN streets st ON st.id = b.street_id
	LEFT JOIN organizations o ON o.id = sp.assignee_org_id`

func scanSpace(sc scanner) (*incubation.Space, error) {
	sp := &incubation.Space{}
	var hours string
	err := sc.Scan(&sp.ID, &sp.BaseID, &sp.BaseName, &sp.StreetID, &sp.StreetName, &sp.Name, &sp.Kind, &sp.Capacity,
		&hours, &sp.Audience, &sp.Rules, &sp.MaxSlots, &sp.AheadDays, &sp.AssigneeOrgID, &sp.AssigneeOrgName, &sp.CreatedAt)
	if err == nil {
		sp.Hours, _ = incubation.ParseWeek(hours)
	}
	return sp, err
}

// CreateSpace adds a room, an area or a workstation to a base.
func (s *Store) CreateSpace(ctx context.Context, sp *incubation.Space) error {
	return s.tx(ctx, func(c conn) error {
		b, err := findBase(ctx, c, sp.BaseID, s)
		if err != nil {
			return fieldErr("base", err)
		}
		sp.BaseName, sp.StreetID, sp.StreetName = b.Name, b.StreetID, b.StreetName
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, sp.Resource()); err != nil {
			return err
		}
		if err := sp.Validate(); err != nil {
			return err
		}
		sp.ID, sp.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO spaces (id, base_id, name, kind, capacity, hours, audience, rules, max_slots,
			ahead_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sp.ID, sp.BaseID, sp.Name, sp.Kind, sp.Capacity,
			sp.Hours.String(), sp.Audience, sp.Rules, sp.MaxSlots, sp.AheadDays, c.now); err != nil {
			return err
		}
		return record(ctx, c, "space.create", sp.Resource(), map[string]any{"name": sp.Name, "base": b.Name, "kind": sp.Kind})
	})
}

// UpdateSpace changes a space's capacity, hours, audience, rules and limits.
func (s *Store) UpdateSpace(ctx context.Context, sp *incubation.Space) error {
	return s.tx(ctx, func(c conn) error {
		old, err := scanSpace(c.row(ctx, spaceSelect+` WHERE sp.id = ?`, sp.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("space")
		}
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, old.Resource()); err != nil {
			return err
		}
		sp.BaseID, sp.BaseName, sp.StreetID, sp.StreetName, sp.Kind = old.BaseID, old.BaseName, old.StreetID, old.StreetName, old.Kind
		sp.AssigneeOrgID, sp.AssigneeOrgName, sp.CreatedAt = old.AssigneeOrgID, old.AssigneeOrgName, old.CreatedAt
		if err := sp.Validate(); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE spaces SET name = ?, capacity = ?, hours = ?, audience = ?, rules = ?, max_slots = ?,
			ahead_days = ? WHERE id = ?`, sp.Name, sp.Capacity, sp.Hours.String(), sp.Audience, sp.Rules, sp.MaxSlots,
			sp.AheadDays, sp.ID); err != nil {
			return err
		}
		return record(ctx, c, "space.update", sp.Resource(), map[string]any{"name": sp.Name, "capacity": sp.Capacity,
			"hours": sp.Hours.String(), "audience": sp.Audience})
	})
}

// FindSpaces lists the spaces of one base, or of all when baseID is "".
func (s *Store) FindSpaces(ctx context.Context, baseID string) ([]*incubation.Space, error) {
	q, args := spaceSelect, []any{}
	if baseID != "" {
		q += ` WHERE sp.base_id = ?`
		args = append(args, baseID)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY b.street_id IS NOT NULL, b.name, sp.kind = 'workstation', sp.name`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Space
	for rows.Next() {
		sp, err := scanSpace(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, sp)
	}
	return out, s.translate(rows.Err())
}

// FindSpaceByID returns one space.
func (s *Store) FindSpaceByID(ctx context.Context, id string) (*incubation.Space, error) {
	sp, err := scanSpace(s.read().row(ctx, spaceSelect+` WHERE sp.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("space")
	}
	return sp, s.translate(err)
}

// AssignWorkstation gives a workstation to an organization incubating at
// its base (orgID "" frees it).
func (s *Store) AssignWorkstation(ctx context.Context, spaceID, orgID string) error {
	return s.tx(ctx, func(c conn) error {
		sp, err := scanSpace(c.row(ctx, spaceSelect+` WHERE sp.id = ?`, spaceID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("space")
		}
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, sp.Resource()); err != nil {
			return err
		}
		if sp.Kind != incubation.Workstation {
			return errs.E(errs.Invalid, "space.not_workstation")
		}
		if orgID != "" {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM incubations WHERE org_id = ? AND base_id = ? AND stage = ?`,
				orgID, sp.BaseID, incubation.Incubating).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("org", "space.assignee_not_incubating")
			}
			if sp.AssigneeOrgID != "" && sp.AssigneeOrgID != orgID {
				return errs.E(errs.Conflict, "space.workstation_taken")
			}
		}
		// Guarded: two staff giving the same free desk away at once cannot
		// both succeed.
		res, err := c.exec(ctx, `UPDATE spaces SET assignee_org_id = ? WHERE id = ?
			AND (assignee_org_id IS NULL OR assignee_org_id = ? OR ? = '')`, nullStr(orgID), spaceID, orgID, orgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "space.workstation_taken")
		}
		return record(ctx, c, "space.assign", sp.Resource(), map[string]any{"name": sp.Name, "org": orgID, "was": sp.AssigneeOrgID})
	})
}

// ---- bookings ----

const bookingSelect = `SELECT bk.id, bk.space_id, sp.name, b.name, COALESCE(b.street_id, ''), COALESCE(bk.org_id, ''),
	COALESCE(o.name, ''), bk.user_id, bk.user_name, bk.start_at, bk.end_at, bk.attendees, bk.purpose, bk.status,
	bk.cancelled_by, bk.cancelled_at, bk.created_at
	FROM bookings bk JOIN spaces sp ON sp.id = bk.space_id JOIN incubation_bases b ON b.id = sp.base_id
	LEFT JOIN organizations o ON o.id = bk.org_id`

func scanBooking(sc scanner) (*incubation.Booking, error) {
	bk := &incubation.Booking{}
	var cancelled sql.NullTime
	err := sc.Scan(&bk.ID, &bk.SpaceID, &bk.SpaceName, &bk.BaseName, &bk.StreetID, &bk.OrgID, &bk.OrgName, &bk.UserID,
		&bk.UserName, &bk.Start, &bk.End, &bk.Attendees, &bk.Purpose, &bk.Status, &bk.CancelledBy, &cancelled, &bk.CreatedAt)
	bk.Start, bk.End, bk.CreatedAt = bk.Start.UTC(), bk.End.UTC(), bk.CreatedAt.UTC()
	if cancelled.Valid {
		bk.CancelledAt = cancelled.Time.UTC()
	}
	return bk, err
}

// CreateBooking books a space for whole half hours, for bk.OrgID (the
// actor acting for it) or, with no organization, for the actor in person.
// Every half hour is a row under UNIQUE (space_id, slot_start), written in
// the booking's transaction: of two people booking the same slot at the
// same moment exactly one succeeds; the other gets a conflict.
func (s *Store) CreateBooking(ctx context.Context, bk *incubation.Booking) error {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return s.tx(ctx, func(c conn) error {
		sp, err := scanSpace(c.row(ctx, spaceSelect+` WHERE sp.id = ?`, bk.SpaceID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("space")
		}
		if err != nil {
			return err
		}
		bk.SpaceName, bk.BaseName, bk.StreetID, bk.UserID, bk.UserName = sp.Name, sp.BaseName, sp.StreetID, u.ID, u.Name
		res := bk.Resource()
		if bk.OrgID != "" {
			// Acting for an organization: being its booker is not enough.
			res.OwnerID = ""
		}
		if err := accounts.Can(u, accounts.Create, res); err != nil {
			return err
		}
		var el incubation.Eligibility
		if bk.OrgID != "" {
			o, err := findOrg(ctx, c, `o.id = ?`, bk.OrgID)
			if err != nil {
				return fieldErr("org", err)
			}
			bk.OrgName = o.Name
			el.StreetMatch = sp.StreetID == "" || o.StreetID == sp.StreetID
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM incubations WHERE org_id = ? AND base_id = ? AND stage IN (?, ?)`,
				bk.OrgID, sp.BaseID, incubation.Admitted, incubation.Incubating).Scan(&n); err != nil {
				return err
			}
			el.Incubating = n > 0
		}
		if err := sp.CheckBooking(bk, c.now, el, incubation.Manages(u, sp.StreetID)); err != nil {
			return err
		}
		bk.ID, bk.Status, bk.CreatedAt = newID(), incubation.BookingActive, c.now
		if _, err := c.exec(ctx, `INSERT INTO bookings (id, space_id, org_id, user_id, user_name, start_at, end_at, attendees,
			purpose, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, bk.ID, bk.SpaceID, nullStr(bk.OrgID), bk.UserID,
			bk.UserName, bk.Start, bk.End, bk.Attendees, bk.Purpose, bk.Status, c.now); err != nil {
			return err
		}
		for _, t := range bk.Slots() {
			if _, err := c.exec(ctx, `INSERT INTO booking_slots (space_id, slot_start, booking_id) VALUES (?, ?, ?)`,
				bk.SpaceID, t, bk.ID); err != nil {
				if errs.Is(s.translate(err), errs.Conflict) {
					return errs.E(errs.Conflict, "booking.slot_taken")
				}
				return err
			}
		}
		return record(ctx, c, "booking.create", bk.Resource(), map[string]any{"space": sp.Name, "org": bk.OrgName,
			"start": bk.Start, "end": bk.End})
	})
}

// CancelBooking cancels a booking and frees its half hours: the booker or
// the organization before it starts, the base's staff at any time.
func (s *Store) CancelBooking(ctx context.Context, id string) error {
	u := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		bk, err := scanBooking(c.row(ctx, bookingSelect+` WHERE bk.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("booking")
		}
		if err != nil {
			return err
		}
		override, err := incubation.CheckCancel(u, bk, c.now)
		if err != nil {
			return err
		}
		res, err := c.exec(ctx, `UPDATE bookings SET status = ?, cancelled_by = ?, cancelled_at = ? WHERE id = ? AND status = ?`,
			incubation.BookingCancelled, u.ID, c.now, id, incubation.BookingActive)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "booking.already_cancelled")
		}
		if _, err := c.exec(ctx, `DELETE FROM booking_slots WHERE booking_id = ?`, id); err != nil {
			return err
		}
		return record(ctx, c, "booking.cancel", bk.Resource(), map[string]any{"space": bk.SpaceName, "start": bk.Start,
			"override": override})
	})
}

// FindBookingByID returns one booking to those who may see it.
func (s *Store) FindBookingByID(ctx context.Context, id string) (*incubation.Booking, error) {
	bk, err := scanBooking(s.read().row(ctx, bookingSelect+` WHERE bk.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("booking")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, bk.Resource()); err != nil {
		return nil, err
	}
	return bk, nil
}

// FindSpaceBookings lists a space's active bookings overlapping [from, to),
// for its day and week view. Callers show the booker's name only to those
// allowed ViewPrivate on the booking.
func (s *Store) FindSpaceBookings(ctx context.Context, spaceID string, from, to time.Time) ([]*incubation.Booking, error) {
	return s.findBookings(ctx, ` WHERE bk.space_id = ? AND bk.status = 'active' AND bk.start_at < ? AND bk.end_at > ?
		ORDER BY bk.start_at`, spaceID, to.UTC(), from.UTC())
}

// FindMyBookings lists the bookings the actor made or their organizations
// hold, from since on.
func (s *Store) FindMyBookings(ctx context.Context, since time.Time) ([]*incubation.Booking, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	q, args := ` WHERE bk.end_at > ? AND (bk.user_id = ?`, []any{since.UTC(), u.ID}
	if ids := u.OrgIDs(); len(ids) > 0 {
		q += ` OR bk.org_id IN (` + placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return s.findBookings(ctx, q+`) ORDER BY bk.start_at`, args...)
}

func (s *Store) findBookings(ctx context.Context, where string, args ...any) ([]*incubation.Booking, error) {
	rows, err := s.read().query(ctx, bookingSelect+where, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Booking
	for rows.Next() {
		bk, err := scanBooking(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, bk)
	}
	return out, s.translate(rows.Err())
}
