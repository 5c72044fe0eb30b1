package store

import (
	"context"
	"database/sql"
	"time"
)

// Background work (deadline sweeps, outbox delivery, points issuing) runs
// on one app node at a time: the leader, who holds a PostgreSQL session
// advisory lock on a connection of its own. When the leader dies its
// session ends, the lock is free, and another node's next try takes it.

// Job lock keys: one per kind of background work (any int64 nobody else
// on the server uses).
const (
	LeaderJobs int64 = 4857100
)

// Lead runs fn while this process leads key, again and again until ctx
// ends: it tries to take the lock every retry, calls fn with a context
// that is cancelled when the lock's connection fails (checked every
// retry) or ctx ends, and waits for fn to return before trying again.
// onChange, when set, hears every gain (true) and loss (false). SQLite has
// one process by design: fn runs at once, as leader for good.
func (s *Store) Lead(ctx context.Context, key int64, retry time.Duration, fn func(ctx context.Context), onChange func(bool)) {
	set := func(on bool) {
		s.leading.Store(on)
		if onChange != nil {
			onChange(on)
		}
	}
	if s.dialect != Postgres {
		set(true)
		fn(ctx)
		set(false)
		return
	}
	for ctx.Err() == nil {
		if c, ok := s.tryLead(ctx, key); ok {
			lctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				fn(lctx)
			}()
			set(true)
			s.holdLead(lctx, c, retry)
			cancel()
			<-done
			// Unlock (a clean handover) and give the connection back; on a
			// broken one both fail and the server has dropped the lock.
			uctx, ucancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			_, _ = c.ExecContext(uctx, `SELECT pg_advisory_unlock(`+leadKey+`)`, key)
			ucancel()
			c.Close()
			set(false)
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

// leadKey mixes the schema into the key: installations that share one
// database in separate schemas (and the tests) each have their leader.
const leadKey = `$1::bigint # hashtextextended(current_schema(), 0)`

// tryLead takes the lock on a connection of its own, or returns false.
func (s *Store) tryLead(ctx context.Context, key int64) (*sql.Conn, bool) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false
	}
	var got bool
	if err := c.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+leadKey+`)`, key).Scan(&got); err != nil || !got {
		c.Close()
		return nil, false
	}
	return c, true
}

// holdLead returns when ctx ends or the lock's connection stops answering.
func (s *Store) holdLead(ctx context.Context, c *sql.Conn, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, every)
		err := c.PingContext(pctx)
		cancel()
		if err != nil {
			return
		}
	}
}
