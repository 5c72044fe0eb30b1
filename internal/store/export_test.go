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

// ManyHoldersForTest makes FindUsers treat every role as held by many
// (a name search with a role tests each name for the role).
func (s *Store) ManyHoldersForTest() { s.fewHolders = -1 }

// OverviewQueriesForTest runs Overview and tells how many statements it ran.
func (s *Store) OverviewQueriesForTest(ctx context.Context, f DashboardFilter) (int, error) {
	n := 0
	_, err := s.overview(ctx, f, &n)
	return n, err
}
