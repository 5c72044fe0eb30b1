package store

import (
	"context"
	"database/sql"
)

// QueryRowForTest lets store_test read tables directly (test builds only).
func (s *Store) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return s.read().row(ctx, q, args...)
}

// SplitBoardForTest makes MatchBoard read in ranges of n needs or more, so
// that a small test database is read in parts too.
func (s *Store) SplitBoardForTest(n int) { s.boardPartMin = n }
