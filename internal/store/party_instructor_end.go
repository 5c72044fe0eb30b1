package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
)

// EndInstructor ends an instructor's assignment on a date (not before it
// began): the organization's street staff or the coordinators may. The
// assignment stays in the history with its end; its visits up to then
// remain, later ones are refused.
func (s *Store) EndInstructor(ctx context.Context, orgID, instructorID string, on time.Time) error {
	return s.tx(ctx, func(c conn) error {
		var userID string
		var since time.Time
		var until sql.NullTime
		err := c.row(ctx, `SELECT user_id, since, ended_on FROM party_instructors WHERE id = ? AND org_id = ?`, instructorID, orgID).
			Scan(&userID, &since, &until)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("instructor")
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
		if on.IsZero() {
			return errs.Field("until", "field.required")
		}
		if until.Valid {
			return errs.E(errs.Conflict, "party.instructor_ended")
		}
		if on.Before(since) {
			return errs.Field("until", "party.until_before_since")
		}
		if _, err := c.exec(ctx, `UPDATE party_instructors SET ended_on = ? WHERE id = ? AND ended_on IS NULL`, on.UTC(), instructorID); err != nil {
			return err
		}
		return record(ctx, c, "party.instructor_end", res, map[string]any{"instructor": instructorID,
			"until": on.In(meetingZone).Format("2006-01-02")})
	})
}
