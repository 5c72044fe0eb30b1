package store

import (
	"context"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/points"
)

// attendanceKeyPrefix makes a confirmed signup's id the idempotency key of
// the points it earns.
const attendanceKeyPrefix = "signup:"

// AwardConfirmedAttendance is the bridge from volunteer activities to the
// points scheme: every confirmed attendance that has not yet been turned
// into awards is, under the active rules, and the awards go on public
// notice (公示) like any other. The signup's id is the key, so an
// attendance earns once however often this runs: right after an organizer
// confirms hours, and again from the background sweep (huitian points
// issue), which catches any that a failure left behind. It runs as the
// system (the organizer who confirmed may not grant points); it returns
// how many attendances it turned into awards, and the first failure (the
// others are still tried).
func (s *Store) AwardConfirmedAttendance(ctx context.Context, notice time.Duration) (int, error) {
	// A corrected attendance earns under the key of its latest correction
	// (attendanceKey); its earlier key's awards were withdrawn then.
	rows, err := s.read().query(ctx, `SELECT g.id || CASE WHEN g.corrections > 0 THEN ':' || CAST(g.corrections AS TEXT) ELSE '' END,
		g.user_id, u.name, a.type, g.confirmed_minutes, a.starts_at, a.org_id, o.name,
		a.street_id
		FROM activity_signups g JOIN activities a ON a.id = g.activity_id JOIN organizations o ON o.id = a.org_id
		JOIN users u ON u.id = g.user_id
		WHERE g.confirmed_at IS NOT NULL AND g.status = 'confirmed' AND g.confirmed_minutes > 0
		AND NOT EXISTS (SELECT 1 FROM points_attendances p WHERE p.idem_key = ? || g.id
			|| CASE WHEN g.corrections > 0 THEN ':' || CAST(g.corrections AS TEXT) ELSE '' END)
		ORDER BY g.confirmed_at, g.id`, attendanceKeyPrefix)
	if err != nil {
		return 0, s.translate(err)
	}
	var todo []points.Attendance
	for rows.Next() {
		var x points.Attendance
		if err := rows.Scan(&x.Key, &x.ResidentID, &x.ResidentName, &x.ActivityType, &x.Minutes, &x.Date, &x.OrgID,
			&x.OrgName, &x.StreetID); err != nil {
			rows.Close()
			return 0, s.translate(err)
		}
		x.Key = attendanceKeyPrefix + x.Key
		todo = append(todo, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.translate(err)
	}
	// One attendance the rules refuse (or a failure) must not hold back
	// the others: each is tried, and the first error is returned with the
	// count of those awarded.
	sys := accounts.WithActor(ctx, accounts.System())
	n := 0
	var first error
	for _, x := range todo {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if _, err := s.AwardAttendance(sys, x, notice); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}
