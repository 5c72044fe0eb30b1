package search

import "math"

// Block-max bounds. A term's upper bound over a whole segment (the frontier,
// see scorer.upperBound) is reached by few of its postings; within one block
// of blockSize postings the best contribution is usually lower. The search
// cuts the ordinals into windows and bounds each term, per window, by the
// blocks that overlap it: a window whose bounds add up to less than the k-th
// score is passed over without decoding a posting, and within a window only
// the terms needed to reach that score produce candidates (Block-Max
// MaxScore, as in Lucene's MaxScoreBulkScorer).
//
// A block's bound is exact when the segment is built: the highest x (the
// field-weighted, length-normalized frequency sum that BM25F saturates, see
// scorer) of its postings, with the segment's own average field lengths. A
// search uses the index's averages, which differ once other segments exist;
// since a field's term lowers with b·len/avg, x under the index's averages is
// at most max_f(avg_f/segment avg_f) times x under the segment's (see
// segmentScale), so the stored maxima stay valid bounds after that scaling,
// and stay tight because a large segment's averages are the index's.

// fieldParams is what the block maxima need of the schema.
type fieldParams struct {
	nf  int
	w   [MaxFields]float64
	omb [MaxFields]float64 // 1 − b
	b   [MaxFields]float64
}

func newFieldParams(s Schema) fieldParams {
	fp := fieldParams{nf: len(s.Fields)}
	for f, fd := range s.Fields {
		fp.w[f], fp.omb[f], fp.b[f] = fd.Weight, 1-fd.B, fd.B
	}
	return fp
}

// seal turns the segment's postings into the search format (see
// postings.go) and fills their block maxima; lens are the segment's n × nf
// field lengths. It is the last step of building a segment: the postings are
// read in the build format, and the segment's data holds the search format
// afterwards.
func (s *segment) seal(fp *fieldParams, lens []uint16) {
	var boa [MaxFields]float64
	for f := 0; f < s.nf; f++ {
		avg := 1.0
		if s.n > 0 && s.sumLen[f] > 0 {
			avg = float64(s.sumLen[f]) / float64(s.n)
		}
		boa[f] = fp.b[f] / avg
	}
	s.boaRef = boa
	norm := newDocNorms(fp, &boa, &s.lens, lens, s.nf)
	// The search format takes at most about as much room as the build
	// format: one byte for most gaps either way, one for most frequencies,
	// plus a byte per block.
	data := make([]byte, 0, len(s.data)+len(s.data)/16+64)
	w := new(sealer)
	for ti := range s.terms {
		t := &s.terms[ti]
		t.bmax = uint32(len(s.bmax))
		raw, skips := s.postings(t)
		start := len(data)
		data, s.bmax, t.xmax = sealTerm(data, s.bmax, raw, skips, int(t.df), norm, w)
		t.off, t.size = uint64(start), uint32(len(data)-start)
	}
	if cap(data)-len(data) > len(data)/64 {
		data = append(make([]byte, 0, len(data)), data...) // give the estimate's excess back
	}
	s.data = data
}

// docNorms are the field normalizations of a segment's documents while it
// is sealed, w_f / (1 − b_f + b_f·len/avg_f), so a posting costs a multiply
// per field rather than a division: by length code (see lens.go), computed
// once per code, and for an escaped length from the length itself.
type docNorms struct {
	nf     int
	codes  []uint8
	lens   []uint16 // n × nf lengths, for escaped codes
	byCode [MaxFields][256]float64
	w, omb [MaxFields]float64
	boa    [MaxFields]float64
}

func newDocNorms(fp *fieldParams, boa *[MaxFields]float64, lc *lenCodes, lens []uint16, nf int) *docNorms {
	dn := &docNorms{nf: nf, codes: lc.codes, lens: lens, w: fp.w, omb: fp.omb, boa: *boa}
	for f := 0; f < nf; f++ {
		for c, l := range lc.table[f][:lc.ncode[f]] {
			dn.byCode[f][c] = dn.compute(f, l)
		}
	}
	return dn
}

func (dn *docNorms) compute(f int, l uint16) float64 {
	return dn.w[f] / (dn.omb[f] + dn.boa[f]*float64(l))
}

// norm is document d's normalization of field f.
func (dn *docNorms) norm(d uint32, f int) float64 {
	i := int(d)*dn.nf + f
	if c := dn.codes[i]; c != lenEscape {
		return dn.byCode[f][c]
	}
	return dn.compute(f, dn.lens[i])
}

// roundUp32 returns the least float32 at or above x.
func roundUp32(x float64) float32 {
	v := float32(x)
	if float64(v) < x {
		v = math.Nextafter32(v, float32(math.Inf(1)))
	}
	return v
}

// segmentScale is the factor that turns the segment's block maxima into
// bounds of x under the search's averages (see above).
func (sc *scorer) segmentScale(s *segment) float64 {
	scale := 1.0
	for f := 0; f < sc.nf; f++ {
		if sc.boa[f] > 0 {
			scale = max(scale, s.boaRef[f]/sc.boa[f])
		}
	}
	return scale
}

// bound turns a bound of x into one of a term's contribution.
func (sc *scorer) bound(x, qwIdf float64) float64 {
	// The margin covers rounding: the bound must never be below a score.
	return qwIdf * (x / (sc.k1 + x)) * (1 + 1e-9)
}

// blockUB is the bound of the cursor's block b, cached for the last block
// asked (windows are often shorter than a block).
func (c *cursor) blockUB(sc *scorer, b int) float64 {
	if b != c.bmBlk {
		c.bmBlk = b
		c.bmVal = min(c.ub, sc.bound(float64(c.bm[b])*c.scale, c.qwIdf))
	}
	return c.bmVal
}

// windowMax bounds the cursor's contribution to documents in [lo, hi]
// without moving it: the highest bound of the blocks that overlap the range
// from the cursor's position on.
func (c *cursor) windowMax(sc *scorer, lo, hi uint32) float64 {
	if c.doc > hi {
		return 0 // no posting in the window (or none left)
	}
	b := c.block()
	if c.doc < lo {
		b = c.findBlock(b, lo)
	}
	v := 0.0
	for {
		v = max(v, c.blockUB(sc, b))
		if v >= c.ub || c.blockLast(b) >= hi {
			return v
		}
		b++
	}
}
