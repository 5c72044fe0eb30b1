package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/procurement"
)

// TestReadStmtCache: on a SQLite file the read pool's statements are
// prepared once and reused, concurrently, with the same answers as
// unprepared queries; the cache stays within its bound; errors still
// reach the caller; writes and transactions do not use it.
func TestReadStmtCache(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.tx(ctx, func(c conn) error {
		for i := range 5 {
			if _, err := c.exec(ctx, `INSERT INTO streets (id, name, kind, district, created_at) VALUES (?, ?, 'street', '昌平区', ?)`,
				newID(), fmt.Sprintf("街道%d", i), c.now); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := s.cachedStmts(); n != 0 {
		t.Fatalf("writes filled the read cache: %d", n)
	}
	const q = `SELECT COUNT(*) FROM streets WHERE name LIKE ?`
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for range 16 {
		wg.Go(func() {
			for range 20 {
				var n int
				if err := s.read().row(ctx, q, "街道%").Scan(&n); err != nil || n != 5 {
					errc <- fmt.Errorf("count %d, %v", n, err)
					return
				}
				rows, err := s.read().query(ctx, `SELECT name FROM streets ORDER BY name`)
				if err != nil {
					errc <- err
					return
				}
				k := 0
				for rows.Next() {
					k++
				}
				rows.Close()
				if k != 5 {
					errc <- fmt.Errorf("%d rows", k)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if n := s.cachedStmts(); n != 2 {
		t.Fatalf("cached statements: %d, want the 2 queries", n)
	}
	// A cached statement holds no old snapshot: it sees a later write.
	if err := s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO streets (id, name, kind, district, created_at) VALUES (?, ?, 'town', '昌平区', ?)`,
			newID(), "街道新", c.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 8 { // on every connection of the pool
		var n int
		if err := s.read().row(ctx, q, "街道%").Scan(&n); err != nil || n != 6 {
			t.Fatalf("after a write the cached read counts %d (%v), want 6", n, err)
		}
	}
	// A bad query is not cached and still reports its error.
	if err := s.read().row(ctx, `SELECT nope FROM streets`).Scan(new(int)); err == nil {
		t.Fatal("a bad query answered")
	}
	if n := s.cachedStmts(); n != 2 {
		t.Fatalf("cached statements after an error: %d", n)
	}
	// The bound: past it, queries run unprepared and still answer.
	for i := range maxCachedStmts + 10 {
		var n int
		if err := s.read().row(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&n); err != nil || n != i {
			t.Fatalf("SELECT %d: %d, %v", i, n, err)
		}
	}
	if n := s.cachedStmts(); n != maxCachedStmts {
		t.Fatalf("cached statements: %d, want the bound %d", n, maxCachedStmts)
	}
}

func (s *Store) cachedStmts() int {
	s.stmts.mu.RLock()
	defer s.stmts.mu.RUnlock()
	return len(s.stmts.m)
}

// BenchmarkFindNeedsStmtCache measures the need board's read with and
// without the statement cache on an empty SQLite file: what is left is
// mostly preparing the statements.
func BenchmarkFindNeedsStmtCache(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	for _, cached := range []bool{false, true} {
		b.Run(fmt.Sprintf("cached=%v", cached), func(b *testing.B) {
			keep := maxCachedStmts
			if !cached {
				maxCachedStmts = 0
			}
			defer func() { maxCachedStmts = keep }()
			for b.Loop() {
				if _, _, err := s.FindNeeds(ctx, procurement.Filter{PerPage: 20, Page: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
