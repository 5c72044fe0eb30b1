package match_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
)

// TestBuildOrderDeterministic: two builds on the same organizations and
// projects — given in different orders — index them in the same order (by
// id) and so answer alike: the same hits in the same order with the same
// scores, even where more equal-scoring organizations fit than a search
// keeps (search.MaxK) and the index's order decides which.
func TestBuildOrderDeterministic(t *testing.T) {
	t.Parallel()
	var orgs []match.Org
	var projects []match.Project
	words := []string{"助老", "探访", "助餐", "托管", "读书", "合唱", "环保", "调解", "康复", "义诊", "法律", "心理"}
	// Past 4096 documents a build cuts them into segments, one a CPU: which
	// organization lands in which segment is the build's order.
	for i := range 5000 {
		id := fmt.Sprintf("o%05d", i)
		name := "社区" + words[i%len(words)] + words[(i/7)%len(words)] + "服务队"
		if i%5 == 0 {
			name = "社区助老服务队" // many equal scores
		}
		orgs = append(orgs, match.Org{ID: id, Key: id, Name: name, Domains: []string{"养老服务"}, Category: "elderly",
			Description: "为社区老人提供" + words[(i/3)%len(words)] + "和助餐。", StreetID: "s1", StreetName: "回龙观街道"})
		if i%3 == 0 {
			projects = append(projects, match.Project{ID: fmt.Sprintf("p%05d", i), Key: id, Title: "独居老人上门探访",
				Description: "定期上门探访独居老人。", OrgID: id, StreetID: "s1", StreetName: "回龙观街道"})
		}
	}
	a := search.NewAnalyzer(search.Options{})
	build := func(seed uint64) *match.Matcher {
		t.Helper()
		o, p := slices.Clone(orgs), slices.Clone(projects)
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		m, err := match.New(a, o, p, match.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	type hit struct {
		id    string
		score float64
	}
	answers := func(m *match.Matcher) [][]hit {
		t.Helper()
		var out [][]hit
		for _, q := range []string{"老人上门探访", "助老服务", "社区助餐"} {
			rs, err := m.Organizations(context.Background(), match.Query{Text: q}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := m.Projects(context.Background(), match.Query{Text: q}, 0)
			if err != nil {
				t.Fatal(err)
			}
			var hs []hit
			for _, r := range append(rs, ps...) {
				hs = append(hs, hit{r.ID, r.Score})
			}
			out = append(out, hs)
		}
		return out
	}
	m1 := build(1)
	first := answers(m1)
	if len(first[0]) == 0 {
		t.Fatal("no hits")
	}
	o1, p1 := m1.IndexStats()
	for seed := uint64(2); seed < 4; seed++ {
		m := build(seed)
		if o, p := m.IndexStats(); o != o1 || p != p1 {
			t.Errorf("build %d: index %+v %+v, the first %+v %+v", seed, o, p, o1, p1)
		}
		if got := answers(m); !slices.EqualFunc(got, first, func(x, y []hit) bool { return slices.Equal(x, y) }) {
			t.Errorf("build %d answers differently", seed)
		}
	}
}
