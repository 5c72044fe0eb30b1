package cli_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store/storetest"
)

// genCounts are the table counts `gen --scale test` must leave: 40
// organizations, 150 residents, 6 merchants, 120 completed projects and 80
// other needs, 20 activities, 900 postings.
var genCounts = map[string]int{
	"organizations":                 40,
	"users":                         150,
	"resident_homes":                150,
	"merchants":                     6,
	"needs":                         200,
	"needs WHERE status = 'closed'": 120,
	"acceptances WHERE need_id IN (SELECT id FROM needs WHERE status = 'closed')": 120,
	"activities":                              20,
	"points_postings":                         900,
	"gen_progress WHERE rows_done = total":    7,
	"audit_entries WHERE action = 'gen.load'": 7,
}

func countRows(t *testing.T, db *sql.DB, from string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + from).Scan(&n); err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	return n
}

// column returns a query's single text column, sorted.
func column(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestGen(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			full := storetest.DSN(t, d)
			code, out, stderr := run(t, "", "gen", "--scale", "test", "--db", full, "--seed", "7")
			if code != 0 || !strings.Contains(out, "生成完成") {
				t.Fatalf("gen: %d %s %s", code, out, stderr)
			}
			db := rawDB(t, d, full)
			for from, want := range genCounts {
				if got := countRows(t, db, from); got != want {
					t.Errorf("%s: %d rows, want %d", from, got, want)
				}
			}
			if n := countRows(t, db, "needs WHERE status = 'published'"); n < 10 {
				t.Errorf("%d needs on the board", n)
			}
			for _, q := range []string{"ratings", "proposals WHERE status = 'submitted'", "milestones", "awards",
				"points_postings WHERE kind = 'redemption'", "organizations WHERE credit_code IS NOT NULL"} {
				if countRows(t, db, q) == 0 {
					t.Errorf("no %s", q)
				}
			}
			// Credit codes validate; phones and codes never repeat.
			codes := column(t, db, `SELECT credit_code FROM organizations WHERE credit_code IS NOT NULL`)
			for _, c := range codes {
				if err := registry.ValidateCreditCode(c); err != nil {
					t.Fatalf("credit code %s: %v", c, err)
				}
			}
			if n := countRows(t, db, "(SELECT DISTINCT phone FROM users) p"); n != 150 {
				t.Errorf("%d distinct phones", n)
			}
			for _, v := range []string{"audit", "points", "grants"} {
				if code, out, stderr := run(t, "", v, "verify", "--db", full); code != 0 {
					t.Fatalf("%s verify: %d %s %s", v, code, out, stderr)
				}
			}
			// Run again: nothing left to do, nothing written twice.
			if code, out, _ := run(t, "", "gen", "--scale", "test", "--db", full, "--seed", "7"); code != 0 ||
				!strings.Contains(out, " 0 rows this run") {
				t.Fatalf("rerun: %d %s", code, out)
			}
			if got := countRows(t, db, "needs"); got != 200 {
				t.Fatalf("needs after rerun: %d", got)
			}
			// Another seed on the same database is refused.
			if code, _, stderr := run(t, "", "gen", "--scale", "test", "--db", full, "--seed", "8"); code != 1 ||
				!strings.Contains(stderr, "--seed 7") {
				t.Fatalf("other seed: %d %s", code, stderr)
			}

			// Interrupted twice (after 5 and after 33 batches of 7 rows), then
			// finished: the same rows as the run in one go.
			resumed := storetest.DSN(t, d)
			if code, _, stderr := run(t, "", "gen", "--scale", "test", "--db", resumed, "--seed", "7", "--batch", "7",
				"--stop-after", "5"); code != 130 || !strings.Contains(stderr, "已中断") {
				t.Fatalf("interrupted: %d %s", code, stderr)
			}
			rdb := rawDB(t, d, resumed)
			if n := countRows(t, rdb, "organizations"); n != 35 {
				t.Fatalf("after 5 batches: %d organizations", n)
			}
			if code, _, stderr := run(t, "", "gen", "--scale", "test", "--db", resumed, "--seed", "7", "--batch", "7",
				"--stop-after", "33"); code != 130 || !strings.Contains(stderr, "续做") {
				t.Fatalf("interrupted again: %d %s", code, stderr)
			}
			// 29 batches make the organizations, residents and merchants; the
			// stop falls while projects and postings load side by side.
			if n := countRows(t, rdb, "gen_progress WHERE rows_done = total"); n != 3 {
				t.Fatalf("the second stop should fall in the middle: %d units complete", n)
			}
			if countRows(t, rdb, "needs")+countRows(t, rdb, "points_postings") == 0 {
				t.Fatal("nothing of the second phase was written")
			}
			for _, v := range []string{"audit", "points"} { // consistent at every batch
				if code, out, stderr := run(t, "", v, "verify", "--db", resumed); code != 0 {
					t.Fatalf("%s verify mid-run: %d %s %s", v, code, out, stderr)
				}
			}
			if code, out, stderr := run(t, "", "gen", "--scale", "test", "--db", resumed, "--seed", "7"); code != 0 {
				t.Fatalf("resume: %d %s %s", code, out, stderr)
			}
			for from, want := range genCounts {
				if got := countRows(t, rdb, from); got != want {
					t.Errorf("resumed %s: %d rows, want %d", from, got, want)
				}
			}
			for _, q := range []string{`SELECT name FROM organizations`, `SELECT credit_code FROM organizations WHERE credit_code IS NOT NULL`,
				`SELECT title FROM needs`, `SELECT phone FROM users`, `SELECT idem_key FROM points_postings`,
				`SELECT id || ':' || CAST(balance AS TEXT) FROM points_accounts WHERE kind <> 'pool'`} {
				a, b := column(t, db, q), column(t, rdb, q)
				if q == `SELECT id || ':' || CAST(balance AS TEXT) FROM points_accounts WHERE kind <> 'pool'` {
					// Ids carry the run's anchor time: compare the balances only.
					a, b = balances(a), balances(b)
				}
				if !slices.Equal(a, b) {
					t.Fatalf("%s differs after a resumed run (%d vs %d rows)", q, len(a), len(b))
				}
			}
			for _, v := range []string{"audit", "points", "grants"} {
				if code, out, stderr := run(t, "", v, "verify", "--db", resumed); code != 0 {
					t.Fatalf("%s verify after resume: %d %s %s", v, code, out, stderr)
				}
			}

			// The server starts on it, and the board and its search find the
			// generated needs.
			var id, title string
			if err := db.QueryRow(`SELECT id, title FROM needs WHERE status = 'published' ORDER BY id LIMIT 1`).Scan(&id, &title); err != nil {
				t.Fatal(err)
			}
			base, stop := serveGen(t, full)
			defer stop()
			for _, path := range []string{"/needs", "/needs?q=" + url.QueryEscape(title)} {
				body := get(t, base+path)
				if !strings.Contains(body, "/needs/"+id) {
					t.Fatalf("%s does not list need %s (%s)", path, id, title)
				}
			}
			if body := get(t, base+"/api/v1/match/organizations?text="+url.QueryEscape("楼里老人不会用手机挂号")); !strings.Contains(body, `"reasons":["`) {
				t.Fatalf("match: %s", body)
			}
		})
	}
}

// balances drops the account ids of "id:balance" lines.
func balances(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l[strings.LastIndex(l, ":")+1:]
	}
	slices.Sort(out)
	return out
}

func serveGen(t *testing.T, dsn string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	urls := make(chan string, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, cli.Env{Stdout: io.Discard,
			Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(u string) { urls <- u }})
	}()
	var base string
	select {
	case base = <-urls:
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d", code)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	waitReady(t, base)
	return base, func() {
		cancel()
		<-done
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}
