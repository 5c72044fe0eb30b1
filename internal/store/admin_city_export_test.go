package store

import (
	"context"
	"database/sql"
)

// QueryForTest lets store_test read rows directly (test builds only).
func (s *Store) QueryForTest(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.read().query(ctx, q, args...)
}

// OCDSSinceBoundForTest lowers how many changes FindOCDSProcessesSince
// collects from their indexes before it walks the needs in id order.
func (s *Store) OCDSSinceBoundForTest(n int) { s.ocdsSinceBound = n }

// OCDSWalkWindowForTest lowers how many needs the feed's walk reads before
// it jumps to the next candidate.
func (s *Store) OCDSWalkWindowForTest(n int) { s.ocdsWalkWindow = n }
