package store

import (
	"context"
	"time"

	"github.com/huitian/huitian/internal/activities"
)

// RemindSignups texts every resident with a place at an activity starting
// tomorrow (see activities.RemindWindow) a reminder through the outbox, once
// per signup however often it runs. It runs as the system, from the
// issuing job; it returns how many reminders it queued.
func (s *Store) RemindSignups(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(c conn) error {
		from, to, ok := activities.RemindWindow(c.now)
		if !ok {
			return nil
		}
		rows, err := c.query(ctx, `SELECT g.id, g.user_id, a.id, a.title, a.starts_at, a.address
			FROM activity_signups g JOIN activities a ON a.id = g.activity_id
			WHERE a.status = 'published' AND a.starts_at >= ? AND a.starts_at < ? AND a.starts_at > ?
			AND g.status = 'confirmed' AND g.reminded_at IS NULL
			ORDER BY a.starts_at, g.id LIMIT 1000`, from, to, c.now)
		if err != nil {
			return err
		}
		type due struct{ id, user, activity, title, starts, address string }
		var list []due
		for rows.Next() {
			var d due
			var at time.Time
			if err := rows.Scan(&d.id, &d.user, &d.activity, &d.title, &at, &d.address); err != nil {
				rows.Close()
				return err
			}
			d.starts = activities.ReminderTime(at)
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			res, err := c.exec(ctx, `UPDATE activity_signups SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, c.now, d.id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				continue
			}
			if err := notifyAt(ctx, c, []string{d.user}, "/activities/"+d.activity, "activity_reminder", d.title, d.starts, d.address); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
