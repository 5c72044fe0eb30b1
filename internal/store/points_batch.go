package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
)

// PointsBatcher is group commit for the ledger: postings that arrive while
// a transaction is committing wait and go together in the next one, each in
// its own savepoint, so one commit (one fsync) serves many postings and a
// refused posting (not enough points, a reused key) undoes only itself.
// Each caller returns only after the transaction holding its posting has
// committed: nothing is acknowledged before it is durable.
type PointsBatcher struct {
	s        *Store
	maxBatch int
	reqs     chan *batchReq
	done     chan struct{}
	wg       sync.WaitGroup
}

type batchReq struct {
	ctx context.Context
	p   *points.Posting
	out *points.Posting
	err error
	ok  chan struct{}
}

// NewPointsBatcher starts a group committer of at most maxBatch postings a
// transaction (0: 256). Close stops it.
func (s *Store) NewPointsBatcher(maxBatch int) *PointsBatcher {
	if maxBatch <= 0 {
		maxBatch = 256
	}
	b := &PointsBatcher{s: s, maxBatch: maxBatch, reqs: make(chan *batchReq, maxBatch), done: make(chan struct{})}
	b.wg.Add(1)
	go b.loop()
	return b
}

// Close stops the batcher after the postings already queued.
func (b *PointsBatcher) Close() {
	close(b.done)
	b.wg.Wait()
}

// Post is PostPoints through the group committer: the same checks, the
// same idempotency, the same result.
func (b *PointsBatcher) Post(ctx context.Context, p *points.Posting) (*points.Posting, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accountOf(p.From, "").Resource()); err != nil {
		return nil, err
	}
	r := &batchReq{ctx: ctx, p: p, ok: make(chan struct{})}
	select {
	case b.reqs <- r:
	case <-b.done:
		return nil, errs.Wrap(fmt.Errorf("batcher closed"), "post points")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-r.ok
	return r.out, r.err
}

func (b *PointsBatcher) loop() {
	defer b.wg.Done()
	batch := make([]*batchReq, 0, b.maxBatch)
	for {
		select {
		case r := <-b.reqs:
			batch = append(batch[:0], r)
		case <-b.done:
			return
		}
		// Take whatever queued meanwhile; never wait for more.
	fill:
		for len(batch) < b.maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		b.commit(batch)
	}
}

// commit posts a batch in one transaction. If the transaction itself fails
// (not a posting), every posting in it gets the error.
func (b *PointsBatcher) commit(batch []*batchReq) {
	err := b.s.tx(context.Background(), func(c conn) error {
		for i, r := range batch {
			sp := fmt.Sprintf("p%d", i)
			if _, err := c.exec(r.ctx, `SAVEPOINT `+sp); err != nil {
				return err
			}
			r.out, r.err = post(r.ctx, c, r.p, "", "")
			if r.err != nil {
				if _, err := c.exec(r.ctx, `ROLLBACK TO SAVEPOINT `+sp); err != nil {
					return err
				}
				r.err, r.out = b.s.translate(r.err), nil
			}
			if _, err := c.exec(r.ctx, `RELEASE SAVEPOINT `+sp); err != nil {
				return err
			}
		}
		return nil
	})
	for _, r := range batch {
		if err != nil {
			r.out, r.err = nil, err
		}
		close(r.ok)
	}
}
