package search

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"ＡＢＣ１２３", "abc123"},
		{"ＷｉＦｉ密碼", "wifi密码"},
		{"業主委員會換屆選舉", "业主委员会换届选举"},
		{"電梯　加裝", "电梯 加装"},
		{"Hello\tWorld\u200b!", "hello world !"},
		{"养老服务", "养老服务"},
		{"ÄÖ Σ", "äö σ"},
		{"a\xffb", "a b"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// One rune in, one rune out, for every rune class.
	for _, s := range []string{"ＡＢＣ業主😀\x00\u3000ß\u0130", strings.Repeat("龍門陣", 3)} {
		if a, b := utf8.RuneCountInString(s), utf8.RuneCountInString(Normalize(s)); a != b {
			t.Errorf("%q: %d runes became %d", s, a, b)
		}
	}
}

func TestT2STable(t *testing.T) {
	t.Parallel()
	rs := []rune(t2sPairs)
	if len(rs)%2 != 0 {
		t.Fatal("t2sPairs has an odd number of characters")
	}
	seen := map[rune]rune{}
	for i := 0; i < len(rs); i += 2 {
		tr, s := rs[i], rs[i+1]
		if tr == s || !isHan(tr) || !isHan(s) {
			t.Errorf("bad pair %c→%c", tr, s)
		}
		if old, ok := seen[tr]; ok && old != s {
			t.Errorf("%c maps to both %c and %c", tr, old, s)
		}
		seen[tr] = s
	}
	for tr, s := range seen {
		if _, ok := seen[s]; ok {
			t.Errorf("%c→%c: the simplified form is itself mapped (one pass would not settle)", tr, s)
		}
	}
	if len(seen) < 800 {
		t.Errorf("only %d pairs", len(seen))
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	for _, c := range []struct {
		in        string
		want, not []string
	}{
		{in: "养老", want: []string{"养", "养老", "老"}},
		{in: "电梯", want: []string{"电梯"}},
		{in: "ＷｉＦｉ密碼", want: []string{"wifi", "密码"}},
		{in: "5G网络覆盖", want: []string{"5g", "网络", "覆盖"}},
		{in: "我们的社区", want: []string{"社区"}, not: []string{"我们", "的"}},
		{in: "业主委员会换届", want: []string{"业主委员会", "业主", "委员"}},
		{in: "智能手机教老年人线上挂号", want: []string{"智能手机", "老年人", "线上挂号", "手机", "挂号"}},
		{in: "😀😀！！", want: nil},
		{in: "The App", want: []string{"app"}, not: []string{"the"}},
	} {
		got := a.Tokens(c.in)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q, lacks %q", c.in, got, w)
			}
		}
		for _, w := range c.not {
			if slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q, has %q", c.in, got, w)
			}
		}
		if c.want == nil && len(got) != 0 {
			t.Errorf("Tokens(%q) = %q, want none", c.in, got)
		}
	}
}

func termOf(q Query, text string) (Term, bool) {
	for _, t := range q.Terms {
		if t.Text == text {
			return t, true
		}
	}
	return Term{}, false
}

func TestQuery(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()

	// Two characters, as typed in a search box, find the word, and the
	// thesaurus adds its group at a lower weight.
	q := a.Query("电梯")
	if tm, ok := termOf(q, "电梯"); !ok || tm.Weight != 1 || tm.Kind != KindBigram {
		t.Errorf("电梯: %v", q)
	}
	if tm, ok := termOf(q, "加装电梯"); !ok || tm.Kind != KindSynonym || tm.Weight <= 0 || tm.Weight > 0.5 || tm.Source != "电梯" {
		t.Errorf("电梯 lacks the synonym 加装电梯: %v", q)
	}
	if q.Terms[0].Text != "电梯" {
		t.Errorf("typed terms must come first: %v", q)
	}

	// One character works too.
	q = a.Query("狗")
	if tm, ok := termOf(q, "狗"); !ok || tm.Kind != KindUnigram || tm.Weight != 1 {
		t.Errorf("狗: %v", q)
	}
	if _, ok := termOf(q, "宠物"); !ok {
		t.Errorf("狗 lacks 宠物: %v", q)
	}

	// Traditional and full-width input.
	q = a.Query("成立業委會")
	if _, ok := termOf(q, "业主委员会"); !ok {
		t.Errorf("成立業委會: %v", q)
	}

	// A typed term keeps its weight even when it is also a synonym.
	q = a.Query("老人和老年人")
	if tm, _ := termOf(q, "老年人"); tm.Kind != KindWord || tm.Weight != 1 {
		t.Errorf("老年人 typed: %+v", tm)
	}
	for _, tm := range q.Terms {
		if tm.Kind == KindSynonym && tm.Weight >= 1 {
			t.Errorf("synonym %+v weighs as much as a typed term", tm)
		}
	}

	// Mixed text.
	q = a.Query("小区WiFi覆盖")
	if _, ok := termOf(q, "wifi"); !ok {
		t.Errorf("WiFi: %v", q)
	}

	// Nothing to search.
	for _, s := range []string{"", "  ", "😀🎉", "的了和", "？！。", "\x00\x1f"} {
		if q := a.Query(s); !q.Empty() {
			t.Errorf("Query(%q) = %v, want empty", s, q)
		}
	}

	// Huge queries are cut and say so; the number of terms is capped.
	long := strings.Repeat("老人手机挂号电梯停车物业垃圾分类", 100)
	q = a.Query(long)
	if !q.Truncated || utf8.RuneCountInString(q.Text) != MaxQueryRunes || len(q.Terms) > MaxQueryTerms {
		t.Errorf("long query: truncated %v, %d runes, %d terms", q.Truncated, utf8.RuneCountInString(q.Text), len(q.Terms))
	}
}

// fakeSegmenter cuts by longest match over a fixed word list, one character
// otherwise: enough to test how the analyzer uses word boundaries.
type fakeSegmenter map[string]bool

func (f fakeSegmenter) Cut(run string) []string {
	rs := []rune(run)
	var out []string
	for i := 0; i < len(rs); {
		n := 1
		for k := min(len(rs)-i, 5); k > 1; k-- {
			if f[string(rs[i:i+k])] {
				n = k
				break
			}
		}
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

func TestQueryWithSegmenter(t *testing.T) {
	t.Parallel()
	seg := fakeSegmenter{"楼里": true, "好多": true, "老人": true, "不会": true, "手机": true, "挂号": true, "居委会": true}
	a := NewAnalyzer(Options{Segmenter: seg})
	q := a.Query("楼里好多老人不会用手机挂号")
	for text, want := range map[string]float64{"老人": 1, "手机": 1, "挂号": 1, "人不": 0.4, "会用": 0.4, "用手": 0.4, "用": 0.5} {
		if tm, ok := termOf(q, text); !ok || tm.Weight != want {
			t.Errorf("%s: %+v (present %v), want weight %v; query %v", text, tm, ok, want, q)
		}
	}
	// Words: thesaurus terms and the segmenter's words, never a bigram
	// across two of them (人不) or a single character (用).
	// (不会用手机, 不会用, 用手机 and 手机挂号 are thesaurus terms.)
	if want := []string{"老人", "不会用手机", "不会用", "不会", "用手机", "手机挂号", "手机", "挂号", "楼里", "好多"}; !slices.Equal(q.Words, want) {
		t.Errorf("words %q, want %q", q.Words, want)
	}
	// A stop character standing alone drops the bigrams around it.
	q = a.Query("老人的手机")
	if _, ok := termOf(q, "人的"); ok {
		t.Errorf("老人的手机: %v has 人的", q)
	}
	// So does a stop word of several characters, with its own bigrams:
	// 有没有 is neither 有没 nor 没有, and 有没有 … 手工 not 有手.
	sw := NewAnalyzer(Options{Segmenter: fakeSegmenter{"有没有": true, "手工": true, "老人": true}})
	q = sw.Query("有没有手工老人")
	for _, b := range []string{"有没", "没有", "有手"} {
		if _, ok := termOf(q, b); ok {
			t.Errorf("有没有手工老人: %v has %s", q, b)
		}
	}
	for _, b := range []string{"手工", "老人", "工老"} {
		if _, ok := termOf(q, b); !ok {
			t.Errorf("有没有手工老人: %v lacks %s", q, b)
		}
	}
	// A verb reduplicated around 一 gives no bigram with 一.
	for _, text := range []string{"能不能修一修", "帮忙看一看电梯"} {
		q := NewAnalyzer(Options{}).Query(text)
		for _, tm := range q.Terms {
			if tm.Kind == KindBigram && strings.Contains(tm.Text, "一") {
				t.Errorf("%s: %v has %s", text, q, tm.Text)
			}
		}
	}
	if _, ok := termOf(NewAnalyzer(Options{}).Query("一步一步来"), "步一"); ok {
		t.Error("一步一步来: 步一 kept")
	}
	if _, ok := termOf(NewAnalyzer(Options{}).Query("统一修订"), "一修"); !ok {
		t.Error("统一修订: 一修 dropped though nothing is reduplicated")
	}
	// Without a segmenter nothing tells the stop word apart: its bigrams stay.
	if _, ok := termOf(NewAnalyzer(Options{}).Query("有没有手工"), "没有"); !ok {
		t.Error("有没有手工 without a segmenter: 没有 dropped")
	}
	// Segmenter words of three characters are query words only when
	// documents are segmented too (else the index would not have them).
	if _, ok := termOf(a.Query("居委会"), "居委会"); ok {
		t.Error("居委会 searched as a word though documents are not segmented")
	}
	b := NewAnalyzer(Options{Segmenter: seg, SegmentDocuments: true})
	if _, ok := termOf(b.Query("居委会"), "居委会"); !ok {
		t.Error("居委会 not searched as a word")
	}
	if !slices.Contains(b.Tokens("社区居委会"), "居委会") {
		t.Errorf("居委会 not indexed: %q", b.Tokens("社区居委会"))
	}
}

func TestDefaultThesaurus(t *testing.T) {
	t.Parallel()
	th := DefaultThesaurus()
	if th.Len() < 60 {
		t.Errorf("%d groups, want at least 60", th.Len())
	}
	for _, pair := range [][2]string{
		{"老人", "长者"}, {"老人", "银发"}, {"老人", "空巢老人"}, {"业委会", "业主大会"},
		{"垃圾分类", "厨余"}, {"手机", "小程序"}, {"手机", "线上挂号"}, {"孩子", "小朋友"},
		{"电梯", "加装电梯"}, {"停车", "车位"}, {"物业", "物业公司"}, {"宠物", "遛狗"},
		{"心理", "情绪"}, {"法律", "调解"}, {"志愿者", "义工"}, {"残疾人", "残障"},
	} {
		if !slices.Contains(th.Synonyms(pair[0]), pair[1]) {
			t.Errorf("%s and %s are not synonyms", pair[0], pair[1])
		}
	}
	// Every taxonomy category has a section in the file.
	for _, code := range []string{"elderly", "childcare", "disability", "health", "legal", "property",
		"environment", "greening", "safety", "digital", "culture", "reading", "convenience",
		"employment", "newcomers", "participation", "traffic", "pets", "capacity", "volunteering",
		"emergency", "renovation"} {
		if !strings.Contains(DefaultThesaurusText(), "# "+code+" ") {
			t.Errorf("no section for %s", code)
		}
	}
}

func TestParseThesaurus(t *testing.T) {
	t.Parallel()
	th, err := ParseThesaurus(strings.NewReader("# comment\n\n電梯 / 升降機、直梯 # trailing\nAPP,应用程序，小程序\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := th.Groups(); !slices.EqualFunc(got, [][]string{{"电梯", "升降机", "直梯"}, {"app", "应用程序", "小程序"}}, slices.Equal) {
		t.Errorf("groups %q", got)
	}
	for _, c := range []struct {
		in   string
		line int
		code string
	}{
		{"老人 长者\n孤单", 2, ThesaurusOneTerm},
		{"老人 老人", 1, ThesaurusOneTerm},
		{"a区 b区", 1, ThesaurusTermMixed},
		{"老人 " + strings.Repeat("老", MaxTermRunes+1), 1, ThesaurusTermLong},
		{"\n\n老人 长者!", 3, ThesaurusTermChars},
		{"老人 \xff", 1, ThesaurusUTF8},
		{"孩子 => 托管 => 看护", 1, ThesaurusRuleArrows},
		{"孩子 + => 托管", 1, ThesaurusRuleCondition},
		{"a + b + c + d + e => f", 1, ThesaurusRuleConditions},
		{"孩子 => ", 1, ThesaurusRuleAdd},
	} {
		_, err := ParseThesaurus(strings.NewReader(c.in))
		var te *ThesaurusError
		if !errors.As(err, &te) || te.Line != c.line || te.Code != c.code {
			t.Errorf("%q: error %v, want one on line %d with code %q", c.in, err, c.line, c.code)
		}
	}
}

func TestSetThesaurus(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	ix := newTestIndex(t, a)
	th, err := ParseThesaurus(strings.NewReader("电梯 升降机"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(Doc{ID: "1", Fields: map[string]string{FieldTitle: "老楼加装电梯"}}); err != nil {
		t.Fatal(err)
	}
	if hits := ix.SearchText("升降机", SearchOptions{}); len(hits) != 0 {
		t.Fatalf("升降机 found %v before the thesaurus knows it", hits)
	}
	a.SetThesaurus(th)
	if hits := ix.SearchText("升降机", SearchOptions{}); len(hits) != 1 {
		t.Errorf("升降机 after SetThesaurus: %v", hits)
	}
	// The new three-character term is indexed as a word from now on.
	if err := ix.Put(Doc{ID: "2", Fields: map[string]string{FieldTitle: "升降机维保"}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.Tokens("升降机维保"), "升降机") {
		t.Error("升降机 not indexed as a word")
	}
	if hits := ix.SearchText("电梯", SearchOptions{}); len(hits) != 2 || hits[0].ID != "1" {
		t.Errorf("电梯: %v, want 1 then 2", hits)
	}
	a.SetThesaurus(nil)
	if a.Thesaurus() != DefaultThesaurus() {
		t.Error("SetThesaurus(nil) does not restore the default")
	}
}

func TestThesaurusRules(t *testing.T) {
	t.Parallel()
	th, err := ParseThesaurus(strings.NewReader("托管 课后托管 四点半课堂\n孩子 小孩 + 没人管 放学 => 托管 看护\n吊死鬼 => 病虫害\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{{When: [][]string{{"孩子", "小孩"}, {"没人管", "放学"}}, Add: []string{"托管", "看护"}},
		{When: [][]string{{"吊死鬼"}}, Add: []string{"病虫害"}}}
	if got := th.Rules(); len(got) != 2 || !slices.EqualFunc(got[0].When, want[0].When, slices.Equal) ||
		!slices.Equal(got[0].Add, want[0].Add) || !slices.Equal(got[1].Add, want[1].Add) {
		t.Errorf("rules %q", got)
	}
	if th.Len() != 1 {
		t.Errorf("groups: %d", th.Len())
	}
	a := NewAnalyzer(Options{Thesaurus: th})

	// Both conditions: the services come in as synonyms, not their groups.
	q := a.Query("孩子放学没人管")
	for _, s := range []string{"托管", "看护"} {
		if tm, ok := termOf(q, s); !ok || tm.Kind != KindSynonym || tm.Weight != 1 || tm.Source != "孩子、没人管" || !tm.Rule {
			t.Errorf("%s: %+v in %v", s, tm, q)
		}
	}
	// A group's synonym is not marked as a rule's.
	if tm, ok := termOf(a.Query("课后托管"), "四点半课堂"); !ok || tm.Rule {
		t.Errorf("四点半课堂 for 课后托管: %+v", tm)
	}
	if _, ok := termOf(q, "四点半课堂"); ok {
		t.Errorf("a rule expanded the group of what it added: %v", q)
	}
	// One condition alone does not fire; nor does the rule run backwards.
	for _, text := range []string{"孩子的作业", "楼道没人管", "托管班"} {
		if _, ok := termOf(a.Query(text), "看护"); ok {
			t.Errorf("%s fired the rule: %v", text, a.Query(text))
		}
	}
	if _, ok := termOf(a.Query("托管班"), "没人管"); ok {
		t.Error("a rule ran backwards")
	}
	// A one-condition rule; its added terms of three or more characters
	// are indexed as words.
	if _, ok := termOf(a.Query("树上好多吊死鬼"), "病虫害"); !ok {
		t.Error("吊死鬼 did not add 病虫害")
	}
	if !slices.Contains(a.Tokens("夏季病虫害防治"), "病虫害") {
		t.Errorf("病虫害 not indexed as a word: %q", a.Tokens("夏季病虫害防治"))
	}

	for _, bad := range []string{"孩子 => ", " => 托管", "孩子 + => 托管", "孩子 => 托管 => 看护", "a + b + c + d + e => f",
		"孩子 => 托管!"} {
		var te *ThesaurusError
		if _, err := ParseThesaurus(strings.NewReader(bad)); !errors.As(err, &te) || te.Line != 1 {
			t.Errorf("%q: error %v", bad, err)
		}
	}
	// The shipped thesaurus has rules in it.
	if len(DefaultThesaurus().Rules()) < 30 {
		t.Errorf("%d shipped rules", len(DefaultThesaurus().Rules()))
	}
}

func TestSynonymBudget(t *testing.T) {
	t.Parallel()
	th, err := ParseThesaurus(strings.NewReader("孩子 儿童 小朋友 少儿 小孩 学生 小学生 中学生 娃\n电梯 升降机\n"))
	if err != nil {
		t.Fatal(err)
	}
	sum := func(q Query, src string) (total, top float64) {
		for _, tm := range q.Terms {
			if tm.Kind == KindSynonym && tm.Source == src {
				total += tm.Weight
				top = max(top, tm.Weight)
			}
		}
		return
	}
	a := NewAnalyzer(Options{Thesaurus: th})
	if total, top := sum(a.Query("孩子"), "孩子"); math.Abs(total-2) > 1e-9 || top >= 0.5 {
		t.Errorf("a large group: synonyms weigh %v in all, %v at most; want 2 and below 0.5", total, top)
	}
	if total, _ := sum(a.Query("电梯"), "电梯"); total != 0.5 {
		t.Errorf("a small group keeps its weight: %v", total)
	}
	b := NewAnalyzer(Options{Thesaurus: th, SynonymBudget: -1})
	if total, _ := sum(b.Query("孩子"), "孩子"); total != 4 {
		t.Errorf("no budget: %v, want 8 × 0.5", total)
	}
}

// A one-character thesaurus term counts only where the segmenter cuts it as
// a word of its own: 狗 in 鸡飞狗跳 is no dog, 摔 in 摔门 and 家 in 大家 no fall
// at home.
func TestOneCharacterTermsAreWords(t *testing.T) {
	t.Parallel()
	th, err := ParseThesaurus(strings.NewReader("狗 犬 养犬\n摔 + 家 => 防跌倒\n"))
	if err != nil {
		t.Fatal(err)
	}
	seg := fakeSegmenter{"鸡飞狗跳": true, "摔门": true, "大家": true, "遛狗": true}
	a := NewAnalyzer(Options{Thesaurus: th, Segmenter: seg})
	for _, text := range []string{"家里吵得鸡飞狗跳", "一说他就摔门大家都怕"} {
		q := a.Query(text)
		for _, s := range []string{"犬", "养犬", "防跌倒"} {
			if _, ok := termOf(q, s); ok {
				t.Errorf("%s: %s in %v", text, s, q)
			}
		}
	}
	if _, ok := termOf(a.Query("楼下的狗天天叫"), "养犬"); !ok {
		t.Errorf("狗 standing alone did not expand: %v", a.Query("楼下的狗天天叫"))
	}
	if _, ok := termOf(a.Query("老人在家摔了"), "防跌倒"); !ok {
		t.Errorf("摔 + 家 standing alone did not fire: %v", a.Query("老人在家摔了"))
	}
	// Without a segmenter nothing tells a word from a part of one.
	if _, ok := termOf(NewAnalyzer(Options{Thesaurus: th}).Query("鸡飞狗跳"), "养犬"); !ok {
		t.Error("without a segmenter 狗 no longer expands")
	}
	// A query of one character is a word.
	if _, ok := termOf(a.Query("狗"), "养犬"); !ok {
		t.Error("the query 狗 did not expand")
	}
}

// TestSpacedSingles: characters typed one at a time with spaces between
// them (养 老) read as typed together; a tester found every 养 and every 老
// highlighted instead.
func TestSpacedSingles(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	for _, c := range []struct{ text, want string }{
		{"养 老", "养老"},
		{"养  老 院", "养老院"},
		{"老人 手机", ""},
		{"我 想 找 养老", "我想找"},
	} {
		q := a.Query(c.text)
		has := func(t string) bool {
			for _, x := range q.Terms {
				if x.Text == t {
					return true
				}
			}
			return false
		}
		switch {
		case c.want == "" && has("人手"):
			t.Errorf("%q: words of two characters were joined: %v", c.text, q)
		case c.want != "" && !has(string([]rune(c.want)[:2])):
			t.Errorf("%q: no bigram %q: %v", c.text, string([]rune(c.want)[:2]), q)
		}
	}
}
