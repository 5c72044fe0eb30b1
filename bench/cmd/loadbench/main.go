// Command loadbench load-tests real huitian processes on loopback: it builds
// the huitian binary, fills a database, starts one `huitian serve` node on
// SQLite and two on one PostgreSQL database, and drives a weighted mix of
// what visitors, organizations and merchants do (the need board, need
// pages, searches, organization profiles, staff sign-in, proposal
// submission, points redemption) from -c connections for -d per target,
// after a warm-up. In the same run it drives a ceiling: a bare net/http
// server in this process that renders an html/template page of the need
// board's size, with the same client and connections.
//
//	go run ./cmd/loadbench                          # district scale, 16 connections, 20 s a target
//	go run ./cmd/loadbench -d 2s -warm 1s -scale street
//	go run ./cmd/loadbench -pg ''                   # SQLite and the ceiling only
//
// The last line of output is one JSON object with the figures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
}

type options struct {
	conns      int
	dur, warm  time.Duration
	solo       time.Duration
	scale      string
	seed       int
	pg         string
	only       map[string]bool
	orgUsers   int
	merchants  int
	residents  int
	keep       bool
	dataDir    string
	pprofDir   string
	logDir     string
	weights    map[string]int
	sqliteSync string
}

// result is the last line: the figures the issue asks for and per-target,
// per-route details.
type result struct {
	SQLiteRPS     float64 `json:"sqlite_rps"`
	PGTwoNodesRPS float64 `json:"pg_two_nodes_rps"`
	CeilingRPS    float64 `json:"ceiling_rps"`
	P99ms         float64 `json:"p99_ms"` // the worse product target's p99 over every request
	// PagesP99ms: the worse target's p99 over the need board's and need
	// pages' requests in the mix.
	PagesP99ms float64 `json:"pages_p99_ms"`
	Errors     int     `json:"errors"` // unexpected answers and failures, every target

	Conns      int                `json:"conns"`
	Seconds    float64            `json:"seconds"`
	Data       string             `json:"data"`
	BoardBytes int                `json:"board_bytes"`
	Targets    map[string]*report `json:"targets"`
	// The need board's and the need page's rps as a share of the ceiling's.
	BoardPctCeiling map[string]float64 `json:"board_pct_of_ceiling"`
	NeedPctCeiling  map[string]float64 `json:"need_pct_of_ceiling"`
	// The same by CPU a request, which the machine's other load moves far
	// less than req/s: the ceiling server's CPU a request (this process's,
	// less the client's a request as measured on the board alone) over the
	// route's server CPU a request, in percent.
	BoardCPUPctCeiling map[string]float64 `json:"board_cpu_pct_of_ceiling"`
	NeedCPUPctCeiling  map[string]float64 `json:"need_cpu_pct_of_ceiling"`
	CeilingServerCPUms float64            `json:"ceiling_server_cpu_ms_per_req"`
}

func run(ctx context.Context, args []string) (*result, error) {
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	o := options{}
	fs.IntVar(&o.conns, "c", 16, "concurrent connections (one worker each)")
	fs.DurationVar(&o.dur, "d", 20*time.Second, "measured duration per target")
	fs.DurationVar(&o.warm, "warm", 5*time.Second, "warm-up per target before measuring (not counted)")
	fs.DurationVar(&o.solo, "solo", 10*time.Second, "then the need board alone and a need page alone, each this long (compared with the ceiling)")
	fs.StringVar(&o.scale, "scale", "district", "data scale for `huitian gen`: street, district or city")
	fs.IntVar(&o.seed, "seed", 1, "seed for `huitian gen` and the load mix")
	fs.StringVar(&o.pg, "pg", os.Getenv("HUITIAN_TEST_POSTGRES"), "PostgreSQL server URL where a fresh database is created and dropped (default $HUITIAN_TEST_POSTGRES; empty: no PostgreSQL target)")
	only := fs.String("only", "sqlite,pg,ceiling", "targets to run")
	fs.IntVar(&o.orgUsers, "orgs", 8, "organization logins that sign in and submit proposals")
	fs.IntVar(&o.merchants, "merchants", 8, "merchant logins that redeem (each may check 60 codes in 10 minutes)")
	fs.IntVar(&o.residents, "residents", 6, "residents who spend points")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (databases, node logs) and the PostgreSQL database")
	fs.StringVar(&o.dataDir, "data", "", "keep the generated data here and reuse it in later runs of the same -scale and -seed (a SQLite file in this directory, a template database on the PostgreSQL server); each run works on a copy")
	fs.StringVar(&o.pprofDir, "pprof", "", "write CPU profiles of each node under the mix and under each route alone into this directory (builds huitian with net/http/pprof on a side port)")
	mix := fs.String("mix", defaultMix, "route weights, name=weight,…")
	prebuilt := fs.String("bin", "", "use this huitian binary instead of building one (to compare builds)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.conns < 1 || o.dur <= 0 || o.warm < 0 {
		return nil, fmt.Errorf("-c and -d must be positive")
	}
	o.only = map[string]bool{}
	for _, t := range strings.Split(*only, ",") {
		o.only[strings.TrimSpace(t)] = true
	}
	if o.pg == "" && o.only["pg"] {
		fmt.Println("no PostgreSQL (-pg or HUITIAN_TEST_POSTGRES): the two-node target is skipped")
		delete(o.only, "pg")
	}
	var err error
	if o.weights, err = parseMix(*mix); err != nil {
		return nil, err
	}

	tmp, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return nil, err
	}
	if o.keep {
		fmt.Println("keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	o.logDir = tmp
	start := time.Now()
	bin := abs(*prebuilt)
	if *prebuilt == "" {
		if bin, err = buildHuitian(ctx, tmp, o.pprofDir != ""); err != nil {
			return nil, err
		}
		fmt.Printf("built huitian in %.1fs\n", time.Since(start).Seconds())
	}
	hasGen := knowsGen(ctx, bin)

	res := &result{Conns: o.conns, Seconds: o.dur.Seconds(), Targets: map[string]*report{},
		BoardPctCeiling: map[string]float64{}, NeedPctCeiling: map[string]float64{},
		BoardCPUPctCeiling: map[string]float64{}, NeedCPUPctCeiling: map[string]float64{}}
	cl := newClient(o.conns)
	var boardBytes int
	var boardGzip bool

	for _, tn := range []string{"sqlite", "pg"} {
		if !o.only[tn] {
			continue
		}
		t, err := startTarget(ctx, tn, bin, hasGen, o)
		if err != nil {
			return nil, err
		}
		rep, info, err := func() (*report, *discovery, error) {
			defer t.stop()
			res.Data = t.data
			fmt.Printf("\n== %s: %s, data: %s\n", t.name, strings.Join(t.urls, " "), t.data)
			d, err := setup(ctx, cl, t, bin, o)
			if err != nil {
				return nil, nil, err
			}
			fmt.Printf("   found %d needs (%d open to proposals), %d organizations, %d merchants; need board page %d bytes\n",
				len(d.needs), len(d.open), len(d.orgs), len(d.merchantIDs), d.boardBytes)
			stopProf := t.profile(ctx, o, "mix", o.warm, o.dur)
			rep := drive(ctx, cl, t.urls, t.pids(), d, o, o.weights, o.warm, o.dur)
			stopProf()
			for _, route := range []string{"board", "need"} {
				if o.solo <= 0 {
					break
				}
				stopProf := t.profile(ctx, o, route, 0, o.solo)
				solo := drive(ctx, cl, t.urls, t.pids(), d, o, map[string]int{route: 1}, 0, o.solo)
				stopProf()
				rep.Solo[route] = solo.Routes[route]
				rep.Solo[route].ServerCPUms = solo.ServerCPUms
				rep.Solo[route].ClientCPUms = solo.ClientCPUms
				rep.Errors += solo.Errors
				for k, n := range solo.Samples {
					rep.Samples[route+" alone: "+k] += n
				}
			}
			return rep, d, nil
		}()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tn, err)
		}
		res.Targets[t.name] = rep
		if boardBytes == 0 {
			boardBytes, boardGzip = info.boardBytes, info.boardGzip
		}
		rep.print(t.name)
	}

	if o.only["ceiling"] {
		if boardBytes == 0 {
			boardBytes, boardGzip = 60_000, true
			fmt.Println("no product target ran: the ceiling page is 60,000 bytes")
		}
		rep, err := runCeiling(ctx, cl, boardBytes, boardGzip, o)
		if err != nil {
			return nil, err
		}
		res.Targets["ceiling"] = rep
		res.CeilingRPS = round(rep.RPS, 1)
		fmt.Printf("\n== ceiling: bare net/http + html/template, %d bytes a page, gzip %v\n", boardBytes, boardGzip)
		rep.print("ceiling")
	}
	res.BoardBytes = boardBytes

	for name, rep := range res.Targets {
		res.Errors += rep.Errors
		if name == "ceiling" {
			continue
		}
		res.P99ms = max(res.P99ms, rep.P99ms)
		res.PagesP99ms = max(res.PagesP99ms, rep.PagesP99ms)
		switch name {
		case "sqlite":
			res.SQLiteRPS = round(rep.RPS, 1)
		case "pg_two_nodes":
			res.PGTwoNodesRPS = round(rep.RPS, 1)
		}
	}
	fmt.Println()
	if c := res.Targets["ceiling"]; c != nil && c.RPS > 0 {
		// The need board alone and need pages alone (every connection on
		// that route, after the mix) compare with the ceiling.
		for name, rep := range res.Targets {
			b, n := rep.Solo["board"], rep.Solo["need"]
			if name == "ceiling" || b == nil || n == nil {
				continue
			}
			res.BoardPctCeiling[name] = round(100*b.RPS/c.RPS, 1)
			res.NeedPctCeiling[name] = round(100*n.RPS/c.RPS, 1)
			fmt.Printf("%s: need board alone %.0f rps (p99 %.1f ms) = %.1f%% of the ceiling's %.0f; need pages alone %.0f rps (p99 %.1f ms) = %.1f%%\n",
				name, b.RPS, b.P99ms, res.BoardPctCeiling[name], c.RPS, n.RPS, n.P99ms, res.NeedPctCeiling[name])
			if cs := c.ClientCPUms - b.ClientCPUms; cs > 0 && b.ServerCPUms > 0 && n.ServerCPUms > 0 {
				res.CeilingServerCPUms = round(cs, 3)
				res.BoardCPUPctCeiling[name] = round(100*cs/b.ServerCPUms, 1)
				res.NeedCPUPctCeiling[name] = round(100*cs/n.ServerCPUms, 1)
				fmt.Printf("%s by CPU a request: ceiling server %.2f ms; need board %.2f ms = %.1f%% of the ceiling's rate; need page %.2f ms = %.1f%%\n",
					name, cs, b.ServerCPUms, res.BoardCPUPctCeiling[name], n.ServerCPUms, res.NeedCPUPctCeiling[name])
			}
		}
	}
	fmt.Printf("targets: need board and need page ≥ 60%% of the ceiling, p99 ≤ 50 ms at %d connections, zero errors (this run: board and need pages in the mix p99 %.1f ms; every request of the mix p99 %.1f ms; %d errors)\n",
		o.conns, res.PagesP99ms, res.P99ms, res.Errors)
	return res, nil
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
