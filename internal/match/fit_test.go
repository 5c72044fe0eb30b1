package match

import (
	"math"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/search"
)

func TestFit(t *testing.T) {
	t.Parallel()
	th, err := search.ParseThesaurus(strings.NewReader("孩子 儿童 小朋友 少儿\n失眠 睡不着 心理咨询\n"))
	if err != nil {
		t.Fatal(err)
	}
	var ps populations
	pop := ps.of(th)
	for _, w := range []string{"孩子", "儿童", "小朋友", "少儿", "老人"} {
		if !pop[w] {
			t.Errorf("%s is not a population term", w)
		}
	}
	if pop["失眠"] || pop["心理咨询"] {
		t.Error("a problem word counted as a population")
	}
	if ps.of(th)["孩子"] != true || ps.of(search.DefaultThesaurus())["老年人"] != true {
		t.Error("the cache does not follow the thesaurus")
	}

	m := &Matcher{w: Weights{PeopleWeight: 0.5, SynonymRest: 0.25}}
	// A document naming children three ways and one naming the problem:
	// the synonyms of 孩子 count as one vote (best whole, the others a
	// quarter), and at half weight, as people.
	kids := search.Hit{ID: "kids", Matches: []search.Match{
		{Term: "儿童", Source: "孩子", Kind: search.KindSynonym, Score: 1},
		{Term: "小朋友", Source: "孩子", Kind: search.KindSynonym, Score: 0.8},
		{Term: "少儿", Source: "孩子", Kind: search.KindSynonym, Score: 0.8},
		{Term: "孩子", Source: "孩子", Kind: search.KindBigram, Score: 1.2},
	}}
	want := (1.2 + 1 + 0.25*1.6) * 0.5
	if got := m.fit(kids, pop); math.Abs(got-want) > 1e-9 {
		t.Errorf("population document: %v, want %v", got, want)
	}
	sleep := search.Hit{ID: "sleep", Matches: []search.Match{
		{Term: "心理咨询", Source: "睡不着", Kind: search.KindSynonym, Score: 1.5},
		{Term: "失眠", Source: "睡不着", Kind: search.KindSynonym, Score: 1},
	}}
	if got := m.fit(sleep, pop); math.Abs(got-1.75) > 1e-9 {
		t.Errorf("problem document: %v, want 1.75", got)
	}
	text, _ := m.fits([]search.Hit{kids, sleep}, pop)
	if text["sleep"] != 1 || text["kids"] >= 1 {
		t.Errorf("normalized: %v", text)
	}
	// SynonymRest 1 and PeopleWeight 1 give back the index's sum.
	m.w = Weights{PeopleWeight: 1, SynonymRest: 1}
	if got := m.fit(kids, pop); math.Abs(got-3.8) > 1e-9 {
		t.Errorf("plain sum: %v, want 3.8", got)
	}
}

// A term a situation rule adds counts for a category as much as a keyword
// typed; a group's synonym counts half.
func TestCategoryRuleEvidence(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		thesaurus string
		legal     float64
	}{
		{"楼上 + 漏水 => 调解\n", 0.5},        // rule: 调解 as strong as the typed 漏水
		{"漏水 调解\n", 1.0 / 3},            // group: half
		{"楼上 + 漏水 => 调解\n漏水 调解\n", 0.5}, // both: the rule's
	} {
		th, err := search.ParseThesaurus(strings.NewReader(c.thesaurus))
		if err != nil {
			t.Fatal(err)
		}
		q := search.NewAnalyzer(search.Options{Thesaurus: th}).Query("楼上漏水")
		cats := categoryScores(q.Text, q)
		if math.Abs(cats["legal"]-c.legal) > 1e-9 || math.Abs(cats["property"]-(1-c.legal)) > 1e-9 {
			t.Errorf("%q: legal %v property %v, want %v and %v; query %v", c.thesaurus, cats["legal"], cats["property"], c.legal, 1-c.legal, q)
		}
	}
}
