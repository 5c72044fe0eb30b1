package search

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Limits on what one text contributes, so a huge field or query cannot make
// indexing or search arbitrarily slow. Text beyond them is ignored.
const (
	MaxFieldRunes = 20000 // per field of a document
	MaxQueryRunes = 256   // per query
	MaxQueryTerms = 160   // after thesaurus expansion, highest weights kept
	maxWordRunes  = 32    // a longer letter/digit run is cut (URLs, hashes)
)

// Segmenter splits a run of simplified Chinese characters into words that
// together spell the run, in order. github.com/go-ego/gse behind
// internal/search/gseseg is one; implementations must be safe for concurrent
// use.
type Segmenter interface {
	Cut(run string) []string
}

// Options configure an Analyzer. Zero values take the defaults noted.
type Options struct {
	// Thesaurus expands queries and lists the multi-character terms indexed
	// as words. Nil takes DefaultThesaurus().
	Thesaurus *Thesaurus
	// Segmenter, when set, tells word-internal bigrams of a query from those
	// spanning two words (the latter weigh CrossWeight), drops stop words and
	// turns single-character words into unigram terms.
	Segmenter Segmenter
	// SegmentDocuments also runs Segmenter over documents and indexes its
	// words of three or more characters. It costs indexing speed (gse cuts
	// about 8 MB/s per core), so it is off by default: bigrams and the
	// thesaurus words already find those words.
	SegmentDocuments bool
	// SynonymWeight is the query weight of a thesaurus expansion (default 0.5;
	// terms typed weigh 1).
	SynonymWeight float64
	// RuleWeight is the query weight of a term a situation rule adds
	// (default 1, as if typed: a rule names exactly what answers the
	// situation its conditions describe, where a group only offers other
	// words for one word; match counts the terms of one rule as one vote).
	RuleWeight float64
	// SynonymBudget caps the summed weight of the group synonyms of one typed
	// term (default 2, i.e. two typed words): a large group, as the dozen
	// names of children or elders, spreads it thinner, so a document that
	// names the population many ways does not outrank one that matches what
	// is asked for, and a vague word (many synonyms) weighs less than a
	// precise one. Negative: no cap.
	SynonymBudget float64
	// CrossWeight is the query weight of a bigram that spans two segmenter
	// words, as 人不 in 老人/不会 (default 0.4).
	CrossWeight float64
	// UnigramWeight is the query weight of a single-character word inside a
	// longer run, as 乱 in 停车/乱 (default 0.5). A query that is one
	// character long weighs it 1.
	UnigramWeight float64
}

// Analyzer turns text into index tokens and queries. It is safe for
// concurrent use; the thesaurus can be replaced while it is in use.
type Analyzer struct {
	opts Options
	thes atomic.Pointer[Thesaurus]
}

// NewAnalyzer returns an analyzer with the given options.
func NewAnalyzer(o Options) *Analyzer {
	if o.SynonymWeight <= 0 {
		o.SynonymWeight = 0.5
	}
	if o.RuleWeight <= 0 {
		o.RuleWeight = 1
	}
	if o.SynonymBudget == 0 {
		o.SynonymBudget = 2
	}
	if o.CrossWeight <= 0 {
		o.CrossWeight = 0.4
	}
	if o.UnigramWeight <= 0 {
		o.UnigramWeight = 0.5
	}
	if o.Thesaurus == nil {
		o.Thesaurus = DefaultThesaurus()
	}
	a := &Analyzer{opts: o}
	a.thes.Store(o.Thesaurus)
	o.Thesaurus = nil // the atomic pointer is the one source from now on
	a.opts = o
	return a
}

// Thesaurus returns the thesaurus in use.
func (a *Analyzer) Thesaurus() *Thesaurus { return a.thes.Load() }

// SetThesaurus replaces the thesaurus (an admin edited it). Queries use it at
// once; its new terms of three or more characters are indexed as words only
// for documents analyzed from now on, so rebuild the index to apply them to
// every document (until then such a term still finds the documents whose
// other words match).
func (a *Analyzer) SetThesaurus(t *Thesaurus) {
	if t == nil {
		t = DefaultThesaurus()
	}
	a.thes.Store(t)
}

// Token keys. A Chinese unigram or bigram is a uint64 (cheap to hash and to
// sort, and it keeps the biggest part of the vocabulary free of pointers);
// everything else (words of three or more characters, letter/digit words) is
// a string.
func uniKey(r rune) uint64       { return uint64(r) }
func biKey(a, b rune) uint64     { return uint64(a)<<21 | uint64(b) }
func gramIsBigram(k uint64) bool { return k >= 1<<21 }

// gramString spells a gram key.
func gramString(k uint64) string {
	if gramIsBigram(k) {
		return string([]rune{rune(k >> 21), rune(k & (1<<21 - 1))})
	}
	return string(rune(k))
}

// gramKeyOf returns the gram key of a one- or two-character Chinese term.
func gramKeyOf(s string) (uint64, bool) {
	r1, n1 := utf8.DecodeRuneInString(s)
	if n1 == 0 || !isHan(r1) {
		return 0, false
	}
	if n1 == len(s) {
		return uniKey(r1), true
	}
	r2, n2 := utf8.DecodeRuneInString(s[n1:])
	if !isHan(r2) || n1+n2 != len(s) {
		return 0, false
	}
	return biKey(r1, r2), true
}

// stopBigrams are the two-character stop words as gram keys, and
// stopBigramFirst their first characters (a cheap test before the map).
var stopBigrams, stopBigramFirst = func() (map[uint64]bool, *runeSet) {
	m, first := map[uint64]bool{}, new(runeSet)
	for w := range stopWords {
		if k, ok := gramKeyOf(w); ok && gramIsBigram(k) {
			m[k] = true
			first.add(rune(k >> 21))
		}
	}
	return m, first
}()

// isStopBigram reports whether two adjacent characters are a stop word (我们)
// or two stop characters (的了, 是在): such a bigram says nothing.
func isStopBigram(a, b rune) bool {
	return stopRunes.has(a) && stopRunes.has(b) || stopBigramFirst.has(a) && stopBigrams[biKey(a, b)]
}

// fieldTokens collects the tokens of one document, all fields together.
type fieldTokens struct {
	grams  []uint64 // key<<3 | field, one entry per occurrence
	words  []wordOcc
	runes  []rune // scratch
	spans  [][2]int
	counts gramCounter
}

// gramCounter counts a document's grams per field in an open-addressing
// table (cheaper than sorting them): keys[slot] is 0 when free, gram keys
// never are.
type gramCounter struct {
	keys  []uint64
	tfs   [][MaxFields]uint8
	used  []int32 // occupied slots in insertion order
	shift uint
}

// reset empties the table and sizes it for n insertions.
func (gc *gramCounter) reset(n int) {
	for _, s := range gc.used {
		gc.keys[s] = 0
		gc.tfs[s] = [MaxFields]uint8{}
	}
	gc.used = gc.used[:0]
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if size > len(gc.keys) {
		gc.keys = make([]uint64, size)
		gc.tfs = make([][MaxFields]uint8, size)
	}
	gc.shift = uint(64 - bits.TrailingZeros(uint(len(gc.keys))))
}

func (gc *gramCounter) add(key, field uint64) {
	mask := uint64(len(gc.keys) - 1)
	for s := (key * 0x9E3779B97F4A7C15) >> gc.shift; ; s = (s + 1) & mask {
		switch gc.keys[s] {
		case key:
		case 0:
			gc.keys[s] = key
			gc.used = append(gc.used, int32(s))
		default:
			continue
		}
		if tf := &gc.tfs[s][field]; *tf < maxTF {
			*tf++
		}
		return
	}
}

type wordOcc struct {
	w     string
	field uint8
}

func (ft *fieldTokens) reset() {
	ft.grams = ft.grams[:0]
	ft.words = ft.words[:0]
}

// analyzeField appends the index tokens of text to ft and returns how many it
// appended (the field's length for scoring).
func (a *Analyzer) analyzeField(text string, field uint8, ft *fieldTokens) int {
	th := a.thes.Load()
	rs := ft.runes[:0]
	for _, r := range text {
		if len(rs) == MaxFieldRunes {
			break
		}
		rs = append(rs, NormalizeRune(r))
	}
	ft.runes = rs
	before := len(ft.grams) + len(ft.words)
	f := uint64(field)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isHan(r):
			j := i + 1
			for j < len(rs) && isHan(rs[j]) {
				j++
			}
			run := rs[i:j]
			for k, c := range run {
				if !stopRunes.has(c) {
					ft.grams = append(ft.grams, uniKey(c)<<3|f)
				}
				if k+1 < len(run) && !isStopBigram(c, run[k+1]) {
					ft.grams = append(ft.grams, biKey(c, run[k+1])<<3|f)
				}
			}
			if len(run) >= 3 {
				a.indexWords(th, run, field, ft)
			}
			i = j
		case isWordRune(r):
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			w := string(rs[i:min(j, i+maxWordRunes)])
			if !stopWords[w] {
				ft.words = append(ft.words, wordOcc{w, field})
			}
			i = j
		default:
			i++
		}
	}
	return len(ft.grams) + len(ft.words) - before
}

// indexWords appends the words of three or more characters of a Chinese run:
// thesaurus terms found in it and, when enabled, the segmenter's words. A word
// found by both at the same place counts once.
func (a *Analyzer) indexWords(th *Thesaurus, run []rune, field uint8, ft *fieldTokens) {
	ft.spans = ft.spans[:0]
	th.scan(run, true, func(s, e int, term string) {
		if e-s >= wordRunes {
			ft.spans = append(ft.spans, [2]int{s, e})
			ft.words = append(ft.words, wordOcc{term, field})
		}
	})
	if !a.opts.SegmentDocuments || a.opts.Segmenter == nil {
		return
	}
	pos := 0
	for _, w := range a.opts.Segmenter.Cut(string(run)) {
		n := utf8.RuneCountInString(w)
		if n >= 3 && !slices.Contains(ft.spans, [2]int{pos, pos + n}) && !stopWords[w] {
			ft.words = append(ft.words, wordOcc{w, field})
		}
		pos += n
	}
}

// Tokens returns the index tokens of text in order of appearance within each
// kind (bigrams and unigrams first, then words), for tests and debugging.
func (a *Analyzer) Tokens(text string) []string {
	var ft fieldTokens
	a.analyzeField(text, 0, &ft)
	out := make([]string, 0, len(ft.grams)+len(ft.words))
	for _, g := range ft.grams {
		out = append(out, gramString(g>>3))
	}
	for _, w := range ft.words {
		out = append(out, w.w)
	}
	return out
}

// TermKind says where a query term came from.
type TermKind uint8

const (
	// KindBigram is two adjacent characters typed in the query.
	KindBigram TermKind = iota
	// KindUnigram is one character typed as a word of its own.
	KindUnigram
	// KindWord is a word typed: letters or digits, a thesaurus term or a
	// segmenter word of three or more characters.
	KindWord
	// KindSynonym is a thesaurus term the query did not contain, added
	// because it shares a group with one it did.
	KindSynonym
)

func (k TermKind) String() string {
	switch k {
	case KindBigram:
		return "bigram"
	case KindUnigram:
		return "unigram"
	case KindWord:
		return "word"
	case KindSynonym:
		return "synonym"
	}
	return "unknown"
}

// Term is one weighted term of a query.
type Term struct {
	Text   string   // the token searched for, normalized
	Weight float64  // query weight (1 for what was typed)
	Kind   TermKind //
	// Source is the typed term a synonym was expanded from (for a term a
	// situation rule added, the typed terms that fired it, one per
	// condition, joined by "、"); for other kinds it equals Text.
	Source string
	// Rule marks a synonym a situation rule added (it names what answers
	// the situation) rather than a thesaurus group (another word for a
	// word typed).
	Rule bool
}

// Query is an analyzed query. Build it with Analyzer.Query.
type Query struct {
	Text      string // the normalized query text that was analyzed
	Terms     []Term // highest weight first
	Truncated bool   // the text was longer than MaxQueryRunes and was cut
	// Words are the whole words of the text, in order of appearance and
	// without repeats: thesaurus terms found in it, the Segmenter's words of
	// two or more characters and letter/digit words (stop words left out).
	// A bigram term that is not among them straddles two words (门公 in
	// 楼门/公约) or lies inside a longer one (青少 in 青少年): callers that
	// show matched terms to people (the match package's reasons) name only
	// words.
	Words []string
}

// Empty reports whether the query has no terms (blank, only punctuation,
// emoji or stop words): callers should answer "type a few words" rather than
// search.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Query analyzes a query text: bigrams, single-character words, words and
// thesaurus expansions, each weighted.
func (a *Analyzer) Query(text string) Query {
	th := a.thes.Load()
	rs := make([]rune, 0, min(len(text), MaxQueryRunes))
	q := Query{}
	for _, r := range text {
		if len(rs) == MaxQueryRunes {
			q.Truncated = true
			break
		}
		rs = append(rs, NormalizeRune(r))
	}
	q.Text = string(rs)
	qb := queryBuilder{index: map[string]int{}}
	words := map[string]bool{}
	addWord := func(w string) {
		if !words[w] {
			words[w] = true
			q.Words = append(q.Words, w)
		}
	}
	var matched []string // thesaurus terms found in the query
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isHan(r):
			j := i + 1
			for j < len(rs) && isHan(rs[j]) {
				j++
			}
			if run, next := spacedSingles(rs, i, j); run != nil {
				matched = a.queryHanRun(th, run, &qb, matched, addWord)
				i = next
				break
			}
			matched = a.queryHanRun(th, rs[i:j], &qb, matched, addWord)
			i = j
		case isWordRune(r):
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			w := string(rs[i:min(j, i+maxWordRunes)])
			if !stopWords[w] {
				qb.add(Term{Text: w, Weight: 1, Kind: KindWord, Source: w})
				addWord(w)
				if th.known[w] {
					matched = append(matched, w)
				}
			}
			i = j
		default:
			i++
		}
	}
	found := make(map[string]bool, len(matched))
	for _, m := range matched {
		found[m] = true
		n := 0
		for _, gi := range th.byTerm[m] {
			n += len(th.groups[gi]) - 1
		}
		sw := a.opts.SynonymWeight
		if b := a.opts.SynonymBudget; b > 0 && float64(n)*sw > b {
			sw = b / float64(n)
		}
		for _, gi := range th.byTerm[m] {
			for _, s := range th.groups[gi] {
				if s != m {
					qb.add(Term{Text: s, Weight: sw, Kind: KindSynonym, Source: m})
				}
			}
		}
	}
	// Situation rules add the services they name (not those services'
	// groups: a rule says exactly what answers the situation), as synonyms
	// of the condition terms that were typed.
	for _, ri := range th.fired(found) {
		ru := &th.rules[ri]
		var srcs []string
		for _, cond := range ru.When {
			for _, ct := range cond {
				if found[ct] {
					srcs = append(srcs, ct)
					break
				}
			}
		}
		src := strings.Join(srcs, "、")
		for _, add := range ru.Add {
			qb.add(Term{Text: add, Weight: a.opts.RuleWeight, Kind: KindSynonym, Source: src, Rule: true})
		}
	}
	q.Terms = qb.terms
	// Highest weight first; ties in order of appearance. Then cap.
	slices.SortStableFunc(q.Terms, func(x, y Term) int { return cmp.Compare(y.Weight, x.Weight) })
	if len(q.Terms) > MaxQueryTerms {
		q.Terms = q.Terms[:MaxQueryTerms]
	}
	return q
}

// spacedSingles joins Chinese characters typed one at a time with spaces
// between them (养 老, as some elderly users type) into one run, as if typed
// together: the run rs[i:j] must be one character, followed by spaces and
// another lone character. It returns the joined run and where the text goes
// on, or nil when rs[i:j] is not such a character.
func spacedSingles(rs []rune, i, j int) ([]rune, int) {
	lone := func(k int) bool { return k < len(rs) && isHan(rs[k]) && (k+1 == len(rs) || !isHan(rs[k+1])) }
	if j != i+1 {
		return nil, 0
	}
	var run []rune
	for k := i; ; {
		run = append(run, rs[k])
		n := k + 1
		for n < len(rs) && rs[n] == ' ' {
			n++
		}
		if n == k+1 || !lone(n) {
			if len(run) == 1 {
				return nil, 0
			}
			return run, k + 1
		}
		k = n
	}
}

// queryHanRun adds the terms of one run of Chinese characters and returns
// matched extended with the thesaurus terms found in it; word is called with
// every whole word of the run (thesaurus terms, then segmenter words).
func (a *Analyzer) queryHanRun(th *Thesaurus, run []rune, qb *queryBuilder, matched []string, word func(string)) []string {
	if len(run) == 1 {
		t := string(run)
		if th.known[t] {
			matched = append(matched, t)
			word(t)
		}
		if !stopRunes.has(run[0]) {
			qb.add(Term{Text: t, Weight: 1, Kind: KindUnigram, Source: t})
		}
		return matched
	}
	// Word boundaries from the segmenter: start[k] marks a word starting at
	// rune k; single[k] marks a one-character word; stop[k] a character of
	// a stop word.
	n := len(run)
	var start, single, stop []bool
	var segWords []string
	if seg := a.opts.Segmenter; seg != nil {
		start, single, stop = make([]bool, n+1), make([]bool, n), make([]bool, n)
		segWords = seg.Cut(string(run))
		pos := 0
		for _, w := range segWords {
			k := utf8.RuneCountInString(w)
			if k == 0 || pos+k > n {
				start = nil // the segmenter did not spell the run: ignore it
				break
			}
			start[pos] = true
			if k == 1 {
				single[pos] = true
				stop[pos] = stopRunes.has(run[pos])
			} else if stopWords[w] {
				// A stop word of two or more characters (有没有,
				// 怎么样): its bigrams (有没, 没有) and those
				// reaching into it are noise, like a stop character's.
				for i := pos; i < pos+k; i++ {
					stop[i] = true
				}
			}
			pos += k
		}
		if start != nil && pos != n {
			start = nil
		}
		if start == nil {
			segWords = nil
		}
	}
	// Thesaurus terms found in the run. A one-character term counts only
	// where the segmenter cuts it as a word of its own: 狗 in 鸡飞狗跳, 吊
	// in 提心吊胆 or 家 in 大家 is not about dogs, hanging or homes.
	var terms [][2]int // where terms of two or more characters lie, for crosses
	th.scan(run, false, func(s, e int, term string) {
		if e-s == 1 && start != nil && !single[s] {
			return
		}
		matched = append(matched, term)
		word(term)
		if e-s >= 2 && segWords != nil {
			terms = append(terms, [2]int{s, e})
		}
		if e-s >= 3 {
			qb.add(Term{Text: term, Weight: 1, Kind: KindWord, Source: term})
		}
	})
	pos := 0
	for _, w := range segWords {
		k := utf8.RuneCountInString(w)
		if k >= 2 && !stopWords[w] && !crosses(terms, pos, pos+k) {
			word(w)
		}
		if k == 1 {
			if !stop[pos] {
				qb.add(Term{Text: w, Weight: a.opts.UnigramWeight, Kind: KindUnigram, Source: w})
			}
		} else if k >= 3 && a.opts.SegmentDocuments && !stopWords[w] {
			qb.add(Term{Text: w, Weight: 1, Kind: KindWord, Source: w})
		}
		pos += k
	}
	for k := 0; k+1 < n; k++ {
		b := string(run[k : k+2])
		if isStopBigram(run[k], run[k+1]) {
			continue
		}
		if reduplicated(run, k) {
			continue
		}
		w := 1.0
		if start != nil {
			if stop[k] || stop[k+1] {
				continue // 的老, 了解 split as 了/解: noise
			}
			if start[k+1] {
				w = a.opts.CrossWeight
			}
		}
		qb.add(Term{Text: b, Weight: w, Kind: KindBigram, Source: b})
	}
	return matched
}

// crosses reports whether the word [s, e) overlaps one of terms without
// either holding the other: the segmenter cut across a thesaurus term
// (在手/机上 across 手机), so it is no word to show people. Searching is
// left as it is: re-cutting the query at such terms was tried and ranked
// worse on every set but one (TUNING.md, eleventh pass).
func crosses(terms [][2]int, s, e int) bool {
	for _, t := range terms {
		if t[0] < e && s < t[1] && !(t[0] <= s && e <= t[1]) && !(s <= t[0] && t[1] <= e) {
			return true
		}
	}
	return false
}

// reduplicated reports whether the bigram at k is half of a verb
// reduplicated around 一 (修一修, 看一看, 问一问): 修一 and 一修 are not
// words, and in documents they occur only by accident (统一修订).
func reduplicated(run []rune, k int) bool {
	return run[k+1] == '一' && k+2 < len(run) && run[k+2] == run[k] ||
		run[k] == '一' && k > 0 && run[k-1] == run[k+1]
}

// queryBuilder merges repeated terms: a typed term repeated adds up its
// weight (capped at 3), a synonym keeps its highest weight, and a typed term
// beats a synonym with the same text.
type queryBuilder struct {
	terms []Term
	index map[string]int
}

func (qb *queryBuilder) add(t Term) {
	i, ok := qb.index[t.Text]
	if !ok {
		qb.index[t.Text] = len(qb.terms)
		qb.terms = append(qb.terms, t)
		return
	}
	old := &qb.terms[i]
	switch {
	case t.Kind == KindSynonym && old.Kind == KindSynonym:
		if t.Weight > old.Weight {
			*old = t
		}
	case t.Kind == KindSynonym:
		// typed already: keep it
	case old.Kind == KindSynonym:
		*old = t
	default:
		old.Weight = min(old.Weight+t.Weight, 3)
		if t.Kind == KindWord {
			old.Kind = KindWord
		}
	}
}

// String lists the terms with weights, for logs and tests.
func (q Query) String() string {
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
		if t.Weight != 1 {
			b.WriteString("^")
			b.WriteString(strconv.FormatFloat(t.Weight, 'g', 3, 64))
		}
	}
	return b.String()
}
