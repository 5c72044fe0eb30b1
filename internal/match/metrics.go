package match

import (
	"math"
	"sort"
)

// NDCG is nDCG@k of ranked keys against graded relevance (gain 2^rel − 1,
// log2 discount); the ideal ranking is all judged documents by grade. A
// query with no relevant document scores 0.
func NDCG(ranked []string, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, key := range ranked {
		if i >= k {
			break
		}
		dcg += (math.Exp2(float64(rel[key])) - 1) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	idcg := 0.0
	for i, g := range grades {
		if i >= k {
			break
		}
		idcg += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// Recall is the share of relevant documents (grade > 0) in the top k.
func Recall(ranked []string, rel map[string]int, k int) float64 {
	total, found := 0, 0
	for _, g := range rel {
		if g > 0 {
			total++
		}
	}
	for i, key := range ranked {
		if i < k && rel[key] > 0 {
			found++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(found) / float64(total)
}
