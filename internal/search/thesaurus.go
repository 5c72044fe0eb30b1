package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed thesaurus.txt
var defaultThesaurusText string

// Limits of a thesaurus file, so an admin's upload cannot blow up queries.
const (
	MaxThesaurusGroups = 5000
	MaxGroupTerms      = 64
	MaxTermRunes       = 16
	maxThesaurusLine   = 4096
)

// Thesaurus is an immutable set of synonym groups and situation rules.
// Replace it as a whole (Analyzer.SetThesaurus); never change one in place.
type Thesaurus struct {
	groups  [][]string         // normalized terms, in file order
	byTerm  map[string][]int32 // term → the groups it belongs to
	rules   []Rule             // in file order
	byCond  map[string][]int32 // condition term → the rules it appears in
	known   map[string]bool    // every term of a group or rule
	byFirst map[rune][]thTerm  // first rune → terms starting with it, longest first
	first   runeSet            // the keys of byFirst within the BMP
	// firstLong holds the first runes of the terms of wordRunes or more
	// runes within the BMP: all a document's scan looks for.
	firstLong runeSet
	// pairLong holds, hashed (pairHash), the first two runes of the terms
	// of wordRunes or more runes: a document's scan stops at a first rune
	// only when the next one may continue a term (most do not).
	pairLong runeSet
	// pairTerms are the terms of wordRunes or more runes by their first two
	// runes (biKey), longest first: where the pair filter lets a position
	// through, only these are compared.
	pairTerms map[uint64][]thTerm
	// bmp finds byFirst's list of a rune within the BMP without hashing
	// (the scan asks at most runes of a million documents): lists[bmp[r]-1].
	bmp   []uint16
	lists [][]thTerm
}

// wordRunes is the shortest thesaurus term a document indexes as a word
// (shorter ones are found by its bigrams).
const wordRunes = 3

// Rule maps a situation to services, one way: when the query contains a term
// of every condition in When, the terms of Add are searched too, as
// synonyms of the conditions typed, at Options.RuleWeight (their own groups
// are not expanded: the rule names exactly what answers the situation). "孩子 小孩 + 没人管 放学 => 托管" reads
// "a child word and a nobody-minds word: look for after-school care". Unlike
// a group, a rule neither fires on one word alone nor runs backwards (a query
// for 托管 is not expanded to 没人管).
type Rule struct {
	When [][]string // conditions, each a list of alternative terms
	Add  []string
}

type thTerm struct {
	s  string
	rs []rune
}

// ThesaurusError reports a bad line of a thesaurus file.
type ThesaurusError struct {
	Line   int    // 1-based line number
	Term   string // the offending term, if any
	Code   string // what is wrong, stable for translation: one of the Thesaurus* codes
	Reason string // the same in English, for logs
}

// Codes of ThesaurusError.
const (
	ThesaurusUTF8           = "utf8"
	ThesaurusTooMany        = "too_many"
	ThesaurusOneTerm        = "one_term"
	ThesaurusGroupBig       = "group_big"
	ThesaurusTermChars      = "term_chars"
	ThesaurusTermLong       = "term_long"
	ThesaurusTermMixed      = "term_mixed"
	ThesaurusRuleArrows     = "rule_arrows"
	ThesaurusRuleCondition  = "rule_condition"
	ThesaurusRuleConditions = "rule_conditions"
	ThesaurusRuleAdd        = "rule_add"
	ThesaurusLineLong       = "line_long"
)

func (e *ThesaurusError) Error() string {
	if e.Term != "" {
		return fmt.Sprintf("thesaurus line %d: %q: %s", e.Line, e.Term, e.Reason)
	}
	return fmt.Sprintf("thesaurus line %d: %s", e.Line, e.Reason)
}

var defaultThesaurus = sync.OnceValue(func() *Thesaurus {
	t, err := ParseThesaurus(strings.NewReader(defaultThesaurusText))
	if err != nil {
		panic("search: embedded thesaurus.txt: " + err.Error())
	}
	return t
})

// DefaultThesaurus returns the thesaurus shipped in thesaurus.txt.
func DefaultThesaurus() *Thesaurus { return defaultThesaurus() }

// DefaultThesaurusText returns the shipped thesaurus file, for admins to start
// editing from.
func DefaultThesaurusText() string { return defaultThesaurusText }

// ParseThesaurus reads one synonym group per line (terms separated by spaces,
// "/", "、" or commas; "#" starts a comment), or one rule ("A B + C D => E F":
// conditions joined by "+", then "=>" and the terms to add; see Rule). Terms
// are normalized like text. A group needs at least two distinct terms; a
// term is Chinese characters or letters and digits, not a mix of both, and at
// most MaxTermRunes long.
func ParseThesaurus(r io.Reader) (*Thesaurus, error) {
	t := &Thesaurus{byTerm: map[string][]int32{}, byCond: map[string][]int32{}, known: map[string]bool{},
		byFirst: map[rune][]thTerm{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxThesaurusLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) {
			return nil, &ThesaurusError{Line: line, Code: ThesaurusUTF8, Reason: "not valid UTF-8"}
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = Normalize(text)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if len(t.groups)+len(t.rules) == MaxThesaurusGroups {
			return nil, &ThesaurusError{Line: line, Code: ThesaurusTooMany, Reason: fmt.Sprintf("more than %d groups and rules", MaxThesaurusGroups)}
		}
		if strings.Contains(text, "=>") {
			if err := t.addRule(line, text); err != nil {
				return nil, err
			}
			continue
		}
		group, err := termList(line, text)
		if err != nil {
			return nil, err
		}
		if len(group) == 0 {
			continue
		}
		if len(group) < 2 {
			return nil, &ThesaurusError{Line: line, Code: ThesaurusOneTerm, Reason: "a group needs at least two different terms"}
		}
		gi := int32(len(t.groups))
		t.groups = append(t.groups, group)
		for _, term := range group {
			t.know(term)
			t.byTerm[term] = append(t.byTerm[term], gi)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ThesaurusError{Line: line + 1, Code: ThesaurusLineLong, Reason: err.Error()}
	}
	for r, terms := range t.byFirst {
		slices.SortFunc(terms, func(a, b thTerm) int {
			if len(a.rs) != len(b.rs) {
				return len(b.rs) - len(a.rs)
			}
			return strings.Compare(a.s, b.s)
		})
		t.byFirst[r] = terms
	}
	t.pairTerms = map[uint64][]thTerm{}
	for _, terms := range t.byFirst {
		for _, c := range terms { // longest first
			if len(c.rs) >= wordRunes {
				k := biKey(c.rs[0], c.rs[1])
				t.pairTerms[k] = append(t.pairTerms[k], c)
			}
		}
	}
	t.bmp = make([]uint16, 1<<16)
	for r, terms := range t.byFirst {
		if r < 1<<16 && len(t.lists) < 1<<16-1 {
			t.lists = append(t.lists, terms)
			t.bmp[r] = uint16(len(t.lists))
		}
	}
	return t, nil
}

// termList splits one normalized list of terms, checks them and drops
// repeats.
func termList(line int, text string) ([]string, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '/' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	})
	var out []string
	for _, f := range fields {
		if code, reason := checkTerm(f); reason != "" {
			return nil, &ThesaurusError{Line: line, Term: f, Code: code, Reason: reason}
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) > MaxGroupTerms {
		return nil, &ThesaurusError{Line: line, Code: ThesaurusGroupBig, Reason: fmt.Sprintf("more than %d terms in one group", MaxGroupTerms)}
	}
	return out, nil
}

// addRule parses "A B + C => D E" (normalized).
func (t *Thesaurus) addRule(line int, text string) error {
	when, add, _ := strings.Cut(text, "=>")
	if strings.Contains(add, "=>") {
		return &ThesaurusError{Line: line, Code: ThesaurusRuleArrows, Reason: "a rule has one \"=>\""}
	}
	var ru Rule
	for _, c := range strings.Split(when, "+") {
		terms, err := termList(line, c)
		if err != nil {
			return err
		}
		if len(terms) == 0 {
			return &ThesaurusError{Line: line, Code: ThesaurusRuleCondition, Reason: "an empty condition before \"=>\""}
		}
		ru.When = append(ru.When, terms)
	}
	if len(ru.When) > 4 {
		return &ThesaurusError{Line: line, Code: ThesaurusRuleConditions, Reason: "more than 4 conditions in one rule"}
	}
	var err error
	if ru.Add, err = termList(line, add); err != nil {
		return err
	}
	if len(ru.Add) == 0 {
		return &ThesaurusError{Line: line, Code: ThesaurusRuleAdd, Reason: "nothing to add after \"=>\""}
	}
	ri := int32(len(t.rules))
	t.rules = append(t.rules, ru)
	for _, c := range ru.When {
		for _, term := range c {
			t.know(term)
			if !slices.Contains(t.byCond[term], ri) {
				t.byCond[term] = append(t.byCond[term], ri)
			}
		}
	}
	for _, term := range ru.Add {
		t.know(term) // indexed as a word when long, like group terms
	}
	return nil
}

// know registers a term for scanning (queries find it; documents index it as
// a word when it has three or more characters).
func (t *Thesaurus) know(term string) {
	if t.known[term] {
		return
	}
	t.known[term] = true
	rs := []rune(term)
	t.byFirst[rs[0]] = append(t.byFirst[rs[0]], thTerm{term, rs})
	t.first.add(rs[0])
	if len(rs) >= wordRunes {
		t.firstLong.add(rs[0])
		t.pairLong.add(pairHash(rs[0], rs[1]))
	}
}

// fired returns the rules whose every condition has a term among found.
func (t *Thesaurus) fired(found map[string]bool) []int32 {
	var out []int32
	for term := range found {
		for _, ri := range t.byCond[term] {
			if slices.Contains(out, ri) {
				continue
			}
			ok := true
			for _, c := range t.rules[ri].When {
				hit := false
				for _, ct := range c {
					hit = hit || found[ct]
				}
				ok = ok && hit
			}
			if ok {
				out = append(out, ri)
			}
		}
	}
	slices.Sort(out) // file order, so queries are deterministic
	return out
}

// checkTerm returns why a normalized term is not acceptable, or "".
func checkTerm(term string) (code, reason string) {
	n, han, word := 0, 0, 0
	for _, r := range term {
		n++
		switch {
		case isHan(r):
			han++
		case isWordRune(r):
			word++
		default:
			return ThesaurusTermChars, "only Chinese characters, letters and digits may form a term"
		}
	}
	switch {
	case n > MaxTermRunes:
		return ThesaurusTermLong, fmt.Sprintf("longer than %d characters", MaxTermRunes)
	case han > 0 && word > 0:
		return ThesaurusTermMixed, "mixes Chinese characters with letters or digits"
	}
	return "", ""
}

// Groups returns a copy of the synonym groups, normalized, in file order.
func (t *Thesaurus) Groups() [][]string {
	out := make([][]string, len(t.groups))
	for i, g := range t.groups {
		out[i] = slices.Clone(g)
	}
	return out
}

// Has reports whether term (normalized first) is a term of some group or
// rule.
func (t *Thesaurus) Has(term string) bool { return t.known[Normalize(term)] }

// Len returns the number of groups.
func (t *Thesaurus) Len() int { return len(t.groups) }

// Rules returns a copy of the situation rules, normalized, in file order.
func (t *Thesaurus) Rules() []Rule {
	out := make([]Rule, len(t.rules))
	for i, r := range t.rules {
		out[i] = Rule{Add: slices.Clone(r.Add)}
		for _, c := range r.When {
			out[i].When = append(out[i].When, slices.Clone(c))
		}
	}
	return out
}

// Synonyms returns the other terms of every group that contains term (which is
// normalized first), without duplicates, in file order.
func (t *Thesaurus) Synonyms(term string) []string {
	term = Normalize(term)
	var out []string
	for _, gi := range t.byTerm[term] {
		for _, s := range t.groups[gi] {
			if s != term && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// pairHash maps two runes into the range of a runeSet.
func pairHash(a, b rune) rune {
	return rune((uint32(a)*0x9E3779B1 ^ uint32(b)*0x85EBCA77) >> 16)
}

// scan calls fn for every occurrence of a thesaurus term in the normalized
// rune run, with its rune offsets. Several terms may start at one position
// (独居老人 and 独居); fn sees each. With long, only the terms of wordRunes
// or more runes (a document's words; it scans a million at start-up).
func (t *Thesaurus) scan(run []rune, long bool, fn func(start, end int, term string)) {
	if t == nil || len(t.byFirst) == 0 {
		return
	}
	first := &t.first
	if long {
		first = &t.firstLong
	}
	for i, r := range run {
		if r < 1<<16 && !first.has(r) {
			continue
		}
		if long {
			// A long term has a second rune: the pair filter can only say
			// no where no term starts (a hash collision lets a pair through).
			if i+1 == len(run) || !t.pairLong.has(pairHash(r, run[i+1])) {
				continue
			}
			for _, c := range t.pairTerms[biKey(r, run[i+1])] { // longest first
				if len(c.rs) <= len(run)-i && slices.Equal(run[i+2:i+len(c.rs)], c.rs[2:]) {
					fn(i, i+len(c.rs), c.s)
				}
			}
			continue
		}
		var cands []thTerm
		if r < 1<<16 && t.bmp[r] != 0 {
			cands = t.lists[t.bmp[r]-1]
		} else {
			cands = t.byFirst[r]
		}
		for _, c := range cands { // longest first
			if len(c.rs) <= len(run)-i && slices.Equal(run[i:i+len(c.rs)], c.rs) {
				fn(i, i+len(c.rs), c.s)
			}
		}
	}
}
