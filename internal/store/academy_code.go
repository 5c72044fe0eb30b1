package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
)

// The academy's rotating check-in code: the same 30-second code as
// volunteer activities (activities.Code), shown by the session's staff,
// typed or scanned by an enrollee linked to their platform account.

// enrolleeUser returns the account a trainee is linked to: the actor, or a
// colleague holding a role in the organization.
func (s *Store) enrolleeUser(ctx context.Context, orgID, userID string) (*accounts.User, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	u, err := s.FindUserByID(accounts.WithActor(ctx, accounts.System()), userID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("user", "enrollment.user_not_colleague")
	}
	if err != nil {
		return nil, err
	}
	if u.ID == actor.ID || holds(u, accounts.OrgAdmin, orgID) || holds(u, accounts.OrgMember, orgID) {
		return u, nil
	}
	return nil, errs.Field("user", "enrollment.user_not_colleague")
}

// Colleague is a platform user of an organization, to link an enrollment to.
type Colleague struct{ ID, Name string }

// FindColleagues lists the people holding a role in the organization (its
// admins and members), by name, for those who may enroll its staff.
func (s *Store) FindColleagues(ctx context.Context, orgID string) ([]Colleague, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate,
		accounts.Resource{Kind: accounts.KindEnrollment, OrgID: orgID}); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, `SELECT DISTINCT u.id, u.name FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.scope_id = ? AND g.role IN (?, ?) AND NOT u.disabled ORDER BY u.name, u.id`,
		orgID, string(accounts.OrgAdmin), string(accounts.OrgMember))
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []Colleague
	for rows.Next() {
		var c Colleague
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, c)
	}
	return out, s.translate(rows.Err())
}

// sessionSecret returns a session's code secret, making it on first use.
func sessionSecret(ctx context.Context, c conn, id string) (string, error) {
	if _, err := c.exec(ctx, `UPDATE course_sessions SET secret = ? WHERE id = ? AND secret = ''`,
		activities.NewSecret(), id); err != nil {
		return "", err
	}
	var secret string
	err := c.row(ctx, `SELECT secret FROM course_sessions WHERE id = ?`, id).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("course_session")
	}
	return secret, err
}

// SessionSecretCode returns the check-in code a session's staff show now
// and when it changes; only those who take its attendance see it.
func (s *Store) SessionSecretCode(ctx context.Context, sessionID string) (string, time.Time, error) {
	se, err := s.FindCourseSessionByID(ctx, sessionID)
	if err != nil {
		return "", time.Time{}, err
	}
	res := se.Resource()
	res.Kind = accounts.KindEnrollment
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
		return "", time.Time{}, err
	}
	var code string
	var until time.Time
	err = s.tx(ctx, func(c conn) error {
		secret, err := sessionSecret(ctx, c, se.ID)
		if err != nil {
			return err
		}
		code, until = activities.Code(secret, c.now)
		return nil
	})
	return code, until, err
}

// FindMySessionEnrollment returns the actor's own linked enrollment in a
// session (not found when they have none).
func (s *Store) FindMySessionEnrollment(ctx context.Context, sessionID string) (*incubation.Enrollment, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	e, err := scanEnrollment(s.read().row(ctx, enrollmentSelect+` WHERE e.session_id = ? AND e.user_id = ?`, sessionID, u.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("enrollment")
	}
	return e, s.translate(err)
}

// CheckinSessionByCode marks the actor present at a session with the code
// shown there (incubation.MethodCode), issuing the certificate; the actor
// must be enrolled under their own account. It returns the enrollment.
func (s *Store) CheckinSessionByCode(ctx context.Context, sessionID, code string) (*incubation.Enrollment, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	code = strings.TrimSpace(code)
	var out *incubation.Enrollment
	err := s.tx(ctx, func(c conn) error {
		se, err := findSession(ctx, c, sessionID)
		if err != nil {
			return err
		}
		e, err := scanEnrollment(c.row(ctx, enrollmentSelect+` WHERE e.session_id = ? AND e.user_id = ?`, se.ID, u.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Conflict, "academy.checkin_not_enrolled")
		}
		if err != nil {
			return err
		}
		if e.Status == incubation.Present {
			return errs.E(errs.Conflict, "academy.already_present")
		}
		if !se.CodeOpen(c.now) {
			return errs.E(errs.Conflict, "activity.code_closed")
		}
		secret, err := sessionSecret(ctx, c, se.ID)
		if err != nil {
			return err
		}
		if !activities.CheckCode(secret, code, c.now) {
			return errs.Field("code", "activity.code_wrong")
		}
		if e.CertificateID, err = markAttendance(ctx, c, e, incubation.Present, incubation.MethodCode); err != nil {
			return err
		}
		e.Status, e.Method, e.MarkedAt, out = incubation.Present, incubation.MethodCode, c.now, e
		return nil
	})
	return out, err
}

// holds reports whether u holds role in scope.
func holds(u *accounts.User, role accounts.Role, scope string) bool {
	for _, g := range u.Grants {
		if g.Role == role && g.ScopeID == scope {
			return true
		}
	}
	return false
}
