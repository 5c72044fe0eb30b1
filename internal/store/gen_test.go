package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/gen"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestWriteGenBatch writes every unit of a small run in one batch each,
// with COPY on PostgreSQL and multi-row INSERTs on SQLite: the rows read
// back as generated (NULLs, times, booleans), a batch that fails half-way
// leaves neither rows nor progress behind, a batch already committed is
// refused, and the audit chain and the points balances hold.
func TestWriteGenBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// More organizations than one multi-row INSERT takes (1,000 rows).
		sc := gen.Scale{Name: "copytest", Orgs: 1_200, Residents: 300, Merchants: 4, Projects: 30, Needs: 40,
			Activities: 10, Postings: 600}
		run, err := s.StartGen(ctx, sc.Name, 3)
		if err != nil {
			t.Fatal(err)
		}
		pl, rule, err := s.GenSetup(ctx, gen.Geography)
		if err != nil {
			t.Fatal(err)
		}
		g := gen.New(3, sc, run.Anchor, pl, rule)
		batch := func(u gen.Unit) *store.GenBatch {
			n := sc.Total(u)
			b := &store.GenBatch{Unit: u, Rows: int64(n), Total: int64(n), Final: true, Scale: sc.Name, Seed: 3}
			for i := range n {
				b.Add(g, i)
			}
			return b
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := s.QueryRowForTest(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}

		orgs := batch(gen.Orgs)
		if _, err := s.WriteGenBatch(ctx, orgs); err != nil {
			t.Fatal(err)
		}
		// A resident whose phone repeats an earlier one's fails in the
		// batch's second table: the users before it and the progress go too.
		bad := batch(gen.Residents)
		bad.Residents[len(bad.Residents)-1].Phone = bad.Residents[0].Phone
		if _, err := s.WriteGenBatch(ctx, bad); err == nil {
			t.Fatal("a batch with a repeated phone was written")
		}
		if n := count(`SELECT COUNT(*) FROM users`); n != 0 {
			t.Fatalf("%d users left by a failed batch", n)
		}
		if n := count(`SELECT COUNT(*) FROM gen_progress WHERE unit = ?`, string(gen.Residents)); n != 0 {
			t.Fatal("a failed batch advanced gen_progress")
		}
		tableRows := 0
		for _, u := range gen.Units[1:] {
			n, err := s.WriteGenBatch(ctx, batch(u))
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			tableRows += n
		}
		if tableRows < 300*4+40+30*9 {
			t.Fatalf("%d table rows written", tableRows)
		}
		// A batch already committed is refused, and nothing doubles.
		if _, err := s.WriteGenBatch(ctx, batch(gen.Orgs)); err == nil || !strings.Contains(err.Error(), "not the next batch") {
			t.Fatalf("orgs again: %v", err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM organizations`:                        1_200,
			`SELECT COUNT(*) FROM users`:                                300,
			`SELECT COUNT(*) FROM points_postings`:                      600,
			`SELECT COUNT(*) FROM activities`:                           10,
			`SELECT COUNT(*) FROM needs`:                                70,
			`SELECT COUNT(*) FROM gen_progress WHERE rows_done = total`: 7,
		} {
			if n := count(q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}

		// Values as generated, NULLs included.
		for _, o := range orgs.Orgs[:50] {
			q := `SELECT COUNT(*) FROM organizations WHERE id = ? AND name = ? AND created_at = ? AND staff = ? AND `
			args := []any{o.ID, o.Name, o.CreatedAt, o.Staff}
			if o.CreditCode == "" {
				q += `credit_code IS NULL`
			} else {
				q += `credit_code = ?`
				args = append(args, o.CreditCode)
			}
			if o.CommunityID == "" {
				q += ` AND community_id IS NULL`
			} else {
				q += ` AND community_id = ?`
				args = append(args, o.CommunityID)
			}
			if count(q, args...) != 1 {
				t.Fatalf("organization %s does not read back as generated", o.ID)
			}
			if n := count(`SELECT COUNT(*) FROM organization_domains WHERE organization_id = ?`, o.ID); n != len(o.Domains) {
				t.Fatalf("organization %s: %d domains, want %d", o.ID, n, len(o.Domains))
			}
		}
		noDeadline := 0
		for _, n := range batch(gen.Needs).Needs {
			if n.Need.Deadline.IsZero() {
				noDeadline++
			}
		}
		for _, p := range batch(gen.Projects).Projects {
			if p.Need.Deadline.IsZero() {
				noDeadline++
			}
		}
		if n := count(`SELECT COUNT(*) FROM needs WHERE deadline IS NULL`); n != noDeadline || n == 0 {
			t.Errorf("%d needs without a deadline, want %d", n, noDeadline)
		}
		if n := count(`SELECT COUNT(*) FROM proposals WHERE needs_reconfirm = ?`, false); n == 0 ||
			n != count(`SELECT COUNT(*) FROM proposals`) {
			t.Errorf("%d proposals with needs_reconfirm false", n)
		}
		p := batch(gen.Postings).Postings[599]
		if count(`SELECT COUNT(*) FROM points_postings WHERE id = ? AND amount = ? AND created_at = ? AND from_id = ?`,
			p.ID, p.Amount, p.CreatedAt, p.From) != 1 {
			t.Error("the last posting does not read back as generated")
		}

		if m, n, err := s.VerifyPoints(ctx); err != nil || m != nil || n < 300 {
			t.Fatalf("points verify: %v %d %v", m, n, err)
		}
		if b, _, err := s.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit verify: %v %v", b, err)
		}
	})
}
