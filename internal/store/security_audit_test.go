package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// rawAudit is a store plus a raw connection to its database, as someone
// with database access would have (times written as the store writes them).
type rawAudit struct {
	t   *testing.T
	s   *store.Store
	db  *sql.DB
	pg  bool
	ctx context.Context
}

func openRawAudit(t *testing.T, d store.Dialect) *rawAudit {
	t.Helper()
	dsn := storetest.DSN(t, d)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	driver, rawDSN := "pgx", dsn
	if d == store.SQLite {
		driver, rawDSN = "sqlite", "file:"+(&url.URL{Path: dsn}).EscapedPath()+"?_pragma=busy_timeout(10000)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, rawDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &rawAudit{t: t, s: s, db: db, pg: d == store.Postgres, ctx: ctx}
}

func (r *rawAudit) q(query string) string {
	if r.pg {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	return query
}

func (r *rawAudit) exec(query string, args ...any) {
	r.t.Helper()
	if _, err := r.db.ExecContext(r.ctx, r.q(query), args...); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
}

var auditCols = []string{"seq", "id", "at", "actor_id", "actor_name", "action", "object_kind", "object_id", "street_id", "data", "prev_hash", "hash"}

// row reads entry seq's columns as the driver gives them, to put back later.
func (r *rawAudit) row(seq int64) []any {
	r.t.Helper()
	vals := make([]any, len(auditCols))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := r.db.QueryRowContext(r.ctx, r.q(`SELECT `+strings.Join(auditCols, ", ")+` FROM audit_entries WHERE seq = ?`), seq).Scan(ptrs...); err != nil {
		r.t.Fatal(err)
	}
	return vals
}

func (r *rawAudit) restore(seq int64, vals []any) {
	r.t.Helper()
	r.exec(`DELETE FROM audit_entries WHERE seq = ? OR id = ?`, seq, vals[1])
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(auditCols)), ", ")
	r.exec(`INSERT INTO audit_entries (`+strings.Join(auditCols, ", ")+`) VALUES (`+ph+`)`, vals...)
}

// TestSecurityAuditTamperAnyColumn: editing any column of the first, a
// middle or the last audit entry, or deleting it, is found by VerifyAudit
// (what `huitian audit verify` runs) at that entry; put back, the chain is
// whole again (SECURITY.md, Audit).
func TestSecurityAuditTamperAnyColumn(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			r := openRawAudit(t, d)
			for i := range 5 {
				if err := r.s.CreateStreet(storetest.Admin(), &places.Street{Name: fmt.Sprintf("审计测试街道%d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			intact := func(when string) {
				t.Helper()
				if b, n, err := r.s.VerifyAudit(r.ctx); b != nil || n != 5 || err != nil {
					t.Fatalf("%s: %+v %d %v", when, b, n, err)
				}
			}
			intact("before tampering")
			edits := map[string]any{
				"id": "01900000-0000-7000-8000-000000000000", "at": time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC),
				"actor_id": "someone-else", "actor_name": "冒名顶替", "action": "street.delete", "object_kind": "need",
				"object_id": "another-object", "street_id": "another-street", "data": `{"name":"伪造"}`,
				"prev_hash": strings.Repeat("f", 64), "hash": strings.Repeat("e", 64), "seq": int64(99),
			}
			for _, pos := range []int64{1, 3, 5} {
				for _, col := range append(append([]string{}, auditCols...), "DELETE") {
					name := fmt.Sprintf("entry %d: %s", pos, col)
					if col != "DELETE" {
						name = fmt.Sprintf("entry %d: edit %s", pos, col)
					}
					t.Run(name, func(t *testing.T) {
						orig := r.row(pos)
						if col == "DELETE" {
							r.exec(`DELETE FROM audit_entries WHERE seq = ?`, pos)
						} else {
							r.exec(`UPDATE audit_entries SET `+col+` = ? WHERE seq = ?`, edits[col], pos)
						}
						b, _, err := r.s.VerifyAudit(r.ctx)
						if err != nil {
							t.Fatal(err)
						}
						if b == nil || b.Seq != pos {
							t.Fatalf("not found at entry %d: %+v", pos, b)
						}
						r.restore(pos, orig)
						intact("after putting it back")
					})
				}
			}
		})
	}
}

// TestSecurityAuditDailyHeads: the published daily heads move when entries
// are added; a past day rewritten with the whole chain recomputed (which
// VerifyAudit alone cannot see) is caught against the heads published
// before; an intact database matches them (SECURITY.md, Audit).
func TestSecurityAuditDailyHeads(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			r := openRawAudit(t, d)
			loc, _ := time.LoadLocation("Asia/Shanghai")
			now := time.Date(2026, 11, 24, 23, 50, 0, 0, loc) // late on the 24th, Beijing time
			r.s.Now = func() time.Time { return now.UTC() }
			street := func(name string) {
				t.Helper()
				if err := r.s.CreateStreet(storetest.Admin(), &places.Street{Name: name}); err != nil {
					t.Fatal(err)
				}
			}
			street("一日街道甲")
			street("一日街道乙")
			now = now.Add(20 * time.Minute) // 00:10 on the 25th in Beijing, still the 24th in UTC
			street("二日街道甲")
			street("二日街道乙")
			street("二日街道丙")
			heads, err := r.s.AuditDayHeads(r.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(heads) != 2 || heads[0].Day != "2026-11-25" || heads[0].Count != 3 || heads[0].Closed ||
				heads[1].Day != "2026-11-24" || heads[1].Count != 2 || !heads[1].Closed || heads[1].LastSeq != 2 || heads[0].LastSeq != 5 {
				t.Fatalf("heads by Beijing day: %+v", heads)
			}
			entries := allAudit(t, r.s)
			if heads[1].Hash != entries[1].Hash || heads[0].Hash != entries[4].Hash {
				t.Fatal("a head is not the hash of its day's last entry")
			}
			// Adding an entry moves today's head, not yesterday's.
			street("二日街道丁")
			again, err := r.s.AuditDayHeads(r.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if again[0].Hash == heads[0].Hash || again[0].Count != 4 || again[1] != heads[1] {
				t.Fatalf("after one more entry: %+v (before %+v)", again, heads)
			}
			// The next day, the 25th is closed.
			now = now.Add(24 * time.Hour)
			published, err := r.s.AuditDayHeads(r.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !published[0].Closed {
				t.Fatal("yesterday not closed")
			}
			if bad, err := r.s.VerifyAuditHeads(r.ctx, published); err != nil || len(bad) != 0 {
				t.Fatalf("intact database against its heads: %+v %v", bad, err)
			}

			// The attack: change entry 1 (the 24th) and recompute every hash
			// after it and the chain's head, as someone with the database could.
			entries = allAudit(t, r.s)
			prev := audit.GenesisHash
			for i, e := range entries {
				if i == 0 {
					e.Data = `{"name":"改写过的街道"}`
				}
				e.Seal(prev)
				prev = e.Hash
				r.exec(`UPDATE audit_entries SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Data, e.PrevHash, e.Hash, e.Seq)
			}
			r.exec(`UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
			if b, _, err := r.s.VerifyAudit(r.ctx); b != nil || err != nil {
				t.Fatalf("the rewrite is meant to fool the chain alone: %+v %v", b, err)
			}
			bad, err := r.s.VerifyAuditHeads(r.ctx, published)
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 2 || bad[0].Day != "2026-11-24" || bad[0].Reason != "hash" || bad[1].Day != "2026-11-25" {
				t.Fatalf("rewrite against the published heads: %+v", bad)
			}
			// This node keeps showing what it published.
			still, _ := r.s.AuditDayHeads(r.ctx)
			if still[1].Hash != published[1].Hash {
				t.Fatal("the published head of a past day changed on the page")
			}
			// Deleting a closed day's last entry (and renumbering nothing) is missing.
			r.exec(`DELETE FROM audit_entries WHERE seq = 2`)
			bad, _ = r.s.VerifyAuditHeads(r.ctx, published)
			if len(bad) == 0 || bad[0].Reason != "missing" {
				t.Fatalf("deleted head entry: %+v", bad)
			}
		})
	}
}
