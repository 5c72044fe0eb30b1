package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the read statement cache: queries built with a
// varying number of placeholders would otherwise grow it without end;
// past the bound, new statements are prepared per call as before.
var maxCachedStmts = 1000 // a variable for the benchmark that turns the cache off

// stmtCache keeps the read pool's statements prepared, on SQLite, where
// preparing (parsing and planning) a statement costs as much as running
// it: under load a third of the need page's CPU was SQLite's parser. A
// *sql.Stmt prepares itself once on each pooled connection it runs on and
// is safe for concurrent use. PostgreSQL needs none (pgx caches each
// connection's statements itself).
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// readStmt returns query prepared on the SQLite read pool, or nil when
// reads are not cached (PostgreSQL, a shared in-memory database whose one
// pool also writes), the cache is full or preparing failed (the caller
// then runs the query unprepared, which reports the error).
func (s *Store) readStmt(ctx context.Context, query string) *sql.Stmt {
	if s.dialect != SQLite || s.rdb == s.db {
		return nil
	}
	c := &s.stmts
	c.mu.RLock()
	st, ok := c.m[query]
	n := len(c.m)
	c.mu.RUnlock()
	if ok {
		return st
	}
	if n >= maxCachedStmts {
		return nil
	}
	// Prepared outside the lock: another caller may prepare the same query
	// meanwhile; the first stored wins and the other is closed.
	st, err := s.rdb.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		st.Close()
		return prev
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

// closeStmts closes the cached statements (Close).
func (s *Store) closeStmts() {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
}
