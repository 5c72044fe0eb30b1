package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/search/gseseg"
	"github.com/huitian/huitian/internal/store"
)

// result is the JSON line: the start's figures (the child process), then
// what the parent adds.
type result struct {
	Docs         int     `json:"docs"`
	ReadyS       float64 `json:"ready_s"`                 // from start to Ready: open, analyzer, Build
	ReadS        float64 `json:"read_s"`                  // the store's three bulk reads within Build
	IndexS       float64 `json:"index_s"`                 // the rest of Build: matcher and need index
	HeapMB       float64 `json:"heap_mb"`                 // live heap after GC, the gse dictionary included
	CPUS         float64 `json:"cpu_s"`                   // the process's CPU time (user and system) from start to Ready
	Orgs         int     `json:"orgs"`                    // indexed
	Projects     int     `json:"projects"`                // indexed
	Needs        int     `json:"needs"`                   // indexed (the board)
	OpenS        float64 `json:"open_s"`                  // store.Open and the migration check
	AnalyzerS    float64 `json:"analyzer_s"`              // gse dictionary, analyzer, NewLive
	BuildS       float64 `json:"build_s"`                 // Live.Build
	ReadOrgsS    float64 `json:"read_orgs_s"`             // MatchOrganizations
	ReadBoardS   float64 `json:"read_board_s"`            // needs and completed projects, one read
	BuildHeapMB  float64 `json:"build_heap_mb,omitempty"` // heap added by Build (not with -cpuprofile)
	DB           string  `json:"db"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
	LoadS        float64 `json:"load_s"` // the bulk load (not part of the start); 0 when a kept database was reused
	WantOrgs     int     `json:"want_orgs"`
	WantProjects int     `json:"want_projects"`
	WantNeeds    int     `json:"want_needs"`
	CountsMatch  bool    `json:"counts_match"`
}

// timedSource is the store as the matcher's source, timing the two bulk
// reads a Build makes at once (nothing else changes).
type timedSource struct {
	*store.Store
	orgs, board time.Duration
}

func (t *timedSource) MatchOrganizations(ctx context.Context) ([]match.Org, error) {
	t0 := time.Now()
	defer func() { t.orgs = time.Since(t0) }()
	return t.Store.MatchOrganizations(ctx)
}

func (t *timedSource) MatchBoard(ctx context.Context) ([]match.Need, []match.Project, error) {
	t0 := time.Now()
	defer func() { t.board = time.Since(t0) }()
	return t.Store.MatchBoard(ctx)
}

// measureStart does what huitian serve does from its start to /readyz
// saying ready — open the store and check its migrations, load the
// segmenter's dictionary and the stored thesaurus, NewLive, Build — and prints the figures, the last
// line as JSON.
func measureStart(ctx context.Context, dsn, cpuprofile string) error {
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	t0, cpu0 := time.Now(), cpuTime()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("migrations pending: %v", pending)
	}
	openS := time.Since(t0)

	t1 := time.Now()
	seg, err := gseseg.New()
	if err != nil {
		return err
	}
	a := search.NewAnalyzer(search.Options{Segmenter: seg})
	// The thesaurus admins last saved, as serve's loadThesaurus reads it
	// (none here: the shipped one).
	th := search.DefaultThesaurus()
	if text, _, ok, err := s.CurrentThesaurus(ctx); err != nil {
		return err
	} else if ok {
		if t, err := search.ParseThesaurus(strings.NewReader(text)); err == nil {
			th = t
		}
	}
	a.SetThesaurus(th)
	src := &timedSource{Store: s}
	live, err := match.NewLive(src, a, match.DefaultWeights())
	if err != nil {
		return err
	}
	analyzerS := time.Since(t1)
	var before runtime.MemStats
	if cpuprofile == "" { // a GC here would count in the profile and the start
		runtime.GC()
		runtime.ReadMemStats(&before)
	}

	t2 := time.Now()
	if err := live.Build(ctx); err != nil {
		return err
	}
	buildS := time.Since(t2)
	readyS := time.Since(t0)
	cpuS := cpuTime() - cpu0
	if !live.Ready() {
		return fmt.Errorf("not ready after Build")
	}
	if cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	orgs, projects, needs := live.Len()
	readS := max(src.orgs, src.board) // they run at once

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(live)
	heap := float64(ms.HeapAlloc) / (1 << 20)
	added := float64(ms.HeapAlloc-before.HeapAlloc) / (1 << 20)

	fmt.Printf("start: store open %.2f s, analyzer (gse dictionary) and NewLive %.2f s, Build %.2f s — ready %.2f s after start (%.1f s of CPU)\n",
		openS.Seconds(), analyzerS.Seconds(), buildS.Seconds(), readyS.Seconds(), cpuS)
	fmt.Printf("Build: store reads %.2f s (organizations %.2f, the board with its projects %.2f, at once), analysis and indexes %.2f s\n",
		readS.Seconds(), src.orgs.Seconds(), src.board.Seconds(), (buildS - readS).Seconds())
	fmt.Printf("indexed: %d organizations, %d projects, %d needs; heap after GC %.0f MB (%.0f MB added by Build), GOMAXPROCS %d\n",
		orgs, projects, needs, heap, added, runtime.GOMAXPROCS(0))
	res := result{ReadyS: round(readyS.Seconds(), 2), ReadS: round(readS.Seconds(), 2),
		IndexS: round((buildS - readS).Seconds(), 2), HeapMB: round(heap, 0), CPUS: round(cpuS, 1), Orgs: orgs, Projects: projects, Needs: needs,
		OpenS: round(openS.Seconds(), 2), AnalyzerS: round(analyzerS.Seconds(), 2), BuildS: round(buildS.Seconds(), 2),
		ReadOrgsS: round(src.orgs.Seconds(), 2), ReadBoardS: round(src.board.Seconds(), 2), DB: string(s.Dialect()), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if cpuprofile == "" {
		res.BuildHeapMB = round(added, 0)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// cpuTime returns the process's user and system CPU time so far, in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
