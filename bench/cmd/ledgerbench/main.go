// Command ledgerbench measures the points ledger's durable write rate: 8
// clients post transfers between resident accounts through the real ledger
// code (store.PointsBatcher, group commit) on SQLite with synchronous=FULL
// and on PostgreSQL with fsync and synchronous_commit on, then runs
// pgbench's TPC-B (-c 8 -j 2) against the same PostgreSQL for a yardstick.
//
//	go run ./cmd/ledgerbench                      # starts a throwaway PostgreSQL (initdb, as scripts/test does)
//	HUITIAN_BENCH_POSTGRES=postgres://… go run ./cmd/ledgerbench -seconds 20
//
// After each run every balance is checked against its postings. The last
// line of output is one JSON object: sqlite_tps, postgres_tps, pgbench_tps,
// p99_ms (the worse of the two databases' posting latency).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/pgtool"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ledgerbench:", err)
		os.Exit(1)
	}
}

type result struct {
	SQLiteTPS   float64 `json:"sqlite_tps"`
	PostgresTPS float64 `json:"postgres_tps"`
	PgbenchTPS  float64 `json:"pgbench_tps"`
	P99ms       float64 `json:"p99_ms"`
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ledgerbench", flag.ContinueOnError)
	seconds := fs.Float64("seconds", 10, "how long each database is measured")
	clients := fs.Int("clients", 8, "concurrent posting clients (and pgbench -c)")
	inflight := fs.Int("inflight", 1, "postings each client keeps in flight (1: it waits for each before the next)")
	nAccounts := fs.Int("accounts", 1000, "resident accounts the transfers move between")
	pg := fs.String("postgres", os.Getenv("HUITIAN_BENCH_POSTGRES"), "a postgres:// URL of a server to use (default HUITIAN_BENCH_POSTGRES; empty: start a throwaway cluster)")
	only := fs.String("only", "sqlite,postgres,pgbench", "what to measure")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	d := time.Duration(*seconds * float64(time.Second))
	want := func(s string) bool { return slices.Contains(strings.Split(*only, ","), s) }
	var res result

	if want("sqlite") {
		dir, err := os.MkdirTemp("", "ledgerbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		r, err := measure(ctx, "sqlite:"+filepath.Join(dir, "ledger.db")+"?synchronous=full", *clients, *inflight, *nAccounts, d)
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		report("SQLite (synchronous=FULL, WAL)", r)
		res.SQLiteTPS, res.P99ms = round(r.tps), r.p99
	}
	if want("postgres") || want("pgbench") {
		base := *pg
		if base == "" {
			// Durable: fsync and synchronous_commit at their defaults (on).
			srv, err := pgtool.Start(ctx, "max_connections=100")
			if err != nil {
				return fmt.Errorf("throwaway postgres: %w", err)
			}
			defer srv.Remove()
			base = srv.URL()
		}
		if want("postgres") {
			dsn, drop, err := freshDatabase(ctx, base, "ledgerbench")
			if err != nil {
				return err
			}
			r, err := measure(ctx, dsn, *clients, *inflight, *nAccounts, d)
			drop()
			if err != nil {
				return fmt.Errorf("postgres: %w", err)
			}
			report("PostgreSQL (fsync, synchronous_commit on)", r)
			res.PostgresTPS, res.P99ms = round(r.tps), math.Max(res.P99ms, r.p99)
		}
		if want("pgbench") {
			dsn, drop, err := freshDatabase(ctx, base, "ledgerbench_pgbench")
			if err != nil {
				return err
			}
			tps, err := pgbench(ctx, dsn, *clients, d)
			drop()
			if err != nil {
				return fmt.Errorf("pgbench: %w", err)
			}
			fmt.Printf("pgbench TPC-B -c %d -j 2, scale 1: %.0f tps\n", *clients, tps)
			res.PgbenchTPS = round(tps)
		}
	}
	res.P99ms = math.Round(res.P99ms*100) / 100
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

func round(x float64) float64 { return math.Round(x) }

type measured struct {
	postings, refused int
	tps               float64
	p50, p99, max     float64 // ms
	batches           float64 // postings per commit, on average
}

func report(name string, r measured) {
	fmt.Printf("%s: %d postings (%d refused), %.0f postings/s, %.1f postings a commit; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; every balance equals its postings\n",
		name, r.postings, r.refused, r.tps, r.batches, r.p50, r.p99, r.max)
}

// measure funds the accounts, then lets the clients post transfers for d
// through one group committer, and checks the ledger afterwards.
func measure(ctx context.Context, dsn string, clients, inflight, nAccounts int, d time.Duration) (measured, error) {
	var m measured
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return m, err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return m, err
	}
	admin := accounts.WithActor(ctx, accounts.System())
	st := &places.Street{Name: "回龙观街道"}
	if err := s.CreateStreet(admin, st); err != nil {
		return m, err
	}
	b := s.NewPointsBatcher(0)
	defer b.Close()
	pool := points.AccountID(points.Pool, st.ID)
	acct := func(i int) string { return points.AccountID(points.Resident, fmt.Sprintf("bench-%05d", i)) }
	var wg sync.WaitGroup
	errc := make(chan error, clients*max(inflight, 1))
	for c := 0; c < clients; c++ { // funding goes through the batcher too
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; i < nAccounts; i += clients {
				if _, err := b.Post(admin, &points.Posting{Key: fmt.Sprint("open-", i), Kind: points.KindGrant, From: pool,
					To: acct(i), Amount: 1000, Reason: "开户积分"}); err != nil {
					errc <- err
					return
				}
			}
		}(c)
	}
	wg.Wait()
	select {
	case err := <-errc:
		return m, err
	default:
	}

	// A client with postings in flight is inflight workers sharing it.
	workers := clients * max(inflight, 1)
	lat := make([][]time.Duration, workers)
	refused := make([]int, workers)
	c0, p0 := b.Stats()
	stop := time.Now().Add(d)
	start := time.Now()
	for c := 0; c < workers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 99))
			for i := 0; time.Now().Before(stop); i++ {
				from, to := r.IntN(nAccounts), r.IntN(nAccounts-1)
				if to >= from {
					to++
				}
				t0 := time.Now()
				_, err := b.Post(admin, &points.Posting{Key: fmt.Sprintf("t-%d-%d", c, i), Kind: points.KindTransfer,
					From: acct(from), To: acct(to), Amount: int64(1 + r.IntN(20)), Reason: "转账"})
				switch {
				case err == nil:
					lat[c] = append(lat[c], time.Since(t0))
				case strings.Contains(err.Error(), "points.insufficient"):
					refused[c]++
				default:
					errc <- err
					return
				}
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	c1, p1 := b.Stats()
	if c1 > c0 {
		m.batches = float64(p1-p0) / float64(c1-c0)
	}
	select {
	case err := <-errc:
		return m, err
	default:
	}
	var all []time.Duration
	for c := range lat {
		all = append(all, lat[c]...)
		m.refused += refused[c]
	}
	if len(all) == 0 {
		return m, errors.New("no postings")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	ms := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(all)))) - 1
		return float64(all[max(i, 0)].Microseconds()) / 1000
	}
	m.postings, m.tps = len(all), float64(len(all))/elapsed.Seconds()
	m.p50, m.p99, m.max = ms(0.50), ms(0.99), ms(1)
	if mm, n, err := s.VerifyPoints(ctx); err != nil || mm != nil {
		return m, fmt.Errorf("verify after the run (%d accounts): %+v %v", n, mm, err)
	}
	return m, nil
}

// freshDatabase creates a database on the server at base and returns its
// URL and how to drop it.
func freshDatabase(ctx context.Context, base, prefix string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("%s_%d", prefix, os.Getpid())
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		if _, err := admin.ExecContext(context.Background(), `DROP DATABASE "`+name+`" WITH (FORCE)`); err != nil {
			fmt.Fprintln(os.Stderr, "ledgerbench: dropping", name+":", err)
		}
		admin.Close()
	}, nil
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench initializes TPC-B at scale 1 and runs it for d.
func pgbench(ctx context.Context, dsn string, clients int, d time.Duration) (float64, error) {
	bin, err := pgtool.Find("", "pgbench")
	if err != nil {
		return 0, err
	}
	if out, err := exec.CommandContext(ctx, bin, "-i", "-s", "1", "-q", dsn).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("pgbench -i: %v\n%s", err, out)
	}
	secs := strconv.Itoa(max(1, int(d.Round(time.Second)/time.Second)))
	out, err := exec.CommandContext(ctx, bin, "-c", strconv.Itoa(clients), "-j", "2", "-T", secs, "-n", dsn).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out)
	}
	mt := tpsLine.FindSubmatch(out)
	if mt == nil {
		return 0, fmt.Errorf("no tps in pgbench's output:\n%s", out)
	}
	return strconv.ParseFloat(string(mt[1]), 64)
}
