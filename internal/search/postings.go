package search

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Postings format. A term's postings in a segment are one byte string: for
// each document in ascending ordinal order, the uvarint gap from the previous
// ordinal (the first gap is the ordinal itself), then its term frequencies:
// one byte field<<4|tf when the term occurs in a single field at most 15
// times (the common case), otherwise 0x80|fieldMask followed by one byte per
// field in the mask (frequencies saturate at 255). Every blockSize postings a
// skip entry records the last ordinal of the block and the byte offset where
// the next block starts, so a cursor can jump over blocks. Every block also
// has a bound on the scores of its postings (see blockmax.go), so a search
// can pass over blocks that cannot reach the top k.
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
	if t.df > 0 && t.df%blockSize == 0 {
		t.skips = append(t.skips, t.last, uint32(len(t.buf)))
	}
	gap := doc
	if t.df > 0 {
		gap = doc - t.last
	}
	t.buf = binary.AppendUvarint(t.buf, uint64(gap))
	var mask uint8
	for f, tf := range tfs {
		if tf > 0 {
			mask |= 1 << f
		}
	}
	if bits.OnesCount8(mask) == 1 {
		f := bits.TrailingZeros8(mask)
		if tfs[f] <= 15 {
			t.buf = append(t.buf, byte(f<<4)|tfs[f])
		} else {
			t.buf = append(t.buf, 0x80|mask, tfs[f])
		}
	} else {
		t.buf = append(t.buf, 0x80|mask)
		for _, tf := range tfs {
			if tf > 0 {
				t.buf = append(t.buf, tf)
			}
		}
	}
	for f, tf := range tfs {
		if tf > 0 {
			t.addFront(f, tf, lens[f])
		}
	}
	t.last = doc
	t.df++
}

func (t *termBuf) addFront(f int, tf uint8, l uint16) {
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

// cursor iterates one term's postings within a segment.
type cursor struct {
	data  []byte
	skips []uint32
	pos   int
	df    int
	read  int // postings decoded so far
	doc   uint32
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
}

func (c *cursor) init(data []byte, skips []uint32, df int) {
	c.data, c.skips, c.df = data, skips, df
	c.pos, c.read, c.doc = 0, 0, 0
	c.next()
}

// next moves to the following posting, or sets doc to endDoc.
func (c *cursor) next() {
	if c.read == c.df {
		c.doc = endDoc
		return
	}
	var gap uint64
	if b := c.data[c.pos]; b < 0x80 { // most gaps fit one byte
		gap = uint64(b)
		c.pos++
	} else {
		var n int
		gap, n = binary.Uvarint(c.data[c.pos:])
		c.pos += n
	}
	if c.read == 0 {
		c.doc = uint32(gap)
	} else {
		c.doc += uint32(gap)
	}
	c.read++
	b := c.data[c.pos]
	c.pos++
	if b < 0x80 {
		f := b >> 4
		c.fmask = 1 << f
		c.tfs[f] = b & 15
		return
	}
	c.fmask = b & 0x7f
	for m := c.fmask; m != 0; m &= m - 1 {
		c.tfs[bits.TrailingZeros8(m)] = c.data[c.pos]
		c.pos++
	}
}

// advance moves to the first posting at or after target.
func (c *cursor) advance(target uint32) {
	if c.doc >= target {
		return
	}
	if target == endDoc {
		c.doc, c.read = endDoc, c.df
		return
	}
	// Skip whole blocks: the block being read is (read-1)/blockSize; entry b
	// describes the end of block b.
	blk := c.block()
	if lo := c.findBlock(blk, target); lo > blk {
		// Continue right after block lo-1.
		c.doc = c.skips[2*(lo-1)]
		c.pos = int(c.skips[2*(lo-1)+1])
		c.read = lo * blockSize
	}
	// Walk the postings before target reading only their gaps, and the
	// frequencies of the one reached. c.read > 0 here: the cursor was
	// initialized on its first posting, or jumped past a block.
	data, pos, doc, read := c.data, c.pos, c.doc, c.read
	for {
		if read == c.df {
			c.doc, c.read, c.pos = endDoc, read, pos
			return
		}
		if b := data[pos]; b < 0x80 {
			doc += uint32(b)
			pos++
		} else {
			gap, n := binary.Uvarint(data[pos:])
			doc += uint32(gap)
			pos += n
		}
		read++
		if doc >= target {
			break
		}
		if b := data[pos]; b < 0x80 {
			pos++
		} else {
			pos += 1 + bits.OnesCount8(b&0x7f)
		}
	}
	c.doc, c.read = doc, read
	b := data[pos]
	pos++
	if b < 0x80 {
		f := b >> 4
		c.fmask = 1 << f
		c.tfs[f] = b & 15
		c.pos = pos
		return
	}
	c.fmask = b & 0x7f
	for m := c.fmask; m != 0; m &= m - 1 {
		c.tfs[bits.TrailingZeros8(m)] = data[pos]
		pos++
	}
	c.pos = pos
}

// block is the number of the block holding the current posting.
func (c *cursor) block() int { return (c.read - 1) / blockSize }

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
