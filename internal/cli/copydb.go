package cli

import (
	"context"
	"fmt"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// runCopy moves a whole database to PostgreSQL: a district that began on
// the SQLite file grows into a city of several nodes. The target is
// migrated to this version and must hold nothing yet; the source should be
// stopped (or at least idle: the copy reads one snapshot of it). The
// copy is checked table by table, then the target's audit chain and every
// ledger are verified.
func runCopy(ctx context.Context, args []string, env Env) error {
	fs := flags("copy", env)
	from := fs.String("from", "", "源数据库（SQLite 文件或 postgres:// URL）/ the source database")
	to := fs.String("to", "", "目标 PostgreSQL（postgres:// URL，空库）/ the target, an empty PostgreSQL database")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return errs.Field("from", "copy.from_missing")
	}
	if *to == "" {
		return errs.Field("to", "copy.to_missing")
	}
	src, err := store.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	if dst.Dialect() != store.Postgres {
		return errs.Field("to", "copy.target_postgres")
	}
	if _, err := dst.Migrate(ctx); err != nil {
		return err
	}
	rep, err := store.CopyDatabase(ctx, src, dst, func(table string, rows int64) {
		fmt.Fprintf(env.Stderr, "%-32s %12d\n", table, rows)
	})
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range rep.Tables {
		rows += t.Rows
	}
	v, err := dst.VerifyAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已复制并校验 / copied and verified: %d tables, %d rows; audit chain of %d entries intact, %d points and %d money accounts equal their postings\n",
		len(rep.Tables), rows, v.AuditEntries, v.PointsAccounts, v.Grants.Accounts)
	return nil
}
