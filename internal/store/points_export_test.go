package store

import "context"

// ExecForTest lets store_test tamper with tables directly (test builds only).
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, rebind(s.dialect, q), args...)
	return err
}
