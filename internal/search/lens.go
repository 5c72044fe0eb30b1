package search

import (
	"cmp"
	"slices"
)

// Field lengths. A search reads the field lengths of every candidate it
// scores, at ordinals spread over the whole segment, so their size decides
// how many cache lines a search touches (at a million documents that load is
// the largest single cost of scoring). A finished segment keeps them in one
// byte per field, like Lucene's norms, but exactly: each field has its own
// table of up to 255 lengths, the most frequent in the segment, and a
// document's byte is the position of its length there (in ascending order of
// lengths), or lenEscape for a length the table lacks, which is then found in
// a short sorted list. Most fields have fewer than 255 distinct lengths and
// need no escape at all; a field of long, varied texts escapes only its
// rarest lengths. Scores are the same as with the lengths themselves.
//
// A segment under construction keeps the lengths as they are (segBuilder);
// finish encodes them.

// lenEscape is the length code of a length found in the segment's escapes.
const lenEscape = 255

// lenCodes is a segment's encoded field lengths.
type lenCodes struct {
	codes []uint8                // n × nf
	table [MaxFields][256]uint16 // field, code → length (lenEscape unused)
	ncode [MaxFields]int         // codes in use: table[f][:ncode[f]]
	esc   []uint32               // ordinal×nf + field of the escaped lengths, ascending
	escL  []uint16               // their lengths
}

// encodeLens encodes n × nf field lengths.
func encodeLens(lens []uint16, nf int) lenCodes {
	var lc lenCodes
	lc.codes = make([]uint8, len(lens))
	if len(lens) == 0 {
		return lc
	}
	for f := 0; f < nf; f++ {
		maxL := uint16(0)
		for i := f; i < len(lens); i += nf {
			maxL = max(maxL, lens[i])
		}
		counts := make([]uint32, int(maxL)+1)
		for i := f; i < len(lens); i += nf {
			counts[lens[i]]++
		}
		var present []uint16
		for l, c := range counts {
			if c > 0 {
				present = append(present, uint16(l))
			}
		}
		if len(present) > lenEscape {
			// The most frequent lengths get codes, the shorter first
			// among equally frequent ones (a fixed choice, so encoding is
			// reproducible).
			slices.SortStableFunc(present, func(a, b uint16) int { return cmp.Compare(counts[b], counts[a]) })
			present = present[:lenEscape]
			slices.Sort(present)
		}
		code := make([]uint8, int(maxL)+1)
		for i := range code {
			code[i] = lenEscape
		}
		for c, l := range present {
			code[l] = uint8(c)
			lc.table[f][c] = l
		}
		lc.ncode[f] = len(present)
		for i := f; i < len(lens); i += nf {
			lc.codes[i] = code[lens[i]]
		}
	}
	for i, c := range lc.codes {
		if c == lenEscape {
			lc.esc = append(lc.esc, uint32(i))
			lc.escL = append(lc.escL, lens[i])
		}
	}
	return lc
}

// fieldLen returns field f's length in document d.
func (lc *lenCodes) fieldLen(d uint32, nf, f int) uint16 {
	i := int(d)*nf + f
	if c := lc.codes[i]; c != lenEscape {
		return lc.table[f][c]
	}
	j, _ := slices.BinarySearch(lc.esc, uint32(i))
	return lc.escL[j]
}

// docLens decodes document d's nf field lengths into dst and returns them.
func (lc *lenCodes) docLens(d uint32, nf int, dst *[MaxFields]uint16) []uint16 {
	codes := lc.codes[int(d)*nf : int(d+1)*nf]
	for f, c := range codes {
		if c != lenEscape {
			dst[f] = lc.table[f][c]
		} else {
			dst[f] = lc.fieldLen(d, nf, f)
		}
	}
	return dst[:nf]
}

// bytes is the memory the encoding takes.
func (lc *lenCodes) bytes() int64 {
	return int64(len(lc.codes)) + 2*256*MaxFields + 6*int64(len(lc.esc))
}

// codeTables are a segment's field normalizations by length code, for one
// snapshot's averages: what the scorer's tables hold for the code's length
// (so scores are the same), read without decoding the length.
type codeTables struct {
	norm [MaxFields]*[256]float64 // field, code → fieldNorm
	sat1 [MaxFields]*[256]float64 // field, code → x/(k1+x) of a lone frequency-1 posting
}

func newCodeTables(sc *scorer, lc *lenCodes) *codeTables {
	t := &codeTables{}
	all := make([][256]float64, 2*sc.nf)
	for f := 0; f < sc.nf; f++ {
		t.norm[f], t.sat1[f] = &all[2*f], &all[2*f+1]
		for c, l := range lc.table[f][:lc.ncode[f]] {
			n := sc.fieldNorm(f, l)
			t.norm[f][c] = n
			t.sat1[f][c] = n / (sc.k1 + n)
		}
	}
	return t
}
