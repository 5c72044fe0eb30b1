package search

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// bfDoc is a document as the brute-force scorer sees it.
type bfDoc struct {
	id     string
	tf     map[string]*[MaxFields]int
	lens   [MaxFields]int
	facets []string
}

func bfAnalyze(a *Analyzer, s Schema, d Doc) bfDoc {
	out := bfDoc{id: d.ID, tf: map[string]*[MaxFields]int{}, facets: d.Facets}
	for f, fd := range s.Fields {
		var ft fieldTokens
		n := a.analyzeField(d.Fields[fd.Name], uint8(f), &ft)
		out.lens[f] = min(n, maxLen)
		var toks []string
		for _, g := range ft.grams {
			toks = append(toks, gramString(g>>3))
		}
		for _, w := range ft.words {
			toks = append(toks, w.w)
		}
		for _, t := range toks {
			c := out.tf[t]
			if c == nil {
				c = new([MaxFields]int)
				out.tf[t] = c
			}
			c[f] = min(c[f]+1, maxTF)
		}
	}
	return out
}

// bfIndex is the brute-force reference: every document scored by the BM25F
// formula written out plainly, over statistics of all documents.
type bfIndex struct {
	s    Schema
	docs []bfDoc
	sum  [MaxFields]float64
	df   map[string]int
}

func newBF(a *Analyzer, s Schema, docs []Doc) *bfIndex {
	bf := &bfIndex{s: s, df: map[string]int{}}
	for _, d := range docs {
		bd := bfAnalyze(a, s, d)
		for f := range s.Fields {
			bf.sum[f] += float64(bd.lens[f])
		}
		for t := range bd.tf {
			bf.df[t]++
		}
		bf.docs = append(bf.docs, bd)
	}
	return bf
}

// search returns the top k of the documents keep accepts (nil: all).
func (bf *bfIndex) search(q Query, k int, keep func(*bfDoc) bool) []Hit {
	n := float64(len(bf.docs))
	var hits []Hit
	for i := range bf.docs {
		d := &bf.docs[i]
		if keep != nil && !keep(d) {
			continue
		}
		score, matched := 0.0, false
		for _, qt := range q.Terms {
			tf := d.tf[qt.Text]
			if tf == nil {
				continue
			}
			x := 0.0
			for f, fd := range bf.s.Fields {
				if tf[f] == 0 {
					continue
				}
				avg := bf.sum[f] / n
				if avg <= 0 {
					avg = 1
				}
				x += fd.Weight * float64(tf[f]) / (1 - fd.B + fd.B*float64(d.lens[f])/avg)
			}
			dfn := float64(bf.df[qt.Text])
			idf := math.Log(1 + (n-dfn+0.5)/(dfn+0.5))
			score += qt.Weight * idf * x / (bf.s.K1 + x)
			matched = true
		}
		if matched {
			hits = append(hits, Hit{ID: d.id, Score: score})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

// sameHits checks two rankings agree: same length, scores rank by rank within
// 1e-9 (relative), and the same documents except where a score ties with
// another within that tolerance (summation order may then swap them, or
// swap which of them makes the cut).
func sameHits(got, want []Hit) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d hits, want %d\n got %v\nwant %v", len(got), len(want), got, want)
	}
	if len(want) == 0 {
		return nil
	}
	const tol = 1e-9
	close := func(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
	for i := range got {
		if !close(got[i].Score, want[i].Score) {
			return fmt.Errorf("rank %d: score %v (%s), want %v (%s)", i, got[i].Score, got[i].ID, want[i].Score, want[i].ID)
		}
	}
	ws := map[string]float64{}
	for _, h := range want {
		ws[h.ID] = h.Score
	}
	last := want[len(want)-1].Score
	for i, h := range got {
		if s, ok := ws[h.ID]; ok {
			if !close(h.Score, s) {
				return fmt.Errorf("%s scores %v, want %v", h.ID, h.Score, s)
			}
		} else if !close(h.Score, last) {
			return fmt.Errorf("rank %d: %s (%v) is not among the expected hits", i, h.ID, h.Score)
		}
	}
	return nil
}

// Random documents over a small alphabet, so terms have every document
// frequency from one to thousands (long postings cross many skip blocks),
// plus thesaurus words, letters and digits.
var randAlphabet = []rune("老人社区服务停车垃圾分类儿童养老电梯物业志愿心理法律调解宠物手机挂号绿化消防")

func randText(r *rand.Rand, maxRunes int) string {
	var b strings.Builder
	n := r.IntN(maxRunes + 1)
	for i := 0; i < n; i++ {
		switch x := r.IntN(100); {
		case x < 70:
			// Zipf-like: low indexes far more often.
			j := int(float64(len(randAlphabet)) * math.Pow(r.Float64(), 2.2))
			b.WriteRune(randAlphabet[j])
		case x < 80:
			b.WriteString([]string{"，", "。", " ", "、", "！"}[r.IntN(5)])
		case x < 88:
			b.WriteString([]string{"老年人", "业主委员会", "智能手机", "独居老人", "垃圾分类", "加装电梯"}[r.IntN(6)])
		case x < 94:
			b.WriteString([]string{"wifi", "App", "5G", "2024", "ＡＩ"}[r.IntN(5)])
		default:
			b.WriteString([]string{"的", "了", "我们", "和"}[r.IntN(4)])
		}
	}
	return b.String()
}

func randDocs(r *rand.Rand, n int, prefix string) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{
			ID: fmt.Sprintf("%s%05d", prefix, i),
			Fields: map[string]string{
				FieldTitle:       randText(r, 12),
				FieldDescription: randText(r, 80),
			},
			Facets: []string{[]string{"kind:org", "kind:project", "kind:need"}[i%3]},
		}
		if r.IntN(3) == 0 {
			docs[i].Fields[FieldTags] = randText(r, 6)
		}
		if r.IntN(20) == 0 {
			docs[i].Facets = append(docs[i].Facets, "street:rare")
		}
	}
	return docs
}

func randQueries(r *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		qs[i] = randText(r, 1+r.IntN(12))
		if qs[i] == "" {
			qs[i] = string(randAlphabet[r.IntN(len(randAlphabet))])
		}
	}
	return qs
}

// plainAnalyzer has no general segmenter: fast, and what most tests need.
func plainAnalyzer() *Analyzer { return NewAnalyzer(Options{}) }

func newTestIndex(t testing.TB, a *Analyzer) *Index {
	t.Helper()
	ix, err := NewIndex(a, DefaultSchema())
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearchMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	a := plainAnalyzer()
	docs := randDocs(r, 3000, "d")
	bf := newBF(a, DefaultSchema(), docs)

	// The same documents also written in batches of varied size: many
	// segments and merges, no deletions, so the statistics are the same.
	built, batched := builtAndBatched(t, r, a, docs, 40)
	if st := batched.Stats(); st.Segments < 2 || st.Docs != len(docs) {
		t.Fatalf("batched index: %+v, want several segments and %d docs", st, len(docs))
	}
	t.Logf("batched: %+v", batched.Stats())

	for qi, text := range randQueries(r, 200) {
		q := a.Query(text)
		for _, k := range []int{1, 3, 10, 50} {
			want := bf.search(q, k, nil)
			for name, ix := range map[string]*Index{"built": built, "batched": batched} {
				for _, exh := range []bool{false, true} {
					got := ix.Search(q, SearchOptions{K: k, Exhaustive: exh})
					if err := sameHits(got, want); err != nil {
						t.Fatalf("query %d %q (%s) k=%d %s exhaustive=%v: %v", qi, text, q, k, name, exh, err)
					}
				}
			}
		}
		// Facets and Accept filter, within the same statistics.
		for _, facet := range []string{"kind:org", "street:rare"} {
			keep := func(d *bfDoc) bool { return slices.Contains(d.facets, facet) }
			want := bf.search(q, 10, keep)
			got := built.Search(q, SearchOptions{K: 10, Facets: []string{facet}})
			if err := sameHits(got, want); err != nil {
				t.Fatalf("query %q facet %s: %v", text, facet, err)
			}
		}
		odd := func(id string) bool { return id[len(id)-1]%2 == 1 }
		want := bf.search(q, 10, func(d *bfDoc) bool { return odd(d.id) })
		if err := sameHits(built.Search(q, SearchOptions{K: 10, Accept: odd}), want); err != nil {
			t.Fatalf("query %q accept: %v", text, err)
		}
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, plainAnalyzer())
	err := ix.Build([]Doc{
		{ID: "a", Fields: map[string]string{FieldTitle: "业主委员会组建指导", FieldTags: "物业治理"}},
		{ID: "b", Fields: map[string]string{FieldDescription: "停车位错时共享"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	hits := ix.SearchText("成立业委会", SearchOptions{Explain: true})
	if len(hits) != 1 || hits[0].ID != "a" {
		t.Fatalf("hits %+v, want only a", hits)
	}
	sum := 0.0
	var found bool
	for _, m := range hits[0].Matches {
		sum += m.Score
		if m.Term == "业主委员会" {
			found = true
			if m.Kind != KindSynonym || m.Source != "业委会" || !slices.Equal(m.Fields, []string{FieldTitle}) {
				t.Errorf("match %+v, want a synonym of 业委会 in the title", m)
			}
		}
	}
	if !found {
		t.Errorf("matches %+v lack 业主委员会", hits[0].Matches)
	}
	if math.Abs(sum-hits[0].Score) > 1e-9 {
		t.Errorf("contributions add up to %v, score %v", sum, hits[0].Score)
	}
}

func TestPutDeleteUpdate(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	a := plainAnalyzer()
	ix := newTestIndex(t, a)
	model := map[string]Doc{}
	// Every document carries a unique token uid<n> naming its version, so a
	// search for it tells exactly which version is live.
	version := 0
	mk := func(id string) Doc {
		version++
		d := Doc{ID: id, Fields: map[string]string{
			FieldTitle:       randText(r, 8),
			FieldDescription: randText(r, 40) + fmt.Sprintf(" uid%d", version),
		}}
		return d
	}
	uid := func(d Doc) string {
		return d.Fields[FieldDescription][strings.LastIndex(d.Fields[FieldDescription], " ")+1:]
	}
	var initial []Doc
	for i := range 500 {
		d := mk(fmt.Sprintf("p%04d", i))
		initial = append(initial, d)
		model[d.ID] = d
	}
	if err := ix.Build(initial); err != nil {
		t.Fatal(err)
	}
	var gone []Doc // versions that must no longer be found
	for step := range 1500 {
		id := fmt.Sprintf("p%04d", r.IntN(800))
		switch r.IntN(3) {
		case 0, 1:
			d := mk(id)
			if old, ok := model[id]; ok {
				gone = append(gone, old)
			}
			model[id] = d
			if err := ix.Put(d); err != nil {
				t.Fatal(err)
			}
		default:
			n := ix.Delete(id)
			old, ok := model[id]
			if (n == 1) != ok {
				t.Fatalf("step %d: Delete(%s) = %d, present %v", step, id, n, ok)
			}
			if ok {
				gone = append(gone, old)
				delete(model, id)
			}
		}
		if ix.Len() != len(model) {
			t.Fatalf("step %d: Len %d, want %d", step, ix.Len(), len(model))
		}
		if step%50 == 0 {
			for _, d := range model {
				hits := ix.SearchText(uid(d), SearchOptions{K: 3})
				if len(hits) == 0 || hits[0].ID != d.ID {
					t.Fatalf("step %d: %s (%s) not found: %v", step, d.ID, uid(d), hits)
				}
			}
			for _, d := range gone {
				if hits := ix.SearchText(uid(d), SearchOptions{K: 3}); len(hits) != 0 {
					t.Fatalf("step %d: replaced or deleted %s (%s) still found: %v", step, d.ID, uid(d), hits)
				}
			}
		}
	}
	st := ix.Stats()
	t.Logf("after churn: %+v", st)
	if st.Segments > 4*mergeFactor {
		t.Errorf("%d segments after 1500 writes: merging does not keep up", st.Segments)
	}
	// Pruned search equals exhaustive search on the churned index, and a
	// compacted index equals a fresh build and the brute force.
	final := make([]Doc, 0, len(model))
	for _, d := range model {
		final = append(final, d)
	}
	slices.SortFunc(final, func(x, y Doc) int { return strings.Compare(x.ID, y.ID) })
	fresh := newTestIndex(t, a)
	if err := fresh.Build(final); err != nil {
		t.Fatal(err)
	}
	queries := randQueries(r, 100)
	for _, text := range queries {
		q := a.Query(text)
		if err := sameHits(ix.Search(q, SearchOptions{K: 10}), ix.Search(q, SearchOptions{K: 10, Exhaustive: true})); err != nil {
			t.Fatalf("churned %q: pruned vs exhaustive: %v", text, err)
		}
	}
	ix.Compact()
	if st := ix.Stats(); st.Segments != 1 || st.Deleted != 0 || st.Docs != len(model) {
		t.Fatalf("after Compact: %+v", st)
	}
	bf := newBF(a, DefaultSchema(), final)
	for _, text := range queries {
		q := a.Query(text)
		want := bf.search(q, 10, nil)
		if err := sameHits(ix.Search(q, SearchOptions{K: 10}), want); err != nil {
			t.Fatalf("compacted %q: %v", text, err)
		}
		if err := sameHits(fresh.Search(q, SearchOptions{K: 10}), want); err != nil {
			t.Fatalf("fresh %q: %v", text, err)
		}
	}
}

func TestBuildReplacesAndDeduplicates(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, plainAnalyzer())
	doc := func(id, title string) Doc { return Doc{ID: id, Fields: map[string]string{FieldTitle: title}} }
	if err := ix.Build([]Doc{doc("1", "养老驿站"), doc("2", "停车治理")}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Build([]Doc{doc("3", "养老助餐"), doc("3", "电梯加装"), doc("4", "养老服务")}); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 2 {
		t.Fatalf("Len %d, want 2", ix.Len())
	}
	if hits := ix.SearchText("养老", SearchOptions{}); len(hits) != 1 || hits[0].ID != "4" {
		t.Errorf("养老: %+v, want only 4 (3 was replaced within the build)", hits)
	}
	if hits := ix.SearchText("电梯", SearchOptions{}); len(hits) != 1 || hits[0].ID != "3" {
		t.Errorf("电梯: %+v, want 3", hits)
	}
	if n := ix.Delete("1", "3", "3"); n != 1 {
		t.Errorf("Delete = %d, want 1", n)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	if _, err := NewIndex(a, Schema{}); err == nil {
		t.Error("empty schema accepted")
	}
	if _, err := NewIndex(a, Schema{K1: 1.2, Fields: []Field{{Name: "t", Weight: 1, B: 2}}}); err == nil {
		t.Error("b = 2 accepted")
	}
	ix := newTestIndex(t, a)
	for _, d := range []Doc{
		{ID: ""},
		{ID: strings.Repeat("x", 300)},
		{ID: "x", Fields: map[string]string{"body": "正文"}},
		{ID: "x", Facets: []string{""}},
	} {
		if err := ix.Put(d); err == nil {
			t.Errorf("Put(%+v) accepted", d)
		}
	}
	if err := ix.Build([]Doc{{ID: "ok"}, {ID: ""}}); err == nil || ix.Len() != 0 {
		t.Errorf("Build with a bad document: err %v, Len %d", err, ix.Len())
	}
	// Queries that have nothing to search: no hits, no panic.
	if err := ix.Put(Doc{ID: "1", Fields: map[string]string{FieldTitle: "社区"}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "   ", "😀😀", "的了和", "，。！", "\x00\x01", strings.Repeat("社区", 10000)} {
		hits := ix.SearchText(q, SearchOptions{K: -3})
		if q == strings.Repeat("社区", 10000) {
			if len(hits) != 1 {
				t.Errorf("huge query: %d hits", len(hits))
			}
			continue
		}
		if len(hits) != 0 {
			t.Errorf("%q: %v", q, hits)
		}
	}
	// A huge field is indexed up to its cap.
	if err := ix.Put(Doc{ID: "big", Fields: map[string]string{FieldDescription: strings.Repeat("电梯", 100000)}}); err != nil {
		t.Fatal(err)
	}
	if hits := ix.SearchText("电梯", SearchOptions{}); len(hits) != 1 {
		t.Errorf("huge field: %v", hits)
	}
}

// builtAndBatched indexes docs twice: in one Build, and Put in batches of
// 1 to maxBatch documents (many segments and merges).
func builtAndBatched(t *testing.T, r *rand.Rand, a *Analyzer, docs []Doc, maxBatch int) (built, batched *Index) {
	t.Helper()
	built = newTestIndex(t, a)
	if err := built.Build(docs); err != nil {
		t.Fatal(err)
	}
	batched = newTestIndex(t, a)
	for i := 0; i < len(docs); {
		n := 1 + r.IntN(maxBatch)
		if err := batched.Put(docs[i:min(i+n, len(docs))]...); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	return built, batched
}
