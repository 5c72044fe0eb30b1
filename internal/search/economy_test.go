package search

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Economy is exact on queries with few terms and when exhaustive.
func TestEconomyShortQueriesExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 22))
	a := plainAnalyzer()
	docs := randDocs(r, 2000, "d")
	bf := newBF(a, DefaultSchema(), docs)
	ix := newTestIndex(t, a)
	if err := ix.Build(docs); err != nil {
		t.Fatal(err)
	}
	for qi, text := range randQueries(r, 150) {
		q := a.Query(text)
		for _, k := range []int{1, 10, 50} {
			want := bf.search(q, k, nil)
			for _, o := range []SearchOptions{
				{K: k, Economy: true, Exhaustive: true},
			} {
				if err := sameHits(ix.Search(q, o), want); err != nil {
					t.Fatalf("query %d %q %+v: %v", qi, text, o, err)
				}
			}
			if len(q.Terms) <= EconomyTerms {
				if err := sameHits(ix.Search(q, SearchOptions{K: k, Economy: true}), want); err != nil {
					t.Fatalf("query %d %q economy with %d terms: %v", qi, text, len(q.Terms), err)
				}
			}
		}
	}
}

// Searches with Economy return documents that match, sorted, at most K,
// scored no higher than exactly (they drop terms), and on a corpus like the
// application's mostly the same top K as the exact search.
func TestEconomySearch(t *testing.T) {
	t.Parallel()
	c := newCorpus(7)
	a := plainAnalyzer()
	docs := c.docs(4000)
	bf := newBF(a, DefaultSchema(), docs)
	single := newTestIndex(t, a)
	if err := single.Build(docs); err != nil {
		t.Fatal(err)
	}
	multi := newTestIndex(t, a)
	multi.parallelMin = 0
	for i := 0; i < len(docs); i += 700 {
		if err := multi.Put(docs[i:min(i+700, len(docs))]...); err != nil {
			t.Fatal(err)
		}
	}
	// Few kept terms, so that most queries are economized here.
	single.economyTerms, multi.economyTerms = 8, 8
	queries := c.queries(120)
	queries = append(queries, "", "老", "停车难停车难停车难希望社区帮忙协调物业解决电梯维修和垃圾分类的问题")
	const k = 20
	exactScores := make([]map[string]float64, len(queries))
	for qi, text := range queries {
		exactScores[qi] = map[string]float64{}
		for _, h := range bf.search(a.Query(text), len(docs), nil) {
			exactScores[qi][h.ID] = h.Score
		}
	}
	for _, o := range []SearchOptions{
		{K: k, Economy: true},
		{K: 3, Economy: true},
		{K: k, Economy: true, Facets: []string{"kind:project"}},
		{K: k, Economy: true, Facets: []string{"street:none"}},
	} {
		for name, ix := range map[string]*Index{"single": single, "multi": multi} {
			overlap, n := 0.0, 0
			for qi, text := range queries {
				q := a.Query(text)
				all := exactScores[qi]
				eo := o
				eo.Economy = false
				exact := ix.Search(q, eo)
				got := ix.Search(q, o)
				if len(got) > o.K || len(got) > len(exact) {
					t.Fatalf("%s %+v query %d: %d hits", name, o, qi, len(got))
				}
				if !slices.IsSortedFunc(got, func(x, y Hit) int {
					if x.Score != y.Score {
						if x.Score > y.Score {
							return -1
						}
						return 1
					}
					if x.ID < y.ID {
						return -1
					}
					return 1
				}) {
					t.Fatalf("%s %+v query %d: not sorted: %v", name, o, qi, got)
				}
				for _, h := range got {
					s, ok := all[h.ID]
					if !ok || !(h.Score > 0) || h.Score > s+1e-9*math.Max(1, s) {
						t.Fatalf("%s %+v query %d %q: %s scores %v, exactly %v (%v)", name, o, qi, text, h.ID, h.Score, s, ok)
					}
				}
				if len(exact) > 0 {
					in := map[string]bool{}
					for _, h := range got {
						in[h.ID] = true
					}
					m := 0
					for _, h := range exact {
						if in[h.ID] {
							m++
						}
					}
					overlap += float64(m) / float64(len(exact))
					n++
				}
			}
			overlap /= float64(max(n, 1))
			t.Logf("%s %+v: overlap@%d %.3f", name, o, o.K, overlap)
			if want := 0.5; n > 0 && overlap < want {
				t.Errorf("%s %+v: overlap@%d %.3f, want ≥ %v", name, o, o.K, overlap, want)
			}
		}
	}
}
