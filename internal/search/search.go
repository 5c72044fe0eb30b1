package search

import (
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	// a map lookup but should not be a database query. A large search calls
	// it from several goroutines, one call at a time.
	Accept func(id string) bool
	// Explain fills Hit.Matches.
	Explain bool
	// Exhaustive scores every matching document instead of pruning: the
	// same results, slower; for tests and benchmarks.
	Exhaustive bool
	// Economy, for queries of more than EconomyTerms terms (long sentences),
	// drops the terms that can hardly change the top k until EconomyTerms
	// are left: unigrams whose character a bigram or word of the query also
	// covers, then bigrams weighing less than 1 (those straddling two
	// words), then the terms of lowest weight × idf. Approximate: the
	// results and their scores are those of the shorter query. Meant for
	// large indexes, where a long query would otherwise score a good part
	// of the collection; short queries are searched exactly.
	Economy bool
}

// EconomyTerms is how many terms of a query SearchOptions.Economy keeps.
const EconomyTerms = 16

// EconomyMinDocs is how many documents make an index large: from there the
// application searches typed text with SearchOptions.Economy (the need
// board, an organization's recommended needs, the solutions), as
// searchbench measures at 1,000,000 documents. Below it, and always for the
// matching of organizations and projects (where a long colloquial query's
// thesaurus terms are the point), searches are exact.
const EconomyMinDocs = 100_000

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
	// dropped marks a term economize leaves out.
	dropped bool
}

// scorer holds the BM25F constants of one search. A term's contribution to
// a document is qw·idf·x/(k1+x) with x = Σ_fields tf_f·w_f / (1 − b_f +
// b_f·len_f/avglen_f), and idf = ln(1 + (N − df + 0.5)/(df + 0.5)).
type scorer struct {
	k1  float64
	nf  int
	w   [MaxFields]float64
	omb [MaxFields]float64 // 1 − b
	boa [MaxFields]float64 // b / average length
	// norm and sat1, when set, tabulate fieldNorm and a lone frequency-1
	// posting's x/(k1+x) by field length (see normTables).
	norm [MaxFields][]float64
	sat1 [MaxFields][]float64
}

// normTableLen is how many field lengths (0 to normTableLen−1) the tables
// of a snapshot cover; longer fields are computed.
const normTableLen = 2048

// normTables are a snapshot's field normalizations by length, computed on
// its first search: a posting then costs a lookup instead of a division per
// field (and, for the common lone frequency-1 posting, no division at all).
// They hold exactly what the scorer computes without them.
type normTables struct {
	norm [MaxFields][]float64
	sat1 [MaxFields][]float64
}

func newNormTables(sc *scorer) *normTables {
	t := &normTables{}
	for f := 0; f < sc.nf; f++ {
		t.norm[f] = make([]float64, normTableLen)
		t.sat1[f] = make([]float64, normTableLen)
		for l := range normTableLen {
			n := sc.computeNorm(f, uint16(l))
			t.norm[f][l] = n
			t.sat1[f][l] = n / (sc.k1 + n)
		}
	}
	return t
}

func (sc *scorer) useTables(t *normTables) {
	sc.norm, sc.sat1 = t.norm, t.sat1
}

// computeNorm is a field's weight over its length normalization.
func (sc *scorer) computeNorm(f int, l uint16) float64 {
	return sc.w[f] / (sc.omb[f] + sc.boa[f]*float64(l))
}

func (sc *scorer) fieldNorm(f int, l uint16) float64 {
	if int(l) < len(sc.norm[f]) {
		return sc.norm[f][l]
	}
	return sc.computeNorm(f, l)
}

func (sc *scorer) fieldScore(f int, tf uint8, l uint16) float64 {
	return float64(tf) * sc.fieldNorm(f, l)
}

// contrib is the contribution of the cursor's current posting to document
// lens, read from its frequency code.
func (sc *scorer) contrib(c *cursor, lens []uint16) float64 {
	code := c.codes[c.i]
	if code < 0x80 { // one field
		f := code >> 4
		tf := code & 15
		l := lens[f]
		if tf == 1 && int(l) < len(sc.sat1[f]) {
			return c.qwIdf * sc.sat1[f][l]
		}
		x := sc.fieldScore(int(f), tf, l)
		return c.qwIdf * (x / (sc.k1 + x))
	}
	if code < codeEscape { // fields 0 to 2, packed
		x := 0.0
		if t := code >> 4 & 3; t > 0 {
			x += sc.fieldScore(0, t, lens[0])
		}
		if t := code >> 2 & 3; t > 0 {
			x += sc.fieldScore(1, t, lens[1])
		}
		if t := code & 3; t > 0 {
			x += sc.fieldScore(2, t, lens[2])
		}
		return c.qwIdf * (x / (sc.k1 + x))
	}
	c.loadFreqs()
	return sc.contribTFs(c.qwIdf, c.fmask, &c.tfs, lens)
}

// contribTFs is the contribution of a posting with the given fields and
// frequencies to document lens.
func (sc *scorer) contribTFs(qwIdf float64, fmask uint8, tfs *[MaxFields]uint8, lens []uint16) float64 {
	if fmask&(fmask-1) == 0 {
		f := bits.TrailingZeros8(fmask)
		if l := lens[f]; tfs[f] == 1 && int(l) < len(sc.sat1[f]) {
			return qwIdf * sc.sat1[f][l]
		}
	}
	x := 0.0
	for m := fmask; m != 0; m &= m - 1 {
		f := bits.TrailingZeros8(m)
		x += sc.fieldScore(f, tfs[f], lens[f])
	}
	return qwIdf * (x / (sc.k1 + x))
}

// segScorer scores the postings of one segment from its documents' length
// codes (see lens.go), with the segment's code tables: the same contributions
// as scorer.contrib, without decoding lengths.
type segScorer struct {
	sc         *scorer
	k1         float64
	norm, sat1 [MaxFields]*[256]float64 // the segment's codeTables
	lens       *lenCodes
	nf         int
}

func newSegScorer(sc *scorer, ct *codeTables, seg *segment) *segScorer {
	return &segScorer{sc: sc, k1: sc.k1, norm: ct.norm, sat1: ct.sat1, lens: &seg.lens, nf: seg.nf}
}

// contrib is the contribution of the cursor's current posting to document
// d, whose length codes are codes.
func (ss *segScorer) contrib(c *cursor, d uint32, codes []uint8) float64 {
	code := c.codes[c.i]
	switch {
	case code < 0x80: // one field
		f := code >> 4
		if lc := codes[f]; lc != lenEscape {
			tf := code & 15
			if tf == 1 {
				return c.qwIdf * ss.sat1[f][lc]
			}
			x := float64(tf) * ss.norm[f][lc]
			return c.qwIdf * (x / (ss.k1 + x))
		}
	case code < codeEscape: // fields 0 to 2, packed; summed in the scorer's order
		x, ok := 0.0, true
		for f := range 3 {
			if t := code >> (4 - 2*f) & 3; t > 0 {
				lc := codes[f]
				if lc == lenEscape {
					ok = false
					break
				}
				x += float64(t) * ss.norm[f][lc]
			}
		}
		if ok {
			return c.qwIdf * (x / (ss.k1 + x))
		}
	}
	var buf [MaxFields]uint16
	return ss.sc.contrib(c, ss.lens.docLens(d, ss.nf, &buf))
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
	tabs, _ := sn.normTables(sc)
	sc.useTables(tabs)
	terms := make([]resolved, 0, len(q.Terms))
	postings := 0 // of the query's terms, in all segments
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
		postings += df
		n := float64(sn.maxDoc)
		idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		r.qwIdf = t.Weight * idf
		terms = append(terms, r)
	}
	if o.Economy && !o.Exhaustive {
		terms = economize(terms, ix.economyTerms)
	}
	if len(terms) == 0 {
		return nil
	}
	var top *topK
	if workers := min(runtime.GOMAXPROCS(0), len(sn.segs)); workers > 1 && postings >= ix.parallelMin {
		top = ix.searchParallel(sc, sn, terms, k, &o, workers)
	} else {
		top = &topK{k: k}
		for si := range sn.segs {
			ix.searchSegment(sc, sn, si, terms, top, &o)
		}
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

// economize drops the terms of a long query that cannot change the top k
// much (SearchOptions.Economy), keeping budget terms.
func economize(terms []resolved, budget int) []resolved {
	if len(terms) <= budget {
		return terms
	}
	free := len(terms)
	mark := func(i int) {
		if !terms[i].dropped && free > budget {
			terms[i].dropped = true
			free--
		}
	}
	// Unigrams covered by a longer term, then straddling bigrams, the
	// least weighty first.
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(terms[a].qwIdf, terms[b].qwIdf) })
	for _, i := range idx {
		t := &terms[i]
		if t.Kind != KindUnigram {
			continue
		}
		for j := range terms {
			if j != i && terms[j].Kind != KindUnigram && strings.Contains(terms[j].Text, t.Text) {
				mark(i)
				break
			}
		}
	}
	for _, i := range idx {
		if terms[i].Kind == KindBigram && terms[i].Weight < 1 {
			mark(i)
		}
	}
	for _, i := range idx {
		mark(i)
	}
	return slices.DeleteFunc(terms, func(r resolved) bool { return r.dropped })
}

// parallelMinPostings is how many postings a query's terms must have before
// its segments are searched in parallel (Index.parallelMin): below it,
// starting goroutines costs more than it saves.
const parallelMinPostings = 50_000

// searchParallel searches the segments on workers goroutines, each with its
// own top k. They share the best k-th score any of them has reached: a
// document below it cannot enter the merged top k either, so each prunes as
// if it had seen the others' documents. Accept calls are serialized.
func (ix *Index) searchParallel(sc *scorer, sn *snapshot, terms []resolved, k int, o *SearchOptions, workers int) *topK {
	oo := *o
	if accept := o.Accept; accept != nil {
		var mu sync.Mutex
		oo.Accept = func(id string) bool {
			mu.Lock()
			defer mu.Unlock()
			return accept(id)
		}
	}
	// Largest segments first, so no worker is left with a big one at the end.
	order := make([]int, len(sn.segs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sn.segs[b].n, sn.segs[a].n) })
	var shared atomic.Uint64
	var next atomic.Int64
	tops := make([]*topK, workers)
	var wg sync.WaitGroup
	for w := range tops {
		tops[w] = &topK{k: k, shared: &shared}
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(order) {
					return
				}
				ix.searchSegment(sc, sn, order[i], terms, tops[w], &oo)
			}
		})
	}
	wg.Wait()
	top := &topK{k: k}
	for _, t := range tops {
		for _, h := range t.h {
			if top.wouldAccept(h.score, h.id) {
				top.push(h)
			}
		}
	}
	return top
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
	ss := scratchPool.Get().(*scratch)
	defer scratchPool.Put(ss)
	if cap(ss.curs) < len(terms) {
		ss.curs = make([]cursor, len(terms))
	}
	curs := ss.curs[:0]
	scale := sc.segmentScale(seg)
	dfSum := 0
	for ti := range terms {
		info, ok := seg.lookup(terms[ti].gram, terms[ti].word)
		if !ok {
			continue
		}
		curs = curs[:len(curs)+1] // init and the lines below set every field a search reads
		c := &curs[len(curs)-1]
		data, skips := seg.postings(info)
		c.init(data, skips, int(info.df))
		c.term, c.qwIdf = ti, terms[ti].qwIdf
		c.ub = min(sc.upperBound(seg, info, c.qwIdf), sc.bound(float64(info.xmax)*scale, c.qwIdf))
		c.bm, c.scale, c.bmBlk = seg.blockMaxes(info), scale, -1
		dfSum += int(info.df)
	}
	m := len(curs)
	if m == 0 {
		return
	}
	ss.grow(m)
	order := ss.order[:m]
	for i := range curs {
		order[i] = &curs[i]
	}
	slices.SortStableFunc(order, func(a, b *cursor) int { return cmp.Compare(a.ub, b.ub) })
	prefix := ss.prefix[:m]
	sum := 0.0
	for i, c := range order {
		sum += c.ub
		prefix[i] = sum
	}
	nf := seg.nf
	ssc := newSegScorer(sc, sn.segTables[si], seg)
	lenCodes := seg.lens.codes
	codesOf := func(d uint32) []uint8 { return lenCodes[int(d)*nf : int(d+1)*nf] }
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
				c.seek(d)
				if c.doc == d {
					score += ssc.contrib(c, d, codesOf(d))
					matched = true
				}
			}
			if matched {
				offer(d, score)
			}
		}
		return
	}

	if !prune {
		ix.scoreAll(ssc, del, &ff, curs, codesOf, offer)
		return
	}

	// Block-Max MaxScore (see blockmax.go). order[e:] are essential: every
	// document that can still enter the top k has one of their terms. The
	// ordinals are walked in windows that end with the first of the
	// essential terms' current blocks to end.
	theta := top.threshold()
	e := 0
	for e < m && prefix[e] < theta {
		e++
	}
	win := ss.win[:m]   // the cursors by window bound
	wpre := ss.wpre[:m] // prefix sums of window bounds
	// Whether a candidate may be deleted or lack a facet: most searches
	// have neither, and skip both tests.
	filtered := del != nil || len(ff.bits) > 0
	for e < m {
		lo, hi := uint32(endDoc), uint32(endDoc-1)
		for _, c := range order[e:] {
			if c.doc != endDoc {
				lo = min(lo, c.doc)
				hi = min(hi, c.blockLast(c.block()))
			}
		}
		if lo == endDoc {
			break
		}
		total := 0.0
		for i := range curs {
			c := &curs[i]
			c.wmax = c.windowMax(sc, lo, hi)
			total += c.wmax
		}
		if total >= theta {
			// win[:we] are the window's non-essential terms, win[we:]
			// produce its candidates.
			we := partitionByCost(win, order, theta)
			sum := 0.0
			for i, c := range win {
				sum += c.wmax
				wpre[i] = sum
			}
			for _, c := range win[we:] {
				c.seek(lo)
			}
			// d is the candidate, the essential terms' least ordinal; next,
			// found while they are scored and stepped past it, the one after.
			d := uint32(endDoc)
			for _, c := range win[we:] {
				d = min(d, c.doc)
			}
			for d <= hi {
				next := uint32(endDoc)
				if filtered && ((del != nil && del.has(d)) || !ff.match(d)) {
					for _, c := range win[we:] {
						if c.doc == d {
							c.step()
						}
						next = min(next, c.doc)
					}
					d = next
					continue
				}
				codes := lenCodes[int(d)*nf : int(d+1)*nf] // codesOf(d), inlined
				score := 0.0
				for _, c := range win[we:] {
					if c.doc == d {
						score += ssc.contrib(c, d, codes)
						c.step()
					}
					next = min(next, c.doc)
				}
				skip := false
				for i := we - 1; i >= 0; i-- {
					c := win[i]
					if c.wmax == 0 {
						break // neither it nor those below have postings here
					}
					if score+wpre[i] < theta {
						skip = true
						break
					}
					if c.doc < d {
						c.seek(d)
					}
					if c.doc == d {
						score += ssc.contrib(c, d, codes)
					}
				}
				cand := d
				d = next
				if skip || score < theta {
					continue
				}
				offer(cand, score)
				if t := top.threshold(); t > theta {
					theta = t
					if wpre[we] < theta {
						// Fewer terms are essential: the next candidate
						// is the least ordinal of those left.
						for we < m && wpre[we] < theta {
							we++
						}
						if we == m {
							break
						}
						d = uint32(endDoc)
						for _, c := range win[we:] {
							d = min(d, c.doc)
						}
					}
				}
			}
		}
		for _, c := range order[e:] {
			c.seek(hi + 1)
		}
		// Searching in parallel, the other segments' heaps may have raised
		// the shared threshold meanwhile.
		theta = max(theta, top.threshold())
		for e < m && prefix[e] < theta {
			e++
		}
	}
}

// scratch is the memory searchSegment needs, reused across searches.
type scratch struct {
	curs         []cursor
	order, win   []*cursor
	prefix, wpre []float64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow makes room for m cursors.
func (ss *scratch) grow(m int) {
	if cap(ss.order) < m {
		ss.order, ss.win = make([]*cursor, m), make([]*cursor, m)
		ss.prefix, ss.wpre = make([]float64, m), make([]float64, m)
	}
}

// partitionByCost arranges order's cursors into win: first the window's
// non-essential ones, ascending by window bound (wmax), whose bounds add up
// to less than theta, then the essential ones, which produce the
// candidates, and returns how many are non-essential. Any such split is
// exact (a document without an essential term cannot reach theta). Plain
// MaxScore makes the terms of lowest bound non-essential; this split
// greedily makes those of most postings per unit of bound non-essential, so
// fewer postings produce candidates: on long queries whose frequent terms
// (a word of the query and its bigrams, 希望, 孩子) bound about as high as
// rare ones, that is a tenth less work.
func partitionByCost(win, order []*cursor, theta float64) int {
	copy(win, order)
	for _, c := range win {
		c.cost = math.Inf(1) // no posting in the window: free to leave out
		if c.wmax > 0 {
			c.cost = float64(c.df) / c.wmax
		}
	}
	for i := 1; i < len(win); i++ {
		for j := i; j > 0 && win[j].cost > win[j-1].cost; j-- {
			win[j], win[j-1] = win[j-1], win[j]
		}
	}
	sum := 0.0
	n := 0
	for i, c := range win {
		if sum+c.wmax < theta {
			sum += c.wmax
			win[n], win[i] = win[i], win[n]
			n++
		}
	}
	ne := win[:n]
	for i := 1; i < n; i++ {
		for j := i; j > 0 && ne[j].wmax < ne[j-1].wmax; j-- {
			ne[j], ne[j-1] = ne[j-1], ne[j]
		}
	}
	return n
}

// scoreAll scores every matching document (SearchOptions.Exhaustive).
func (ix *Index) scoreAll(ss *segScorer, del bitset, ff *facetFilter, curs []cursor, codesOf func(uint32) []uint8, offer func(uint32, float64)) {
	for {
		d := uint32(endDoc)
		for i := range curs {
			d = min(d, curs[i].doc)
		}
		if d == endDoc {
			return
		}
		live := (del == nil || !del.has(d)) && ff.match(d)
		score := 0.0
		for i := range curs {
			c := &curs[i]
			if c.doc == d {
				if live {
					score += ss.contrib(c, d, codesOf(d))
				}
				c.step()
			}
		}
		if live {
			offer(d, score)
		}
	}
}

// explain lists what each term contributed to one document.
func (ix *Index) explain(sc *scorer, seg *segment, d uint32, terms []resolved) []Match {
	var out []Match
	var c cursor
	var lensBuf [MaxFields]uint16
	lens := seg.lens.docLens(d, seg.nf, &lensBuf)
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
	// shared, when set, holds (as float64 bits) the highest k-th score of
	// the heaps searching other segments at the same time.
	shared *atomic.Uint64
}

// worse orders candidates: lower score, then larger id.
func worse(a, b *hitRef) bool {
	return a.score < b.score || a.score == b.score && a.id > b.id
}

// threshold is the score a candidate must reach (0 until a heap is full;
// every match scores above 0).
func (t *topK) threshold() float64 {
	th := 0.0
	if len(t.h) == t.k {
		th = t.h[0].score
	}
	if t.shared != nil {
		th = max(th, math.Float64frombits(t.shared.Load()))
	}
	return th
}

// share raises the shared threshold to this heap's, if higher.
func (t *topK) share() {
	if t.shared == nil || len(t.h) < t.k {
		return
	}
	th := t.h[0].score
	for {
		old := t.shared.Load()
		if math.Float64frombits(old) >= th || t.shared.CompareAndSwap(old, math.Float64bits(th)) {
			return
		}
	}
}

func (t *topK) wouldAccept(score float64, id string) bool {
	return len(t.h) < t.k || worse(&t.h[0], &hitRef{score: score, id: id})
}

func (t *topK) push(x hitRef) {
	defer t.share()
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
