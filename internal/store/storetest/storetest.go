// Package storetest runs tests against every database Huitian supports:
// SQLite always, and PostgreSQL at HUITIAN_TEST_POSTGRES (which
// ./scripts/test starts). Under CI=true a missing PostgreSQL fails the test
// instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
)

// Dialects lists the databases Each runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn once per database, each on a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated store of dialect d, closed at test end.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	s, _ := OpenDSN(t, d)
	return s
}

// OpenDSN is Open with the database's connection string, for tests that
// also run a `huitian` process on it.
func OpenDSN(t testing.TB, d store.Dialect) (*store.Store, string) {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return s, dsn
}

// DSN returns a connection string to a fresh, empty database of dialect d:
// a temp SQLite file, or a new PostgreSQL schema dropped at the end.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "huitian.db")
	}
	base := os.Getenv("HUITIAN_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("HUITIAN_TEST_POSTGRES is not set: under CI=true PostgreSQL is required (run ./scripts/test)")
		}
		t.Skip("PostgreSQL not configured (HUITIAN_TEST_POSTGRES); ./scripts/test starts one")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := fmt.Sprintf("t_%x", b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("postgres at HUITIAN_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Admin returns a context acting as a platform admin with no account.
func Admin() context.Context {
	return accounts.WithActor(context.Background(), accounts.System())
}
