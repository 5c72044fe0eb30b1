package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkLens decodes every length of lc and compares with lens.
func checkLens(t *testing.T, name string, lens []uint16, nf int, lc *lenCodes) {
	t.Helper()
	if len(lc.codes) != len(lens) {
		t.Fatalf("%s: %d codes for %d lengths", name, len(lc.codes), len(lens))
	}
	var buf [MaxFields]uint16
	for d := 0; d < len(lens)/nf; d++ {
		got := lc.docLens(uint32(d), nf, &buf)
		for f := 0; f < nf; f++ {
			want := lens[d*nf+f]
			if got[f] != want {
				t.Fatalf("%s: document %d field %d: docLens %d, want %d", name, d, f, got[f], want)
			}
			if l := lc.fieldLen(uint32(d), nf, f); l != want {
				t.Fatalf("%s: document %d field %d: fieldLen %d, want %d", name, d, f, l, want)
			}
		}
	}
}

func TestLenCodesRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	cases := []struct {
		name   string
		nf     int
		gen    func(d, f int) uint16
		n      int
		escMin int // escaped lengths expected at least
		escMax int // and at most
	}{
		{"empty", 3, nil, 0, 0, 0},
		{"one document", 1, func(d, f int) uint16 { return 7 }, 1, 0, 0},
		{"zeros", 3, func(d, f int) uint16 { return 0 }, 100, 0, 0},
		{"extremes", 7, func(d, f int) uint16 {
			return []uint16{0, 1, 254, 255, 256, math.MaxUint16 - 1, math.MaxUint16}[(d+f)%7]
		}, 70, 0, 0},
		{"255 distinct", 2, func(d, f int) uint16 { return uint16(d%255) * 200 }, 1000, 0, 0},
		// 256 lengths, each 4 times but 65535 once more: exactly one length
		// (the longest of the least frequent) has no code.
		{"256 distinct", 1, func(d, f int) uint16 {
			if d == 1024 {
				return math.MaxUint16
			}
			if d%256 == 255 {
				return math.MaxUint16
			}
			return uint16(d % 256)
		}, 1025, 4, 4},
		{"many distinct", 3, func(d, f int) uint16 {
			if f == 1 {
				return uint16(r.IntN(2000)) // about 2000 lengths: most escape
			}
			return uint16(r.IntN(40))
		}, 5000, 1000, 5000},
		{"skewed", 3, func(d, f int) uint16 {
			// Frequent short lengths and a long tail: only the tail escapes.
			if r.IntN(100) == 0 {
				return uint16(1000 + r.IntN(60000))
			}
			return uint16(r.IntN(250))
		}, 20000, 1, 2000},
	}
	for _, tc := range cases {
		lens := make([]uint16, tc.n*tc.nf)
		for d := 0; d < tc.n; d++ {
			for f := 0; f < tc.nf; f++ {
				lens[d*tc.nf+f] = tc.gen(d, f)
			}
		}
		lc := encodeLens(lens, tc.nf)
		checkLens(t, tc.name, lens, tc.nf, &lc)
		if len(lc.esc) < tc.escMin || len(lc.esc) > tc.escMax {
			t.Errorf("%s: %d escaped lengths, want %d to %d", tc.name, len(lc.esc), tc.escMin, tc.escMax)
		}
		for i := 1; i < len(lc.esc); i++ {
			if lc.esc[i] <= lc.esc[i-1] {
				t.Fatalf("%s: escapes out of order at %d", tc.name, i)
			}
		}
		// A field's table is in ascending order of lengths.
		for f := 0; f < tc.nf; f++ {
			for c := 1; c < lenEscape; c++ {
				if lc.table[f][c] != 0 && lc.table[f][c] <= lc.table[f][c-1] {
					t.Fatalf("%s: field %d: table not ascending at code %d", tc.name, f, c)
				}
			}
		}
	}
}

// The escape is taken by the least frequent length, the longer among equally
// frequent ones, whatever order the documents come in.
func TestLenCodesEscapeChoice(t *testing.T) {
	t.Parallel()
	lens := make([]uint16, 0, 600)
	for l := 0; l < 255; l++ {
		lens = append(lens, uint16(l), uint16(l))
	}
	lens = append(lens, 300) // 256 distinct: 300 once, the others twice
	lc := encodeLens(lens, 1)
	checkLens(t, "256 distinct, one rare", lens, 1, &lc)
	if len(lc.esc) != 1 || lc.escL[0] != 300 {
		t.Fatalf("escaped %v (lengths %v), want only 300", lc.esc, lc.escL)
	}
	lens = append(lens[:510], 255, 255) // 256 lengths, each twice: the longest escapes
	lc = encodeLens(lens, 1)
	checkLens(t, "256 distinct", lens, 1, &lc)
	if len(lc.esc) != 2 || lc.escL[0] != 255 || lc.escL[1] != 255 {
		t.Fatalf("escaped %v (lengths %v), want the two 255s", lc.esc, lc.escL)
	}
}

// Documents with long descriptions of varied lengths, so segments have more
// than 255 distinct lengths in a field and escape some: searches still score
// as the plain formula, built at once, written in batches (merges decode and
// re-encode lengths) and after updates and deletions.
func TestSearchEscapedLengthsMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	a := plainAnalyzer()
	docs := randDocs(r, 2500, "d")
	for i := range docs {
		docs[i].Fields[FieldDescription] = randText(r, 900)
	}
	bf := newBF(a, DefaultSchema(), docs)
	built, batched := builtAndBatched(t, r, a, docs, 300)
	for name, ix := range map[string]*Index{"built": built, "batched": batched} {
		esc := 0
		for _, s := range ix.snap.Load().segs {
			esc += len(s.lens.esc)
		}
		if esc == 0 {
			t.Fatalf("%s: no escaped length: the test does not test them", name)
		}
	}
	compacted := newTestIndex(t, a)
	for _, part := range [][]Doc{docs[:1000], docs[1000:]} {
		if err := compacted.Put(part...); err != nil {
			t.Fatal(err)
		}
	}
	compacted.Compact()
	if st := compacted.Stats(); st.Segments != 1 {
		t.Fatalf("compacted: %+v", st)
	}
	for qi, text := range randQueries(r, 120) {
		q := a.Query(text)
		want := bf.search(q, 20, nil)
		for name, ix := range map[string]*Index{"built": built, "batched": batched, "compacted": compacted} {
			for _, exh := range []bool{false, true} {
				got := ix.Search(q, SearchOptions{K: 20, Exhaustive: exh})
				if err := sameHits(got, want); err != nil {
					t.Fatalf("query %d %q %s exhaustive=%v: %v", qi, text, name, exh, err)
				}
			}
		}
	}
}

// A segment's scorer by length codes gives every posting the same
// contribution, bit for bit, as the scorer given the decoded lengths,
// escaped lengths included.
func TestSegScorerMatchesScorer(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 14))
	a := plainAnalyzer()
	docs := randDocs(r, 1500, "d")
	for i := range docs {
		docs[i].Fields[FieldDescription] = randText(r, 900)
		if i%3 == 0 {
			docs[i].Fields[FieldTitle] = randText(r, 400)
		}
	}
	ix := newTestIndex(t, a)
	for _, part := range [][]Doc{docs[:700], docs[700:]} { // two segments
		if err := ix.Put(part...); err != nil {
			t.Fatal(err)
		}
	}
	sn := ix.snap.Load()
	sc := &scorer{k1: ix.schema.K1, nf: len(ix.schema.Fields)}
	for f, fd := range ix.schema.Fields {
		sc.w[f], sc.omb[f], sc.boa[f] = fd.Weight, 1-fd.B, fd.B/(float64(sn.sumLen[f])/float64(sn.maxDoc))
	}
	tabs, segTabs := sn.normTables(sc)
	sc.useTables(tabs)
	escaped, postings := 0, 0
	for si, seg := range sn.segs {
		ssc := newSegScorer(sc, segTabs[si], seg)
		for ti := range seg.terms {
			info := &seg.terms[ti]
			var c cursor
			data, skips := seg.postings(info)
			c.init(data, skips, int(info.df))
			c.qwIdf = 0.5 + float64(ti%7)
			for ; c.doc != endDoc; c.next() {
				var lb [MaxFields]uint16
				lens := seg.lens.docLens(c.doc, seg.nf, &lb)
				codes := seg.lens.codes[int(c.doc)*seg.nf : int(c.doc+1)*seg.nf]
				want := sc.contrib(&c, lens)
				if got := ssc.contrib(&c, c.doc, codes); got != want {
					t.Fatalf("segment %d term %d document %d (codes %v, lengths %v, code %#x): %v, want %v",
						si, ti, c.doc, codes, lens, c.codes[c.i], got, want)
				}
				postings++
				for f := range seg.nf {
					if c.fmask&(1<<f) != 0 && codes[f] == lenEscape {
						escaped++
						break
					}
				}
			}
		}
	}
	if escaped == 0 {
		t.Fatalf("none of %d postings has an escaped length: the test does not test them", postings)
	}
	t.Logf("%d postings, %d with an escaped length", postings, escaped)
}
