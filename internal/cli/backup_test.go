package cli_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestBackupUnderLoad: a backup taken while postings keep committing
// restores into a database whose audit chain and ledgers verify, holding
// every posting acknowledged before the backup began; a restore never
// overwrites a database.
func TestBackupUnderLoad(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			st := &places.Street{Name: "回龙观街道"}
			if err := s.CreateStreet(storetest.Admin(), st); err != nil {
				t.Fatal(err)
			}
			pool := points.AccountID(points.Pool, st.ID)
			var posted atomic.Int64
			post := func(w, i int) error {
				_, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: fmt.Sprintf("w%d-%d", w, i), Kind: points.KindGrant,
					From: pool, To: points.AccountID(points.Resident, fmt.Sprint("r", i%7)), Amount: int64(1 + i%5), Reason: "志愿服务"})
				if err == nil {
					posted.Add(1)
				}
				return err
			}
			for i := 0; i < 20; i++ {
				if err := post(9, i); err != nil {
					t.Fatal(err)
				}
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := 0; w < 3; w++ {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if err := post(w, i); err != nil {
							t.Errorf("posting under load: %v", err)
							return
						}
					}
				})
			}
			for posted.Load() < 40 { // the writers are running
				runtime.Gosched()
			}
			before := posted.Load()
			file := filepath.Join(t.TempDir(), "huitian.backup")
			code, out, stderr := run(t, "", "backup", "--db", dsn, "--to", file)
			close(stop)
			wg.Wait()
			if code != 0 {
				t.Fatalf("backup: %d %s %s", code, out, stderr)
			}
			if code, _, stderr := run(t, "", "backup", "--db", dsn, "--to", file); code != 1 || !strings.Contains(stderr, "已存在") {
				t.Fatalf("backup over an existing file: %d %s", code, stderr)
			}
			target := restoreTarget(t, d, dsn)
			code, out, stderr = run(t, "", "restore", "--db", target, "--from", file)
			if code != 0 || !strings.Contains(out, "restored and verified") {
				t.Fatalf("restore: %d %s %s", code, out, stderr)
			}
			r, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var n int64
			if err := rawDB(t, d, target).QueryRow(`SELECT COUNT(*) FROM points_postings`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < before || n > posted.Load() {
				t.Fatalf("restored %d postings; %d were acknowledged before the backup, %d in all", n, before, posted.Load())
			}
			if _, err := r.VerifyAll(ctx); err != nil {
				t.Fatal(err)
			}
			// Restoring again over the restored database is refused and changes nothing.
			if code, _, _ := run(t, "", "restore", "--db", target, "--from", file); code != 1 {
				t.Fatalf("restore over a database: %d", code)
			}
			var again int64
			if err := rawDB(t, d, target).QueryRow(`SELECT COUNT(*) FROM points_postings`).Scan(&again); err != nil || again != n {
				t.Fatalf("after a refused restore: %d %v", again, err)
			}
		})
	}
}

// restoreTarget is an empty database to restore into: a new SQLite path, or
// a new PostgreSQL database (dropped at the end) under the same schema
// name, which the dump recreates.
func restoreTarget(t *testing.T, d store.Dialect, dsn string) string {
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "restored.db")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := fmt.Sprintf("r_%x", b)
	base := os.Getenv("HUITIAN_TEST_POSTGRES")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	return u.String()
}
