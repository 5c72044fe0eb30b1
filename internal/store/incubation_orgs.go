package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/registry"
)

const incubationSelect = `SELECT i.id, i.base_id, b.name, COALESCE(b.street_id, ''), i.org_id, o.name, i.stage, i.statement,
	i.plan, i.mentor, i.starts_on, i.ends_on, i.applied_at, i.updated_at, i.note,
	COALESCE((SELECT MIN(sp.name) FROM spaces sp WHERE sp.base_id = i.base_id AND sp.assignee_org_id = i.org_id), '')
	FROM incubations i JOIN incubation_bases b ON b.id = i.base_id JOIN organizations o ON o.id = i.org_id`

func scanIncubation(sc scanner) (*incubation.Incubation, error) {
	in := &incubation.Incubation{}
	var starts, ends sql.NullTime
	err := sc.Scan(&in.ID, &in.BaseID, &in.BaseName, &in.StreetID, &in.OrgID, &in.OrgName, &in.Stage, &in.Statement,
		&in.Plan, &in.Mentor, &starts, &ends, &in.AppliedAt, &in.UpdatedAt, &in.Note, &in.Workstation)
	if starts.Valid {
		in.StartsOn = starts.Time.UTC()
	}
	if ends.Valid {
		in.EndsOn = ends.Time.UTC()
	}
	return in, err
}

func findIncubation(ctx context.Context, c conn, id string) (*incubation.Incubation, error) {
	in, err := scanIncubation(c.row(ctx, incubationSelect+` WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("incubation")
	}
	return in, err
}

// ApplyIncubation files an organization's application to a base: the
// district's or its own street's (Base.TakesApplicantFrom). An
// organization has at most one open (applied, admitted, incubating)
// incubation at a time.
func (s *Store) ApplyIncubation(ctx context.Context, in *incubation.Incubation) error {
	if err := in.ValidateApplication(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		b, err := findBase(ctx, c, in.BaseID, s)
		if err != nil {
			return fieldErr("base", err)
		}
		o, err := findOrg(ctx, c, `o.id = ?`, in.OrgID)
		if err != nil {
			return fieldErr("org", err)
		}
		in.BaseName, in.StreetID, in.OrgName = b.Name, b.StreetID, o.Name
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, in.Resource()); err != nil {
			return err
		}
		if !b.TakesApplicantFrom(o.StreetID) {
			return errs.Field("base", "incubation.base_other_street")
		}
		in.ID, in.Stage, in.AppliedAt, in.UpdatedAt = newID(), incubation.Applied, c.now, c.now
		if _, err := c.exec(ctx, `INSERT INTO incubations (id, base_id, org_id, stage, statement, open, applied_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, in.ID, in.BaseID, in.OrgID, in.Stage, in.Statement, c.now, c.now); err != nil {
			if errs.Is(s.translate(err), errs.Conflict) {
				return errs.E(errs.Conflict, "incubation.already_open")
			}
			return err
		}
		return record(ctx, c, "incubation.apply", in.Resource(), map[string]any{"base": b.Name, "org": o.Name})
	})
}

// AdmitIncubation admits an applicant with a plan, a mentor and a period.
func (s *Store) AdmitIncubation(ctx context.Context, id string, a incubation.Admission) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		in, err := findIncubation(ctx, c, id)
		if err != nil {
			return err
		}
		to, err := incubation.Step(accounts.ActorFrom(ctx), in, incubation.ActAdmit)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE incubations SET stage = ?, plan = ?, mentor = ?, starts_on = ?, ends_on = ?,
			updated_at = ? WHERE id = ?`, to, a.Plan, a.Mentor, a.StartsOn.UTC(), a.EndsOn.UTC(), c.now, id); err != nil {
			return err
		}
		return record(ctx, c, "incubation.admit", in.Resource(), map[string]any{"org": in.OrgName, "mentor": a.Mentor,
			"starts_on": a.StartsOn, "ends_on": a.EndsOn})
	})
}

// StepIncubation takes the move-in, graduation or withdrawal step. Graduating
// needs every criterion met; graduating or withdrawing frees the
// organization's workstation.
func (s *Store) StepIncubation(ctx context.Context, id string, action incubation.Action, note string) error {
	if action == incubation.ActAdmit {
		return errs.E(errs.Invalid, "incubation.admit_needs_plan")
	}
	return s.tx(ctx, func(c conn) error {
		in, err := findIncubation(ctx, c, id)
		if err != nil {
			return err
		}
		to, err := incubation.Step(accounts.ActorFrom(ctx), in, action)
		if err != nil {
			return err
		}
		data := map[string]any{"org": in.OrgName, "from": in.Stage, "to": to}
		if to == incubation.Graduated {
			cr, err := criteria(ctx, c, in.OrgID)
			if err != nil {
				return err
			}
			if !cr.Met() {
				return errs.E(errs.Conflict, "incubation.criteria_unmet")
			}
			data["courses"], data["projects"] = cr.CoursesCompleted, cr.ProjectsWon
		}
		open := any(1)
		if to == incubation.Graduated || to == incubation.Withdrawn {
			open = nil
			if _, err := c.exec(ctx, `UPDATE spaces SET assignee_org_id = NULL WHERE base_id = ? AND assignee_org_id = ?`,
				in.BaseID, in.OrgID); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `UPDATE incubations SET stage = ?, note = ?, open = ?, updated_at = ? WHERE id = ?`,
			to, note, open, c.now, id); err != nil {
			return err
		}
		return record(ctx, c, "incubation."+string(action), in.Resource(), data)
	})
}

// IncubationFilter narrows FindIncubations.
type IncubationFilter struct {
	BaseID string
	OrgID  string
	Stage  incubation.Stage
}

// FindIncubations lists incubations, newest first. Stages and bases are
// public; plans and statements are blanked for those not allowed to see
// them.
func (s *Store) FindIncubations(ctx context.Context, f IncubationFilter) ([]*incubation.Incubation, error) {
	q, args := incubationSelect+` WHERE 1 = 1`, []any{}
	if f.BaseID != "" {
		q += ` AND i.base_id = ?`
		args = append(args, f.BaseID)
	}
	if f.OrgID != "" {
		q += ` AND i.org_id = ?`
		args = append(args, f.OrgID)
	}
	if f.Stage != "" {
		q += ` AND i.stage = ?`
		args = append(args, f.Stage)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY i.applied_at DESC`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	u := accounts.ActorFrom(ctx)
	var out []*incubation.Incubation
	for rows.Next() {
		in, err := scanIncubation(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if !accounts.Allowed(u, accounts.ViewPrivate, in.Resource()) {
			in.Statement, in.Plan, in.Note = "", "", ""
		}
		out = append(out, in)
	}
	return out, s.translate(rows.Err())
}

// FindIncubationByID returns one incubation with its private parts to those
// who may see them.
func (s *Store) FindIncubationByID(ctx context.Context, id string) (*incubation.Incubation, error) {
	in, err := findIncubation(ctx, s.read(), id)
	if err != nil {
		return nil, s.translate(err)
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, in.Resource()); err != nil {
		return nil, err
	}
	return in, nil
}

// AddService records a mentoring session or another service received.
func (s *Store) AddService(ctx context.Context, incubationID string, sv *incubation.Service) error {
	if err := errs.Merge(sv.Validate(), sv.CheckDay(s.Now())); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		in, err := findIncubation(ctx, c, incubationID)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, in.Resource()); err != nil {
			return err
		}
		if !in.Active() {
			return errs.E(errs.Conflict, "incubation.not_active")
		}
		sv.ID, sv.IncubationID, sv.CreatedAt = newID(), in.ID, c.now
		if _, err := c.exec(ctx, `INSERT INTO incubation_services (id, incubation_id, kind, provider, note, served_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, sv.ID, sv.IncubationID, sv.Kind, sv.Provider, sv.Note, sv.On.UTC(), c.now); err != nil {
			return err
		}
		return record(ctx, c, "incubation.service", in.Resource(), map[string]any{"kind": sv.Kind, "provider": sv.Provider})
	})
}

// FindServices lists an incubation's services, oldest first.
func (s *Store) FindServices(ctx context.Context, incubationID string) ([]*incubation.Service, error) {
	if _, err := s.FindIncubationByID(ctx, incubationID); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, `SELECT id, incubation_id, kind, provider, note, served_on, created_at
		FROM incubation_services WHERE incubation_id = ? ORDER BY served_on, created_at`, incubationID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Service
	for rows.Next() {
		sv := &incubation.Service{}
		if err := rows.Scan(&sv.ID, &sv.IncubationID, &sv.Kind, &sv.Provider, &sv.Note, &sv.On, &sv.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, sv)
	}
	return out, s.translate(rows.Err())
}

// IncubationCriteria computes an organization's graduation criteria.
func (s *Store) IncubationCriteria(ctx context.Context, orgID string) (incubation.Criteria, error) {
	cr, err := criteria(ctx, s.read(), orgID)
	return cr, s.translate(err)
}

func criteria(ctx context.Context, c conn, orgID string) (incubation.Criteria, error) {
	var cr incubation.Criteria
	var reg string
	if err := c.row(ctx, `SELECT registration FROM organizations WHERE id = ?`, orgID).Scan(&reg); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return cr, notFound("organization")
		}
		return cr, err
	}
	cr.Registered = registry.Registration(reg) == registry.Registered
	if err := c.row(ctx, `SELECT COUNT(DISTINCT cs.course_id) FROM certificates ct
		JOIN enrollments e ON e.id = ct.enrollment_id JOIN course_sessions cs ON cs.id = e.session_id
		WHERE e.org_id = ?`, orgID).Scan(&cr.CoursesCompleted); err != nil {
		return cr, err
	}
	// A first project: a need awarded to it and accepted (a need is closed
	// only after acceptance, and imported past projects arrive closed).
	err := c.row(ctx, `SELECT COUNT(*) FROM needs n
		WHERE n.awarded_org_id = ? AND n.status IN ('accepted', 'closed')`, orgID).Scan(&cr.ProjectsWon)
	return cr, err
}

// Outcome is one incubated organization and the projects it went on to win.
type Outcome struct {
	OrgID, OrgName, BaseName string
	Stage                    incubation.Stage
	Since                    time.Time
	Won, Accepted            int // needs awarded to it; of those, accepted
}

// FindIncubationOutcomes lists every organization that was admitted at some
// base with the needs awarded to it since its application (staff report).
func (s *Store) FindIncubationOutcomes(ctx context.Context) ([]*Outcome, error) {
	u := accounts.ActorFrom(ctx)
	rows, err := s.read().query(ctx, `SELECT i.org_id, o.name, b.name, COALESCE(b.street_id, ''), i.stage, i.applied_at,
		(SELECT COUNT(*) FROM needs n WHERE n.awarded_org_id = i.org_id AND n.awarded_at >= i.applied_at),
		(SELECT COUNT(*) FROM needs n WHERE n.awarded_org_id = i.org_id AND n.awarded_at >= i.applied_at
			AND n.status IN ('accepted', 'closed'))
		FROM incubations i JOIN organizations o ON o.id = i.org_id JOIN incubation_bases b ON b.id = i.base_id
		WHERE i.stage IN ('admitted', 'incubating', 'graduated')
		ORDER BY i.stage = 'graduated' DESC, o.name`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*Outcome
	for rows.Next() {
		o, street := &Outcome{}, ""
		if err := rows.Scan(&o.OrgID, &o.OrgName, &o.BaseName, &street, &o.Stage, &o.Since, &o.Won, &o.Accepted); err != nil {
			return nil, s.translate(err)
		}
		if incubation.Manages(u, street) {
			out = append(out, o)
		}
	}
	return out, s.translate(rows.Err())
}
