package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/pgtool"
	"github.com/huitian/huitian/internal/store"
)

// runBackup copies the database to a file while the server keeps running:
// SQLite with VACUUM INTO (one consistent snapshot), PostgreSQL with
// pg_dump's custom format. The copy is then checked: a SQLite copy is
// opened and its audit chain and ledgers verified, a dump is listed by
// pg_restore.
func runBackup(ctx context.Context, args []string, env Env) error {
	fs := flags("backup", env)
	db := dbFlag(fs)
	to := fs.String("to", "", "备份文件 / the backup file to write (must not exist)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return errs.Field("to", "backup.to_missing")
	}
	if _, err := os.Stat(*to); err == nil {
		return errs.Field("to", "backup.exists")
	}
	s, err := openStore(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Dialect() == store.Postgres {
		dsn, schema := pgToolDSN(dsnOf(*db, env))
		a := []string{"--format=custom", "--no-owner", "--file=" + *to}
		if schema != "" {
			a = append(a, "--schema="+schema)
		}
		if err := pgTool(ctx, env, "pg_dump", append(a, "--dbname="+dsn)...); err != nil {
			return err
		}
		if err := pgTool(ctx, env, "pg_restore", "--list", *to); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已备份（pg_dump）/ backed up with pg_dump to %s (%s)\n", *to, size(*to))
		return nil
	}
	if err := s.BackupSQLite(ctx, *to); err != nil {
		return err
	}
	c, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer c.Close()
	v, err := c.VerifyAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已备份并校验 / backed up and verified %s (%s): audit chain of %d entries intact, %d points and %d money accounts equal their postings\n",
		*to, size(*to), v.AuditEntries, v.PointsAccounts, v.Grants.Accounts)
	return nil
}

// runRestore puts a backup in place of an empty or absent database and
// verifies the audit chain and every ledger of the result. The server must
// be stopped (SQLite) or pointed at the restored database (PostgreSQL).
func runRestore(ctx context.Context, args []string, env Env) error {
	fs := flags("restore", env)
	db := dbFlag(fs)
	from := fs.String("from", "", "备份文件 / the backup file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return errs.Field("from", "backup.from_missing")
	}
	if _, err := os.Stat(*from); err != nil {
		return errs.Field("from", "backup.from_missing")
	}
	dsn := dsnOf(*db, env)
	if dsn == "" {
		return errs.Field("db", "db.missing")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		tool, _ := pgToolDSN(dsn)
		// One transaction: a target that is not empty fails whole, unchanged.
		if err := pgTool(ctx, env, "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
			"--dbname="+tool, *from); err != nil {
			return err
		}
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if _, err := os.Stat(path); err == nil {
			return errs.Field("db", "backup.target_exists")
		}
		tmp := path + ".restoring"
		if err := copyFile(*from, tmp); err != nil {
			return errs.Wrap(err, "restore")
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return errs.Wrap(err, "restore")
		}
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.VerifyAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已恢复并校验 / restored and verified: audit chain of %d entries intact, %d points and %d money accounts equal their postings\n",
		v.AuditEntries, v.PointsAccounts, v.Grants.Accounts)
	if pending, err := s.Pending(ctx); err == nil && len(pending) > 0 {
		fmt.Fprintf(env.Stdout, "备份来自旧版本，请运行 huitian migrate / the backup predates %s: run huitian migrate\n", strings.Join(pending, ", "))
	}
	return nil
}

func dsnOf(db string, env Env) string {
	if db == "" {
		return env.Getenv("HUITIAN_DATABASE")
	}
	return db
}

// pgToolDSN turns the application's postgres:// URL into one libpq's tools
// accept: search_path (a pgx run-time parameter) becomes the schema to dump.
func pgToolDSN(dsn string) (tool, schema string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, ""
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// pgTool runs one of PostgreSQL's client programs (HUITIAN_PG_BIN, or
// Debian's newest, or PATH).
func pgTool(ctx context.Context, env Env, name string, args ...string) error {
	return errs.Wrap(pgtool.Run(ctx, env.Getenv("HUITIAN_PG_BIN"), name, args...), "backup")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func size(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f MB", float64(st.Size())/(1<<20))
}
