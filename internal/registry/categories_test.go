package registry_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/registry"
)

func TestCategoriesWellFormed(t *testing.T) {
	t.Parallel()
	codes, names := map[string]bool{}, map[string]bool{}
	for _, c := range registry.Categories {
		if c.Code == "" || c.Name == "" || len(c.Keywords) == 0 {
			t.Errorf("incomplete category %+v", c)
		}
		if codes[c.Code] || names[c.Name] {
			t.Errorf("duplicate %s %s", c.Code, c.Name)
		}
		codes[c.Code], names[c.Name] = true, true
		seen := map[string]bool{}
		for _, k := range c.Keywords {
			if k == "" || seen[k] {
				t.Errorf("%s: empty or repeated keyword %q", c.Code, k)
			}
			seen[k] = true
		}
		if got := registry.CategoryByCode(c.Code); got == nil || got.Name != c.Name {
			t.Errorf("CategoryByCode(%s) = %+v", c.Code, got)
		}
		for _, s := range []string{c.Code, c.Name} {
			if code, ok := registry.ParseCategory(s); !ok || code != c.Code {
				t.Errorf("ParseCategory(%s) = %s, %v", s, code, ok)
			}
		}
	}
	if len(registry.Categories) != 22 {
		t.Errorf("%d categories; codes are stable once shipped", len(registry.Categories))
	}
}

func TestGuessCategory(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tags []string
		text string
		want string
	}{
		{nil, "楼道里电动车飞线充电，怕着火", "safety"},
		{nil, "孩子放学后没人管", "childcare"},
		{nil, "小区想成立业委会，物业也该换了", "property"},
		{nil, "老人不会用智能手机扫码", "digital"},
		{nil, "遛狗不牵绳", "pets"},
		{nil, "厨余垃圾分类桶前值守", "environment"},
		{nil, "楼道堆物清理", "environment"},
		{[]string{"居家养老"}, "上门探访", "elderly"},
		{[]string{"法律服务"}, "", "legal"},
		{nil, "今天天气很好", ""},
	}
	for _, c := range cases {
		if got := registry.GuessCategory(c.tags, c.text); got != c.want {
			t.Errorf("GuessCategory(%q, %q) = %q, want %q", c.tags, c.text, got, c.want)
		}
	}
}

// guessNaive is GuessCategory as first written: every keyword searched for
// in turn. The one-scan version must agree with it on every input.
func guessNaive(tags []string, text string) string {
	best, bestScore := "", 0
	for _, c := range registry.Categories {
		score := 0
		count := func(words []string, w int) {
			for _, k := range words {
				for _, t := range tags {
					if strings.Contains(t, k) {
						score += 3 * w
					}
				}
				if strings.Contains(text, k) {
					score += w
				}
			}
		}
		count(c.Keywords, 2)
		count(c.People, -1)
		if score > bestScore {
			best, bestScore = c.Code, score
		}
	}
	return best
}

func TestGuessCategoryAgreesWithNaive(t *testing.T) {
	t.Parallel()
	var words []string
	for _, c := range registry.Categories {
		words = append(words, c.Keywords...)
	}
	filler := []string{"的", "楼里", "居民", "，", "a", "想", "电", "老", "", "😀", "\u3000", "服务", "社区"}
	r := rand.New(rand.NewPCG(1, 2))
	piece := func() string {
		if r.IntN(3) == 0 {
			return words[r.IntN(len(words))]
		}
		return filler[r.IntN(len(filler))]
	}
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(piece())
		}
		return b.String()
	}
	for range 20000 {
		var tags []string
		for range r.IntN(3) {
			tags = append(tags, text(r.IntN(3)))
		}
		s := text(r.IntN(30))
		if got, want := registry.GuessCategory(tags, s), guessNaive(tags, s); got != want {
			t.Fatalf("GuessCategory(%q, %q) = %q, the naive scan says %q", tags, s, got, want)
		}
	}
}

func BenchmarkGuessCategory(b *testing.B) {
	text := "楼里好多老人不会用手机挂号，子女又不在身边，社区想请社会组织每周来教老年人用智能手机，顺便讲讲防诈骗知识。"
	for b.Loop() {
		registry.GuessCategory(nil, text)
	}
}
