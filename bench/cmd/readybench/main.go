// Command readybench measures how long the server takes to be ready after
// start on a large database: it loads a fresh database with docs needs (most
// of them completed projects) and about docs/200 organizations, then, in a
// new process as a restarted server would be, opens the store and builds the
// matching and search indexes through the store's reads, exactly as huitian
// serve does before /readyz turns ready.
//
//	go run ./cmd/readybench -docs 1000000
//	go run ./cmd/readybench -docs 100000 -db postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable
//
// The last line of output is one JSON object with the figures.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "readybench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("readybench", flag.ContinueOnError)
	docs := fs.Int("docs", 100000, "needs in the database (completed projects included)")
	dbFlag := fs.String("db", "sqlite", "sqlite, or a postgres:// URL of a server where a throwaway database is created and dropped")
	keep := fs.String("keep", "", "keep the database: a SQLite file path, or a PostgreSQL database name; reused when it already holds -docs needs")
	seed := fs.Uint64("seed", 42, "corpus seed")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the start (open, analyzer, Build) to this file")
	measure := fs.String("measure", "", "internal: measure the start on this database only (the child process)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *measure != "" {
		return measureStart(ctx, *measure, *cpuprofile)
	}
	if *docs < 1 {
		return fmt.Errorf("-docs must be positive")
	}

	dsn, cleanup, err := prepare(ctx, *dbFlag, *keep)
	if err != nil {
		return err
	}
	defer cleanup()

	want, loadS, err := load(ctx, dsn, *docs, *seed)
	if err != nil {
		return err
	}

	// The start, in a fresh process: its heap holds only what a server's does.
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cargs := []string{"-measure", dsn}
	if *cpuprofile != "" {
		cargs = append(cargs, "-cpuprofile", *cpuprofile)
	}
	cmd := exec.CommandContext(ctx, exe, cargs...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var last string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "{") {
			last = line
			continue
		}
		fmt.Println(line)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("measuring: %w", err)
	}
	var res result
	if err := json.Unmarshal([]byte(last), &res); err != nil || last == "" {
		return fmt.Errorf("measuring: no figures (%v): %q", err, last)
	}
	match := res.Orgs == want.Orgs && res.Projects == want.Projects && res.Needs == want.Board
	fmt.Printf("database: %d organizations, %d completed projects, %d needs on the board (%d ratings); index counts match: %v\n",
		want.Orgs, want.Projects, want.Board, want.Ratings, match)
	res.Docs, res.LoadS = *docs, round(loadS, 2)
	res.WantOrgs, res.WantProjects, res.WantNeeds, res.CountsMatch = want.Orgs, want.Projects, want.Board, match
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	if !match {
		return fmt.Errorf("the index does not hold what the database does")
	}
	return nil
}

// prepare returns the database to use and how to remove it afterwards.
func prepare(ctx context.Context, dbFlag, keep string) (string, func(), error) {
	if dbFlag == "sqlite" {
		if keep != "" {
			return keep, func() {}, nil
		}
		dir, err := os.MkdirTemp("", "readybench")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "huitian.db"), func() { os.RemoveAll(dir) }, nil
	}
	if !strings.HasPrefix(dbFlag, "postgres://") && !strings.HasPrefix(dbFlag, "postgresql://") {
		return "", nil, fmt.Errorf("-db: sqlite or a postgres:// URL, not %q", dbFlag)
	}
	admin, err := sql.Open("pgx", dbFlag)
	if err != nil {
		return "", nil, err
	}
	name := keep
	if name == "" {
		name = fmt.Sprintf("readybench_%d", os.Getpid())
	}
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		admin.Close()
		return "", nil, err
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			admin.Close()
			return "", nil, err
		}
	}
	u, err := url.Parse(dbFlag)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	cleanup := func() {
		if keep == "" {
			if _, err := admin.ExecContext(context.Background(), `DROP DATABASE "`+name+`" WITH (FORCE)`); err != nil {
				fmt.Fprintln(os.Stderr, "readybench: dropping", name+":", err)
			}
		}
		admin.Close()
	}
	return u.String(), cleanup, nil
}

// load migrates the database and fills it, unless it already holds docs
// needs (a kept database), and returns what the index must then hold.
func load(ctx context.Context, dsn string, docs int, seed uint64) (counts, float64, error) {
	var c counts
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return c, 0, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return c, 0, err
	}
	s.Close()
	pg := strings.HasPrefix(dsn, "postgres")
	db, err := openRaw(dsn, pg)
	if err != nil {
		return c, 0, err
	}
	defer db.Close()
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM needs`).Scan(&have); err != nil {
		return c, 0, err
	}
	if have > 0 {
		if have != docs {
			return c, 0, fmt.Errorf("the kept database holds %d needs, not -docs %d", have, docs)
		}
		fmt.Printf("reusing the kept database %s (%d needs); not loading\n", redact(dsn), have)
		err := db.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM organizations),
			(SELECT COUNT(*) FROM needs WHERE status IN ('accepted', 'closed') AND awarded_org_id IS NOT NULL),
			(SELECT COUNT(*) FROM needs WHERE status NOT IN ('draft', 'submitted')),
			(SELECT COUNT(*) FROM ratings)`).Scan(&c.Orgs, &c.Projects, &c.Board, &c.Ratings)
		return c, 0, err
	}
	t0 := time.Now()
	c, err = generate(ctx, db, pg, docs, seed)
	if err != nil {
		return c, 0, fmt.Errorf("loading: %w", err)
	}
	if pg {
		// What autovacuum would do soon after a bulk load.
		if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
			return c, 0, err
		}
	} else if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return c, 0, err
	}
	took := time.Since(t0).Seconds()
	size := ""
	if !pg {
		if fi, err := os.Stat(dsn); err == nil {
			size = fmt.Sprintf(", %.0f MB", float64(fi.Size())/1e6)
		}
	}
	fmt.Printf("loaded %d needs (%d completed projects, %d on the board), %d organizations, %d ratings in %.1f s%s (not the measured figure)\n",
		docs, c.Projects, c.Board, c.Orgs, c.Ratings, took, size)
	return c, took, nil
}

// openRaw opens database/sql on the same database for the bulk load:
// SQLite without foreign-key checks or syncing, with a large page cache.
func openRaw(dsn string, pg bool) (*sql.DB, error) {
	if pg {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(2)
		return db, nil
	}
	path := "file:" + (&url.URL{Path: dsn}).EscapedPath() + "?_pragma=foreign_keys(0)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(OFF)&_pragma=journal_mode(WAL)&_pragma=cache_size(-524288)&_time_format=sqlite"
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// redact drops a URL's password.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
