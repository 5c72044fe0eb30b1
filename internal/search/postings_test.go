package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// sealBuf returns a term's postings in the search format.
func sealBuf(tb *termBuf) ([]byte, []uint32) {
	skips := slices.Clone(tb.skips)
	data, _, _ := sealTerm(nil, nil, tb.buf, skips, int(tb.df), nil, new(sealer))
	return data, skips
}

// TestCursor checks the search format against the list it encodes: next
// and advance, and step and seek with the frequencies read only now and
// then (escapes are counted lazily), at every kind of target: before, on
// and after block boundaries; gaps of every width, frequency codes of every
// kind.
func TestCursor(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, blockSize - 1, blockSize, blockSize + 1, 5 * blockSize, 5*blockSize + 17, 40 * blockSize} {
		type post struct {
			doc uint32
			tfs [MaxFields]uint8
		}
		var tb termBuf
		var want []post
		doc := uint32(r.IntN(3))
		lens := make([]uint16, MaxFields)
		gaps := [][]int{{1}, {1, 3}, {1, 3, 300}, {1, 3, 300, 100000}, {1, 1 << 25}}[r.IntN(5)]
		for i := 0; i < n; i++ {
			var p post
			p.doc = doc
			nf := []int{1, 3, MaxFields}[r.IntN(3)]
			for f := range nf {
				if r.IntN(4) == 0 {
					p.tfs[f] = uint8(1 + r.IntN([]int{3, 15, 20, 255}[r.IntN(4)]))
				}
			}
			if p.tfs == [MaxFields]uint8{} {
				p.tfs[r.IntN(nf)] = 1
			}
			tb.add(p.doc, &p.tfs, lens)
			want = append(want, p)
			doc += uint32(1 + r.IntN(gaps[r.IntN(len(gaps))]))
		}
		data, skips := sealBuf(&tb)
		check := func(c *cursor, i int, freqs bool) {
			t.Helper()
			if i == len(want) {
				if c.doc != endDoc {
					t.Fatalf("n=%d: at end, doc %d", n, c.doc)
				}
				return
			}
			if c.doc != want[i].doc {
				t.Fatalf("n=%d posting %d: doc %d, want %d", n, i, c.doc, want[i].doc)
			}
			if !freqs {
				return
			}
			var got [MaxFields]uint8
			for f := range MaxFields {
				if c.fmask&(1<<f) != 0 {
					got[f] = c.tfs[f]
				}
			}
			if got != want[i].tfs {
				t.Fatalf("n=%d posting %d: tfs %v, want %v", n, i, got, want[i].tfs)
			}
		}
		var c cursor
		c.init(data, skips, int(tb.df))
		for i := 0; i <= n+1; i++ {
			check(&c, min(i, n), true)
			c.next()
		}
		// advance to each posting's doc, to one past it, and to random places,
		// from fresh cursors and from cursors already part way.
		for trial := 0; trial < 3*n+10; trial++ {
			lazy := trial%2 == 1
			c.init(data, skips, int(tb.df))
			i := 0
			for i < len(want) {
				j := i + r.IntN(min(len(want)-i, 3*blockSize)+1)
				var target uint32
				switch {
				case j == len(want):
					target = want[j-1].doc + 1
				case r.IntN(2) == 0:
					target = want[j].doc
				case j > 0:
					target = want[j-1].doc + 1
				default:
					target = want[0].doc
				}
				freqs := !lazy || r.IntN(3) == 0
				if !lazy {
					c.advance(target)
				} else {
					c.seek(target)
					if freqs {
						c.loadFreqs()
					}
				}
				k := i
				for k < len(want) && want[k].doc < target {
					k++
				}
				check(&c, k, freqs)
				i = k
				if i < len(want) {
					if !lazy {
						c.next()
					} else {
						c.step()
						if freqs {
							c.loadFreqs()
						}
					}
					i++
					check(&c, i, freqs)
				}
			}
			c.seek(endDoc)
			check(&c, len(want), false)
			c.step()
			check(&c, len(want), false)
		}
	}
}

func TestFrontier(t *testing.T) {
	t.Parallel()
	var tb termBuf
	lens := []uint16{10, 0, 0, 0, 0, 0, 0}
	add := func(doc uint32, tf uint8, l uint16) {
		lens[0] = l
		tfs := [MaxFields]uint8{tf}
		tb.add(doc, &tfs, lens)
	}
	add(0, 1, 10)
	add(1, 1, 20) // dominated by (1,10)
	add(2, 2, 30) // new: higher tf
	add(3, 1, 5)  // dominates (1,10)
	add(4, 3, 5)  // dominates everything
	if len(tb.front) != 1 {
		t.Fatalf("frontier %v, want one entry", tb.front)
	}
	if f, tf, l := frontParts(tb.front[0]); f != 0 || tf != 3 || l != 5 {
		t.Errorf("frontier (%d,%d,%d), want (0,3,5)", f, tf, l)
	}
}

// TestFrontierRandom checks the frontier (with its shortcut for
// frequency-1 postings) against the Pareto set computed naively: the
// distinct (field, tf, length) of the postings that no other beats with a
// higher or equal frequency at a shorter or equal length.
func TestFrontierRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 16))
	for trial := 0; trial < 3000; trial++ {
		var tb termBuf
		lens := make([]uint16, MaxFields)
		type pt struct {
			f  int
			tf uint8
			l  uint16
		}
		var pts []pt
		n := 1 + r.IntN(200)
		for d := 0; d < n; d++ {
			var tfs [MaxFields]uint8
			for f := range 3 {
				if r.IntN(3) == 0 {
					tfs[f] = uint8(1 + r.IntN([]int{1, 2, 5}[r.IntN(3)]))
					lens[f] = uint16(r.IntN([]int{5, 50, 65536}[r.IntN(3)]))
					pts = append(pts, pt{f, tfs[f], lens[f]})
				}
			}
			if tfs == [MaxFields]uint8{} {
				continue
			}
			tb.add(uint32(d), &tfs, lens)
		}
		want := map[pt]bool{}
		for _, p := range pts {
			dominated := false
			for _, q := range pts {
				if q != p && q.f == p.f && q.tf >= p.tf && q.l <= p.l {
					dominated = true
					break
				}
			}
			if !dominated {
				want[p] = true
			}
		}
		got := map[pt]bool{}
		for _, e := range tb.front {
			f, tf, l := frontParts(e)
			p := pt{f, tf, l}
			if got[p] {
				t.Fatalf("trial %d: %v twice in the frontier", trial, p)
			}
			got[p] = true
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: frontier %v, want %v", trial, got, want)
		}
		for p := range want {
			if !got[p] {
				t.Fatalf("trial %d: frontier %v lacks %v", trial, got, p)
			}
		}
	}
}
