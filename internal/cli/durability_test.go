package cli_test

// Durability (SECURITY.md, "持久性 / Durability"): `huitian serve` runs as a
// real process over the demo data while clients stream acknowledged writes
// (points granted on the page, proposals submitted through the API); it is
// killed with SIGKILL at random moments and restarted, several rounds. Every
// write the server acknowledged must be in the database afterwards, SQLite's
// integrity check must pass, and `huitian points verify` and `huitian audit
// verify` must pass. The same against PostgreSQL, killing the app node.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// huitianBinary builds the huitian command once per test run.
func huitianBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "huitian-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "huitian")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/huitian").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// node is one running `huitian serve` process.
type node struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	exited chan struct{}
}

func startNode(t *testing.T, bin, dsn string, logs *syncBuffer, env ...string) *node {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), "HUITIAN_DATABASE="), env...)
	pr, pw := io.Pipe()
	cmd.Stdout = io.Discard
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{cmd: cmd, stderr: logs, exited: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if m := re.FindString(line); m != "" && !sent && strings.Contains(line, "serving") {
				urls <- m
				sent = true
			}
		}
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(n.exited)
	}()
	select {
	case n.url = <-urls:
	case <-n.exited:
		t.Fatalf("serve exited: %s", logs.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not start")
	}
	waitReady(t, n.url)
	return n
}

func (n *node) kill() {
	n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

// ledger of what the server acknowledged.
type acked struct {
	mu        sync.Mutex
	grants    []string // idempotency keys of acknowledged grants
	proposals []string // ids of acknowledged proposals
}

func TestDurabilityKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills real processes")
	}
	t.Parallel()
	bin := huitianBinary(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Seed(ctx, s, time.Now()); err != nil {
				t.Fatal(err)
			}
			fx := durabilityFixture(t, s)
			t.Logf("demo data in %v", time.Since(start).Round(time.Millisecond))
			s.Close()

			var logs syncBuffer
			var ack acked
			var seq atomic.Int64
			rounds := 3
			for round := range rounds {
				began := time.Now()
				n := startNode(t, bin, dsn, &logs)
				t.Logf("round %d: up in %v", round, time.Since(began).Round(time.Millisecond))
				admin := signIn(t, n.url, "13800000001", demo.Password)
				var wg sync.WaitGroup
				stop := make(chan struct{})
				for w := range 3 {
					wg.Add(2)
					go func() { // points granted on the page
						defer wg.Done()
						for {
							select {
							case <-stop:
								return
							default:
							}
							key := fmt.Sprintf("dur-%d-%d-%d", round, w, seq.Add(1))
							if grantOnPage(admin, n.url, fx.street, key) {
								ack.mu.Lock()
								ack.grants = append(ack.grants, key)
								ack.mu.Unlock()
							}
						}
					}()
					go func() { // proposals through the API
						defer wg.Done()
						for {
							select {
							case <-stop:
								return
							default:
							}
							key := fmt.Sprintf("dur-p-%d-%d-%d", round, w, seq.Add(1))
							if id := submitProposal(n.url, fx.token, fx.need, key); id != "" {
								ack.mu.Lock()
								ack.proposals = append(ack.proposals, id)
								ack.mu.Unlock()
							}
						}
					}()
				}
				time.Sleep(time.Duration(300+rand.IntN(1000)) * time.Millisecond)
				n.kill()
				close(stop)
				wg.Wait()
			}
			// One more start, as after a power cut: it must come up.
			n := startNode(t, bin, dsn, &logs)
			n.kill()
			if len(ack.grants) < rounds || len(ack.proposals) < rounds {
				t.Fatalf("too few acknowledged writes to prove anything: %d grants, %d proposals", len(ack.grants), len(ack.proposals))
			}

			s, err = store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			db := rawDB(t, d, dsn)
			q := func(query string) string {
				if d == store.Postgres {
					return strings.Replace(query, "?", "$1", 1)
				}
				return query
			}
			for _, k := range ack.grants {
				var c int
				if err := db.QueryRow(q(`SELECT COUNT(*) FROM points_postings WHERE idem_key = ?`), "grant:"+k).Scan(&c); err != nil || c != 1 {
					t.Fatalf("acknowledged grant %s: %d postings (%v)", k, c, err)
				}
			}
			for _, id := range ack.proposals {
				var c int
				if err := db.QueryRow(q(`SELECT COUNT(*) FROM proposals WHERE id = ?`), id).Scan(&c); err != nil || c != 1 {
					t.Fatalf("acknowledged proposal %s: %d rows (%v)", id, c, err)
				}
			}
			if d == store.SQLite {
				var res string
				if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
					t.Fatalf("integrity_check: %q %v", res, err)
				}
			}
			for _, args := range [][]string{{"points", "verify"}, {"audit", "verify"}} {
				out, err := exec.Command(bin, append(args, "--db", dsn)...).CombinedOutput()
				if err != nil {
					t.Fatalf("huitian %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
			// The servers' own log holds no phone number, token or code.
			assertCleanLog(t, logs.String(), fx.token)
			t.Logf("%s: %d rounds, %d grants and %d proposals acknowledged and found, %v", d, rounds,
				len(ack.grants), len(ack.proposals), time.Since(start).Round(time.Second))
		})
	}
}

// assertCleanLog fails on a phone number or any of secrets in a log.
func assertCleanLog(t *testing.T, log string, secrets ...string) {
	t.Helper()
	if log == "" {
		t.Fatal("no log at all: the check would prove nothing")
	}
	if m := regexp.MustCompile(`(^|[^0-9A-Za-z])1[3-9]\d{9}([^0-9A-Za-z]|$)`).FindString(log); m != "" {
		t.Fatalf("a phone number in the log: %q", m)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Fatalf("a secret in the log: %q", s)
		}
	}
	if m := regexp.MustCompile(`ht_[0-9a-f]{16,}`).FindString(log); m != "" {
		t.Fatalf("an API token in the log: %q", m)
	}
}

const (
	durSummary = "为社区独居老人提供每周两次上门探访、健康监测和生活照料服务的耐久测试方案"
	durPlan    = "第一个月完成走访建档，第二个月起每周两次上门探访并记录健康状况，每月向社区汇报一次服务情况，项目结束时提交总结报告和服务台账。"
)

type durFixture struct {
	street string // a street whose pool can pay
	need   string // a published need the organization can bid on
	token  string // the organization admin's API token
}

// durabilityFixture finds, in the demo data, a pool that pays and a
// published need the demo organization can bid on, and makes its admin a
// token.
func durabilityFixture(t *testing.T, s *store.Store) durFixture {
	t.Helper()
	ctx := context.Background()
	admin := storetest.Admin()
	var fx durFixture
	streets, err := s.FindStreets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range streets {
		if _, err := s.GrantPoints(admin, st.ID, "13800000010", 1, "耐久测试准备", "dur-setup-"+st.ID); err == nil {
			fx.street = st.ID
			break
		}
	}
	if fx.street == "" {
		t.Fatal("no street pool pays in the demo data")
	}
	u, err := s.FindUserByPhone(ctx, "13800000004")
	if err != nil {
		t.Fatal(err)
	}
	if fx.token, err = s.CreateAPIToken(admin, u.ID, store.DefaultTokenIdle); err != nil {
		t.Fatal(err)
	}
	needs, _, err := s.FindNeeds(admin, procurement.Filter{Status: procurement.Published, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	as := accounts.WithActor(ctx, u)
	var why []string
	for _, n := range needs {
		_, err := s.SubmitProposal(as, n.ID, &procurement.Proposal{Summary: durSummary, Plan: durPlan,
			PriceFen: n.BudgetFen, DurationDays: 30, IdempotencyKey: "dur-setup"})
		if err == nil {
			fx.need = n.ID
			break
		}
		why = append(why, err.Error())
	}
	if fx.need == "" {
		t.Fatalf("no published need (of %d) takes the demo organization's proposal: %v", len(needs), why)
	}
	return fx
}

// signIn returns a client signed in with a password.
func signIn(t *testing.T, base, phone, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code := postForm(c, base, "/login/password", url.Values{"phone": {phone}, "password": {password}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	return c
}

func csrfOf(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == "huitian_csrf" {
			return k.Value
		}
	}
	return ""
}

func postForm(c *http.Client, base, path string, form url.Values) int {
	form.Set("csrf_token", csrfOf(c, base))
	resp, err := c.PostForm(base+path, form)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// grantOnPage grants one point on the admin page; true once acknowledged
// (the redirect after a successful post).
func grantOnPage(c *http.Client, base, street, key string) bool {
	code := postForm(c, base, "/admin/points/grant", url.Values{"street": {street}, "phone": {"13800000010"},
		"amount": {"1"}, "reason": {"耐久测试"}, "key": {key}})
	return code == http.StatusSeeOther
}

// submitProposal submits (replaces) the organization's proposal; the id
// once acknowledged.
func submitProposal(base, token, need, key string) string {
	body, _ := json.Marshal(map[string]any{"summary": durSummary + " " + key, "plan": durPlan,
		"price_fen": 10000, "duration_days": 30, "idempotency_key": key})
	req, _ := http.NewRequest("POST", base+"/api/v1/needs/"+need+"/proposals", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return ""
	}
	var out struct {
		ID string `json:"id"`
	}
	if json.NewDecoder(resp.Body).Decode(&out) != nil {
		return ""
	}
	return out.ID
}
