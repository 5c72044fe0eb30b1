package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/store"
)

// repoRoot finds the application's module (the directory holding
// cmd/huitian) from the working directory upwards.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "huitian", "main.go")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("run from the repository (cmd/huitian not found above the working directory)")
		}
		dir = up
	}
}

// buildHuitian builds the huitian binary into dir: the application's own
// main, or with pprof the bench's huitianprof (the same CLI with
// net/http/pprof on a side port).
func buildHuitian(ctx context.Context, dir string, pprof bool) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "huitian")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/huitian")
	cmd.Dir = root
	if pprof {
		cmd = exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/huitianprof")
		cmd.Dir = filepath.Join(root, "bench")
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// knowsGen reports whether this huitian has the `gen` command.
func knowsGen(ctx context.Context, bin string) bool {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "gen", "-h")
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return err == nil && !strings.Contains(out.String(), "unknown command")
}

// huitian runs one huitian command and returns its standard output.
func huitian(ctx context.Context, bin, stdin string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("huitian %s: %w: %s", args[0], err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

type target struct {
	name  string
	dsn   string
	data  string // which data was loaded, for the report
	urls  []string
	nodes []*node
	drop  func()
	// cached: the data is a copy of what -data kept, not generated now.
	cached bool
}

type node struct {
	cmd   *exec.Cmd
	url   string
	pprof string // side address of huitianprof's pprof, or ""
	log   string
	done  chan struct{} // closed when the process has exited
}

// startTarget makes the target's database, fills it and starts its nodes:
// "sqlite" is one node on a SQLite file, "pg" two nodes on one fresh
// PostgreSQL database.
func startTarget(ctx context.Context, name, bin string, hasGen bool, o options) (*target, error) {
	t := &target{name: name, drop: func() {}}
	nodes := 1
	switch name {
	case "sqlite":
		dir := filepath.Join(o.logDir, "sqlite")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		t.dsn = filepath.Join(dir, "huitian.db")
	case "pg":
		t.name, nodes = "pg_two_nodes", 2
		tpl := ""
		if o.dataDir != "" && hasGen {
			var err error
			if tpl, err = pgTemplate(ctx, bin, o); err != nil {
				return nil, err
			}
		}
		dsn, drop, err := freshPostgres(ctx, o.pg, tpl, o.keep)
		if err != nil {
			return nil, err
		}
		t.dsn, t.drop = dsn, drop
		t.cached = tpl != ""
	}
	if name == "sqlite" && o.dataDir != "" && hasGen {
		if err := sqliteCopy(ctx, bin, o, t.dsn); err != nil {
			return nil, err
		}
		t.cached = true
	}
	ok := false
	defer func() {
		if !ok {
			t.stop()
		}
	}()
	start := time.Now()
	if _, err := huitian(ctx, bin, "", "migrate", "--db", t.dsn); err != nil {
		return nil, err
	}
	if t.cached {
		t.data = fmt.Sprintf("huitian gen --scale %s --seed %d, kept in %s (copied in %.0f s)", o.scale, o.seed, o.dataDir,
			time.Since(start).Seconds())
	} else if hasGen {
		args := []string{"gen", "--scale", o.scale, "--db", t.dsn, "--seed", fmt.Sprint(o.seed)}
		out, err := huitian(ctx, bin, "", args...)
		if err != nil {
			return nil, err
		}
		t.data = fmt.Sprintf("huitian gen --scale %s --seed %d (%.0f s): %s", o.scale, o.seed, time.Since(start).Seconds(),
			lastLine(out))
	} else {
		// This build has no `huitian gen`: the demo data (about 200
		// organizations and a few dozen needs), seeded by the demo's own
		// loader into this database. Much smaller than a district.
		s, err := store.Open(ctx, t.dsn)
		if err != nil {
			return nil, err
		}
		r, err := demo.Seed(ctx, s, time.Now())
		s.Close()
		if err != nil {
			return nil, err
		}
		t.data = fmt.Sprintf("demo data, not %s scale (this huitian has no `gen`): %d organizations, %d needs, %d merchants (%.0f s)",
			o.scale, r.Organizations, r.Needs, r.Merchants, time.Since(start).Seconds())
	}
	fmt.Printf("\n%s: %s\n", t.name, t.data)
	for i := range nodes {
		n, err := startNode(ctx, bin, t.dsn, filepath.Join(o.logDir, fmt.Sprintf("%s-node%d.log", t.name, i+1)), o.pprofDir != "")
		if err != nil {
			return nil, err
		}
		t.nodes = append(t.nodes, n)
		t.urls = append(t.urls, n.url)
	}
	for _, n := range t.nodes {
		if err := waitReady(ctx, n, 10*time.Minute); err != nil {
			return nil, err
		}
	}
	fmt.Printf("%s: %d node(s) ready %.1f s after the start of the loading\n", t.name, nodes, time.Since(start).Seconds())
	ok = true
	return t, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startNode runs `huitian serve`. HUITIAN_TRUST_PROXY is on, as behind the
// reverse proxy a deployment has: the sign-ins of the mix come from many
// addresses (X-Forwarded-For), not all from loopback, which the per-address
// sign-in limit would stop after 30.
func startNode(ctx context.Context, bin, dsn, logPath string, pprof bool) (*node, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr)
	cmd.Env = append(os.Environ(), "HUITIAN_TRUST_PROXY=true", "HUITIAN_DATABASE=")
	n := &node{cmd: cmd, url: "http://" + addr, log: logPath, done: make(chan struct{})}
	if pprof {
		if n.pprof, err = freePort(); err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, "HUITIAN_PPROF_ADDR="+n.pprof)
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	go func() { cmd.Wait(); lf.Close(); close(n.done) }()
	return n, nil
}

func waitReady(ctx context.Context, n *node, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(n.url + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-n.done:
			return fmt.Errorf("node %s exited: see %s", n.url, n.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("node %s not ready after %s: see %s", n.url, limit, n.log)
}

func (t *target) pids() []int {
	var out []int
	for _, n := range t.nodes {
		out = append(out, n.cmd.Process.Pid)
	}
	return out
}

// stop ends the nodes (SIGTERM, then kill) and drops the database.
func (t *target) stop() {
	for _, n := range t.nodes {
		if n.cmd.Process == nil {
			continue
		}
		n.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, n := range t.nodes {
		if n.cmd.Process == nil {
			continue
		}
		select {
		case <-n.done:
		case <-time.After(20 * time.Second):
			n.cmd.Process.Kill()
			<-n.done
		}
	}
	t.drop()
}

// freshPostgres creates a database loadbench_<pid> on the server (a copy of
// template when it is named) and returns its URL and how to drop it.
func freshPostgres(ctx context.Context, server, template string, keep bool) (string, func(), error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("-pg: a postgres:// URL, not %q", server)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("loadbench_%d", os.Getpid())
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`"`); err != nil {
		admin.Close()
		return "", nil, err
	}
	create := `CREATE DATABASE "` + name + `"`
	if template != "" {
		create += ` TEMPLATE "` + template + `"`
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		defer admin.Close()
		if keep {
			fmt.Println("kept PostgreSQL database", name)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			fmt.Fprintln(os.Stderr, "loadbench: dropping", name+":", err)
		}
	}
	return u.String(), drop, nil
}

// profile takes a CPU profile of every node for up to 10 s of a phase of
// dur that starts after warm: from 1 s into the measured part (half a
// second when it is short); the returned function waits for the profiles.
func (t *target) profile(ctx context.Context, o options, phase string, warm, dur time.Duration) func() {
	if o.pprofDir == "" {
		return func() {}
	}
	if err := os.MkdirAll(o.pprofDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench: pprof:", err)
		return func() {}
	}
	lead := time.Second
	if dur < 4*time.Second {
		lead = dur / 4
	}
	secs := int(min(10*time.Second, dur-lead).Seconds())
	if secs < 1 {
		secs = 1
	}
	done := make(chan struct{}, len(t.nodes))
	for i, n := range t.nodes {
		go func() {
			defer func() { done <- struct{}{} }()
			time.Sleep(warm + lead)
			resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", n.pprof, secs))
			if err != nil {
				fmt.Fprintln(os.Stderr, "loadbench: pprof:", err)
				return
			}
			defer resp.Body.Close()
			path := filepath.Join(o.pprofDir, fmt.Sprintf("%s-%s-node%d.pprof", t.name, phase, i+1))
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintln(os.Stderr, "loadbench: pprof:", err)
				return
			}
			io.Copy(f, resp.Body)
			f.Close()
			fmt.Printf("   CPU profile of %s node %d, %s: %s\n", t.name, i+1, phase, abs(path))
		}()
	}
	return func() {
		for range t.nodes {
			<-done
		}
	}
}

// sqliteCopy puts a copy of the kept SQLite data of this scale and seed at
// dst, generating it into -data first when it is not there yet.
func sqliteCopy(ctx context.Context, bin string, o options, dst string) error {
	kept := filepath.Join(o.dataDir, fmt.Sprintf("%s-%d.db", o.scale, o.seed))
	if _, err := os.Stat(kept); err != nil {
		if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
			return err
		}
		partial := kept + ".partial"
		if _, err := huitian(ctx, bin, "", "migrate", "--db", partial); err != nil {
			return err
		}
		start := time.Now()
		out, err := huitian(ctx, bin, "", "gen", "--scale", o.scale, "--db", partial, "--seed", fmt.Sprint(o.seed))
		if err != nil {
			return err
		}
		fmt.Printf("sqlite: generated %s in %.0f s: %s\n", kept, time.Since(start).Seconds(), lastLine(out))
		// A clean close leaves no WAL; a resumed gen picks up the partial file.
		if err := os.Rename(partial, kept); err != nil {
			return err
		}
	}
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(kept+suffix, dst+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// pgTemplate names the template database holding the kept PostgreSQL data of
// this scale and seed, generating it first when the server has none.
func pgTemplate(ctx context.Context, bin string, o options) (string, error) {
	name := fmt.Sprintf("loadbench_tpl_%s_%d", o.scale, o.seed)
	admin, err := sql.Open("pgx", o.pg)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var done bool
	err = admin.QueryRowContext(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&done)
	if err == nil && done {
		return name, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	// Not yet a template: generate (a gen interrupted earlier resumes).
	u, err := url.Parse(o.pg)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	if _, err := huitian(ctx, bin, "", "migrate", "--db", u.String()); err != nil {
		return "", err
	}
	start := time.Now()
	out, err := huitian(ctx, bin, "", "gen", "--scale", o.scale, "--db", u.String(), "--seed", fmt.Sprint(o.seed))
	if err != nil {
		return "", err
	}
	fmt.Printf("pg: generated template database %s in %.0f s: %s\n", name, time.Since(start).Seconds(), lastLine(out))
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE "`+name+`" WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}
