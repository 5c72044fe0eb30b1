package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"
)

// A few hand-written documents: one right answer per query below and
// distractors that share characters with it.
var sanityDocs = []Doc{
	{ID: "digital", Fields: map[string]string{
		FieldTitle:       "银发智能手机课堂",
		FieldDescription: "志愿者一对一教老年人使用智能手机，学会微信视频通话、扫码，以及在医院小程序上线上挂号和缴费。",
		FieldTags:        "数字素养 智慧助老"}},
	{ID: "meals", Fields: map[string]string{
		FieldTitle:       "老年助餐服务",
		FieldDescription: "为高龄、独居老人提供助餐和送餐上门，推进居家养老。",
		FieldTags:        "为老服务"}},
	{ID: "escort", Fields: map[string]string{
		FieldTitle:       "医院陪诊服务",
		FieldDescription: "为行动不便的居民提供陪同就医、取药服务。",
		FieldTags:        "健康"}},
	{ID: "repair", Fields: map[string]string{
		FieldTitle:       "便民服务日",
		FieldDescription: "邀请商户为居民免费检测维修手机、小家电，磨刀修伞。",
		FieldTags:        "便民服务"}},
	{ID: "summer", Fields: map[string]string{
		FieldTitle:       "儿童暑期托管",
		FieldDescription: "为双职工家庭的孩子提供暑期托管和作业辅导，约定每天少玩手机。",
		FieldTags:        "儿童与青少年"}},
	{ID: "parking", Fields: map[string]string{
		FieldTitle:       "小区停车秩序治理",
		FieldDescription: "施划停车位，推动周边单位错时共享停车，劝导占用消防通道的车辆。",
		FieldTags:        "停车与交通"}},
	{ID: "owners", Fields: map[string]string{
		FieldTitle:       "业主委员会组建指导",
		FieldDescription: "派驻指导员，依法指导业主大会筹备、选举和备案。",
		FieldTags:        "物业治理"}},
	{ID: "dogs", Fields: map[string]string{
		FieldTitle:       "文明养犬宣传",
		FieldDescription: "在小区开展文明养犬劝导，倡导出门牵绳、及时清理犬只粪便。",
		FieldTags:        "文明养宠"}},
	{ID: "lift", Fields: map[string]string{
		FieldTitle:       "老楼加装电梯协商",
		FieldDescription: "组织高低楼层住户协商加装电梯的出资与补偿方案。",
		FieldTags:        "老旧小区改造"}},
	{ID: "waste", Fields: map[string]string{
		FieldTitle:       "垃圾分类桶站值守",
		FieldDescription: "组织志愿者在桶站值守，入户宣传厨余垃圾分类。",
		FieldTags:        "环境与垃圾分类"}},
}

func sanityIndex(t testing.TB, a *Analyzer) *Index {
	ix := newTestIndex(t, a)
	if err := ix.Build(sanityDocs); err != nil {
		t.Fatal(err)
	}
	return ix
}

// checkSanity asserts each query ranks its document first.
func checkSanity(t *testing.T, ix *Index) {
	t.Helper()
	for _, c := range []struct{ query, want string }{
		{"楼里好多老人不会用手机挂号", "digital"},
		{"老人不会用手机", "digital"},
		{"成立业委会", "owners"},
		{"遛狗不拴绳", "dogs"},
		{"電梯", "lift"},
		{"养老", "meals"},
		{"乱停车", "parking"},
		{"厨余", "waste"},
	} {
		hits := ix.SearchText(c.query, SearchOptions{K: 5, Explain: true})
		if len(hits) == 0 || hits[0].ID != c.want {
			var got []string
			for _, h := range hits {
				got = append(got, fmt.Sprintf("%s(%.2f)", h.ID, h.Score))
			}
			t.Errorf("%s: got %v, want %s first", c.query, got, c.want)
		}
	}
}

func TestColloquialQueries(t *testing.T) {
	t.Parallel()
	checkSanity(t, sanityIndex(t, plainAnalyzer()))
	// The colloquial query puts the digital-skills document clearly ahead of
	// documents that only share 手机 or 老人 with it.
	ix := sanityIndex(t, plainAnalyzer())
	hits := ix.SearchText("楼里好多老人不会用手机挂号", SearchOptions{K: 10})
	if len(hits) < 2 || hits[0].Score < 1.5*hits[1].Score {
		t.Errorf("weak lead: %+v", hits)
	}
}

func TestConcurrentReadersAndWriters(t *testing.T) {
	t.Parallel()
	a := plainAnalyzer()
	ix := newTestIndex(t, a)
	c := newCorpus(7)
	initial := c.docs(1000)
	if err := ix.Build(initial); err != nil {
		t.Fatal(err)
	}
	queries := c.queries(50)
	const writers, ops = 2, 300
	var (
		wg      sync.WaitGroup
		done    atomic.Bool
		readErr atomic.Value
		models  = make([]map[string]string, writers) // id → unique token
	)
	for w := range writers {
		models[w] = map[string]string{}
		r := rand.New(rand.NewPCG(uint64(w), 99))
		wg.Go(func() {
			for i := range ops {
				id := fmt.Sprintf("w%d-%03d", w, r.IntN(60))
				if r.IntN(4) == 0 {
					ix.Delete(id)
					delete(models[w], id)
					continue
				}
				tok := fmt.Sprintf("tok%dx%d", w, i)
				doc := Doc{ID: id, Fields: map[string]string{FieldTitle: "社区服务 " + tok, FieldDescription: queries[i%len(queries)]}}
				if err := ix.Put(doc); err != nil {
					readErr.Store(err)
					return
				}
				models[w][id] = tok
			}
		})
	}
	var readers sync.WaitGroup
	for g := range 4 {
		readers.Go(func() {
			for i := 0; i < 100000 && !done.Load(); i++ {
				hits := ix.SearchText(queries[(i+g)%len(queries)], SearchOptions{K: 10, Facets: facetFor(i)})
				seen := map[string]bool{}
				for j, h := range hits {
					if h.ID == "" || seen[h.ID] || j > 0 && h.Score > hits[j-1].Score {
						readErr.Store(fmt.Errorf("bad hits %+v", hits))
						return
					}
					seen[h.ID] = true
				}
				_ = ix.Stats()
			}
		})
	}
	wg.Wait()
	done.Store(true)
	readers.Wait()
	if err, _ := readErr.Load().(error); err != nil {
		t.Fatal(err)
	}
	want := len(initial)
	for _, m := range models {
		want += len(m)
		for id, tok := range m {
			hits := ix.SearchText(tok, SearchOptions{K: 1})
			if len(hits) != 1 || hits[0].ID != id {
				t.Errorf("%s (%s): %v", id, tok, hits)
			}
		}
	}
	if ix.Len() != want {
		t.Errorf("Len %d, want %d", ix.Len(), want)
	}
}

func facetFor(i int) []string {
	if i%3 == 0 {
		return []string{"kind:project"}
	}
	return nil
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "楼里好多老人不会用手机挂号", "ＷｉＦｉ密碼", "😀", "\x00\xff", "的了", "a区5G", strings.Repeat("老", 300)} {
		f.Add(s)
	}
	a := plainAnalyzer()
	ix := sanityIndex(f, a)
	f.Fuzz(func(t *testing.T, s string) {
		q := a.Query(s)
		if len(q.Terms) > MaxQueryTerms || utf8.RuneCountInString(q.Text) > MaxQueryRunes || !utf8.ValidString(q.Text) {
			t.Fatalf("query %q: %d terms, text %q", s, len(q.Terms), q.Text)
		}
		for _, tm := range q.Terms {
			if tm.Text == "" || !utf8.ValidString(tm.Text) || !(tm.Weight > 0) {
				t.Fatalf("query %q: bad term %+v", s, tm)
			}
		}
		hits := ix.Search(q, SearchOptions{K: 3, Explain: true})
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Fatalf("query %q: unsorted %+v", s, hits)
			}
		}
	})
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"", "业主委员会换届", "ＡＢＣ１２３", "\u200b\u3000", "5G网络", "😀老人😀"} {
		f.Add(s)
	}
	a := plainAnalyzer()
	f.Fuzz(func(t *testing.T, s string) {
		if n, m := utf8.RuneCountInString(s), utf8.RuneCountInString(Normalize(s)); n != m {
			t.Fatalf("Normalize(%q): %d runes became %d", s, n, m)
		}
		for _, tok := range a.Tokens(s) {
			if tok == "" || !utf8.ValidString(tok) || utf8.RuneCountInString(tok) > max(maxWordRunes, MaxTermRunes) {
				t.Fatalf("Tokens(%q): bad token %q", s, tok)
			}
		}
	})
}

func FuzzThesaurus(f *testing.F) {
	f.Add(DefaultThesaurusText())
	f.Add("老人 长者\n# x\n电梯/升降机")
	f.Add("a b\n\xff")
	f.Add("孩子 小孩 + 没人管 => 托管\n孩子 => 托管 => x")
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThesaurus(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, g := range th.Groups() {
			if len(g) < 2 || slices.Contains(g, "") {
				t.Fatalf("bad group %q", g)
			}
		}
		for _, r := range th.Rules() {
			if len(r.When) == 0 || len(r.Add) == 0 || slices.Contains(r.Add, "") {
				t.Fatalf("bad rule %q", r)
			}
			for _, c := range r.When {
				if len(c) == 0 || slices.Contains(c, "") {
					t.Fatalf("bad rule %q", r)
				}
			}
		}
		NewAnalyzer(Options{Thesaurus: th}).Query(s)
	})
}
