package store

import (
	"context"
	"sort"
)

// RecordVisits adds a batch of counted page views and the day's new
// visitor hashes (portal visit statistics; no address is ever stored, see
// web's visit counter). A system write: no actor, no audit entry.
func (s *Store) RecordVisits(ctx context.Context, day string, views map[string]int64, visitors []string) error {
	if len(views) == 0 && len(visitors) == 0 {
		return nil
	}
	paths := make([]string, 0, len(views))
	for p := range views {
		paths = append(paths, p)
	}
	sort.Strings(paths) // a fixed order: two nodes never deadlock on rows
	return s.tx(ctx, func(c conn) error {
		for _, p := range paths {
			if _, err := c.exec(ctx, `INSERT INTO portal_visits (day, path, views) VALUES (?, ?, ?)
				ON CONFLICT (day, path) DO UPDATE SET views = portal_visits.views + excluded.views`, day, p, views[p]); err != nil {
				return err
			}
		}
		for _, v := range visitors {
			if _, err := c.exec(ctx, `INSERT INTO portal_visitors (day, visitor) VALUES (?, ?) ON CONFLICT (day, visitor) DO NOTHING`,
				day, v); err != nil {
				return err
			}
		}
		return nil
	})
}
