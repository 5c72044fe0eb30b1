package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// marked spells fragments with hits in brackets: "为[老人]服务".
func marked(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Hit {
			b.WriteString("[" + f.Text + "]")
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	for _, tc := range []struct {
		name, text, query string
		max               int
		want              string
	}{
		{"two characters", "驿站招募志愿者帮助养老", "养老", 0, "驿站招募志愿者帮助[养老]"},
		// A thesaurus phrase holding the typed word: the typed word is marked.
		{"synonym phrase", "社区养老服务驿站", "养老", 0, "社区[养老]服务驿站"},
		{"longer synonym", "申请老楼加装电梯", "电梯", 0, "申请老楼加装[电梯]"},
		{"elevator", "楼道电梯维修", "电梯", 0, "楼道[电梯]维修"},
		{"bigrams of a word merge", "帮助老年人学用智能手机", "老年人 智能手机", 0, "帮助[老年人]学用[智能手机]"},
		{"synonym marked", "为独居长者提供上门探访", "老人", 0, "为独居[长者]提供上门探访"},
		{"full width and case", "ＷｉＦｉ覆盖与Wifi培训", "wifi", 0, "[ＷｉＦｉ]覆盖与[Wifi]培训"},
		{"traditional text", "為老年人服務", "老年人", 0, "為[老年人]服務"},
		{"word boundary", "appstore 与 app 使用", "app", 0, "appstore 与 [app] 使用"},
		{"no hit", "垃圾分类宣传", "电梯", 0, "垃圾分类宣传"},
		{"empty query", "垃圾分类宣传", "", 0, "垃圾分类宣传"},
		{"no hit cut", "一二三四五六七八九十", "电梯", 4, "一二三四…"},
		{"control chars", "电梯\x00维修\n保养", "维修", 0, "电梯 [维修] 保养"},
		{"one character", "停车乱停乱放", "乱", 0, "停车[乱]停[乱]放"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := marked(a.HighlightText(tc.text, tc.query, tc.max))
			if got != tc.want {
				t.Errorf("HighlightText(%q, %q, %d) = %q, want %q", tc.text, tc.query, tc.max, got, tc.want)
			}
		})
	}
}

func TestHighlightWindow(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	filler := strings.Repeat("甲乙丙丁", 30)
	// One lone hit early, then a passage with both terms: the passage wins.
	text := "电梯" + filler + "加装电梯需要业委会同意" + filler
	got := marked(a.HighlightText(text, "电梯 业委会", 30))
	if !strings.HasPrefix(got, Ellipsis) || !strings.HasSuffix(got, Ellipsis) {
		t.Errorf("cut snippet lacks ellipses: %q", got)
	}
	if !strings.Contains(got, "电梯]") || !strings.Contains(got, "[业委会]") {
		t.Errorf("window misses the passage with both terms: %q", got)
	}
	if n := utf8.RuneCountInString(FragmentsText(a.HighlightText(text, "电梯 业委会", 30))); n > 30+2 {
		t.Errorf("snippet of %d runes, want at most 32", n)
	}
	// The window starts at the clause holding the hit, not mid-word.
	text = filler + "，老旧小区加装电梯" + filler
	got = marked(a.HighlightText(text, "电梯", 20))
	if !strings.HasPrefix(got, Ellipsis+"老旧小区加装[电梯]") {
		t.Errorf("window does not start at the clause: %q", got)
	}
	// Without a clause break near it, the window starts a few characters
	// before the hit: a negation stays in view (a tester read …电梯老楼
	// for 六层无电梯老楼).
	got = marked(a.HighlightText(filler+"小区共有28栋六层无电梯老楼"+filler, "电梯", 20))
	if !strings.HasPrefix(got, Ellipsis+"栋六层无[电梯]老楼") {
		t.Errorf("window does not keep the words before the hit: %q", got)
	}
	// Near the end of the text the window reaches back, from a clause.
	got = marked(a.HighlightText(filler+"为回龙观地区高龄、独居老人提供助餐", "助餐", 20))
	if got != Ellipsis+"独居老人提供[助餐]" {
		t.Errorf("window at the end does not start at a clause: %q", got)
	}
	// A hit at the very start: no leading ellipsis.
	got = marked(a.HighlightText("养老"+filler, "养老", 10))
	if got != "[养老]甲乙丙丁甲乙丙丁…" {
		t.Errorf("got %q", got)
	}
	// A hit at the end: the window ends with the text.
	got = marked(a.HighlightText(filler+"养老", "养老", 10))
	if got != "…甲乙丙丁甲乙丙丁[养老]" {
		t.Errorf("got %q", got)
	}
}

func TestHighlightEdges(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	if fs := a.HighlightText("", "养老", 10); fs != nil {
		t.Errorf("empty text: %+v", fs)
	}
	if got := marked(a.HighlightText("😀养老😀", "😀养老", 0)); got != "😀[养老]😀" {
		t.Errorf("emoji: %q", got)
	}
	huge := strings.Repeat("养老服务", 20000)
	fs := a.HighlightText(huge, "养老", 40)
	if n := utf8.RuneCountInString(FragmentsText(fs)); n > 42 || !strings.HasPrefix(marked(fs), "[养老") {
		t.Errorf("huge text: %d runes %q", n, marked(fs))
	}
	fs = a.HighlightText(huge, "养老", 0)
	if !strings.HasSuffix(FragmentsText(fs), Ellipsis) {
		t.Error("text beyond the highlight limit is not marked as cut")
	}
	if got := FragmentsText(a.HighlightText("a\xffb", "b", 0)); !utf8.ValidString(got) {
		t.Errorf("invalid UTF-8 passed through: %q", got)
	}
}

func FuzzHighlight(f *testing.F) {
	for _, s := range [][2]string{
		{"社区养老服务驿站", "养老"}, {"", ""}, {"😀", "😀"}, {"\x00\xff老人", "老人"},
		{"ＷｉＦｉ app", "APP wifi"}, {strings.Repeat("电梯", 500), "电梯 加装"},
	} {
		f.Add(s[0], s[1], 20)
	}
	a := plainAnalyzer()
	f.Fuzz(func(t *testing.T, text, query string, max int) {
		max %= 500
		fs := a.HighlightText(text, query, max)
		if text == "" {
			if fs != nil {
				t.Fatalf("empty text gave %+v", fs)
			}
			return
		}
		var runes int
		for i, fr := range fs {
			if fr.Text == "" || !utf8.ValidString(fr.Text) {
				t.Fatalf("bad fragment %d %q", i, fr.Text)
			}
			if i > 0 && fs[i-1].Hit == fr.Hit {
				t.Fatalf("fragments %d and %d not merged", i-1, i)
			}
			runes += utf8.RuneCountInString(fr.Text)
		}
		n := utf8.RuneCountInString(text)
		if max > 0 && runes > max+2 {
			t.Fatalf("snippet of %d runes for max %d", runes, max)
		}
		if max <= 0 && n <= maxHighlightRunes && runes != n {
			t.Fatalf("whole text of %d runes gave %d", n, runes)
		}
		// Hits spell a matching term: normalized, each must hold a query
		// term or be a run of them.
		q := a.Query(query)
		for _, fr := range fs {
			if !fr.Hit {
				continue
			}
			norm := Normalize(fr.Text)
			ok := false
			for _, tm := range q.Terms {
				if strings.Contains(norm, tm.Text) {
					ok = true
					break
				}
			}
			if !ok {
				t.Fatalf("hit %q matches no term of %q", fr.Text, q.String())
			}
		}
	})
}
