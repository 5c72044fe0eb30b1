package match

import (
	"math"
	"math/rand/v2"
	"slices"
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

// Gain summarizes per-query differences (ours − baseline) of a metric: the
// mean, a 95 % interval for it by bootstrap over the queries (resamples
// drawn with a fixed seed, so a run repeats), and how many queries rose,
// fell or tied (within 0.001). On a few dozen queries the interval is wide:
// it says how much of a difference between two runs is the set's chance.
type Gain struct {
	Mean, Low, High     float64
	Better, Worse, Ties int
}

// GainOf computes a Gain from the differences with the given number of
// bootstrap resamples.
func GainOf(diffs []float64, resamples int) Gain {
	var g Gain
	n := len(diffs)
	if n == 0 {
		return g
	}
	sum := 0.0
	for _, d := range diffs {
		sum += d
		switch {
		case d > 0.001:
			g.Better++
		case d < -0.001:
			g.Worse++
		default:
			g.Ties++
		}
	}
	g.Mean = sum / float64(n)
	r := rand.New(rand.NewPCG(4, 5))
	means := make([]float64, max(resamples, 1))
	for i := range means {
		s := 0.0
		for range n {
			s += diffs[r.IntN(n)]
		}
		means[i] = s / float64(n)
	}
	slices.Sort(means)
	g.Low = means[int(0.025*float64(len(means)-1))]
	g.High = means[int(0.975*float64(len(means)-1)+0.5)]
	return g
}
