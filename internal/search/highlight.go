package search

import (
	"slices"
	"strings"
)

// Fragment is one piece of a highlighted snippet. Hit pieces matched a query
// term; templates wrap them in <mark> and escape every piece.
type Fragment struct {
	Text string
	Hit  bool
}

// Ellipsis marks text cut from a snippet.
const Ellipsis = "…"

// Highlighting limits: text beyond maxHighlightRunes is not looked at (the
// snippet ends with an ellipsis), and at most maxHighlightSpans matches are
// considered when choosing the window, so any input costs bounded time.
const (
	maxHighlightRunes = MaxFieldRunes
	maxHighlightSpans = 2000
)

// hlTerm is a query term as runes, with what highlighting needs to know.
type hlTerm struct {
	rs        []rune
	weight    float64
	synonym   bool // another word for a typed one (a thesaurus group or a rule)
	wordStart bool // its first rune is a letter or digit: needs a word boundary before
	wordEnd   bool // likewise after its last rune
}

// hlSpan is one occurrence of term in the text, [start, end) in runes.
type hlSpan struct {
	start, end int
	term       int
}

// HighlightText is Highlight for a query given as text.
func (a *Analyzer) HighlightText(text, query string, maxRunes int) []Fragment {
	return a.Highlight(text, a.Query(query), maxRunes)
}

// Highlight returns a snippet of text of at most maxRunes characters (plus
// ellipses; maxRunes ≤ 0 means the whole text) around the terms of q, split
// into fragments whose Hit pieces matched a term: typed bigrams, words and
// single characters and their thesaurus synonyms. Matching runs on the
// normalized text, whose runes are those of the original one for one, so the
// fragments spell the original text (control characters become spaces).
// When the text is longer than maxRunes the window with the most distinct
// terms (by weight) wins. Empty text gives nil; a query without terms gives
// the start of the text without hits.
func (a *Analyzer) Highlight(text string, q Query, maxRunes int) []Fragment {
	if text == "" {
		return nil
	}
	orig := make([]rune, 0, min(len(text), maxHighlightRunes))
	norm := make([]rune, 0, cap(orig))
	cut := false
	for _, r := range text {
		if len(orig) == maxHighlightRunes {
			cut = true
			break
		}
		n := NormalizeRune(r)
		if n == ' ' {
			r = ' ' // control and invisible characters: shown as a space
		}
		orig = append(orig, r)
		norm = append(norm, n)
	}
	terms := highlightTerms(q)
	spans := preferTyped(findSpans(norm, terms), terms)

	n := len(orig)
	lo, hi := 0, n
	if maxRunes > 0 && n > maxRunes {
		lo, hi = bestWindow(norm, spans, terms, maxRunes)
	}
	var out []Fragment
	if lo > 0 {
		out = append(out, Fragment{Text: Ellipsis})
	}
	out = appendFragments(out, orig, spans, lo, hi)
	if hi < n || cut {
		out = appendText(out, Ellipsis, false)
	}
	return out
}

// highlightTerms turns the query's terms into runes, dropping those that
// cannot match (empty) and duplicates.
func highlightTerms(q Query) []hlTerm {
	terms := make([]hlTerm, 0, len(q.Terms))
	seen := make(map[string]bool, len(q.Terms))
	for _, t := range q.Terms {
		if t.Text == "" || seen[t.Text] {
			continue
		}
		seen[t.Text] = true
		rs := []rune(t.Text)
		w := t.Weight
		if !(w > 0) {
			w = 0.01
		}
		terms = append(terms, hlTerm{
			rs:        rs,
			weight:    w,
			synonym:   t.Kind == KindSynonym,
			wordStart: isWordRune(rs[0]),
			wordEnd:   isWordRune(rs[len(rs)-1]),
		})
	}
	return terms
}

// findSpans returns every occurrence of a term in the normalized runes,
// ordered by start (then longest first). A term starting or ending with a
// letter or digit matches only at word boundaries, as the index tokenizes
// letter/digit runs as whole words.
func findSpans(norm []rune, terms []hlTerm) []hlSpan {
	if len(terms) == 0 {
		return nil
	}
	byFirst := make(map[rune][]int, len(terms))
	for i, t := range terms {
		byFirst[t.rs[0]] = append(byFirst[t.rs[0]], i)
	}
	var spans []hlSpan
	for i, r := range norm {
		cands, ok := byFirst[r]
		if !ok {
			continue
		}
		if len(spans) >= maxHighlightSpans*4 {
			break
		}
		for _, ti := range cands {
			t := &terms[ti]
			e := i + len(t.rs)
			if e > len(norm) || !slices.Equal(norm[i:e], t.rs) {
				continue
			}
			if t.wordStart && i > 0 && isWordRune(norm[i-1]) {
				continue
			}
			if t.wordEnd && e < len(norm) && isWordRune(norm[e]) {
				continue
			}
			spans = append(spans, hlSpan{i, e, ti})
		}
	}
	slices.SortFunc(spans, func(a, b hlSpan) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	return spans
}

// preferTyped drops the synonym matches that overlap a match of a typed
// term, so a reader sees the word she typed marked (社区[养老]服务), not the
// longer thesaurus phrase around it ([社区养老服务]). Spans stay ordered.
func preferTyped(spans []hlSpan, terms []hlTerm) []hlSpan {
	var typed []hlSpan
	for _, s := range spans {
		if !terms[s.term].synonym {
			typed = append(typed, s)
		}
	}
	if len(typed) == 0 || len(typed) == len(spans) {
		return spans
	}
	out := spans[:0]
	k := 0 // typed[k:] may still overlap (typed is ordered by start)
	for _, s := range spans {
		if terms[s.term].synonym {
			for k < len(typed) && typed[k].start < s.start && typed[k].end <= s.start {
				k++
			}
			overlaps := false
			for _, t := range typed[k:] {
				if t.start >= s.end {
					break
				}
				if t.end > s.start {
					overlaps = true
					break
				}
			}
			if overlaps {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// windowStart is where a snippet showing a match at anchor begins: just
// after the nearest separator (punctuation or space) at most two thirds of
// a window before it, so the snippet starts with a whole clause rather than
// in the middle of a word; without one, a few characters before the match,
// so a word that turns its meaning round stays in view (六层无电梯老楼
// must not read …电梯老楼), at the price of maybe cutting a word.
func windowStart(norm []rune, anchor, maxRunes int) int {
	for i := anchor - 1; i >= max(0, anchor-maxRunes*2/3); i-- {
		if isSeparator(norm[i]) {
			return i + 1
		}
	}
	return max(0, anchor-snippetLead)
}

// snippetLead is how many characters a snippet without a clause break near
// its first hit shows before it: a negation or a measure (无, 不, 近, 约)
// and most two-character words.
const snippetLead = 4

// clauseAfter is the start of the first clause beginning in (from, limit],
// or from when none does (the text before the hit matters more then than
// a whole first word).
func clauseAfter(norm []rune, from, limit int) int {
	for i := from; i < limit; i++ {
		if isSeparator(norm[i]) {
			return i + 1
		}
	}
	return from
}

// isSeparator reports whether the normalized rune r ends a clause or a
// word: a space, CJK punctuation (。、《》), clause punctuation (full-width
// ，；：！？ normalize to ASCII), quotation marks, dashes and ellipses.
func isSeparator(r rune) bool {
	return strings.ContainsRune(" ,;:!?()\"'", r) || isCJKPunct(r) ||
		r >= 0x2010 && r <= 0x2027 // dashes, quotation marks, …
}

// bestWindow picks the maxRunes-long window [lo, hi) of the text that holds
// the greatest weight of distinct terms, ties going to more matches and then
// to the earlier window. A window starts at the clause of its first match
// where there is one, so the hit is read in context.
func bestWindow(norm []rune, spans []hlSpan, terms []hlTerm, maxRunes int) (lo, hi int) {
	n := len(norm)
	if len(spans) == 0 {
		return 0, maxRunes
	}
	if len(spans) > maxHighlightSpans {
		spans = spans[:maxHighlightSpans]
	}
	bestScore, bestCount := -1.0, -1
	counted := make([]int, len(terms)) // generation marks: counted[t] == anchor+1
	for ai, anchor := range spans {
		if ai > 0 && anchor.start == spans[ai-1].start {
			continue
		}
		start := windowStart(norm, anchor.start, maxRunes)
		end := start + maxRunes
		if end > n { // the text ends first: show more before the hit, from a clause's start if any
			end = n
			if start = max(0, n-maxRunes); start > 0 {
				start = clauseAfter(norm, start, anchor.start)
			}
		}
		score, count := 0.0, 0
		for _, s := range spans[ai:] {
			if s.start >= end {
				break
			}
			if s.end > end {
				continue
			}
			count++
			if counted[s.term] != ai+1 {
				counted[s.term] = ai + 1
				score += terms[s.term].weight
			}
		}
		if score > bestScore+1e-9 || score > bestScore-1e-9 && count > bestCount {
			bestScore, bestCount, lo, hi = score, count, start, end
		}
	}
	return lo, hi
}

// appendFragments appends orig[lo:hi] split at the matches that lie wholly
// inside the window, overlapping and touching ones merged into one mark.
func appendFragments(out []Fragment, orig []rune, spans []hlSpan, lo, hi int) []Fragment {
	pos := lo
	s, e := -1, -1 // the mark being merged
	for _, sp := range spans {
		if sp.start >= hi {
			break
		}
		if sp.start < lo || sp.end > hi {
			continue
		}
		if s >= 0 && sp.start <= e {
			e = max(e, sp.end)
			continue
		}
		if s >= 0 {
			out = appendText(out, string(orig[pos:s]), false)
			out = appendText(out, string(orig[s:e]), true)
			pos = e
		}
		s, e = sp.start, sp.end
	}
	if s >= 0 {
		out = appendText(out, string(orig[pos:s]), false)
		out = appendText(out, string(orig[s:e]), true)
		pos = e
	}
	return appendText(out, string(orig[pos:hi]), false)
}

// appendText appends a piece, joining it to the previous one of the same
// kind; empty pieces are dropped.
func appendText(out []Fragment, s string, hit bool) []Fragment {
	if s == "" {
		return out
	}
	if k := len(out) - 1; k >= 0 && out[k].Hit == hit {
		out[k].Text += s
		return out
	}
	return append(out, Fragment{Text: s, Hit: hit})
}

// FragmentsText joins the fragments' text, for tests and plain-text output.
func FragmentsText(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}
