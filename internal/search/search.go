package search

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Result sizes.
const (
	DefaultK = 10
	MaxK     = 1000
)

// SearchOptions tune one search.
type SearchOptions struct {
	K int // results wanted; DefaultK when zero, at most MaxK
	// Facets restricts results to documents carrying every one of these
	// labels (e.g. "kind:org", "street:<id>"); checked before scoring.
	Facets []string
	// Accept, when set, must return true for a document to be returned. It
	// is called only for documents that would enter the top K, so it can be
	// a map lookup but should not be a database query.
	Accept func(id string) bool
	// Explain fills Hit.Matches.
	Explain bool
	// Exhaustive scores every matching document instead of pruning: the
	// same results, slower; for tests and benchmarks.
	Exhaustive bool
}

// Hit is one result.
type Hit struct {
	ID      string
	Score   float64
	Matches []Match // with Explain: what matched, highest contribution first
}

// Match says that one query term matched a document, where, and how much it
// added to the score; the match package turns these into reasons.
type Match struct {
	Term   string   // the token matched
	Source string   // the typed term it stands for (differs for synonyms)
	Kind   TermKind //
	Fields []string // schema field names where it occurs
	Score  float64  // its contribution to Hit.Score
}

// SearchText analyzes text with the index's analyzer and searches it.
func (ix *Index) SearchText(text string, o SearchOptions) []Hit {
	return ix.Search(ix.a.Query(text), o)
}

// resolved is a query term with its collection statistics.
type resolved struct {
	Term
	gram  uint64
	word  string // "" for a gram
	qwIdf float64
}

// scorer holds the BM25F constants of one search. A term's contribution to
// a document is qw·idf·x/(k1+x) with x = Σ_fields w_f·tf_f / (1 − b_f +
// b_f·len_f/avglen_f), and idf = ln(1 + (N − df + 0.5)/(df + 0.5)).
type scorer struct {
	k1  float64
	nf  int
	w   [MaxFields]float64
	omb [MaxFields]float64 // 1 − b
	boa [MaxFields]float64 // b / average length
}

func (sc *scorer) fieldScore(f int, tf uint8, l uint16) float64 {
	return sc.w[f] * float64(tf) / (sc.omb[f] + sc.boa[f]*float64(l))
}

// contrib is the contribution of the cursor's current posting to document
// lens.
func (sc *scorer) contrib(c *cursor, lens []uint16) float64 {
	x := 0.0
	for m := c.fmask; m != 0; m &= m - 1 {
		f := bits.TrailingZeros8(m)
		x += sc.fieldScore(f, c.tfs[f], lens[f])
	}
	return c.qwIdf * (x / (sc.k1 + x))
}

// upperBound bounds the term's contribution to any document of the segment:
// the best frontier entry of each field, summed.
func (sc *scorer) upperBound(s *segment, t *termInfo, qwIdf float64) float64 {
	var best [MaxFields]float64
	for _, e := range s.fronts[t.front : t.front+t.nfront] {
		f, tf, l := frontParts(e)
		best[f] = max(best[f], sc.fieldScore(f, tf, l))
	}
	x := 0.0
	for f := 0; f < sc.nf; f++ {
		x += best[f]
	}
	// The margin covers rounding: the bound must never be below a score.
	return qwIdf * (x / (sc.k1 + x)) * (1 + 1e-9)
}

// Search returns the top documents for q, best first; ties go to the smaller
// id. An empty query or index returns nil.
func (ix *Index) Search(q Query, o SearchOptions) []Hit {
	sn := ix.snap.Load()
	if q.Empty() || sn.live == 0 {
		return nil
	}
	k := o.K
	if k <= 0 {
		k = DefaultK
	}
	k = min(k, MaxK)
	sc := &scorer{k1: ix.schema.K1, nf: len(ix.schema.Fields)}
	for f, fd := range ix.schema.Fields {
		avg := float64(sn.sumLen[f]) / float64(sn.maxDoc)
		if avg <= 0 {
			avg = 1
		}
		sc.w[f], sc.omb[f], sc.boa[f] = fd.Weight, 1-fd.B, fd.B/avg
	}
	terms := make([]resolved, 0, len(q.Terms))
	for _, t := range q.Terms {
		r := resolved{Term: t}
		if g, ok := gramKeyOf(t.Text); ok {
			r.gram = g
		} else {
			r.word = t.Text
		}
		df := 0
		for _, s := range sn.segs {
			if ti, ok := s.lookup(r.gram, r.word); ok {
				df += int(ti.df)
			}
		}
		if df == 0 || !(t.Weight > 0) {
			continue
		}
		n := float64(sn.maxDoc)
		idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		r.qwIdf = t.Weight * idf
		terms = append(terms, r)
	}
	if len(terms) == 0 {
		return nil
	}
	top := &topK{k: k}
	for si := range sn.segs {
		ix.searchSegment(sc, sn, si, terms, top, &o)
	}
	slices.SortFunc(top.h, func(a, b hitRef) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	hits := make([]Hit, len(top.h))
	for i, h := range top.h {
		hits[i] = Hit{ID: h.id, Score: h.score}
		if o.Explain {
			hits[i].Matches = ix.explain(sc, sn.segs[h.seg], h.ord, terms)
		}
	}
	return hits
}

// searchSegment runs MaxScore over one segment, feeding top. Terms are sorted
// by upper bound; the lowest ones whose bounds together cannot lift a
// document above the current k-th score are "non-essential": they never
// produce candidates, and are looked up (by skipping) only while a candidate
// can still make it. As the k-th score rises more terms become
// non-essential, so the work depends on how hard it is to enter the top k,
// not on how many documents match.
func (ix *Index) searchSegment(sc *scorer, sn *snapshot, si int, terms []resolved, top *topK, o *SearchOptions) {
	seg, del := sn.segs[si], sn.dels[si]
	if sn.ndel[si] == seg.n {
		return
	}
	var ff facetFilter
	for _, f := range o.Facets {
		b, list, ok := seg.facetSet(f)
		if !ok {
			return
		}
		ff.add(b, list)
	}
	curs := make([]cursor, 0, len(terms))
	dfSum := 0
	for ti := range terms {
		info, ok := seg.lookup(terms[ti].gram, terms[ti].word)
		if !ok {
			continue
		}
		curs = append(curs, cursor{})
		c := &curs[len(curs)-1]
		data, skips := seg.postings(info)
		c.init(data, skips, int(info.df))
		c.term, c.qwIdf = ti, terms[ti].qwIdf
		c.ub = sc.upperBound(seg, info, c.qwIdf)
		dfSum += int(info.df)
	}
	m := len(curs)
	if m == 0 {
		return
	}
	order := make([]*cursor, m)
	for i := range curs {
		order[i] = &curs[i]
	}
	slices.SortStableFunc(order, func(a, b *cursor) int { return cmp.Compare(a.ub, b.ub) })
	prefix := make([]float64, m)
	sum := 0.0
	for i, c := range order {
		sum += c.ub
		prefix[i] = sum
	}
	nf := seg.nf
	lensOf := func(d uint32) []uint16 { return seg.lens[int(d)*nf : int(d+1)*nf] }
	offer := func(d uint32, score float64) {
		id := seg.ids[d]
		if top.wouldAccept(score, id) && (o.Accept == nil || o.Accept(id)) {
			top.push(hitRef{score: score, id: id, seg: si, ord: d})
		}
	}
	prune := !o.Exhaustive

	// A selective facet drives the search: visit its documents and skip the
	// postings to them, rather than walk postings and reject most.
	if drv := ff.smallest(); drv != nil && len(drv)*4 < dfSum {
		for _, d := range drv {
			theta := top.threshold()
			if prune && prefix[m-1] < theta {
				return // no document can enter any more
			}
			if (del != nil && del.has(d)) || !ff.match(d) {
				continue
			}
			score, matched := 0.0, false
			for i := m - 1; i >= 0; i-- {
				if prune && score+prefix[i] < theta {
					matched = false
					break
				}
				c := order[i]
				c.advance(d)
				if c.doc == d {
					score += sc.contrib(c, lensOf(d))
					matched = true
				}
			}
			if matched {
				offer(d, score)
			}
		}
		return
	}

	theta := top.threshold()
	e := 0 // order[e:] are essential
	if prune {
		for e < m && prefix[e] < theta {
			e++
		}
	}
	for e < m {
		d := uint32(endDoc)
		for _, c := range order[e:] {
			d = min(d, c.doc)
		}
		if d == endDoc {
			break
		}
		if (del != nil && del.has(d)) || !ff.match(d) {
			for _, c := range order[e:] {
				if c.doc == d {
					c.next()
				}
			}
			continue
		}
		lens := lensOf(d)
		score := 0.0
		for _, c := range order[e:] {
			if c.doc == d {
				score += sc.contrib(c, lens)
				c.next()
			}
		}
		skip := false
		for i := e - 1; i >= 0; i-- {
			if score+prefix[i] < theta {
				skip = true
				break
			}
			c := order[i]
			c.advance(d)
			if c.doc == d {
				score += sc.contrib(c, lens)
			}
		}
		if skip {
			continue
		}
		offer(d, score)
		if prune {
			if t := top.threshold(); t > theta {
				theta = t
				for e < m && prefix[e] < theta {
					e++
				}
			}
		}
	}
}

// explain lists what each term contributed to one document.
func (ix *Index) explain(sc *scorer, seg *segment, d uint32, terms []resolved) []Match {
	var out []Match
	var c cursor
	lens := seg.lens[int(d)*seg.nf : int(d+1)*seg.nf]
	for _, t := range terms {
		info, ok := seg.lookup(t.gram, t.word)
		if !ok {
			continue
		}
		data, skips := seg.postings(info)
		c.init(data, skips, int(info.df))
		c.advance(d)
		if c.doc != d {
			continue
		}
		c.qwIdf = t.qwIdf
		m := Match{Term: t.Text, Source: t.Source, Kind: t.Kind, Score: sc.contrib(&c, lens)}
		for mask := c.fmask; mask != 0; mask &= mask - 1 {
			m.Fields = append(m.Fields, ix.schema.Fields[bits.TrailingZeros8(mask)].Name)
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Match) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// facetFilter tests the facets of a search within one segment.
type facetFilter struct {
	bits  []bitset
	lists [][]uint32
}

func (ff *facetFilter) add(b bitset, list []uint32) {
	ff.bits = append(ff.bits, b)
	ff.lists = append(ff.lists, list)
}

func (ff *facetFilter) match(d uint32) bool {
	for i, b := range ff.bits {
		if b != nil {
			if !b.has(d) {
				return false
			}
		} else if _, ok := slices.BinarySearch(ff.lists[i], d); !ok {
			return false
		}
	}
	return true
}

// smallest returns the shortest facet list, or nil without facets.
func (ff *facetFilter) smallest() []uint32 {
	var s []uint32
	for _, l := range ff.lists {
		if s == nil || len(l) < len(s) {
			s = l
		}
	}
	return s
}

// hitRef is a candidate in the top-k heap.
type hitRef struct {
	score float64
	id    string
	seg   int
	ord   uint32
}

// topK keeps the k best candidates in a min-heap: h[0] is the worst.
type topK struct {
	k int
	h []hitRef
}

// worse orders candidates: lower score, then larger id.
func worse(a, b *hitRef) bool {
	return a.score < b.score || a.score == b.score && a.id > b.id
}

// threshold is the score a candidate must reach (0 until the heap is full;
// every match scores above 0).
func (t *topK) threshold() float64 {
	if len(t.h) < t.k {
		return 0
	}
	return t.h[0].score
}

func (t *topK) wouldAccept(score float64, id string) bool {
	return len(t.h) < t.k || worse(&t.h[0], &hitRef{score: score, id: id})
}

func (t *topK) push(x hitRef) {
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(&t.h[i], &t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	t.h[0] = x
	for i := 0; ; {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(t.h) && worse(&t.h[l], &t.h[w]) {
			w = l
		}
		if r < len(t.h) && worse(&t.h[r], &t.h[w]) {
			w = r
		}
		if w == i {
			break
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}
