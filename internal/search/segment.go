package search

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// termInfo locates one term's postings inside a segment's arenas.
type termInfo struct {
	off    uint64 // into data
	size   uint32 // bytes
	df     uint32
	skip   uint32 // into skips (first of its pairs)
	nskip  uint32 // number of uint32s
	front  uint32 // into fronts
	nfront uint32
	bmax   uint32  // into bmax: one entry for each of the ⌈df/blockSize⌉ blocks
	xmax   float32 // the highest of them
}

// segment is an immutable slice of the index: documents with local ordinals
// 0..n-1 and the postings of their terms. Deletions are kept outside it, in
// the snapshot, so a segment never changes once built.
type segment struct {
	n      int
	nf     int
	ids    []string
	lens   lenCodes // n × nf field lengths, a byte each (see lens.go)
	sumLen [MaxFields]uint64
	grams  map[uint64]uint32 // Chinese unigram/bigram key → term
	words  map[string]uint32 // other tokens → term
	terms  []termInfo
	data   []byte
	skips  []uint32
	fronts []uint32
	bmax   []float32           // block maxima, see blockmax.go
	boaRef [MaxFields]float64  // b/average length the block maxima were computed with
	facets map[string][]uint32 // facet → sorted ordinals

	denseMu sync.Mutex
	dense   map[string]bitset // bitsets of frequent facets, built on first use
}

// lookup returns the term's info for a query term text.
func (s *segment) lookup(gram uint64, word string) (*termInfo, bool) {
	var (
		i  uint32
		ok bool
	)
	if word == "" {
		i, ok = s.grams[gram]
	} else {
		i, ok = s.words[word]
	}
	if !ok {
		return nil, false
	}
	return &s.terms[i], true
}

func (s *segment) postings(t *termInfo) ([]byte, []uint32) {
	return s.data[t.off : t.off+uint64(t.size)], s.skips[t.skip : t.skip+t.nskip]
}

// blockMaxes returns the term's block maxima.
func (s *segment) blockMaxes(t *termInfo) []float32 {
	return s.bmax[t.bmax : t.bmax+(t.df+blockSize-1)/blockSize]
}

// facetSet returns how to test a facet in this segment: a bitset for a
// frequent facet (cached), else its sorted ordinals. ok is false when no
// document of the segment has the facet.
func (s *segment) facetSet(facet string) (bits bitset, list []uint32, ok bool) {
	list = s.facets[facet]
	if len(list) == 0 {
		return nil, nil, false
	}
	if len(list) < 64 || len(list)*64 < s.n {
		return nil, list, true // sparse: binary search is cheap and needs no memory
	}
	s.denseMu.Lock()
	defer s.denseMu.Unlock()
	if b, ok := s.dense[facet]; ok {
		return b, list, true
	}
	b := newBitset(s.n)
	for _, d := range list {
		b.set(d)
	}
	if s.dense == nil {
		s.dense = map[string]bitset{}
	}
	s.dense[facet] = b
	return b, list, true
}

// segBuilder builds a segment from documents given in ordinal order.
type segBuilder struct {
	nf     int
	fp     *fieldParams
	ids    []string
	lens   []uint16 // n × nf field lengths, encoded by finish
	sumLen [MaxFields]uint64
	grams  gramTable
	words  map[string]uint32
	bufs   []termBuf
	facets map[string][]uint32
	tfs    [MaxFields]uint8 // scratch
}

// gramTable maps gram keys to term numbers while a segment is built: every
// distinct gram of every document is looked up in it, and open addressing
// over one array of pairs does that in about a third of a map's time.
type gramTable struct {
	slots []gramSlot // a power of two; key 0 marks a free slot (gram keys never are)
	n     int
	shift uint
}

type gramSlot struct {
	key  uint64
	term uint32
}

// get returns the term of key, adding it with the term number next when it
// is new; added says which.
func (t *gramTable) get(key uint64, next uint32) (term uint32, added bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := (key * 0x9E3779B97F4A7C15) >> t.shift; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == key {
			return sl.term, false
		}
		if sl.key == 0 {
			sl.key, sl.term = key, next
			t.n++
			return next, true
		}
	}
}

func (t *gramTable) grow() {
	old := t.slots
	size := max(1024, 2*len(old))
	t.slots = make([]gramSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for _, sl := range old {
		if sl.key == 0 {
			continue
		}
		i := (sl.key * 0x9E3779B97F4A7C15) >> t.shift
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = sl
	}
}

// toMap returns the table's content as a map, the segment's.
func (t *gramTable) toMap() map[uint64]uint32 {
	m := make(map[uint64]uint32, t.n)
	for _, sl := range t.slots {
		if sl.key != 0 {
			m[sl.key] = sl.term
		}
	}
	return m
}

func newSegBuilder(fp *fieldParams) *segBuilder {
	return &segBuilder{
		nf:     fp.nf,
		fp:     fp,
		words:  map[string]uint32{},
		facets: map[string][]uint32{},
	}
}

func (b *segBuilder) gramTerm(k uint64) *termBuf {
	i, added := b.grams.get(k, uint32(len(b.bufs)))
	if added {
		b.bufs = append(b.bufs, termBuf{})
	}
	return &b.bufs[i]
}

func (b *segBuilder) wordTerm(w string) *termBuf {
	i, ok := b.words[w]
	if !ok {
		i = uint32(len(b.bufs))
		b.words[strings.Clone(w)] = i
		b.bufs = append(b.bufs, termBuf{})
	}
	return &b.bufs[i]
}

// startDoc appends a document's id, field lengths and facets and returns its
// ordinal.
func (b *segBuilder) startDoc(id string, lens []uint16, facets []string) uint32 {
	d := uint32(len(b.ids))
	b.ids = append(b.ids, id)
	b.lens = append(b.lens, lens...)
	for f, l := range lens {
		b.sumLen[f] += uint64(l)
	}
	for _, fc := range facets {
		l := b.facets[fc]
		if len(l) == 0 || l[len(l)-1] != d { // a facet listed twice counts once
			b.facets[fc] = append(l, d)
		}
	}
	return d
}

// addAnalyzed adds one analyzed document. It sorts ft's token lists in place.
func (b *segBuilder) addAnalyzed(id string, ft *fieldTokens, lens []uint16, facets []string) {
	d := b.startDoc(id, lens, facets)
	dl := b.lens[int(d)*b.nf : int(d+1)*b.nf]
	gc := &ft.counts
	gc.reset(len(ft.grams))
	for _, g := range ft.grams {
		gc.add(g>>3, g&7)
	}
	for _, slot := range gc.used {
		b.gramTerm(gc.keys[slot]).add(d, &gc.tfs[slot], dl)
	}
	slices.SortFunc(ft.words, func(x, y wordOcc) int {
		if c := strings.Compare(x.w, y.w); c != 0 {
			return c
		}
		return int(x.field) - int(y.field)
	})
	for i := 0; i < len(ft.words); {
		w := ft.words[i].w
		clear(b.tfs[:])
		for ; i < len(ft.words) && ft.words[i].w == w; i++ {
			f := ft.words[i].field
			if b.tfs[f] < maxTF {
				b.tfs[f]++
			}
		}
		b.wordTerm(w).add(d, &b.tfs, dl)
	}
}

// finish lays the postings out in one arena per kind and returns the
// segment. The builder must not be used afterwards.
func (b *segBuilder) finish() *segment {
	s := &segment{
		n:      len(b.ids),
		nf:     b.nf,
		ids:    b.ids,
		lens:   encodeLens(b.lens, b.nf),
		sumLen: b.sumLen,
		grams:  b.grams.toMap(),
		words:  b.words,
		facets: b.facets,
		terms:  make([]termInfo, len(b.bufs)),
	}
	var nd, ns, nfr, nbm int
	for i := range b.bufs {
		nd += len(b.bufs[i].buf)
		ns += len(b.bufs[i].skips)
		nfr += len(b.bufs[i].front)
		nbm += (int(b.bufs[i].df) + blockSize - 1) / blockSize
	}
	s.data = make([]byte, 0, nd)
	s.skips = make([]uint32, 0, ns)
	s.fronts = make([]uint32, 0, nfr)
	s.bmax = make([]float32, 0, nbm)
	for i := range b.bufs {
		t := &b.bufs[i]
		s.terms[i] = termInfo{
			off: uint64(len(s.data)), size: uint32(len(t.buf)), df: t.df,
			skip: uint32(len(s.skips)), nskip: uint32(len(t.skips)),
			front: uint32(len(s.fronts)), nfront: uint32(len(t.front)),
		}
		s.data = append(s.data, t.buf...)
		s.skips = append(s.skips, t.skips...)
		s.fronts = append(s.fronts, t.front...)
		*t = termBuf{} // let the collector take it while we go on
	}
	b.bufs = nil
	s.seal(b.fp, b.lens)
	return s
}

// mergeSegments rewrites segments (in order) into one, leaving out deleted
// documents. dels[i] may be nil.
func mergeSegments(fp *fieldParams, segs []*segment, dels []bitset) *segment {
	nf := fp.nf
	b := newSegBuilder(fp)
	remaps := make([][]uint32, len(segs))
	facetsOf := make([]map[uint32][]string, len(segs))
	for si, s := range segs {
		fo := map[uint32][]string{}
		for fc, list := range s.facets {
			for _, d := range list {
				fo[d] = append(fo[d], fc)
			}
		}
		facetsOf[si] = fo
	}
	var lens [MaxFields]uint16
	for si, s := range segs {
		remap := make([]uint32, s.n)
		for d := 0; d < s.n; d++ {
			if dels[si] != nil && dels[si].has(uint32(d)) {
				remap[d] = endDoc
				continue
			}
			fcs := facetsOf[si][uint32(d)]
			slices.Sort(fcs)
			remap[d] = b.startDoc(s.ids[d], s.lens.docLens(uint32(d), nf, &lens), fcs)
		}
		remaps[si] = remap
	}
	var c cursor
	for si, s := range segs {
		remap := remaps[si]
		// copyTerm appends the live postings of t, creating the term in the
		// new segment only when it has one.
		copyTerm := func(t *termInfo, get func() *termBuf) {
			var tb *termBuf
			data, skips := s.postings(t)
			for c.init(data, skips, int(t.df)); c.doc != endDoc; c.next() {
				nd := remap[c.doc]
				if nd == endDoc {
					continue
				}
				if tb == nil {
					tb = get()
				}
				clear(b.tfs[:])
				for m := c.fmask; m != 0; m &= m - 1 {
					f := bits.TrailingZeros8(m)
					b.tfs[f] = c.tfs[f]
				}
				tb.add(nd, &b.tfs, b.lens[int(nd)*nf:int(nd+1)*nf])
			}
		}
		// Terms in a fixed order, so a merge is reproducible.
		gramKeys := make([]uint64, 0, len(s.grams))
		for k := range s.grams {
			gramKeys = append(gramKeys, k)
		}
		slices.Sort(gramKeys)
		for _, k := range gramKeys {
			copyTerm(&s.terms[s.grams[k]], func() *termBuf { return b.gramTerm(k) })
		}
		wordKeys := make([]string, 0, len(s.words))
		for w := range s.words {
			wordKeys = append(wordKeys, w)
		}
		slices.Sort(wordKeys)
		for _, w := range wordKeys {
			copyTerm(&s.terms[s.words[w]], func() *termBuf { return b.wordTerm(w) })
		}
	}
	return b.finish()
}
