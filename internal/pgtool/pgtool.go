// Package pgtool finds and runs PostgreSQL's own programs (pg_dump,
// pg_restore, initdb, pg_ctl, pg_basebackup) from Debian's packages, and
// starts throwaway servers on loopback for tests and benchmarks: a
// primary, and a streaming standby of it. The server programs refuse to
// run as root, so as root they run as the postgres user.
package pgtool

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Find returns the path of a PostgreSQL program: in dir when it is set
// (HUITIAN_PG_BIN), else the newest /usr/lib/postgresql/*/bin (Debian's
// versioned binaries, which PATH's wrappers may not reach), else PATH.
func Find(dir, name string) (string, error) {
	if dir != "" {
		p := filepath.Join(dir, name)
		if isExec(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s not found in %s", name, dir)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if p := filepath.Join(dirs[i], name); isExec(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found: install Debian's postgresql (or postgresql-client), or set HUITIAN_PG_BIN", name)
}

// Run runs a client program and returns its error with its output (which
// names servers and files, never data).
func Run(ctx context.Context, dir, name string, args ...string) error {
	p, err := Find(dir, name)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Server is a throwaway PostgreSQL server on loopback, trusting local
// connections, in a directory of its own.
type Server struct {
	Port int
	dir  string // owned by the postgres user when run as root
	data string
}

// asServerUser runs a server program as the postgres user when we are root.
func asServerUser(ctx context.Context, name string, args ...string) ([]byte, error) {
	p, err := Find("", name)
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", p}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, p, args...)
	}
	return cmd.CombinedOutput()
}

func newDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start initializes and starts a server with settings ("name=value", as
// -c options: e.g. "fsync=off", "synchronous_standby_names=*").
func Start(ctx context.Context, settings ...string) (*Server, error) {
	dir, err := newDir("huitian-pg")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, data: filepath.Join(dir, "data")}
	if out, err := asServerUser(ctx, "initdb", "-D", s.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if err := s.start(ctx, settings); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, settings []string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Port = port
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, s.dir)
	for _, kv := range settings {
		opts += " -c " + kv
	}
	if out, err := asServerUser(ctx, "pg_ctl", "-D", s.data, "-l", s.data+".log", "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(s.data + ".log")
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// URL is the server's postgres:// URL (database postgres, user postgres).
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
}

// Standby copies s with pg_basebackup and starts the copy as its streaming
// standby (standby.signal and primary_conninfo written by -R).
func (s *Server) Standby(ctx context.Context, settings ...string) (*Server, error) {
	dir, err := newDir("huitian-pg-standby")
	if err != nil {
		return nil, err
	}
	sb := &Server{dir: dir, data: filepath.Join(dir, "data")}
	if out, err := asServerUser(ctx, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", "postgres",
		"-D", sb.data, "-R", "-X", "stream", "--checkpoint=fast"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_basebackup: %v\n%s", err, out)
	}
	if err := sb.start(ctx, settings); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return sb, nil
}

// Kill stops the server at once, as a crash would (pg_ctl -m immediate).
func (s *Server) Kill(ctx context.Context) error {
	if out, err := asServerUser(ctx, "pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Promote turns a standby into a primary and waits until it accepts writes.
func (s *Server) Promote(ctx context.Context) error {
	if out, err := asServerUser(ctx, "pg_ctl", "-D", s.data, "-w", "promote"); err != nil {
		return fmt.Errorf("pg_ctl promote: %v\n%s", err, out)
	}
	return nil
}

// Remove stops the server if it runs and deletes its directory.
func (s *Server) Remove() {
	_, _ = asServerUser(context.Background(), "pg_ctl", "-D", s.data, "-m", "immediate", "stop")
	os.RemoveAll(s.dir)
}
