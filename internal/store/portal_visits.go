package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// VisitorSalt returns the day's salt of the portal's visitor hashes, made
// by whichever node asks first, so every node hashes a visitor alike; the
// salts of earlier days are deleted on the way. A system write.
func (s *Store) VisitorSalt(ctx context.Context, day string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var salt string
	err := s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM portal_salts WHERE day < ?`, day); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO portal_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING`,
			day, hex.EncodeToString(fresh)); err != nil {
			return err
		}
		return c.row(ctx, `SELECT salt FROM portal_salts WHERE day = ?`, day).Scan(&salt)
	})
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(salt)
}
