package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
)

// partyOrg loads the organization's street for the authorization view.
func partyOrg(ctx context.Context, c conn, orgID string) (streetID string, err error) {
	err = c.row(ctx, `SELECT street_id FROM organizations WHERE id = ?`, orgID).Scan(&streetID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("organization")
	}
	return streetID, err
}

// RecordPartyForm adds an entry to an organization's party-organization form
// history (its street's staff or the coordinators). The newest entry is the
// organization's current form, so its party_form follows.
func (s *Store) RecordPartyForm(ctx context.Context, f *coordination.FormChange) error {
	return s.tx(ctx, func(c conn) error {
		street, err := partyOrg(ctx, c, f.OrgID)
		if err != nil {
			return err
		}
		res := coordination.PartyResource(f.OrgID, street, "")
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
			return err
		}
		// The form is read only for someone who may act.
		if err := f.Validate(); err != nil {
			return err
		}
		f.ID, f.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO party_form_changes (id, org_id, form, since, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			f.ID, f.OrgID, f.Form, f.Since.UTC(), f.Note, c.now); err != nil {
			return err
		}
		var later int
		if err := c.row(ctx, `SELECT COUNT(*) FROM party_form_changes WHERE org_id = ? AND since > ?`, f.OrgID, f.Since.UTC()).
			Scan(&later); err != nil {
			return err
		}
		if later == 0 {
			if _, err := c.exec(ctx, `UPDATE organizations SET party_form = ?, updated_at = ? WHERE id = ?`, f.Form, c.now, f.OrgID); err != nil {
				return err
			}
			c.changed(ChangeOrganization, f.OrgID)
		}
		return record(ctx, c, "party.form", res, map[string]any{"form": f.Form,
			"since": f.Since.In(meetingZone).Format("2006-01-02"), "current": later == 0})
	})
}

// CreatePairing pairs an organization with a community or a street (党建联建).
func (s *Store) CreatePairing(ctx context.Context, p *coordination.Pairing) error {
	return s.tx(ctx, func(c conn) error {
		street, err := partyOrg(ctx, c, p.OrgID)
		if err != nil {
			return err
		}
		res := coordination.PartyResource(p.OrgID, street, "")
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
			return err
		}
		// The form is read only for someone who may act.
		if err := p.Validate(); err != nil {
			return err
		}
		if p.PartnerName, _, err = partyName(ctx, c, p.PartnerKind, p.PartnerID); err != nil {
			return fieldErr("partner", err)
		}
		p.ID, p.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO party_pairings (id, org_id, partner_kind, partner_id, since, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, p.OrgID, p.PartnerKind, p.PartnerID, p.Since.UTC(), p.Note, c.now); err != nil {
			return err
		}
		return record(ctx, c, "party.pairing", res, map[string]any{"pairing": p.ID, "partner": p.PartnerName})
	})
}

// AddJointActivity records an activity a pair held together.
func (s *Store) AddJointActivity(ctx context.Context, j *coordination.JointActivity) error {
	return s.tx(ctx, func(c conn) error {
		var orgID string
		err := c.row(ctx, `SELECT org_id FROM party_pairings WHERE id = ?`, j.PairingID).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("pairing")
		} else if err != nil {
			return err
		}
		street, err := partyOrg(ctx, c, orgID)
		if err != nil {
			return err
		}
		res := coordination.PartyResource(orgID, street, "")
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
			return err
		}
		// The form is read only for someone who may act.
		if err := j.Validate(); err != nil {
			return err
		}
		j.ID = newID()
		if _, err := c.exec(ctx, `INSERT INTO party_activities (id, pairing_id, held_on, title, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			j.ID, j.PairingID, j.On.UTC(), j.Title, j.Note, c.now); err != nil {
			return err
		}
		return record(ctx, c, "party.activity", res, map[string]any{"pairing": j.PairingID, "title": j.Title})
	})
}

// AssignInstructor assigns a user as the organization's party-building
// instructor (党建指导员).
func (s *Store) AssignInstructor(ctx context.Context, in *coordination.Instructor) error {
	if in.Since.IsZero() {
		return errs.Field("since", "field.required")
	}
	return s.tx(ctx, func(c conn) error {
		street, err := partyOrg(ctx, c, in.OrgID)
		if err != nil {
			return err
		}
		res := coordination.PartyResource(in.OrgID, street, "")
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
			return err
		}
		if in.UserName, _, err = partyName(ctx, c, coordination.OwnerUser, in.UserID); err != nil {
			return fieldErr("user", err)
		}
		in.ID = newID()
		if _, err := c.exec(ctx, `INSERT INTO party_instructors (id, org_id, user_id, since, created_at) VALUES (?, ?, ?, ?, ?)`,
			in.ID, in.OrgID, in.UserID, in.Since.UTC(), c.now); err != nil {
			if errs.Is(s.translate(err), errs.Conflict) { // one assignment per person and organization, ended or not
				return errs.Field("user", "party.instructor_assigned_before")
			}
			return err
		}
		return record(ctx, c, "party.instructor", res, map[string]any{"instructor": in.UserName})
	})
}

// LogVisit records an instructor's visit: by the instructor, or by the
// organization's street staff and the coordinators.
func (s *Store) LogVisit(ctx context.Context, v *coordination.Visit) error {
	return s.tx(ctx, func(c conn) error {
		var orgID, userID string
		var until sql.NullTime
		err := c.row(ctx, `SELECT org_id, user_id, ended_on FROM party_instructors WHERE id = ?`, v.InstructorID).Scan(&orgID, &userID, &until)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("instructor")
		} else if err != nil {
			return err
		}
		street, err := partyOrg(ctx, c, orgID)
		if err != nil {
			return err
		}
		res := coordination.PartyResource(orgID, street, userID)
		actor := accounts.ActorFrom(ctx)
		if err := accounts.Can(actor, accounts.Create, res); err != nil {
			return err
		}
		// The form is read only for someone who may act.
		if err := v.Validate(); err != nil {
			return err
		}
		if until.Valid && v.On.After(until.Time) {
			return errs.Field("on", "party.visit_after_end")
		}
		v.ID, v.CreatedAt, v.ByName = newID(), c.now, coordActorName(actor)
		if _, err := c.exec(ctx, `INSERT INTO party_visits (id, instructor_id, visited_on, note, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			v.ID, v.InstructorID, v.On.UTC(), v.Note, v.ByName, c.now); err != nil {
			return err
		}
		return record(ctx, c, "party.visit", res, map[string]any{"instructor": v.InstructorID,
			"on": v.On.In(meetingZone).Format("2006-01-02")})
	})
}

// FindPartyRecord returns an organization's party-building record. Everyone
// reads forms, pairs and activities; visit notes go to those who keep the
// record and to the instructor (others see the dates only).
func (s *Store) FindPartyRecord(ctx context.Context, orgID string) (*coordination.PartyRecord, error) {
	c := s.read()
	street, err := partyOrg(ctx, c, orgID)
	if err != nil {
		return nil, s.translate(err)
	}
	actor := accounts.ActorFrom(ctx)
	keeper := accounts.Allowed(actor, accounts.Update, coordination.PartyResource(orgID, street, ""))
	rec := &coordination.PartyRecord{}
	err = s.partyEach(ctx, c, `SELECT id, form, since, note, created_at FROM party_form_changes WHERE org_id = ? ORDER BY since, created_at`,
		[]any{orgID}, func(sc partyRow) error {
			f := &coordination.FormChange{OrgID: orgID}
			if err := sc.Scan(&f.ID, &f.Form, &f.Since, &f.Note, &f.CreatedAt); err != nil {
				return err
			}
			f.Since = f.Since.UTC()
			rec.Forms = append(rec.Forms, f)
			return nil
		})
	if err != nil {
		return nil, err
	}
	byID := map[string]*coordination.Pairing{}
	err = s.partyEach(ctx, c, `SELECT p.id, p.partner_kind, p.partner_id, COALESCE(CASE p.partner_kind
			WHEN 'street' THEN (SELECT name FROM streets WHERE id = p.partner_id)
			WHEN 'community' THEN (SELECT name FROM communities WHERE id = p.partner_id) END, ''), p.since, p.note
		FROM party_pairings p WHERE p.org_id = ? ORDER BY p.since, p.id`, []any{orgID}, func(sc partyRow) error {
		p := &coordination.Pairing{OrgID: orgID}
		if err := sc.Scan(&p.ID, &p.PartnerKind, &p.PartnerID, &p.PartnerName, &p.Since, &p.Note); err != nil {
			return err
		}
		p.Since = p.Since.UTC()
		rec.Pairings, byID[p.ID] = append(rec.Pairings, p), p
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.partyEach(ctx, c, `SELECT a.id, a.pairing_id, a.held_on, a.title, a.note FROM party_activities a
		JOIN party_pairings p ON p.id = a.pairing_id WHERE p.org_id = ? ORDER BY a.held_on DESC, a.id`, []any{orgID}, func(sc partyRow) error {
		j := &coordination.JointActivity{}
		if err := sc.Scan(&j.ID, &j.PairingID, &j.On, &j.Title, &j.Note); err != nil {
			return err
		}
		j.On = j.On.UTC()
		j.Note = coordination.MaskPhones(j.Note)
		if p := byID[j.PairingID]; p != nil {
			p.Activities = append(p.Activities, j)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ins := map[string]*coordination.Instructor{}
	err = s.partyEach(ctx, c, `SELECT i.id, i.user_id, u.name, i.since, i.ended_on FROM party_instructors i JOIN users u ON u.id = i.user_id
		WHERE i.org_id = ? ORDER BY i.since, i.id`, []any{orgID}, func(sc partyRow) error {
		in := &coordination.Instructor{OrgID: orgID}
		var until sql.NullTime
		if err := sc.Scan(&in.ID, &in.UserID, &in.UserName, &in.Since, &until); err != nil {
			return err
		}
		in.Since = in.Since.UTC()
		if until.Valid {
			in.Until = until.Time.UTC()
		}
		rec.Instructors, ins[in.ID] = append(rec.Instructors, in), in
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.partyEach(ctx, c, `SELECT v.id, v.instructor_id, v.visited_on, v.note, v.by_name, v.created_at FROM party_visits v
		JOIN party_instructors i ON i.id = v.instructor_id WHERE i.org_id = ? ORDER BY v.visited_on DESC, v.id`, []any{orgID},
		func(sc partyRow) error {
			v := &coordination.Visit{}
			if err := sc.Scan(&v.ID, &v.InstructorID, &v.On, &v.Note, &v.ByName, &v.CreatedAt); err != nil {
				return err
			}
			v.On = v.On.UTC()
			in := ins[v.InstructorID]
			if in == nil {
				return nil
			}
			if !keeper && (actor == nil || actor.ID != in.UserID) {
				v.Note, v.ByName = "", ""
			}
			in.Visits = append(in.Visits, v)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

type partyRow interface{ Scan(...any) error }

// partyEach runs q and calls fn for every row.
func (s *Store) partyEach(ctx context.Context, c conn, q string, args []any, fn func(partyRow) error) error {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return s.translate(err)
		}
	}
	return s.translate(rows.Err())
}
