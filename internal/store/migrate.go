package store

import (
	"context"
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one SQL file; the same file names exist for both dialects.
type migration struct {
	Version string // file name without .sql
	SQL     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", string(s.dialect))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, errs.Wrap(err, "read migrations")
	}
	var ms []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, errs.Wrap(err, "read migration")
		}
		ms = append(ms, migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

func (s *Store) ensureMigrationTable(ctx context.Context) error {
	ts := "TIMESTAMP"
	if s.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at `+ts+` NOT NULL)`)
	return errs.Wrap(err, "create schema_migrations")
}

func (s *Store) applied(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, errs.Wrap(err, "read schema_migrations")
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, errs.Wrap(err, "scan schema_migrations")
		}
		done[v] = true
	}
	return done, rows.Err()
}

// Pending lists the migrations not yet applied, oldest first.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	if err := s.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	done, err := s.applied(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if !done[m.Version] {
			out = append(out, m.Version)
		}
	}
	return out, nil
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the versions it applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	pending, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	ms, _ := s.migrations()
	byVersion := map[string]string{}
	for _, m := range ms {
		byVersion[m.Version] = m.SQL
	}
	for _, v := range pending {
		err := s.tx(ctx, func(c conn) error {
			if s.dialect == Postgres {
				// Two nodes migrating at once: the second waits, then finds nothing to do.
				if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(7355608)`); err != nil {
					return err
				}
				var n int
				if err := c.row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil || n > 0 {
					return err
				}
			}
			if _, err := c.exec(ctx, byVersion[v]); err != nil {
				return errs.Wrap(err, "migration %s", v)
			}
			_, err := c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, c.now)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if err := s.backfillNameSort(ctx); err != nil {
		return nil, err
	}
	return pending, nil
}
