package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPartitionByCost checks the window split of Block-Max MaxScore: the
// non-essential cursors come first, ascending by window bound, and their
// bounds add up to less than theta (so a document with none of the others
// cannot reach it); every cursor appears once; and no left-over cursor with
// postings in the window would still fit below theta.
func TestPartitionByCost(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 2000; trial++ {
		m := 1 + r.IntN(20)
		curs := make([]cursor, m)
		order := make([]*cursor, m)
		total := 0.0
		for i := range curs {
			curs[i].df = 1 + r.IntN(100000)
			if r.IntN(5) > 0 {
				curs[i].wmax = r.Float64() * 3
			}
			total += curs[i].wmax
			order[i] = &curs[i]
		}
		theta := r.Float64() * total * 1.1
		win := make([]*cursor, m)
		n := partitionByCost(win, order, theta)
		seen := map[*cursor]bool{}
		for _, c := range win {
			if seen[c] || c == nil {
				t.Fatalf("trial %d: cursor repeated or missing in %v", trial, win)
			}
			seen[c] = true
		}
		sum := 0.0
		for i, c := range win[:n] {
			sum += c.wmax
			if i > 0 && c.wmax < win[i-1].wmax {
				t.Fatalf("trial %d: non-essential cursors not ascending by bound", trial)
			}
		}
		if n > 0 && !(sum < theta) {
			t.Fatalf("trial %d: non-essential bounds add up to %v, theta %v", trial, sum, theta)
		}
		for _, c := range win[n:] {
			if sum+c.wmax < theta {
				t.Fatalf("trial %d: essential cursor (bound %v) would still fit: %v + it < %v", trial, c.wmax, sum, theta)
			}
		}
	}
}

// TestNormTables checks that the tabulated field normalizations give
// exactly the contributions computed without them, for lengths inside and
// beyond the tables, single and multiple fields, all frequencies; and that
// contributions read from the search format's frequency codes (one field,
// several packed, escaped) are exactly those of the frequencies written.
func TestNormTables(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	plain := &scorer{k1: 1.2, nf: 3}
	for f, fd := range DefaultSchema().Fields {
		plain.w[f], plain.omb[f], plain.boa[f] = fd.Weight, 1-fd.B, fd.B/(5+r.Float64()*100)
	}
	tab := *plain
	tab.useTables(newNormTables(plain))
	const n = 200000
	type post struct {
		fmask uint8
		tfs   [MaxFields]uint8
		lens  []uint16
		qwIdf float64
	}
	posts := make([]post, n)
	var tb termBuf
	for d := range posts {
		p := &posts[d]
		p.qwIdf = r.Float64() * 5
		p.fmask = uint8(1 + r.IntN(7))
		p.lens = make([]uint16, 3)
		for f := range 3 {
			if p.fmask&(1<<f) != 0 {
				p.tfs[f] = uint8(1 + r.IntN([]int{1, 3, 15, 255}[r.IntN(4)]))
			}
			p.lens[f] = uint16(r.IntN([]int{normTableLen, 2 * normTableLen, math.MaxUint16 + 1}[r.IntN(3)]))
		}
		tb.add(uint32(d), &p.tfs, p.lens)
	}
	data, skips := sealBuf(&tb)
	var c cursor
	c.init(data, skips, n)
	for d := range posts {
		p := &posts[d]
		x := 0.0
		for f := range 3 {
			if p.fmask&(1<<f) != 0 {
				x += float64(p.tfs[f]) * plain.computeNorm(f, p.lens[f])
			}
		}
		want := p.qwIdf * (x / (plain.k1 + x))
		if got := tab.contribTFs(p.qwIdf, p.fmask, &p.tfs, p.lens); got != want {
			t.Fatalf("mask %b tfs %v lens %v: %v with tables, %v without", p.fmask, p.tfs[:3], p.lens, got, want)
		}
		if got := plain.contribTFs(p.qwIdf, p.fmask, &p.tfs, p.lens); got != want {
			t.Fatalf("mask %b tfs %v lens %v: %v, want %v", p.fmask, p.tfs[:3], p.lens, got, want)
		}
		if c.doc != uint32(d) {
			t.Fatalf("cursor at %d, want %d", c.doc, d)
		}
		c.qwIdf = p.qwIdf
		for _, sc := range []*scorer{plain, &tab} {
			if got := sc.contrib(&c, p.lens); got != want {
				t.Fatalf("code %#x for mask %b tfs %v lens %v: %v, want %v", c.codes[c.i], p.fmask, p.tfs[:3], p.lens, got, want)
			}
		}
		c.step()
	}
}

// TestLongQueriesMatchBruteForce runs long queries (many terms of every
// document frequency, where the window splits of partitionByCost differ most
// from plain MaxScore's) against the brute-force scorer, at several k.
func TestLongQueriesMatchBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	a := plainAnalyzer()
	docs := randDocs(r, 6000, "d")
	bf := newBF(a, DefaultSchema(), docs)
	ix := newTestIndex(t, a)
	if err := ix.Build(docs); err != nil {
		t.Fatal(err)
	}
	ix.parallelMin = 1 // the parallel path too, with its shared threshold
	for qi := 0; qi < 80; qi++ {
		text := randText(r, 20+r.IntN(40))
		q := a.Query(text)
		if q.Empty() {
			continue
		}
		for _, k := range []int{1, 5, 20, 100} {
			want := bf.search(q, k, nil)
			got := ix.Search(q, SearchOptions{K: k})
			if err := sameHits(got, want); err != nil {
				t.Fatalf("query %d %q (%d terms) k=%d: %v", qi, text, len(q.Terms), k, err)
			}
		}
	}
}
