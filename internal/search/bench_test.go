package search

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// Benchmarks on the seeded synthetic corpus (corpus_test.go):
//
//	go test -bench . -benchmem -run XXX ./internal/search/
//
// The bench/ module compares against SQLite FTS5 and bleve at up to a million
// documents; these keep the package honest at 100,000.
const benchN = 100_000

var benchDocs = sync.OnceValue(func() []Doc { return newCorpus(42).docs(benchN) })

var benchIndex = sync.OnceValue(func() *Index {
	ix, err := NewIndex(plainAnalyzer(), DefaultSchema())
	if err != nil {
		panic(err)
	}
	if err := ix.Build(benchDocs()); err != nil {
		panic(err)
	}
	return ix
})

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func BenchmarkIndex(b *testing.B) {
	docs := benchDocs()
	b.Run("Build100k", func(b *testing.B) {
		b.ReportAllocs()
		var heap uint64
		var st Stats
		for b.Loop() {
			before := heapInUse()
			ix, _ := NewIndex(plainAnalyzer(), DefaultSchema())
			if err := ix.Build(docs); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			heap = heapInUse() - min(before, heapInUse())
			st = ix.Stats()
			runtime.KeepAlive(ix)
			b.StartTimer()
		}
		b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		b.ReportMetric(float64(st.PostingBytes)/(1<<20), "postings-MB")
		b.ReportMetric(float64(st.Terms), "terms")
	})
	b.Run("Analyze", func(b *testing.B) {
		// Tokenization alone, one core.
		a := plainAnalyzer()
		var ft fieldTokens
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			d := &docs[i%len(docs)]
			ft.reset()
			for f, name := range []string{FieldTitle, FieldDescription, FieldTags} {
				a.analyzeField(d.Fields[name], uint8(f), &ft)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	})
	b.Run("Put", func(b *testing.B) {
		// One committed change at a time into the 100k index: analysis,
		// a one-document segment, deletion of the old version, merges.
		ix, _ := NewIndex(plainAnalyzer(), DefaultSchema())
		if err := ix.Build(docs); err != nil {
			b.Fatal(err)
		}
		c := newCorpus(43)
		extra := c.docs(1000)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			d := extra[i%len(extra)]
			d.ID = docs[(i*7919)%len(docs)].ID // an update of an existing document
			if err := ix.Put(d); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkSearch(b *testing.B) {
	ix := benchIndex()
	qs := newCorpus(44).queries(1000)
	var short, long []string
	for i, q := range qs {
		if i%4 == 0 {
			short = append(short, q)
		} else {
			long = append(long, q)
		}
	}
	run := func(name string, qs []string, o SearchOptions) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			lat := make([]time.Duration, 0, 4096)
			i := 0
			for b.Loop() {
				t0 := time.Now()
				ix.SearchText(qs[i%len(qs)], o)
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(t0))
				}
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
	run("Short", short, SearchOptions{K: 20})
	run("Sentence", long, SearchOptions{K: 20})
	run("SentenceExplain", long, SearchOptions{K: 20, Explain: true})
	run("SentenceStreet", long, SearchOptions{K: 20, Facets: []string{"street:霍营街道"}})
	run("SentenceExhaustive", long, SearchOptions{K: 20, Exhaustive: true})
}
