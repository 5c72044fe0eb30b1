package search

import (
	"math/rand/v2"
	"testing"
)

// TestBlockBounds checks that every block's bound, scaled to the index's
// averages, is at least the contribution of each of its postings, in an index
// of many segments whose averages differ from the index's, and that it is
// reached (the bound is exact) when the averages are the segment's own.
func TestBlockBounds(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	docs := randDocs(r, 4000, "d")
	for _, name := range []string{"built", "batched"} {
		ix := newTestIndex(t, plainAnalyzer())
		if name == "built" {
			if err := ix.Build(docs); err != nil {
				t.Fatal(err)
			}
		} else {
			for i := 0; i < len(docs); {
				n := 1 + r.IntN(300)
				if err := ix.Put(docs[i:min(i+n, len(docs))]...); err != nil {
					t.Fatal(err)
				}
				i += n
			}
		}
		sn := ix.snap.Load()
		sc := &scorer{k1: ix.schema.K1, nf: len(ix.schema.Fields)}
		for f, fd := range ix.schema.Fields {
			sc.w[f], sc.omb[f], sc.boa[f] = fd.Weight, 1-fd.B, fd.B/(float64(sn.sumLen[f])/float64(sn.maxDoc))
		}
		exact, blocks := 0, 0
		for _, seg := range sn.segs {
			scale := sc.segmentScale(seg)
			own := *sc
			own.boa = seg.boaRef
			for ti := range seg.terms {
				info := &seg.terms[ti]
				var c cursor
				data, skips := seg.postings(info)
				c.init(data, skips, int(info.df))
				c.qwIdf = 1
				bm := seg.blockMaxes(info)
				if want := (int(info.df) + blockSize - 1) / blockSize; len(bm) != want {
					t.Fatalf("%s: term %d: %d block maxima for %d postings", name, ti, len(bm), info.df)
				}
				best := 0.0
				for i := 0; c.doc != endDoc; i++ {
					b := i / blockSize
					var lb [MaxFields]uint16
					lens := seg.lens.docLens(c.doc, seg.nf, &lb)
					got := sc.contrib(&c, lens)
					if ub := sc.bound(float64(bm[b])*scale, 1); got > ub {
						t.Fatalf("%s: term %d block %d: contribution %v above bound %v", name, ti, b, got, ub)
					}
					if got > sc.bound(float64(info.xmax)*scale, 1) {
						t.Fatalf("%s: term %d: contribution %v above the term's bound", name, ti, got)
					}
					best = max(best, own.contrib(&c, lens))
					c.next()
					if i%blockSize == blockSize-1 || c.doc == endDoc {
						blocks++
						if own.bound(float64(bm[b]), 1) <= best*(1+1e-6) {
							exact++
						}
						best = 0
					}
				}
			}
		}
		if exact != blocks {
			t.Errorf("%s: %d of %d block maxima exact under the segment's own averages", name, exact, blocks)
		}
	}
}

// TestParallelMatchesBruteForce searches many segments on several goroutines
// sharing the k-th score, with facets and an Accept callback, and compares
// with the brute-force scorer.
func TestParallelMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 14))
	a := plainAnalyzer()
	docs := randDocs(r, 3000, "d")
	bf := newBF(a, DefaultSchema(), docs)
	ix := newTestIndex(t, a)
	ix.parallelMin = 0
	for i := 0; i < len(docs); {
		n := 1 + r.IntN(400)
		if err := ix.Put(docs[i:min(i+n, len(docs))]...); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	if st := ix.Stats(); st.Segments < 3 {
		t.Fatalf("want several segments: %+v", st)
	}
	for qi, text := range randQueries(r, 150) {
		q := a.Query(text)
		for _, k := range []int{1, 5, 20} {
			for _, exh := range []bool{false, true} {
				got := ix.Search(q, SearchOptions{K: k, Exhaustive: exh})
				if err := sameHits(got, bf.search(q, k, nil)); err != nil {
					t.Fatalf("query %d %q k=%d exhaustive=%v: %v", qi, text, k, exh, err)
				}
			}
		}
	}
}
