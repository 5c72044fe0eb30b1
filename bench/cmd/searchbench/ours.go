package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/huitian/huitian/bench/internal/corpus"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/search/gseseg"
)

// ours is Huitian's index with the default schema.
type ours struct {
	a      *search.Analyzer
	ix     *search.Index
	heapMB float64
	// buildCPU is the process's CPU time during Build, all threads (GC
	// included): on a busy machine it moves much less than the wall time.
	buildCPU time.Duration
	opts     search.SearchOptions // the measured searches' options (Economy)
}

func newOurs(useGSE bool) (*ours, error) {
	var o search.Options
	if useGSE {
		t0 := time.Now()
		seg, err := gseseg.New()
		if err != nil {
			return nil, err
		}
		o.Segmenter = seg
		fmt.Printf("ours   gse dictionary loaded in %v (not counted in the index heap)\n", time.Since(t0).Round(time.Millisecond))
	}
	return &ours{a: search.NewAnalyzer(o)}, nil
}

func (*ours) name() string { return "ours" }

// SearchDocs converts generated documents to the index's, as the application
// does from database rows.
func searchDocs(docs []corpus.Doc) []search.Doc {
	out := make([]search.Doc, len(docs))
	for i, d := range docs {
		out[i] = search.Doc{
			ID: d.ID,
			Fields: map[string]string{
				search.FieldTitle:       d.Title,
				search.FieldDescription: d.Description,
				search.FieldTags:        d.Tags,
			},
			Facets: []string{"kind:" + d.Kind, "street:" + d.Street},
		}
	}
	return out
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// index counts the conversion to search.Doc out of the time (the application
// builds those from rows anyway) and the documents' own text out of the heap.
func (o *ours) index(docs []corpus.Doc) (time.Duration, error) {
	sdocs := searchDocs(docs)
	before := heapInUse()
	ix, err := search.NewIndex(o.a, search.DefaultSchema())
	if err != nil {
		return 0, err
	}
	t0, cpu0 := time.Now(), cpuTime()
	if err := ix.Build(sdocs); err != nil {
		return 0, err
	}
	took := time.Since(t0)
	o.buildCPU = cpuTime() - cpu0
	after := heapInUse()
	runtime.KeepAlive(sdocs)
	o.ix = ix
	o.heapMB = float64(int64(after)-int64(before)) / (1 << 20)
	st := ix.Stats()
	fmt.Printf("ours   build %v (process CPU %v, %.2f µs a document); heap %.1f MB; %d segments, %d terms, postings %.1f MB\n",
		took.Round(time.Millisecond), o.buildCPU.Round(time.Millisecond), o.cpuPerDoc(len(docs)), o.heapMB, st.Segments, st.Terms, float64(st.PostingBytes)/(1<<20))
	return took, nil
}

// cpuPerDoc is the build's CPU time per document in microseconds.
func (o *ours) cpuPerDoc(n int) float64 {
	return float64(o.buildCPU.Microseconds()) / float64(max(n, 1))
}

func (o *ours) search(q string) ([]string, error) {
	opts := o.opts
	opts.K = k
	hits := o.ix.SearchText(q, opts)
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func (o *ours) close() { o.ix = nil }

// approximate says whether the measured searches may differ from exact ones.
func (o *ours) approximate() bool { return o.opts.Economy }

// overlap is the mean share of the exact top k that the measured searches
// also return (overlap@k), over queries with results. It times both
// searches of each query, back to back, so that their latencies compare
// under the same load: an A/B on a noisy machine.
func (o *ours) overlap(queries []string) (overlap float64, exactLat, measuredLat []time.Duration) {
	sum, n := 0.0, 0
	for i, q := range queries {
		var exact []search.Hit
		var got []string
		timeExact := func() {
			t := time.Now()
			exact = o.ix.SearchText(q, search.SearchOptions{K: k})
			exactLat = append(exactLat, time.Since(t))
		}
		timeMeasured := func() {
			t := time.Now()
			got, _ = o.search(q)
			measuredLat = append(measuredLat, time.Since(t))
		}
		if i%2 == 0 {
			timeExact()
			timeMeasured()
		} else {
			timeMeasured()
			timeExact()
		}
		if len(exact) == 0 {
			continue
		}
		in := make(map[string]bool, len(got))
		for _, id := range got {
			in[id] = true
		}
		c := 0
		for _, h := range exact {
			if in[h.ID] {
				c++
			}
		}
		sum += float64(c) / float64(len(exact))
		n++
	}
	if n == 0 {
		return 1, exactLat, measuredLat
	}
	return sum / float64(n), exactLat, measuredLat
}
