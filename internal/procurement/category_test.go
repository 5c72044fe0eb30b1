package procurement

import "testing"

func TestGuessCategory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text   string
		code   string
		lo, hi int
	}{
		{"", "", 0, 0},
		{"今天天气很好", "", 0, 0},
		{"老人助餐", "elderly", 50, 70}, // two keywords of one category
		{"养老服务：老人助餐、老年活动、为老志愿", "elderly", 61, 100}, // many, unopposed
		{"业委会组建与物业管理，化解矛盾", "property", 30, 80},     // property leads legal
	} {
		code, conf := GuessCategory(tc.text)
		if code != tc.code || conf < tc.lo || conf > tc.hi {
			t.Errorf("GuessCategory(%q) = %q %d, want %q in [%d, %d]", tc.text, code, conf, tc.code, tc.lo, tc.hi)
		}
	}
}

func TestResolveCategory(t *testing.T) {
	t.Parallel()
	n := &Need{Title: "老人助餐", Description: "为独居老人送餐"}
	n.ResolveCategory(nil)
	if n.Category != "elderly" || n.CategorySource != CategoryAuto || n.CategoryConfidence == 0 {
		t.Fatalf("auto: %+v", n)
	}
	g := &Need{Title: "教老人用手机"}
	g.ResolveCategory(func(string) (string, int) { return "digital", 80 })
	if g.Category != "digital" || g.CategoryConfidence != 80 || g.CategorySource != CategoryAuto {
		t.Fatalf("guesser: %+v", g)
	}
	g = &Need{Title: "教老人用手机"}
	g.ResolveCategory(func(string) (string, int) { return "space", 80 })
	if g.Category != "" || g.CategoryConfidence != 0 {
		t.Fatalf("a guesser's unknown code is kept: %+v", g)
	}
	m := &Need{Title: "老人助餐", Category: " health "}
	m.ResolveCategory(nil)
	if m.Category != "health" || m.CategorySource != CategoryStaff || m.CategoryConfidence != 100 {
		t.Fatalf("chosen: %+v", m)
	}
}
