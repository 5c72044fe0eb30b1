package cli_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestNodesFollowEachOther: two `huitian serve` nodes on one database, and
// a third process (`huitian import`) that writes. Both nodes' matching
// indexes find the imported organization within 2 seconds (issue 11):
// neither wrote it, so it can only have come through change_log. On
// PostgreSQL one node leads the background jobs; stopped, the other takes
// over.
func TestNodesFollowEachOther(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			if code, _, stderr := run(t, "", "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %d %s", code, stderr)
			}
			var nodes []string
			var dones []chan int
			var cancels []context.CancelFunc
			var logs [2]syncBuffer
			for i := range 2 {
				ctx, cancel := context.WithCancel(context.Background())
				cancels = append(cancels, cancel)
				logs := &logs[i]
				done, urls := make(chan int, 1), make(chan string, 1)
				go func() {
					done <- cli.Run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, cli.Env{Stdout: io.Discard, Stderr: logs,
						Getenv: func(string) string { return "" }, Ready: func(u string) { urls <- u }})
				}()
				select {
				case u := <-urls:
					nodes = append(nodes, u)
				case code := <-done:
					t.Fatalf("serve exited %d: %s", code, logs.String())
				case <-time.After(60 * time.Second):
					t.Fatal("serve did not start")
				}
				dones = append(dones, done)
			}
			defer func() {
				for i, d := range dones {
					cancels[i]()
					<-d
				}
			}()
			for _, n := range nodes {
				waitReady(t, n)
			}
			file := filepath.Join(t.TempDir(), "orgs.jsonl")
			line := `{"key":"n1","name":"回龙观鸽舍治理志愿队","registration":"filed","domains":["环境卫生"],"street":"回龙观街道","community":"龙锦苑二区社区","description":"劝导楼顶违规鸽舍拆除，清理鸽子粪便"}`
			if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, out, stderr := run(t, "", "import", "organizations", file, "--db", dsn); code != 0 {
				t.Fatalf("import: %d %s %s", code, out, stderr)
			}
			imported := time.Now()
			for _, n := range nodes {
				for {
					resp, err := http.Get(n + "/api/v1/match/organizations?text=" + url.QueryEscape("楼顶鸽舍鸽子粪便"))
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if strings.Contains(string(body), "回龙观鸽舍治理志愿队") {
						break
					}
					if time.Since(imported) > 2*time.Second {
						t.Fatalf("node %s does not find the imported organization 2 s later: %s", n, body)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			// An admin saves a thesaurus on a third process: both nodes apply
			// it, so a word only the new group knows (鸽棚) finds the
			// organization, whose text says 鸽舍.
			admin, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer admin.Close()
			text, _, _, err := admin.CurrentThesaurus(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := admin.SaveThesaurus(storetest.Admin(), text+"\n鸽舍 鸽棚 鸽子窝\n", "鸽舍治理"); err != nil {
				t.Fatal(err)
			}
			saved := time.Now()
			for _, n := range nodes {
				for {
					resp, err := http.Get(n + "/api/v1/match/organizations?text=" + url.QueryEscape("楼顶搭鸽棚"))
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if strings.Contains(string(body), "回龙观鸽舍治理志愿队") {
						break
					}
					if time.Since(saved) > 5*time.Second {
						t.Fatalf("node %s does not apply the thesaurus saved elsewhere: %s", n, body)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			// One node runs the background jobs; stop it and the other takes
			// them over within seconds (on SQLite each process leads).
			const leads = "this node runs the background jobs"
			leader := -1
			deadline := time.Now().Add(5 * time.Second)
			for leader < 0 {
				for i := range logs {
					if strings.Contains(logs[i].String(), leads) {
						if leader >= 0 && d == store.Postgres {
							t.Fatal("both nodes lead")
						}
						leader = i
					}
				}
				if time.Now().After(deadline) {
					t.Fatal("no node leads")
				}
				time.Sleep(20 * time.Millisecond)
			}
			// Each node's /metrics says whether it leads, how its jobs ran, how
			// far behind the change feed it is, and its database pool.
			for i, n := range nodes {
				var m string
				for deadline := time.Now().Add(2 * time.Second); ; { // the last change is being applied
					resp, err := http.Get(n + "/metrics")
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					m = string(body)
					if strings.Contains(m, "huitian_change_feed_lag 0") || time.Now().After(deadline) {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				lead := "huitian_leader 0"
				if i == leader || d == store.SQLite {
					lead = "huitian_leader 1"
				}
				for _, want := range []string{lead, "huitian_change_feed_lag 0", `go_sql_open_connections{db_name="write"}`,
					`huitian_ledger_postings_total{ledger="points"}`, `huitian_ledger_postings_total{ledger="grants"}`,
					"huitian_heavy_work_waiting 0", `huitian_heavy_work_refused_total{reason="queue_full"} 0`} {
					if !strings.Contains(m, want) {
						t.Fatalf("node %d /metrics lacks %q:\n%s", i, want, grep(m, "huitian_"))
					}
				}
				if (i == leader) != strings.Contains(m, `huitian_job_runs_total{job="deadlines",result="ok"}`) && d == store.Postgres {
					t.Fatalf("node %d (leader %d): job runs in /metrics: %v", i, leader, !(i == leader))
				}
			}
			if d == store.SQLite {
				return
			}
			cancels[leader]()
			<-dones[leader]
			dones[leader] = closedDone()
			other := 1 - leader
			deadline = time.Now().Add(5 * time.Second)
			for !strings.Contains(logs[other].String(), leads) {
				if time.Now().After(deadline) {
					t.Fatalf("the jobs did not move to the other node:\n%s", logs[other].String())
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func closedDone() chan int {
	c := make(chan int, 1)
	c <- 0
	return c
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// grep returns the lines of text that contain s.
func grep(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
