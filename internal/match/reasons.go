package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/search"
)

// genericWords are too common in community work to explain a match: the
// setting (社区, 居民) and the verbs any project text uses (提供, 开展).
var genericWords = map[string]bool{"社区": true, "小区": true, "街道": true, "服务": true, "居民": true, "开展": true,
	"工作": true, "活动": true, "项目": true, "组织": true, "问题": true, "需要": true, "希望": true, "我们": true,
	"提供": true, "围绕": true, "带领": true, "通过": true, "进行": true, "帮助": true, "参与": true, "推动": true,
	"加强": true, "相关": true, "一起": true, "实现": true, "机构": true, "专业": true, "引入": true,
	// How often and how many: 每周一次 and 60岁以上 say nothing of what is done.
	"以上": true, "以下": true, "左右": true, "一次": true, "两次": true, "多次": true, "每周": true, "每天": true,
	"每月": true, "每年": true, "一些": true, "很多": true, "不少": true, "目前": true, "现在": true}

// maxReasonTerms bounds the words one reason names.
const maxReasonTerms = 4

// wordTerm is a matched term fit to show: a whole word, and the typed word
// it stands for when it came from the thesaurus.
type wordTerm struct {
	text, source string // source is "" for a word typed
}

// nameable reports whether a matched term may be shown to people: a whole
// word (a thesaurus term, a word the segmenter found in the query, a
// letter/digit word), never a bigram that straddles two words (门公 in
// 楼门/公约) or sits inside one (青少 in 青少年), never a single character,
// a bare number or a word too common to say anything.
func nameable(mt search.Match, words map[string]bool) bool {
	t := mt.Term
	if utf8.RuneCountInString(t) < 2 || genericWords[t] || strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		return false
	}
	switch mt.Kind {
	case search.KindWord, search.KindSynonym:
		return true
	case search.KindBigram:
		return words[t]
	}
	return false
}

// wordSet is the set of a query's whole words.
func wordSet(q search.Query) map[string]bool {
	m := make(map[string]bool, len(q.Words))
	for _, w := range q.Words {
		m[w] = true
	}
	return m
}

// reasonWords lists the nameable terms of a hit in the given fields (all
// when none), strongest first, leaving out a word that a longer one listed
// contains (垃圾分类 says 垃圾 and 分类).
func reasonWords(h search.Hit, words map[string]bool, fields ...string) []wordTerm {
	var all []wordTerm
	seen := map[string]bool{}
	for _, mt := range h.Matches {
		in := len(fields) == 0
		for _, f := range mt.Fields {
			for _, want := range fields {
				in = in || f == want
			}
		}
		if !in || seen[mt.Term] || !nameable(mt, words) {
			continue
		}
		seen[mt.Term] = true
		wt := wordTerm{text: mt.Term}
		if mt.Kind == search.KindSynonym && mt.Source != mt.Term && utf8.RuneCountInString(mt.Source) > 1 {
			wt.source = mt.Source
		}
		all = append(all, wt)
	}
	var out []wordTerm
	for _, t := range all {
		covered := false
		for _, u := range all {
			covered = covered || (u.text != t.text && strings.Contains(u.text, t.text))
		}
		if !covered {
			out = append(out, t)
		}
	}
	if len(out) > maxReasonTerms {
		out = out[:maxReasonTerms]
	}
	return out
}

// related says which typed words a thesaurus term answers: 为老服务（与“老人”相关）,
// 课后托管（与“孩子”“没人管”相关）.
func related(text, source string) string {
	if source == "" {
		return text
	}
	return text + "（与“" + strings.ReplaceAll(source, "、", "”“") + "”相关）"
}

// joinWords spells terms for a reason: the words typed, then the thesaurus
// terms grouped by the typed word they came from.
func joinWords(ts []wordTerm) string {
	var parts []string
	var sources []string
	bySource := map[string][]string{}
	for _, t := range ts {
		if t.source == "" {
			parts = append(parts, t.text)
			continue
		}
		if bySource[t.source] == nil {
			sources = append(sources, t.source)
		}
		bySource[t.source] = append(bySource[t.source], t.text)
	}
	for _, s := range sources {
		parts = append(parts, related(strings.Join(bySource[s], "、"), s))
	}
	return strings.Join(parts, "、")
}

// domainTags returns the organization's own domain tags that the query
// matched through a nameable word, as written, with the typed word behind
// a tag matched only through the thesaurus (spelled by joinWords: 为老服务
// （与“老人”相关）); at most three.
func domainTags(domains []string, h search.Hit, words map[string]bool) []wordTerm {
	var out []wordTerm
	for _, d := range domains {
		nd := search.Normalize(strings.TrimSpace(d))
		if nd == "" {
			continue
		}
		typed, source := false, ""
		for _, mt := range h.Matches {
			in := false
			for _, f := range mt.Fields {
				in = in || f == fDomains
			}
			if !in || !strings.Contains(nd, mt.Term) || !nameable(mt, words) {
				continue
			}
			if mt.Kind != search.KindSynonym || mt.Source == mt.Term {
				typed = true
			} else if source == "" {
				source = mt.Source
			}
		}
		switch {
		case typed:
			out = append(out, wordTerm{text: strings.TrimSpace(d)})
		case source != "":
			out = append(out, wordTerm{text: strings.TrimSpace(d), source: source})
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}
