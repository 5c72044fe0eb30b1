package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// Copying a whole database to PostgreSQL (huitian copy): a district that
// began on the embedded SQLite file moves to PostgreSQL when it grows to a
// city of several app nodes. Every table is copied as it stands, ids,
// times, hashes and all, so the audit chain and every ledger verify on the
// target exactly as on the source.

// copySkipped are tables the copy leaves alone: the migrations' own record
// (the target is migrated to the same version first) and the change feed
// between running nodes (a day's worth; every node rebuilds its indexes at
// start). Tables kept by triggers (tallies, the dashboard's dirty marks)
// are copied as they are, with the target's triggers off during the copy.
var copySkipped = map[string]bool{"schema_migrations": true, "change_log": true}

// copyLater are the columns that point into their own table (a need
// re-tendering an earlier one, a solution or a suggestion merged into
// another): copied empty, then set once every row of the table is there.
var copyLater = map[string]string{"needs": "retender_of", "solutions": "merged_into", "suggestions": "merged_into"}

// copyBatch is how many rows go into the target per COPY.
const copyBatch = 5000

// CopyReport says what CopyDatabase copied, table by table in the order
// it copied them.
type CopyReport struct {
	Tables []CopiedTable
}

// CopiedTable is one table's row count, the same on both sides.
type CopiedTable struct {
	Name string
	Rows int64
}

// CopyDatabase copies every row of src into dst, a PostgreSQL database
// migrated to the same version as src and holding nothing yet. It reads
// one snapshot of src, writes dst in one transaction (a failure leaves dst
// as it was), parents before children, and then checks that every table
// holds as many rows on both sides. progress hears each table as it is done. Verifying the audit
// chain and the ledgers is the caller's next step (VerifyAll).
func CopyDatabase(ctx context.Context, src, dst *Store, progress func(table string, rows int64)) (*CopyReport, error) {
	if dst.dialect != Postgres {
		return nil, errs.Field("to", "copy.target_postgres")
	}
	for _, s := range []*Store{src, dst} {
		pending, err := s.Pending(ctx)
		if err != nil {
			return nil, err
		}
		if len(pending) > 0 {
			return nil, errs.Field("from", "copy.not_migrated", strings.Join(pending, ", "))
		}
	}
	tables, err := copyOrder(ctx, dst)
	if err != nil {
		return nil, errs.Wrap(err, "copy: table order")
	}
	if err := copyTargetEmpty(ctx, dst, tables); err != nil {
		return nil, err
	}
	read, err := src.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: src.snapshotLevel()})
	if err != nil {
		return nil, src.translate(err)
	}
	defer read.Rollback()
	rep := &CopyReport{}
	err = dst.genTx(ctx, func(c conn, cp copier) error {
		// The target's own triggers (tallies, dirty marks) would count again
		// what the copied tables hold already; foreign keys stay checked.
		for _, t := range tables {
			if _, err := c.exec(ctx, `ALTER TABLE `+pgQuote(t)+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		// What the migrations seeded gives way to the source's rows.
		for _, t := range slices.Backward(tables) {
			if _, err := c.exec(ctx, `DELETE FROM `+pgQuote(t)); err != nil {
				return err
			}
		}
		for _, t := range tables {
			cols, err := pgColumns(ctx, c, t)
			if err != nil {
				return err
			}
			n, err := copyTable(ctx, read, src.dialect, c, cp, t, cols)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
			rep.Tables = append(rep.Tables, CopiedTable{Name: t, Rows: n})
			if progress != nil {
				progress(t, n)
			}
		}
		for _, t := range tables {
			if _, err := c.exec(ctx, `ALTER TABLE `+pgQuote(t)+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		return copyCheck(ctx, c, rep)
	})
	if err != nil {
		return nil, errs.Wrap(err, "copy")
	}
	return rep, nil
}

// snapshotLevel is the isolation of a read that sees one moment: SQLite's
// transactions always do (WAL), PostgreSQL's from REPEATABLE READ.
func (s *Store) snapshotLevel() sql.IsolationLevel {
	if s.dialect == Postgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

// copyOrder lists dst's tables, each after the tables it refers to.
func copyOrder(ctx context.Context, dst *Store) ([]string, error) {
	var names []string
	rows, err := dst.db.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !copySkipped[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	rows, err = dst.db.QueryContext(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
		WHERE contype = 'f' AND conrelid <> confrelid AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, err
		}
		parents[child] = append(parents[child], parent)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("tables refer to each other in a circle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		for _, p := range parents[t] {
			if err := visit(p); err != nil {
				return err
			}
		}
		state[t] = 2
		if slices.Contains(names, t) {
			order = append(order, t)
		}
		return nil
	}
	for _, t := range names {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// copyInUse are the tables any use of a database writes to: a target
// with a row in one of them is in use, and the copy refuses it. Rows a
// fresh migration seeds elsewhere (the audit chain's head, the dashboard
// job's state) are replaced by the source's.
var copyInUse = []string{"users", "organizations", "needs", "audit_entries", "points_postings"}

// copyTargetEmpty refuses a target that is in use.
func copyTargetEmpty(ctx context.Context, dst *Store, tables []string) error {
	for _, t := range copyInUse {
		if !slices.Contains(tables, t) {
			continue
		}
		var n int64
		if err := dst.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+pgQuote(t)).Scan(&n); err != nil {
			return errs.Wrap(err, "copy: %s", t)
		}
		if n > 0 {
			return errs.Field("to", "copy.target_not_empty", t)
		}
	}
	return nil
}

// pgColumn is a target column: its name and PostgreSQL type.
type pgColumn struct{ name, typ string }

func pgColumns(ctx context.Context, c conn, table string) ([]pgColumn, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []pgColumn
	for rows.Next() {
		var col pgColumn
		if err := rows.Scan(&col.name, &col.typ); err != nil {
			return nil, err
		}
		cols = append(cols, col)
	}
	return cols, rows.Err()
}

// copyTable streams one table from the source snapshot into the target in
// batches; a self-referring column is set afterwards.
func copyTable(ctx context.Context, read *sql.Tx, from Dialect, c conn, cp copier, table string, cols []pgColumn) (int64, error) {
	names := make([]string, len(cols))
	quoted := make([]string, len(cols))
	later, id := -1, -1
	for i, col := range cols {
		names[i], quoted[i] = col.name, pgQuote(col.name)
		if copyLater[table] == col.name {
			later = i
		}
		if col.name == "id" {
			id = i
		}
	}
	if later >= 0 && id < 0 {
		return 0, fmt.Errorf("no id column to set %s by", copyLater[table])
	}
	q := `SELECT ` + strings.Join(quoted, ", ") + ` FROM ` + pgQuote(table)
	if from == SQLite {
		// In the order the rows were written; a table WITHOUT ROWID
		// (user_name_parts) has no such order and is read in its key's.
		var plain int
		if err := read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?
			AND sql NOT LIKE '%WITHOUT ROWID%'`, table).Scan(&plain); err != nil {
			return 0, err
		}
		if plain > 0 {
			q += ` ORDER BY rowid`
		}
	}
	rows, err := read.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	var batch [][]any
	type ref struct{ id, to any }
	var refs []ref
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := cp(ctx, table, names, batch)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, col := range cols {
			if vals[i], err = pgValue(vals[i], col.typ); err != nil {
				return n, fmt.Errorf("column %s: %w", col.name, err)
			}
		}
		if later >= 0 && vals[later] != nil {
			refs = append(refs, ref{id: vals[id], to: vals[later]})
			vals[later] = nil
		}
		batch = append(batch, vals)
		n++
		if len(batch) == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if err := flush(); err != nil {
		return n, err
	}
	for _, r := range refs {
		if _, err := c.exec(ctx, `UPDATE `+pgQuote(table)+` SET `+pgQuote(cols[later].name)+` = ? WHERE `+pgQuote(cols[0].name)+` = ?`,
			r.to, r.id); err != nil {
			return n, err
		}
	}
	return n, nil
}

// pgValue turns a value as the source's driver read it into what the
// target column takes: SQLite keeps booleans as integers and may hand
// back a time it could not parse as text.
func pgValue(v any, typ string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64:
		if typ == "boolean" {
			return x != 0, nil
		}
		if typ == "double precision" || typ == "real" || typ == "numeric" {
			return float64(x), nil
		}
	case []byte:
		if typ != "bytea" {
			return string(x), nil
		}
	case string:
		if strings.HasPrefix(typ, "timestamp") || typ == "date" {
			return parseStoredTime(x)
		}
		if typ == "boolean" {
			return x == "1" || strings.EqualFold(x, "true"), nil
		}
	case time.Time:
		if typ == "text" {
			return nil, fmt.Errorf("a time where the target keeps text")
		}
		return x.UTC(), nil
	}
	return v, nil
}

// storedTimeLayouts are the ways SQLite files hold times (the driver's own
// and SQL's).
var storedTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

func parseStoredTime(s string) (time.Time, error) {
	for _, l := range storedTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

// copyCheck compares, inside the target's transaction, every copied
// table's row count with the source's.
func copyCheck(ctx context.Context, c conn, rep *CopyReport) error {
	for _, t := range rep.Tables {
		var n int64
		if err := c.row(ctx, `SELECT COUNT(*) FROM `+pgQuote(t.Name)).Scan(&n); err != nil {
			return err
		}
		if n != t.Rows {
			return fmt.Errorf("%s: %d rows copied, %d on the target", t.Name, t.Rows, n)
		}
	}
	return nil
}

// pgQuote quotes an identifier read from the catalog.
func pgQuote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
