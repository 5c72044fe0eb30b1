// Package store is the only package that speaks SQL. One code base serves
// SQLite (embedded default) and PostgreSQL; queries are written with ?
// placeholders and rebound for PostgreSQL, and what must differ lives in
// *_sqlite.go / *_postgres.go.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the data layer. It checks authorization on the objects it loads
// (accounts.Can) and writes audit entries in the same transaction as the
// change they record.
type Store struct {
	dialect Dialect
	db      *sql.DB // writes (one connection on SQLite)
	rdb     *sql.DB // reads (the same pool on PostgreSQL)
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Categorize guesses a need's category from its text when staff chose
	// none (cli sets the matcher's); nil: procurement.GuessCategory.
	Categorize procurement.Guesser

	lmu       sync.RWMutex
	listeners []func(context.Context, []Change)

	boardPartMin int // MatchBoard's smallest range; 0: boardPartMin (tests lower it)
	fewHolders   int // FindUsers' fewHolders; 0: fewHolders (tests set -1: never few)
	// ocdsSinceBound: FindOCDSProcessesSince's; 0: ocdsSinceBound (tests lower it).
	ocdsSinceBound int
	ocdsWalkWindow int // FindOCDSProcessesSince's; 0: ocdsWalkWindow (tests lower it)

	replicas []*replica      // PostgreSQL hot standbys for ReplicaOK reads (replica.go)
	node     string          // this process among the app nodes (change_log)
	leading  atomic.Bool     // Lead: this process runs the background jobs
	followed atomic.Int64    // FollowChanges: the last change_log sequence read
	notified atomic.Int64    // this process's committed transactions that changed something listened for
	posted   [2]atomic.Int64 // committed postings on this node: points, grants (Posted)

	stmts stmtCache  // the SQLite read pool's prepared statements (stmtcache.go)
	heads auditHeads // the published daily heads of the audit chain (audit_heads.go)
}

// Pools returns the write and read connection pools (the same on
// PostgreSQL), for their statistics.
func (s *Store) Pools() (write, read *sql.DB) { return s.db, s.rdb }

// Leading says whether this process leads the background jobs (Lead).
func (s *Store) Leading() bool { return s.leading.Load() }

// Posted returns how many points and grant postings this process has
// committed since it started (a replayed key is not a posting).
func (s *Store) Posted() (points, grants int64) { return s.posted[0].Load(), s.posted[1].Load() }

// FollowedSeq is the last change_log sequence FollowChanges has read.
func (s *Store) FollowedSeq() int64 { return s.followed.Load() }

// ChangeGeneration moves whenever this process commits a change of a kind
// listeners hear (ChangeKind) or reads one another process committed: what
// a copy of a page made before it may no longer show.
func (s *Store) ChangeGeneration() int64 { return s.notified.Load() + s.followed.Load() }

// Open connects to dsn: a file path, "sqlite:PATH", ":memory:" or a
// postgres:// URL. It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(ctx, dsn)
	case dsn == "":
		return nil, errs.Field("db", "db.missing")
	default:
		s, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	}
	if err != nil {
		return nil, err
	}
	s.Now = func() time.Time { return time.Now().UTC() }
	s.node = randomToken(8)
	return s, nil
}

// Dialect tells which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close releases the pools.
func (s *Store) Close() error {
	s.closeStmts()
	err := s.db.Close()
	if s.rdb != s.db {
		if e := s.rdb.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.rdb.PingContext(ctx) }

// newID returns a UUIDv7: time-ordered, unguessable enough for ids.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// randomToken returns n random bytes hex encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs rebound queries on a pool or a transaction and carries the
// transaction's clock, so every row a transaction writes has the same time.
// A write transaction's conn also collects what it changed (ch).
type conn struct {
	q     querier
	d     Dialect
	now   time.Time
	ch    *changeSet  // nil on the read pool
	batch *batchState // a ledger group commit's transaction (points_batch.go); nil otherwise
	s     *Store      // set on the read pool's conn: reads may go to a replica
}

// CountQueries returns ctx counting every statement the store runs with
// it: the server's per-request metric, and the tests that a page's
// queries stay few and constant as its lists grow.
func CountQueries(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, queryCounterKey{}, n), n
}

// ReadOnce returns ctx in which the read pool remembers some of what it
// read (a need, its panel, proposals and documents) for the rest of ctx's
// life: a page whose sections each ask about one need reads it once. Only
// for a request that reads (a page); transactions never use what it
// remembers.
func ReadOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnceKey{}, &readOnce{seen: map[string]any{}})
}

type readOnceKey struct{}

type readOnce struct {
	mu   sync.Mutex
	seen map[string]any
}

// once returns load's result, loaded once per key on the read pool under
// ReadOnce; every caller gets its own copy (clone) to change.
func once[T any](ctx context.Context, c conn, key string, load func() (T, error), clone func(T) T) (T, error) {
	m, _ := ctx.Value(readOnceKey{}).(*readOnce)
	if m == nil || c.s == nil {
		return load()
	}
	m.mu.Lock()
	v, ok := m.seen[key]
	m.mu.Unlock()
	if !ok {
		x, err := load()
		if err != nil {
			return x, err
		}
		m.mu.Lock()
		m.seen[key] = x
		m.mu.Unlock()
		v = x
	}
	return clone(v.(T)), nil
}

type queryCounterKey struct{}

func countQuery(ctx context.Context) {
	if n, ok := ctx.Value(queryCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	countQuery(ctx)
	if st := c.batch.stmt(ctx, c, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.q.ExecContext(ctx, rebind(c.d, query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx)
	if st := c.batch.stmt(ctx, c, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	q := c.pool(ctx)
	if st := c.cached(ctx, q, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.QueryContext(ctx, rebind(c.d, query), args...)
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	countQuery(ctx)
	if st := c.batch.stmt(ctx, c, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	q := c.pool(ctx)
	if st := c.cached(ctx, q, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.QueryRowContext(ctx, rebind(c.d, query), args...)
}

// cached returns the read pool's prepared statement of query when q is
// that pool (not a transaction, not a replica) and it caches statements.
func (c conn) cached(ctx context.Context, q querier, query string) *sql.Stmt {
	if c.s == nil {
		return nil
	}
	if db, ok := q.(*sql.DB); !ok || db != c.s.rdb {
		return nil
	}
	return c.s.readStmt(ctx, query)
}

// each runs a query and calls fn with every row, closing the rows
// whatever happens.
func (c conn) each(ctx context.Context, query string, args []any, fn func(scanner) error) error {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pool is where a read goes: a read connection may move to a fresh
// replica when ctx allows it (replica.go); a transaction stays put.
func (c conn) pool(ctx context.Context) querier {
	if c.s != nil {
		if db := c.s.replicaFor(ctx); db != nil {
			return db
		}
	}
	return c.q
}

// read returns a connection on the read pool.
func (s *Store) read() conn {
	return conn{q: s.rdb, d: s.dialect, now: s.Now().Truncate(time.Microsecond), s: s}
}

// tx runs fn in one transaction: begin, fn, commit; rollback on any error.
// Driver errors are translated to domain errors on the way out. After a
// commit, the listeners registered with OnChange learn what fn marked as
// changed; a rolled-back transaction tells them nothing.
func (s *Store) tx(ctx context.Context, fn func(c conn) error) error {
	return s.txBatch(ctx, nil, fn)
}

// txBatch is tx for the ledger's group commit: its conn carries bs.
func (s *Store) txBatch(ctx context.Context, bs *batchState, fn func(c conn) error) error {
	return s.txBegun(ctx, s.db.BeginTx, bs, fn)
}

// txBegun is tx on a transaction begun by begin: the pool's, or one
// connection's held by the caller (huitian gen's COPY on PostgreSQL).
func (s *Store) txBegun(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error),
	bs *batchState, fn func(c conn) error) error {
	t, err := begin(ctx, nil)
	if err != nil {
		return s.translate(err)
	}
	defer t.Rollback()
	ch := &changeSet{}
	// Microseconds: what PostgreSQL keeps, so a value hashed before insert
	// (the audit chain) reads back identical on both databases.
	if bs != nil {
		bs.begin(t)
	}
	c := conn{q: t, d: s.dialect, now: s.Now().Truncate(time.Microsecond), ch: ch, batch: bs}
	if err := fn(c); err != nil {
		var ec errCommit
		if errors.As(err, &ec) {
			if lerr := s.logChanges(ctx, c, ch); lerr != nil {
				return s.translate(lerr)
			}
			if cerr := t.Commit(); cerr != nil {
				return s.translate(cerr)
			}
			s.notifyChanges(ctx, ch)
			return ec.err
		}
		return s.translate(err)
	}
	if err := s.logChanges(ctx, c, ch); err != nil {
		return s.translate(err)
	}
	if err := t.Commit(); err != nil {
		return s.translate(err)
	}
	s.notifyChanges(ctx, ch)
	return nil
}

// errCommit asks tx to commit what fn wrote and still return err (a wrong
// one-time code must count its attempt).
type errCommit struct{ err error }

func (e errCommit) Error() string { return e.err.Error() }

// rebind turns ? placeholders into $1, $2 … for PostgreSQL, leaving quoted
// text alone.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case ch == '\'':
			inStr = !inStr
		case ch == '?' && !inStr:
			n++
			b.WriteString(fmt.Sprintf("$%d", n))
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// nullStr stores "" as NULL (for unique columns that may be empty).
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullInt stores 0 as NULL (a count not reported).
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// idArgs are ids as the arguments of an IN (placeholders(len(ids))) list.
func idArgs(ids []string) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// likeEscape escapes LIKE wildcards in user input (used with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// paging bounds page/per_page and returns LIMIT and OFFSET.
func paging(page, perPage, max int) (limit, offset int) {
	if perPage < 1 {
		perPage = 20
	}
	if perPage > max {
		perPage = max
	}
	if page < 1 {
		page = 1
	}
	return perPage, (page - 1) * perPage
}

// notFound is the error for a missing object of the given kind.
func notFound(kind string) error { return errs.E(errs.NotFound, "notfound."+kind) }

// fieldErr turns a not-found reference into an invalid-field error, so a form
// naming an unknown street says which field is wrong.
func fieldErr(field string, err error) error {
	if errs.Is(err, errs.NotFound) {
		return errs.Field(field, "invalid.reference_"+field)
	}
	return err
}

// fieldErrKey is an invalid-field error with its own message key.
func fieldErrKey(field, key string) error { return errs.Field(field, key) }

func errsAmbiguous(kind string) error { return errs.E(errs.Conflict, "ambiguous."+kind) }
