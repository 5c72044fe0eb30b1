package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// run runs the CLI and returns exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

// rawDB opens the database behind dsn directly, to tamper with it.
func rawDB(t *testing.T, d store.Dialect, dsn string) *sql.DB {
	driver := "sqlite"
	if d == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

const orgsJSONL = `{"key":"t1","name":"回龙观惠民社会工作服务中心","registration":"registered","credit_code":"52110114Y4CL12TH3D","domains":["养老服务"],"street":"回龙观街道","community":"龙锦苑二区社区","description":"社工机构","founded":"2016-05-18","party_form":"independent","staff":28,"volunteers":320}
{"key":"t2","name":"龙锦苑舞蹈队","registration":"filed","credit_code":"","domains":["文体活动"],"street":"回龙观街道","community":"龙锦苑二区社区","description":"","founded":"","party_form":"none","staff":0,"volunteers":30}
{"key":"t3","name":"坏代码组织","registration":"registered","credit_code":"52110114Y4CL12TH3E","domains":[],"street":"霍营街道","community":"","description":"","founded":"","party_form":"none","staff":0,"volunteers":0}
`

func TestCommands(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			// serve refuses a database that is not migrated, naming the command.
			code, _, stderr := run(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
			if code != 1 || !strings.Contains(stderr, "huitian migrate --db") {
				t.Fatalf("serve on an old schema: %d %s", code, stderr)
			}
			if code, out, _ := run(t, "", "migrate", "--db", dsn); code != 0 || !strings.Contains(out, "applied") {
				t.Fatalf("migrate: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "migrate", "--db", dsn); code != 0 || !strings.Contains(out, "最新") {
				t.Fatalf("migrate again: %d %s", code, out)
			}

			dir := t.TempDir()
			file := filepath.Join(dir, "orgs.jsonl")
			os.WriteFile(file, []byte(orgsJSONL), 0o644)
			code, out, _ := run(t, "", "import", "organizations", file, "--db", dsn)
			if code != 1 || !strings.Contains(out, "第 3 行") || !strings.Contains(out, "统一社会信用代码") || !strings.Contains(out, "未导入任何数据") {
				t.Fatalf("import with a bad row: %d %s", code, out)
			}
			code, out, _ = run(t, "", "import", "organizations", file, "--db", dsn, "--skip-invalid")
			if code != 0 || !strings.Contains(out, "新增 2") || !strings.Contains(out, "回龙观街道") || strings.Contains(out, "霍营街道") {
				t.Fatalf("import --skip-invalid: %d %s", code, out)
			}
			for _, ext := range []string{"csv", "xlsx", "jsonl"} {
				exp := filepath.Join(dir, "export."+ext)
				if code, out, stderr := run(t, "", "export", "organizations", exp, "--db", dsn); code != 0 || !strings.Contains(out, "2") {
					t.Fatalf("export %s: %d %s %s", ext, code, out, stderr)
				}
				// Re-importing an export updates by key, changing nothing else.
				code, out, _ := run(t, "", "import", "organizations", exp, "--db", dsn)
				if ext == "jsonl" && (code != 0 || !strings.Contains(out, "更新 2")) {
					t.Fatalf("re-import %s: %d %s", ext, code, out)
				}
				if code != 0 {
					t.Fatalf("re-import %s: %d %s", ext, code, out)
				}
			}

			// user add: a street staff member with a password from stdin; scope by exact name.
			code, out, stderr = run(t, "s3cret-pass\n", "user", "add", "--db", dsn, "--phone", "138 0000 1111", "--name", "李晓燕",
				"--role", "street_staff", "--scope", "回龙观街道", "--password-stdin")
			if code != 0 || !strings.Contains(out, "回龙观街道") {
				t.Fatalf("user add: %d %s %s", code, out, stderr)
			}
			if code, _, stderr := run(t, "", "user", "add", "--db", dsn, "--phone", "13800001111", "--name", "重复", "--role", "auditor"); code != 1 || !strings.Contains(stderr, "已注册") {
				t.Fatalf("duplicate phone: %d %s", code, stderr)
			}
			if code, _, stderr := run(t, "", "user", "add", "--db", dsn, "--phone", "13800002222", "--name", "无", "--role", "street_staff", "--scope", "不存在街道"); code != 1 || !strings.Contains(stderr, "找不到") {
				t.Fatalf("unknown scope: %d %s", code, stderr)
			}
			code, out, _ = run(t, "", "user", "add", "--db", dsn, "--phone", "13800003333", "--name", "平台管理员", "--role", "platform_admin")
			if code != 0 || !strings.Contains(out, "初始密码") {
				t.Fatalf("generated password: %d %s", code, out)
			}
			if code, out, _ := run(t, "new-password-9\n", "user", "password", "--db", dsn, "--phone", "13800001111", "--password-stdin"); code != 0 || !strings.Contains(out, "李晓燕") {
				t.Fatalf("user password: %d %s", code, out)
			}
			if code, _, stderr := run(t, "", "user", "password", "--db", dsn, "--phone", "13899998888"); code != 1 || !strings.Contains(stderr, "用户不存在") {
				t.Fatalf("user password for nobody: %d %s", code, stderr)
			}
			code, token, _ := run(t, "", "token", "create", "--db", dsn, "--phone", "13800003333")
			token = strings.TrimSpace(token)
			if code != 0 || strings.Count(token, "\n") != 0 || !strings.HasPrefix(token, "ht_") {
				t.Fatalf("token: %d %q", code, token)
			}

			// audit verify: intact, then broken after tampering.
			if code, out, _ := run(t, "", "audit", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("verify: %d %s", code, out)
			}
			db := rawDB(t, d, dsn)
			if _, err := db.Exec(`UPDATE audit_entries SET data = '{"name":"篡改"}' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "audit", "verify", "--db", dsn); code != 1 || !strings.Contains(out, "entry 3") {
				t.Fatalf("verify tampered: %d %s", code, out)
			}
		})
	}
}

func TestServeAndDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Seeded, reused, then discarded and seeded anew with --fresh.
	for round, want := range []string{"已生成", "已沿用", "已生成"} {
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		var logs syncBuffer // kept to say why, should the demo fail to start
		done := make(chan int)
		urls := make(chan string, 1)
		args := []string{"demo", "--data", dir, "--addr", "127.0.0.1:0"}
		if round == 2 {
			args = append(args, "--fresh")
		}
		go func() {
			done <- cli.Run(ctx, args, cli.Env{Stdout: &out, Stderr: &logs,
				Getenv: func(string) string { return "" }, Ready: func(u string) { urls <- u }})
		}()
		var base string
		select {
		case base = <-urls:
		case code := <-done:
			t.Fatalf("demo exited %d: %s\nstderr:\n%s", code, out.String(), logs.String())
		case <-time.After(60 * time.Second):
			t.Fatalf("demo did not start\nstderr:\n%s", logs.String())
		}
		resp, err := http.Get(base + "/organizations")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "社会组织名录") {
			t.Fatalf("round %d: directory %d", round, resp.StatusCode)
		}
		// The matching index is built from the demo data before serving.
		for _, path := range []string{"/readyz", "/api/v1/match/organizations?text=" + url.QueryEscape("楼里老人不会用手机挂号")} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || (strings.Contains(path, "match") && !strings.Contains(string(body), `"reasons":["`)) {
				t.Fatalf("round %d: %s %d %s", round, path, resp.StatusCode, body)
			}
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("demo exit %d\nstderr:\n%s", code, logs.String())
		}
		// The address to open is localhost, where passkeys work (never at
		// an IP address), on the port the demo listens on.
		local := "http://localhost:" + base[strings.LastIndex(base, ":")+1:]
		for _, s := range []string{want, "platform_admin", "13800000001", "huitian-demo", "8 个街道镇", "打开 / open:   " + local + "\n",
			local + "/dev/inbox"} {
			if !strings.Contains(out.String(), s) {
				t.Fatalf("round %d: banner lacks %q:\n%s", round, s, out.String())
			}
		}
		if strings.Contains(out.String(), "127.0.0.1") {
			t.Fatalf("round %d: the banner names an IP address:\n%s", round, out.String())
		}
	}
}

// TestServeBuildsIndex: serve listens at once and builds the matching index
// beside it; /readyz turns ready when it is built, and the log says so.
func TestServeBuildsIndex(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "serve.db")
	if code, _, stderr := run(t, "", "migrate", "--db", dsn); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan int, 1)
	urls := make(chan string, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, cli.Env{Stdout: io.Discard, Stderr: &logs,
			Getenv: func(string) string { return "" }, Ready: func(u string) { urls <- u }})
	}()
	var base string
	select {
	case base = <-urls:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("readyz %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d: %s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "匹配索引就绪") {
		t.Fatalf("no index log line:\n%s", logs.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
