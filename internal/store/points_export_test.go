package store

import (
	"context"

	"github.com/huitian/huitian/internal/points"
)

// ExecForTest lets store_test tamper with tables directly (test builds only).
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, rebind(s.dialect, q), args...)
	return err
}

// CommitForTest commits ps as one batch, as the batcher's loop would when
// they queued together; the batcher must be idle.
func (b *PointsBatcher) CommitForTest(ctx context.Context, ps ...*points.Posting) []error {
	batch := make([]*batchReq, len(ps))
	for i, p := range ps {
		batch[i] = &batchReq{ctx: ctx, p: p, ok: make(chan struct{})}
	}
	b.commit(batch)
	out := make([]error, len(ps))
	for i, r := range batch {
		out[i] = r.err
	}
	return out
}
