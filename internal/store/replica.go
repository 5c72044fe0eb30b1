package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// Read replicas (PostgreSQL hot standbys). Reads whose context says a
// replica will do (ReplicaOK: public pages, index rebuilds, exports) go to
// a replica whose replay lag is under the bound; everything else, and every
// read when no replica is fresh enough, goes to the primary, so a page that
// follows a write still sees it.

type replica struct {
	db     *sql.DB
	maxLag time.Duration
	fresh  atomic.Bool
}

type replicaOK struct{}

// ReplicaOK marks ctx's reads as allowed on a replica that may be a little
// behind the primary (at most its bound).
func ReplicaOK(ctx context.Context) context.Context { return context.WithValue(ctx, replicaOK{}, true) }

func wantsReplica(ctx context.Context) bool { ok, _ := ctx.Value(replicaOK{}).(bool); return ok }

// AddReplica opens a read pool on dsn (a hot standby of this PostgreSQL
// database) for reads marked ReplicaOK while its replay lag stays under
// maxLag, checked every check until ctx ends.
func (s *Store) AddReplica(ctx context.Context, dsn string, maxLag, check time.Duration) error {
	if s.dialect != Postgres {
		return errs.Wrap(errNotPostgres, "replica")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return errs.Wrap(err, "open replica")
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	r := &replica{db: db, maxLag: maxLag}
	r.check(ctx, s.db)
	s.replicas = append(s.replicas, r)
	go func() {
		t := time.NewTicker(check)
		defer t.Stop()
		defer db.Close()
		for {
			select {
			case <-ctx.Done():
				r.fresh.Store(false)
				return
			case <-t.C:
				r.check(ctx, s.db)
			}
		}
	}()
	return nil
}

var errNotPostgres = errs.E(errs.Invalid, "db.replica_postgres_only")

// check measures the replica's lag against primary: none when it has
// replayed everything the primary had written when the check began, else
// the age of its last replayed transaction. A replica that does not
// answer, or is not in recovery (promoted: a primary of its own now), is
// not fresh.
func (r *replica) check(ctx context.Context, primary *sql.DB) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var lsn string
	if err := primary.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		r.fresh.Store(false)
		return
	}
	var inRecovery, caughtUp bool
	var lag sql.NullFloat64
	err := r.db.QueryRowContext(ctx, `SELECT pg_is_in_recovery(),
		COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false),
		EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())`, lsn).Scan(&inRecovery, &caughtUp, &lag)
	fresh := err == nil && inRecovery && (caughtUp || (lag.Valid && time.Duration(lag.Float64*float64(time.Second)) <= r.maxLag))
	r.fresh.Store(fresh)
}

// replicaFor returns a fresh replica when ctx allows one, else nil.
func (s *Store) replicaFor(ctx context.Context) *sql.DB {
	if len(s.replicas) == 0 || !wantsReplica(ctx) {
		return nil
	}
	for _, r := range s.replicas {
		if r.fresh.Load() {
			return r.db
		}
	}
	return nil
}

// readFor returns the pool for a read with ctx: a fresh replica when ctx
// allows one, else the read pool.
func (s *Store) readFor(ctx context.Context) *sql.DB {
	if db := s.replicaFor(ctx); db != nil {
		return db
	}
	return s.rdb
}

// ReplicaFresh says whether some replica serves ReplicaOK reads now.
func (s *Store) ReplicaFresh() bool {
	for _, r := range s.replicas {
		if r.fresh.Load() {
			return true
		}
	}
	return false
}
