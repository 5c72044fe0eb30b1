package catalog

import (
	"sort"
	"strings"
	"unicode"

	"github.com/huitian/huitian/internal/search"
)

// Near-duplicate detection and clustering compare texts by their character
// bigrams (the unit the search index uses for Chinese): cheap, explainable
// and good enough to put pairs in front of a person, who decides.

// Bigrams returns the set of character bigrams of text's Chinese runs and
// its letter/digit words, normalized (full width, case, traditional).
func Bigrams(text string) map[string]bool {
	out := map[string]bool{}
	var run []rune
	flush := func() {
		for i := 0; i+1 < len(run); i++ {
			out[string(run[i:i+2])] = true
		}
		run = run[:0]
	}
	var word []rune
	for _, r := range search.Normalize(text) {
		switch {
		case unicode.Is(unicode.Han, r):
			if len(word) > 1 {
				out[string(word)] = true
			}
			word = word[:0]
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flush()
			word = append(word, r)
		default:
			flush()
			if len(word) > 1 {
				out[string(word)] = true
			}
			word = word[:0]
		}
	}
	flush()
	if len(word) > 1 {
		out[string(word)] = true
	}
	return out
}

// Dice is the Dice coefficient of two bigram sets (0..1).
func Dice(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	common := 0
	for k := range a {
		if b[k] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// TextSimilarity compares two texts by their bigrams (0..1).
func TextSimilarity(a, b string) float64 { return Dice(Bigrams(a), Bigrams(b)) }

// Fingerprint is the text a version is compared by: its title (twice, so
// it counts more), problem, tags and steps.
func (v *Version) Fingerprint() string {
	var b strings.Builder
	b.WriteString(v.Title + "。" + v.Title + "。" + v.Problem + "。" + strings.Join(v.Tags, "，"))
	for _, st := range v.Steps {
		b.WriteString("。" + st.Title)
	}
	return b.String()
}

// Similarity scores how alike two solutions are (0..1): the text
// similarity of their fingerprints, discounted by a third across
// categories (the same words may answer different problems), raised when
// they share providers.
func Similarity(a, b *Version) float64 {
	s := TextSimilarity(a.Fingerprint(), b.Fingerprint())
	if a.Category != b.Category {
		s *= 2.0 / 3
	}
	for _, p := range a.ProviderIDs {
		for _, q := range b.ProviderIDs {
			if p == q {
				return min(1, s*1.1)
			}
		}
	}
	return s
}

// DuplicateThreshold is the similarity from which two solutions are shown
// to platform staff as near-duplicates.
const DuplicateThreshold = 0.45

// Pair is two solutions and how alike they are.
type Pair struct {
	A, B  string // solution ids, A < B
	Score float64
}

// Duplicates returns the pairs of versions (each a solution's current
// content) at least min alike, most alike first.
func Duplicates(vs []*Version, min float64) []Pair {
	fps := make([]map[string]bool, len(vs))
	for i, v := range vs {
		fps[i] = Bigrams(v.Fingerprint())
	}
	var out []Pair
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			s := Dice(fps[i], fps[j])
			if vs[i].Category != vs[j].Category {
				s *= 2.0 / 3
			}
			if s < min {
				continue
			}
			a, b := vs[i].SolutionID, vs[j].SolutionID
			if b < a {
				a, b = b, a
			}
			out = append(out, Pair{A: a, B: b, Score: s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

// ProjectText is a completed project as clustering sees it.
type ProjectText struct {
	ID       string
	Category string
	Text     string // title and description
}

// Cluster is a group of completed projects of one category with similar
// text that no solution covers yet: a solution waiting to be written.
type Cluster struct {
	Category   string
	ProjectIDs []string
	Score      float64 // mean similarity of the linked pairs
}

// ClusterThreshold is the similarity from which two projects of a category
// are put in one cluster.
const ClusterThreshold = 0.3

// ClusterProjects groups projects by category, then links those at least
// min alike (single linkage); clusters of two or more are returned, largest
// first.
func ClusterProjects(ps []ProjectText, min float64) []Cluster {
	byCat := map[string][]int{}
	var cats []string
	for i, p := range ps {
		if _, ok := byCat[p.Category]; !ok {
			cats = append(cats, p.Category)
		}
		byCat[p.Category] = append(byCat[p.Category], i)
	}
	sort.Strings(cats)
	var out []Cluster
	for _, cat := range cats {
		idx := byCat[cat]
		fps := make([]map[string]bool, len(idx))
		for k, i := range idx {
			fps[k] = Bigrams(ps[i].Text)
		}
		parent := make([]int, len(idx))
		for k := range parent {
			parent[k] = k
		}
		var find func(int) int
		find = func(x int) int {
			for parent[x] != x {
				parent[x] = parent[parent[x]]
				x = parent[x]
			}
			return x
		}
		sum, links := map[int]float64{}, map[int]int{}
		type edge struct {
			a, b int
			s    float64
		}
		var edges []edge
		for a := range idx {
			for b := a + 1; b < len(idx); b++ {
				if s := Dice(fps[a], fps[b]); s >= min {
					edges = append(edges, edge{a, b, s})
					parent[find(a)] = find(b)
				}
			}
		}
		for _, e := range edges {
			r := find(e.a)
			sum[r] += e.s
			links[r]++
		}
		groups := map[int][]string{}
		var roots []int
		for k, i := range idx {
			r := find(k)
			if _, ok := groups[r]; !ok {
				roots = append(roots, r)
			}
			groups[r] = append(groups[r], ps[i].ID)
		}
		for _, r := range roots {
			if len(groups[r]) < 2 {
				continue
			}
			ids := groups[r]
			sort.Strings(ids)
			out = append(out, Cluster{Category: cat, ProjectIDs: ids, Score: sum[r] / float64(links[r])})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].ProjectIDs) != len(out[j].ProjectIDs) {
			return len(out[i].ProjectIDs) > len(out[j].ProjectIDs)
		}
		return out[i].Score > out[j].Score
	})
	return out
}
