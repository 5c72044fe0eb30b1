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
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
)

// attendanceKey is the points idempotency key of a signup's confirmed hours
// after n corrections.
func attendanceKey(signupID string, n int) string {
	if n == 0 {
		return attendanceKeyPrefix + signupID
	}
	return attendanceKeyPrefix + signupID + ":" + strconv.Itoa(n)
}

// HoursCorrection is one change of a resident's confirmed hours.
type HoursCorrection struct {
	ID          string
	SignupID    string
	UserName    string // the resident whose hours changed
	FromMinutes int
	ToMinutes   int
	Reason      string
	ByName      string
	CreatedAt   time.Time
}

// MayCorrectHours tells whether u may correct confirmed hours of a: its
// organizer (who may update it) or the staff who issue its street's awards.
func MayCorrectHours(u *accounts.User, a *activities.Activity) bool {
	return accounts.Allowed(u, accounts.Update, a.Resource()) ||
		accounts.Allowed(u, accounts.Update, accounts.Resource{Kind: accounts.KindAward, StreetID: a.StreetID})
}

// CorrectHours changes a resident's confirmed minutes with a reason: the
// organizer of the activity or the staff of its street may. The points the
// old hours earned are withdrawn in the same transaction: awards still on
// notice (or held) are cancelled, awards already issued are reversed with a
// reversing posting (the ledger is never edited; if the resident has
// already spent them the correction is refused). The corrected hours earn
// anew under a fresh attendance key (AwardConfirmedAttendance, which the
// caller or the issuing round runs next), so they are noticed again.
func (s *Store) CorrectHours(ctx context.Context, activityID, signupID string, minutes int, reason string) (*HoursCorrection, error) {
	u := accounts.ActorFrom(ctx)
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n < 5:
		return nil, errs.Field("reason", "field.too_short", 5)
	case n > 500:
		return nil, errs.Field("reason", "field.too_long", 500)
	}
	var out *HoursCorrection
	err := s.tx(ctx, func(c conn) error {
		a, err := lockActivity(ctx, c, activityID)
		if err != nil {
			return err
		}
		if !MayCorrectHours(u, a) {
			return accounts.Can(u, accounts.Update, a.Resource())
		}
		g, err := scanSignup(c.row(ctx, signupSelect+` WHERE g.id = ? AND g.activity_id = ?`, signupID, activityID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("signup")
		}
		if err != nil {
			return err
		}
		if !g.Confirmed || g.Status != activities.SignedUp {
			return errs.E(errs.Conflict, "activities.correct_not_confirmed")
		}
		if minutes < 0 || minutes > a.MaxMinutes() || minutes%activities.Step != 0 {
			return errs.Field("hours", "activity.hours_range", activities.FormatHours(a.MaxMinutes()))
		}
		if minutes == g.ConfirmedMins {
			return errs.Field("hours", "activities.correct_same")
		}
		var n int
		if err := c.row(ctx, `SELECT corrections FROM activity_signups WHERE id = ?`, g.ID).Scan(&n); err != nil {
			return err
		}
		old := attendanceKey(g.ID, n)
		// First retire the old key: it stays taken (an award of the old
		// hours racing this correction then makes nothing) but no longer
		// counts toward the resident's or organization's monthly counts.
		// Done before the awards are read, so on PostgreSQL an award of the
		// old key committing meanwhile is waited for and then withdrawn.
		day := a.StartsAt.In(points.Zone()).Format("2006-01-02")
		if _, err := c.exec(ctx, `INSERT INTO points_attendances (idem_key, resident_id, org_id, activity_type, minutes, day, month,
			street_id, created_at) VALUES (?, '', '', 'corrected', 0, ?, ?, ?, ?)
			ON CONFLICT (idem_key) DO UPDATE SET resident_id = '', org_id = '', activity_type = 'corrected', minutes = 0`,
			old, day, day[:7], a.StreetID, c.now); err != nil {
			return err
		}
		withdrawn, reversed, err := withdrawAwards(ctx, c, old, reason)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE activity_signups SET confirmed_minutes = ?, corrections = corrections + 1, updated_at = ?
			WHERE id = ?`, minutes, c.now, g.ID); err != nil {
			return err
		}
		out = &HoursCorrection{ID: newID(), SignupID: g.ID, FromMinutes: g.ConfirmedMins, ToMinutes: minutes, Reason: reason,
			ByName: userName(u), CreatedAt: c.now}
		if _, err := c.exec(ctx, `INSERT INTO hours_corrections (id, signup_id, from_minutes, to_minutes, reason, by_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, out.ID, g.ID, out.FromMinutes, minutes, reason, userID(u), c.now); err != nil {
			return err
		}
		if err := notifyAt(ctx, c, []string{g.UserID}, "/me/hours", "activity_hours_corrected", a.Title,
			activities.FormatHours(out.FromMinutes), activities.FormatHours(minutes)); err != nil {
			return err
		}
		return record(ctx, c, "activity.correct_hours", a.Resource(), map[string]any{"signup": g.ID,
			"from": out.FromMinutes, "to": minutes, "reason": reason, "cancelled": withdrawn, "reversed": reversed})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// withdrawAwards takes back what the attendance key's awards gave: those on
// notice or held are cancelled, issued ones reversed. It returns how many
// of each.
func withdrawAwards(ctx context.Context, c conn, key, reason string) (cancelled, reversed int, err error) {
	rows, err := c.query(ctx, awardSelect+` WHERE a.attendance_key = ? ORDER BY a.created_at, a.id`, key)
	if err != nil {
		return 0, 0, err
	}
	var list []*points.Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			rows.Close()
			return 0, 0, err
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, a := range list {
		if a.Status == points.AwardCancelled {
			continue
		}
		to, err := a.Step(points.ActCorrect, c.now)
		if err != nil {
			return 0, 0, err
		}
		if a.Status == points.AwardIssued {
			orig, err := findPosting(ctx, c, `id = ?`, a.PostingID)
			if err != nil {
				return 0, 0, err
			}
			if _, err := post(ctx, c, orig.Reversal("correct:"+a.ID, reason), a.StreetID, a.StreetID); err != nil {
				if errs.Is(err, errs.Conflict) {
					return 0, 0, errs.E(errs.Conflict, "activities.correct_spent")
				}
				return 0, 0, err
			}
			reversed++
		} else {
			cancelled++
		}
		// Cancelled, it no longer counts toward the day's caps.
		if err := setAwardStatus(ctx, c, a, to, `decision = ?`, reason); err != nil {
			return 0, 0, err
		}
		if err := record(ctx, c, "award.correct", a.Resource(), map[string]any{"amount": a.Amount}); err != nil {
			return 0, 0, err
		}
	}
	return cancelled, reversed, nil
}

// FindHoursCorrections lists an activity's corrections, oldest first, for
// those who may see its attendance.
func (s *Store) FindHoursCorrections(ctx context.Context, activityID string) ([]*HoursCorrection, error) {
	a, err := s.FindActivityByID(ctx, activityID)
	if err != nil {
		return nil, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, a.Resource()); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, `SELECT h.id, h.signup_id, r.name, h.from_minutes, h.to_minutes, h.reason, COALESCE(u.name, ''), h.created_at
		FROM hours_corrections h JOIN activity_signups g ON g.id = h.signup_id JOIN users r ON r.id = g.user_id
		LEFT JOIN users u ON u.id = h.by_id
		WHERE g.activity_id = ? ORDER BY h.created_at, h.id`, activityID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*HoursCorrection
	for rows.Next() {
		h := &HoursCorrection{}
		if err := rows.Scan(&h.ID, &h.SignupID, &h.UserName, &h.FromMinutes, &h.ToMinutes, &h.Reason, &h.ByName, &h.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		h.CreatedAt = h.CreatedAt.UTC()
		out = append(out, h)
	}
	return out, s.translate(rows.Err())
}

func userName(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.Name
}

// FindAttendanceExport returns an activity's signups for the attendance
// export, without phone numbers: with full names for its organizer and the
// staff of its place (who may see the list), masked for auditors, who may
// export but see no personal data. masked says which.
func (s *Store) FindAttendanceExport(ctx context.Context, activityID string) (list []*activities.Signup, masked bool, err error) {
	u := accounts.ActorFrom(ctx)
	a, err := s.FindActivityByID(ctx, activityID)
	if err != nil {
		return nil, false, err
	}
	if !accounts.Allowed(u, accounts.ViewPrivate, a.Resource()) {
		if err := accounts.Can(u, accounts.Export, a.Resource()); err != nil {
			return nil, false, err
		}
		masked = true
	}
	// The list as its organizer reads it, as the system: the check is above.
	list, err = s.FindSignups(accounts.WithActor(ctx, accounts.System()), activityID)
	if err != nil {
		return nil, false, err
	}
	for _, g := range list {
		g.UserPhone = ""
		if masked {
			g.UserName = accounts.MaskName(g.UserName)
		}
	}
	return list, masked, nil
}
