package registry_test

import (
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
