package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Rate-limit counters in the database, so every app node counts the same
// attempts (issue 11). A key (a phone number, an address) is kept only as
// a hash.

func rateKey(name, key string) string {
	h := sha256.Sum256([]byte(name + "\x00" + key))
	return hex.EncodeToString(h[:16])
}

// HitRateLimit counts one attempt of key under the limit name, in a fixed
// window that starts with the first attempt after the last window ended,
// and returns the attempts in the current window and how long until it
// ends.
func (s *Store) HitRateLimit(ctx context.Context, name, key string, window time.Duration) (int, time.Duration, error) {
	now := s.Now().Truncate(time.Microsecond)
	expired := now.Add(-window)
	var n int
	var start time.Time
	err := s.db.QueryRowContext(ctx, rebind(s.dialect, `INSERT INTO rate_limits (name, key_hash, window_start, hits) VALUES (?, ?, ?, 1)
		ON CONFLICT (name, key_hash) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END,
			window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start ELSE rate_limits.window_start END
		RETURNING hits, window_start`), name, rateKey(name, key), now, expired, expired).Scan(&n, &start)
	if err != nil {
		return 0, 0, s.translate(err)
	}
	return n, start.Add(window).Sub(now), nil
}

// ResetRateLimit forgets key's attempts under name (a successful sign-in).
func (s *Store) ResetRateLimit(ctx context.Context, name, key string) error {
	_, err := s.db.ExecContext(ctx, rebind(s.dialect, `DELETE FROM rate_limits WHERE name = ? AND key_hash = ?`), name, rateKey(name, key))
	return s.translate(err)
}

// UndoRateLimit takes back one of key's attempts under name (one that
// succeeded, where only failures should count).
func (s *Store) UndoRateLimit(ctx context.Context, name, key string) error {
	_, err := s.db.ExecContext(ctx, rebind(s.dialect, `UPDATE rate_limits SET hits = hits - 1
		WHERE name = ? AND key_hash = ? AND hits > 0`), name, rateKey(name, key))
	return s.translate(err)
}

// PruneRateLimits deletes the counters of windows that started before
// olderThan ago (no limit's window is that long).
func (s *Store) PruneRateLimits(ctx context.Context, olderThan time.Duration) (int64, error) {
	res, err := s.db.ExecContext(ctx, rebind(s.dialect, `DELETE FROM rate_limits WHERE window_start < ?`), s.Now().Add(-olderThan))
	if err != nil {
		return 0, s.translate(err)
	}
	return res.RowsAffected()
}
