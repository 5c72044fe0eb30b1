package search

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Postings formats. A term's postings in a segment are one byte string,
// cut into blocks of blockSize postings in ascending ordinal order; every
// block but the last has a skip entry: the last ordinal of the block and the
// byte offset where the next block starts, so a cursor can jump over blocks.
// Every block also has a bound on the scores of its postings (see
// blockmax.go), so a search can pass over blocks that cannot reach the top k.
//
// While a segment is built (termBuf) the postings are written as they come,
// one after the other: the uvarint gap from the previous ordinal (the first
// gap is the ordinal itself), then the term frequencies: one byte
// field<<4|tf when the term occurs in a single field at most 15 times (the
// common case), otherwise 0x80|fieldMask followed by one byte per field in
// the mask (frequencies saturate at 255).
//
// A finished segment is sealed (sealTerm) into the search format, which a
// cursor reads a block at a time: one byte w, the width of the block's gaps;
// the n gaps, w little-endian bytes each (the first from the last ordinal of
// the previous block, or from 0); then n frequency codes, one byte each;
// then the escapes of the codes that need them. A code is field<<4|tf as
// above, or 0x80|t0<<4|t1<<2|t2 for a term in several of the fields 0 to 2
// at most 3 times in each, or codeEscape, whose field mask and frequencies
// (a byte each) follow in the escapes, in posting order. So a cursor decodes
// a block's ordinals in one tight loop, skips to a target by comparing
// integers, and reads the frequencies of the postings it scores only.
const (
	blockSize = 128
	maxTF     = 255
	maxLen    = math.MaxUint16
	endDoc    = math.MaxUint32
)

// termBuf accumulates one term's postings while a segment is built.
type termBuf struct {
	buf   []byte
	skips []uint32 // pairs: last ordinal of a block, offset of the next block
	front []uint32 // length-normalization frontier, see frontEntry
	last  uint32
	df    uint32
	// frontMin[f] is 1 + the shortest length of the frontier's entries in
	// field f, 0 when it has none: a frequency-1 posting no shorter is
	// dominated (every entry has a frequency of at least 1).
	frontMin [MaxFields]uint32
}

// frontEntry packs (field, tf, field length) of a posting that no other
// posting of the term beats in that field (higher or equal tf with shorter or
// equal length). The best score any posting can reach in a field is reached
// by one of these, whatever the collection's average lengths are, which makes
// per-term upper bounds exact enough for pruning without recomputing them as
// the index grows.
func frontEntry(field int, tf uint8, l uint16) uint32 {
	return uint32(field)<<24 | uint32(tf)<<16 | uint32(l)
}

func frontParts(e uint32) (field int, tf uint8, l uint16) {
	return int(e >> 24), uint8(e >> 16), uint16(e)
}

// add appends a posting for doc with the given per-field frequencies (fields
// where tfs is zero are absent) and field lengths.
func (t *termBuf) add(doc uint32, tfs *[MaxFields]uint8, lens []uint16) {
	gap := doc
	if t.df > 0 {
		if t.df%blockSize == 0 {
			t.skips = append(t.skips, t.last, uint32(len(t.buf)))
		}
		gap = doc - t.last
	}
	var mask uint8
	for f, tf := range tfs {
		if tf > 0 {
			mask |= 1 << f
		}
	}
	if mask != 0 && mask&(mask-1) == 0 { // one field: the common case
		f := bits.TrailingZeros8(mask)
		tf := tfs[f]
		switch {
		case gap < 0x80 && tf <= 15:
			t.buf = append(t.buf, byte(gap), byte(f<<4)|tf)
		case tf <= 15:
			t.buf = binary.AppendUvarint(t.buf, uint64(gap))
			t.buf = append(t.buf, byte(f<<4)|tf)
		default:
			t.buf = binary.AppendUvarint(t.buf, uint64(gap))
			t.buf = append(t.buf, 0x80|mask, tf)
		}
		t.addFront(f, tf, lens[f])
	} else {
		t.buf = binary.AppendUvarint(t.buf, uint64(gap))
		t.buf = append(t.buf, 0x80|mask)
		for f, tf := range tfs {
			if tf > 0 {
				t.buf = append(t.buf, tf)
				t.addFront(f, tf, lens[f])
			}
		}
	}
	t.last = doc
	t.df++
}

func (t *termBuf) addFront(f int, tf uint8, l uint16) {
	if tf == 1 && uint32(l) >= t.frontMin[f] && t.frontMin[f] > 0 {
		return // the common case, decided without a walk
	}
	// Entries are only ever replaced by shorter or equally long ones, so
	// the shortest length only decreases.
	if t.frontMin[f] == 0 || uint32(l)+1 < t.frontMin[f] {
		t.frontMin[f] = uint32(l) + 1
	}
	w := t.front[:0]
	for _, e := range t.front {
		ef, etf, el := frontParts(e)
		if ef == f {
			if etf >= tf && el <= l {
				return // an existing posting dominates: nothing to change
			}
			if tf >= etf && l <= el {
				continue // the new posting dominates this one
			}
		}
		w = append(w, e)
	}
	t.front = append(w, frontEntry(f, tf, l))
}

// codeEscape is the frequency code of a posting whose field mask and
// frequencies are in the block's escapes.
const codeEscape = 0xC0

// freqCode is the search format's frequency code of a posting in several
// fields, or in one more than 15 times.
func freqCode(fmask uint8, tfs *[MaxFields]uint8) byte {
	if fmask&(fmask-1) != 0 && fmask&^7 == 0 {
		var t [3]uint8
		for f := range t {
			if fmask&(1<<f) != 0 {
				t[f] = tfs[f]
			}
		}
		if t[0] <= 3 && t[1] <= 3 && t[2] <= 3 {
			return 0x80 | t[0]<<4 | t[1]<<2 | t[2]
		}
	}
	return codeEscape
}

// sealer collects a block of postings and writes it in the search format.
type sealer struct {
	n     int
	docs  [blockSize]uint32
	codes [blockSize]byte
	esc   []byte
}

// flush appends the collected block, whose previous ordinal is base (0 for
// the first block), to dst and empties the sealer.
func (w *sealer) flush(dst []byte, base uint32) []byte {
	docs := w.docs[:w.n]
	maxGap, prev := uint32(0), base
	for _, d := range docs {
		maxGap = max(maxGap, d-prev)
		prev = d
	}
	width := 1
	switch {
	case maxGap > 0xffffff:
		width = 4
	case maxGap > 0xffff:
		width = 3
	case maxGap > 0xff:
		width = 2
	}
	dst = append(dst, byte(width))
	prev = base
	switch width {
	case 1:
		for _, d := range docs {
			dst = append(dst, byte(d-prev))
			prev = d
		}
	case 2:
		for _, d := range docs {
			dst = binary.LittleEndian.AppendUint16(dst, uint16(d-prev))
			prev = d
		}
	case 3:
		for _, d := range docs {
			g := d - prev
			dst = append(dst, byte(g), byte(g>>8), byte(g>>16))
			prev = d
		}
	default:
		for _, d := range docs {
			dst = binary.LittleEndian.AppendUint32(dst, d-prev)
			prev = d
		}
	}
	dst = append(dst, w.codes[:w.n]...)
	dst = append(dst, w.esc...)
	w.n, w.esc = 0, w.esc[:0]
	return dst
}

// sealTerm appends one term's postings, read from the build format, to dst
// in the search format, and rewrites the byte offsets of its skip entries
// (relative to the term's start in dst) in place. When norm is not nil
// (the documents' field normalizations, see segment.seal) it also
// appends the block maxima of x to bmax and returns the highest; w is
// scratch.
func sealTerm(dst []byte, bmax []float32, raw []byte, skips []uint32, df int, norm *docNorms, w *sealer) ([]byte, []float32, float32) {
	start := len(dst)
	base, doc := uint32(0), uint32(0)
	best, tbest := 0.0, 0.0
	var tfs [MaxFields]uint8
	pos := 0
	for i := range df {
		if b := raw[pos]; b < 0x80 {
			doc += uint32(b)
			pos++
		} else {
			gap, n := binary.Uvarint(raw[pos:])
			doc += uint32(gap)
			pos += n
		}
		code := raw[pos] // one field at most 15 times: the same code
		pos++
		x := 0.0
		if code < 0x80 {
			if norm != nil {
				x = float64(code&15) * norm.norm(doc, int(code>>4))
			}
		} else {
			mask := code & 0x7f
			for m := mask; m != 0; m &= m - 1 {
				tfs[bits.TrailingZeros8(m)] = raw[pos]
				pos++
			}
			if code = freqCode(mask, &tfs); code == codeEscape {
				w.esc = append(w.esc, mask)
				for m := mask; m != 0; m &= m - 1 {
					w.esc = append(w.esc, tfs[bits.TrailingZeros8(m)])
				}
			}
			if norm != nil {
				for m := mask; m != 0; m &= m - 1 {
					f := bits.TrailingZeros8(m)
					x += float64(tfs[f]) * norm.norm(doc, f)
				}
			}
		}
		best = max(best, x)
		w.docs[w.n], w.codes[w.n] = doc, code
		w.n++
		if w.n == blockSize || i == df-1 {
			b := i / blockSize
			dst = w.flush(dst, base)
			base = doc
			if 2*b+1 < len(skips) {
				skips[2*b+1] = uint32(len(dst) - start)
			}
			if norm != nil {
				bmax = append(bmax, roundUp32(best*(1+1e-12)))
				tbest = max(tbest, best)
				best = 0
			}
		}
	}
	return dst, bmax, roundUp32(tbest * (1 + 1e-12))
}

// cursor iterates one term's postings within a segment, in the search
// format, a decoded block at a time.
type cursor struct {
	data  []byte
	skips []uint32
	df    int
	nblk  int    // blocks
	blk   int    // the block decoded into docs
	n     int    // its postings
	i     int    // the current posting's index in it; n past the last
	doc   uint32 // the current posting's ordinal, endDoc past the last
	codes []byte // the block's frequency codes
	esc   []byte // the block's escapes
	escI  int    // the escapes of codes[:escI] take
	escE  int    // esc[:escE]

	// The current posting's fields and frequencies, filled by init, next
	// and advance (not by step and seek, which the search uses: it reads
	// the codes of the postings it scores only, see scorer.contrib).
	fmask uint8
	tfs   [MaxFields]uint8

	term  int     // index into the query's resolved terms
	qwIdf float64 // query weight × idf
	ub    float64 // upper bound of this term's contribution in the segment

	bm    []float32 // block maxima of the segment's x (see blockmax.go)
	scale float64   // what turns them into bounds of this search's x
	bmBlk int       // the block whose bound bmVal caches, or -1
	bmVal float64   //
	wmax  float64   // bound within the current window of the search
	cost  float64   // postings per unit of wmax, see partitionByCost

	docs [blockSize + 1]uint32 // the block's ordinals, then endDoc
}

// init positions the cursor on the first posting of data (a term's
// postings in the search format), with its frequencies.
func (c *cursor) init(data []byte, skips []uint32, df int) {
	c.data, c.skips, c.df = data, skips, df
	c.nblk = (df + blockSize - 1) / blockSize
	if df == 0 {
		c.blk, c.n, c.i, c.doc = 0, 0, 0, endDoc
		return
	}
	c.load(0)
	c.doc = c.docs[0]
	c.loadFreqs()
}

// load decodes block b and positions the cursor on its first posting
// (without setting doc).
func (c *cursor) load(b int) {
	off, base := 0, uint32(0)
	if b > 0 {
		base, off = c.skips[2*b-2], int(c.skips[2*b-1])
	}
	end := len(c.data)
	if 2*b+1 < len(c.skips) {
		end = int(c.skips[2*b+1])
	}
	n := blockSize
	if b == c.nblk-1 {
		n = c.df - b*blockSize
	}
	blk := c.data[off:end]
	w := int(blk[0])
	docs := c.docs[:n]
	d := base
	switch w {
	case 1:
		g := blk[1 : 1+n]
		g = g[:len(docs)]
		for j := range docs {
			d += uint32(g[j])
			docs[j] = d
		}
	case 2:
		g := blk[1 : 1+2*n]
		for j := range docs {
			d += uint32(binary.LittleEndian.Uint16(g[2*j:]))
			docs[j] = d
		}
	case 3:
		g := blk[1 : 1+3*n]
		for j := range docs {
			d += uint32(g[3*j]) | uint32(g[3*j+1])<<8 | uint32(g[3*j+2])<<16
			docs[j] = d
		}
	default:
		g := blk[1 : 1+4*n]
		for j := range docs {
			d += binary.LittleEndian.Uint32(g[4*j:])
			docs[j] = d
		}
	}
	c.docs[n] = endDoc
	p := 1 + n*w
	c.codes = blk[p : p+n]
	c.esc = blk[p+n:]
	c.escI, c.escE = 0, 0
	c.blk, c.n, c.i = b, n, 0
}

// step moves to the following posting, or sets doc to endDoc.
func (c *cursor) step() {
	c.i++
	if c.i < c.n {
		c.doc = c.docs[c.i]
		return
	}
	if c.blk+1 < c.nblk {
		c.load(c.blk + 1)
		c.doc = c.docs[0]
		return
	}
	c.i, c.doc = c.n, endDoc
}

// seek moves to the first posting at or after target.
func (c *cursor) seek(target uint32) {
	if c.doc >= target {
		return
	}
	if target == endDoc {
		c.blk, c.i, c.doc = c.nblk-1, c.n, endDoc
		return
	}
	// docs[n] is endDoc, and only the last block can end before target.
	if b := c.findBlock(c.blk, target); b > c.blk {
		c.load(b)
		lo, hi := 0, c.n // binary search in a new block
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if c.docs[mid] < target {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		c.i, c.doc = lo, c.docs[lo]
		return
	}
	i := c.i // a short walk in the current one
	for c.docs[i] < target {
		i++
	}
	c.i, c.doc = i, c.docs[i]
}

// next moves to the following posting and reads its frequencies.
func (c *cursor) next() {
	c.step()
	c.loadFreqs()
}

// advance moves to the first posting at or after target and reads its
// frequencies.
func (c *cursor) advance(target uint32) {
	c.seek(target)
	c.loadFreqs()
}

// loadFreqs fills fmask and tfs from the current posting's code.
func (c *cursor) loadFreqs() {
	if c.doc == endDoc {
		return
	}
	code := c.codes[c.i]
	switch {
	case code < 0x80:
		f := code >> 4
		c.fmask = 1 << f
		c.tfs[f] = code & 15
	case code < codeEscape:
		c.fmask = 0
		for f := range 3 {
			if t := code >> (4 - 2*f) & 3; t > 0 {
				c.fmask |= 1 << f
				c.tfs[f] = t
			}
		}
	default:
		e := c.escape()
		c.fmask = c.esc[e]
		for m := c.fmask; m != 0; m &= m - 1 {
			e++
			c.tfs[bits.TrailingZeros8(m)] = c.esc[e]
		}
	}
}

// escape returns where the current posting's escape starts in esc: after
// those of the escaped codes before it, counted from where the last call
// stopped (the cursor only moves forward within a block).
func (c *cursor) escape() int {
	for ; c.escI < c.i; c.escI++ {
		if c.codes[c.escI] >= codeEscape {
			c.escE += 1 + bits.OnesCount8(c.esc[c.escE])
		}
	}
	return c.escE
}

// block is the number of the block holding the current posting.
func (c *cursor) block() int { return c.blk }

// findBlock returns the first block from blk on whose last ordinal is at or
// after target (the last block when none).
func (c *cursor) findBlock(blk int, target uint32) int {
	nb := len(c.skips) / 2
	if blk >= nb || c.skips[2*blk] >= target {
		return blk
	}
	lo, hi := blk+1, nb
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if c.skips[2*mid] < target {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// blockLast is the last ordinal of block b, or endDoc-1 for the last block
// (whose end the skips do not record).
func (c *cursor) blockLast(b int) uint32 {
	if b < len(c.skips)/2 {
		return c.skips[2*b]
	}
	return endDoc - 1
}

// bitset is a fixed-size set of ordinals.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) set(i uint32)      { b[i>>6] |= 1 << (i & 63) }
