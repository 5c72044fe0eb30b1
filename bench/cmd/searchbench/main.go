// Command searchbench measures Huitian's search index against SQLite FTS5 and
// bleve on one seeded synthetic corpus, in one process, with the same
// documents and queries:
//
//	go run ./cmd/searchbench -docs 100000 -queries 1000
//
// It prints what it does, then, as its last line, one JSON object with the
// figures (see result). Latencies are of warm, sequential queries, top 20,
// query analysis included; index rates include tokenization.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/huitian/huitian/bench/internal/corpus"
	"github.com/huitian/huitian/internal/search"
)

// result is the last line of output.
type result struct {
	Docs               int     `json:"docs"`
	Queries            int     `json:"queries"`
	OursP50            float64 `json:"ours_p50_ms"`
	OursP99            float64 `json:"ours_p99_ms"`
	FTS5P50            float64 `json:"fts5_p50_ms"`
	FTS5P99            float64 `json:"fts5_p99_ms"`
	BleveP50           float64 `json:"bleve_p50_ms"`
	BleveP99           float64 `json:"bleve_p99_ms"`
	OursIndexRate      float64 `json:"ours_index_docs_per_s"`
	FTS5IndexRate      float64 `json:"fts5_index_docs_per_s"`
	BleveIndexRate     float64 `json:"bleve_index_docs_per_s"`
	OursHeapMB         float64 `json:"ours_heap_mb"`
	FTS5OverOursP99    float64 `json:"fts5_over_ours_p99"`
	BleveOverOursP99   float64 `json:"bleve_over_ours_p99"`
	OursShortP99       float64 `json:"ours_short_p99_ms"`
	OursSentenceP99    float64 `json:"ours_sentence_p99_ms"`
	OursOverlapAt20    float64 `json:"ours_overlap_at20,omitempty"` // with -economy: share of the exact top 20 found
	OursABExactP99     float64 `json:"ours_ab_exact_p99_ms,omitempty"`
	OursABEconomyP99   float64 `json:"ours_ab_economy_p99_ms,omitempty"`
	BleveSettleSeconds float64 `json:"bleve_settle_s"`
	OursCPU            float64 `json:"ours_cpu_ms_per_query"`
	OursIndexCPU       float64 `json:"ours_index_cpu_us_per_doc"` // process CPU during Build, all threads
	FTS5CPU            float64 `json:"fts5_cpu_ms_per_query"`
	BleveCPU           float64 `json:"bleve_cpu_ms_per_query"`
	GOMAXPROCS         int     `json:"gomaxprocs"`
}

// k is how many results every engine returns.
const k = 20

// engine is one system under test.
type engine interface {
	name() string
	// index builds the engine's index of docs and returns how long the
	// timed part took (tokenization included; converting the generated
	// documents to the engine's input type and measuring memory excluded).
	index(docs []corpus.Doc) (time.Duration, error)
	// search returns the ids of the top k documents.
	search(q string) ([]string, error)
	close()
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("searchbench", flag.ContinueOnError)
	nDocs := fs.Int("docs", 100_000, "documents to generate")
	nQueries := fs.Int("queries", 1000, "queries to generate")
	seed := fs.Uint64("seed", 42, "corpus seed")
	engines := fs.String("engines", "ours,fts5,bleve", "engines to measure, comma-separated")
	useGSE := fs.Bool("gse", true, "segment queries with gse, as the application does")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of our timed queries to this file (how ../cmd/huitian/default.pgo is made, see bench/README.md)")
	warm := fs.Int("warm", 100, "queries run before timing starts, to page the peers' common terms in")
	economy := fs.Bool("economy", true, "drop our long queries' minor terms (SearchOptions.Economy, as the application's large indexes should search); false is exact")
	dir := fs.String("dir", "", "directory for the peers' index files (default: a new temporary one)")
	slowest := fs.Int("slowest", 0, "print each engine's slowest N queries with their latencies, to study the tail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nDocs <= 0 || *nQueries <= 0 {
		return fmt.Errorf("-docs and -queries must be positive")
	}
	tmp := *dir
	if tmp == "" {
		d, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		tmp = d
	}

	t0 := time.Now()
	g := corpus.New(*seed)
	docs := g.Docs(*nDocs)
	queries := corpus.New(*seed + 1).Queries(*nQueries)
	fmt.Printf("corpus: %d documents, %d queries, seed %d, generated in %v; GOMAXPROCS %d\n",
		len(docs), len(queries), *seed, time.Since(t0).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Printf("sample document: %s | %s | %s\n", docs[0].Title, docs[0].Description, docs[0].Tags)
	fmt.Printf("sample queries: %s\n", strings.Join(queries[:min(6, len(queries))], " / "))

	res := result{Docs: len(docs), Queries: len(queries), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	for _, name := range strings.Split(*engines, ",") {
		var e engine
		switch strings.TrimSpace(name) {
		case "ours":
			o, err := newOurs(*useGSE)
			if err != nil {
				return err
			}
			o.opts = search.SearchOptions{K: k, Economy: *economy}
			e = o
		case "fts5":
			e = &fts5{path: tmp + "/fts5.db"}
		case "bleve":
			e = &bleveEngine{path: tmp + "/bleve"}
		default:
			return fmt.Errorf("unknown engine %q", name)
		}
		m, err := measure(e, docs, queries, *warm, *cpuProfile, *slowest)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name(), err)
		}
		switch o := e.(type) {
		case *ours:
			res.OursP50, res.OursP99, res.OursIndexRate, res.OursCPU = m.p50, m.p99, m.rate, m.cpu
			res.OursHeapMB = round(o.heapMB)
			res.OursIndexCPU = round(o.cpuPerDoc(len(docs)))
			res.OursShortP99, res.OursSentenceP99 = m.shortP99, m.sentenceP99
			if o.approximate() {
				ov, exactLat, ecoLat := o.overlap(queries)
				res.OursOverlapAt20 = round(ov)
				res.OursABExactP99, res.OursABEconomyP99 = quantile(exactLat, 0.99), quantile(ecoLat, 0.99)
				fmt.Printf("ours   economy: overlap@%d with the exact top %d %.4f; A/B, each query exact and economized back to back: p50 %.3f / %.3f ms, p99 %.3f / %.3f ms\n",
					k, k, res.OursOverlapAt20, quantile(exactLat, 0.5), quantile(ecoLat, 0.5), res.OursABExactP99, res.OursABEconomyP99)
			}
		case *fts5:
			res.FTS5P50, res.FTS5P99, res.FTS5IndexRate, res.FTS5CPU = m.p50, m.p99, m.rate, m.cpu
		case *bleveEngine:
			res.BleveP50, res.BleveP99, res.BleveIndexRate, res.BleveCPU = m.p50, m.p99, m.rate, m.cpu
			res.BleveSettleSeconds = round(o.settle.Seconds())
		}
		e.close()
		runtime.GC()
	}
	if res.OursP99 > 0 {
		res.FTS5OverOursP99 = round(res.FTS5P99 / res.OursP99)
		res.BleveOverOursP99 = round(res.BleveP99 / res.OursP99)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

type measurement struct {
	rate, p50, p99, cpu   float64
	shortP99, sentenceP99 float64
}

// measure indexes docs, runs the first warm queries to warm caches up, then
// times every query, sequentially.
func measure(e engine, docs []corpus.Doc, queries []string, warm int, cpuProfile string, slowest int) (measurement, error) {
	var m measurement
	took, err := e.index(docs)
	if err != nil {
		return m, err
	}
	m.rate = round(float64(len(docs)) / took.Seconds())
	fmt.Printf("%-6s index: %v, %.0f docs/s\n", e.name(), took.Round(time.Millisecond), m.rate)

	for _, q := range queries[:min(warm, len(queries))] {
		if _, err := e.search(q); err != nil {
			return m, fmt.Errorf("query %q: %w", q, err)
		}
	}
	if cpuProfile != "" && e.name() == "ours" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return m, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return m, err
		}
		defer pprof.StopCPUProfile()
	}
	lat := make([]time.Duration, len(queries))
	var short, sentence []time.Duration
	hits := 0
	cpu0 := cpuTime()
	for i, q := range queries {
		t := time.Now()
		ids, err := e.search(q)
		if err != nil {
			return m, fmt.Errorf("query %q: %w", q, err)
		}
		lat[i] = time.Since(t)
		hits += len(ids)
		if len([]rune(q)) <= 3 {
			short = append(short, lat[i])
		} else {
			sentence = append(sentence, lat[i])
		}
	}
	m.cpu = round(float64(cpuTime()-cpu0) / 1e6 / float64(len(queries)))
	m.p50, m.p99 = quantile(lat, 0.50), quantile(lat, 0.99)
	m.shortP99, m.sentenceP99 = quantile(short, 0.99), quantile(sentence, 0.99)
	fmt.Printf("%-6s query: p50 %.3f ms, p99 %.3f ms (short %d: p99 %.3f ms; sentences %d: p99 %.3f ms; max %.3f ms); %.1f hits per query; process CPU %.3f ms per query\n",
		e.name(), m.p50, m.p99, len(short), m.shortP99, len(sentence), m.sentenceP99, quantile(lat, 1), float64(hits)/float64(len(queries)), m.cpu)
	if slowest > 0 {
		idx := make([]int, len(queries))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
		for _, i := range idx[:min(slowest, len(idx))] {
			fmt.Printf("%-6s slow: %7.3f ms  %s\n", e.name(), float64(lat[i])/1e6, queries[i])
		}
	}
	return m, nil
}

// cpuTime is the CPU time the process has used, all threads: unlike
// latencies it barely moves when other processes compete for the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// quantile returns the q-quantile of d in milliseconds (nearest rank).
func quantile(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := min(len(s)-1, int(q*float64(len(s))))
	if q >= 1 {
		i = len(s) - 1
	}
	return round(float64(s[i]) / 1e6)
}

func round(x float64) float64 {
	switch {
	case x >= 100:
		return float64(int64(x + 0.5))
	default:
		return float64(int64(x*1000+0.5)) / 1000
	}
}
