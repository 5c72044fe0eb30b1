package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAuditVerifyAgainstPublishedHeads: `huitian audit verify --heads FILE`
// passes on an intact database and fails, naming the day, once the chain
// has been rewritten with recomputed hashes, which plain `audit verify`
// cannot see (SECURITY.md, Audit).
func TestAuditVerifyAgainstPublishedHeads(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s, dsn := storetest.OpenDSN(t, d)
			ctx := context.Background()
			for _, n := range []string{"回龙观街道", "霍营街道", "史各庄街道"} {
				if err := s.CreateStreet(storetest.Admin(), &places.Street{Name: n}); err != nil {
					t.Fatal(err)
				}
			}
			heads, err := s.AuditDayHeads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(map[string]any{"timezone": "Asia/Shanghai", "chain_length": 3, "days": heads})
			file := filepath.Join(t.TempDir(), "heads.json")
			if err := os.WriteFile(file, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if code, out, stderr := run(t, "", "audit", "verify", "--db", dsn, "--heads", file); code != 0 || !strings.Contains(out, "matches 1 published") {
				t.Fatalf("intact: %d %s %s", code, out, stderr)
			}
			// Rewrite entry 2 and every hash after it, and the chain's head.
			entries, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, d, dsn)
			q := func(query string) string {
				if d == store.Postgres {
					for i := 1; strings.Contains(query, "?"); i++ {
						query = strings.Replace(query, "?", "$"+string(rune('0'+i)), 1)
					}
				}
				return query
			}
			prev := audit.GenesisHash
			for i := len(entries) - 1; i >= 0; i-- {
				e := entries[i]
				if e.Seq == 2 {
					e.Data = `{"name":"改写"}`
				}
				e.Seal(prev)
				prev = e.Hash
				if _, err := db.Exec(q(`UPDATE audit_entries SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?`), e.Data, e.PrevHash, e.Hash, e.Seq); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Exec(q(`UPDATE audit_head SET hash = ? WHERE id = 1`), prev); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "audit", "verify", "--db", dsn); code != 0 {
				t.Fatalf("the rewrite fools the chain alone, as meant: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "audit", "verify", "--db", dsn, "--heads", file); code != 1 || !strings.Contains(out, "MISMATCH for "+heads[0].Day) {
				t.Fatalf("rewritten chain against the saved heads: %d %s", code, out)
			}
			os.WriteFile(file, []byte(`{"nothing":1}`), 0o600)
			if code, _, stderr := run(t, "", "audit", "verify", "--db", dsn, "--heads", file); code == 0 || !strings.Contains(stderr, "no daily heads") {
				t.Fatalf("a file without heads: %d %s", code, stderr)
			}
		})
	}
}
