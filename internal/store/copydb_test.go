package store_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestCopyDatabase: the demo district on SQLite, with rows that point
// into their own table, copied to PostgreSQL: every table holds the same
// rows (value by value), the audit chain and the ledgers verify, the
// tallies agree; a second copy into the now full target is refused and
// changes nothing.
func TestCopyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	t.Parallel()
	ctx := context.Background()
	dst := storetest.Open(t, store.Postgres) // skips without PostgreSQL, fails under CI
	src := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(ctx, src, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE needs SET retender_of = (SELECT MIN(id) FROM needs) WHERE id = (SELECT MAX(id) FROM needs)`,
		`UPDATE solutions SET merged_into = (SELECT MIN(id) FROM solutions) WHERE id = (SELECT MAX(id) FROM solutions)`,
		`UPDATE suggestions SET merged_into = (SELECT MIN(id) FROM suggestions) WHERE id = (SELECT MAX(id) FROM suggestions)`,
	} {
		if err := src.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var heard []string
	rep, err := store.CopyDatabase(ctx, src, dst, func(table string, _ int64) { heard = append(heard, table) })
	if err != nil {
		t.Fatal(err)
	}
	if len(heard) != len(rep.Tables) || len(rep.Tables) < 60 {
		t.Fatalf("%d tables copied, %d heard", len(rep.Tables), len(heard))
	}
	var order []string
	for _, c := range rep.Tables {
		order = append(order, c.Name)
	}
	if slices.Index(order, "organizations") > slices.Index(order, "needs") || slices.Index(order, "needs") > slices.Index(order, "proposals") {
		t.Fatalf("parents after children: %v", order)
	}
	nonEmpty := 0
	for _, c := range rep.Tables {
		want := tableRows(t, src, c.Name)
		got := tableRows(t, dst, c.Name)
		if int64(len(want)) != c.Rows || !slices.Equal(want, got) {
			t.Errorf("%s: %d rows on the source, %d on the target, contents equal: %v", c.Name, len(want), len(got), slices.Equal(want, got))
		}
		if c.Rows > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 40 {
		t.Fatalf("only %d tables had rows: the demo should fill most", nonEmpty)
	}
	if _, err := dst.VerifyAll(ctx); err != nil {
		t.Fatalf("the copy does not verify: %v", err)
	}
	before := tableRows(t, dst, "users")
	if _, err := store.CopyDatabase(ctx, src, dst, nil); errs.As(err).Key != "copy.target_not_empty" {
		t.Fatalf("a second copy: %v", err)
	}
	if !slices.Equal(before, tableRows(t, dst, "users")) {
		t.Fatal("a refused copy changed the target")
	}
}

// tableRows reads a table as sorted lines of its values, written alike
// whichever database holds them (times in UTC, booleans as 0/1, bytes in
// hex).
func tableRows(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	var lines []string
	rows, err := s.QueryForTest(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c + "=" + canonical(vals[i])
		}
		slices.Sort(parts) // the dialects may order columns differently
		lines = append(lines, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	slices.Sort(lines)
	return lines
}

func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return hex.EncodeToString(x)
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}
