package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveScan is Thesaurus.scan without its filters: every term of every
// first rune tried at every position.
func naiveScan(t *Thesaurus, run []rune, long bool) [][3]int {
	var out [][3]int
	for i, r := range run {
		for _, c := range t.byFirst[r] {
			if long && len(c.rs) < wordRunes {
				continue
			}
			if len(c.rs) <= len(run)-i && slices.Equal(run[i:i+len(c.rs)], c.rs) {
				out = append(out, [3]int{i, i + len(c.rs), len(c.s)})
			}
		}
	}
	return out
}

// TestScanEqualsNaive holds the document scan's filters (first rune, first
// two runes) to finding exactly what trying every term finds: runs made of
// pieces of the thesaurus's terms, so most positions almost match.
func TestScanEqualsNaive(t *testing.T) {
	th := DefaultThesaurus()
	var terms [][]rune
	for _, list := range th.byFirst {
		for _, c := range list {
			terms = append(terms, c.rs)
		}
	}
	slices.SortFunc(terms, slices.Compare)
	r := rand.New(rand.NewPCG(1, 2))
	found := 0
	for range 20000 {
		var run []rune
		for len(run) < 40 {
			tm := terms[r.IntN(len(terms))]
			switch r.IntN(4) {
			case 0:
				run = append(run, tm...)
			case 1:
				run = append(run, tm[:r.IntN(len(tm))+1]...)
			case 2:
				run = append(run, tm[r.IntN(len(tm)):]...)
			default:
				run = append(run, rune(0x4E00+r.IntN(0x5000)))
			}
		}
		for _, long := range []bool{true, false} {
			var got [][3]int
			th.scan(run, long, func(s, e int, term string) { got = append(got, [3]int{s, e, len(term)}) })
			want := naiveScan(th, run, long)
			sortTriples := func(x [][3]int) {
				slices.SortFunc(x, func(a, b [3]int) int { return slices.Compare(a[:], b[:]) })
			}
			sortTriples(got)
			sortTriples(want)
			if !slices.Equal(got, want) {
				t.Fatalf("scan(%q, long=%v) = %v, naive %v", string(run), long, got, want)
			}
			found += len(got)
		}
	}
	if found < 10000 {
		t.Fatalf("only %d terms found: the runs do not exercise the scan", found)
	}
}
