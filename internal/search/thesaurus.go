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

// Thesaurus is an immutable set of synonym groups. Replace it as a whole
// (Analyzer.SetThesaurus); never change one in place.
type Thesaurus struct {
	groups  [][]string         // normalized terms, in file order
	byTerm  map[string][]int32 // term → the groups it belongs to
	byFirst map[rune][]thTerm  // first rune → terms starting with it, longest first
	first   runeSet            // the keys of byFirst within the BMP
}

type thTerm struct {
	s  string
	rs []rune
}

// ThesaurusError reports a bad line of a thesaurus file.
type ThesaurusError struct {
	Line   int    // 1-based line number
	Term   string // the offending term, if any
	Reason string
}

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
// "/", "、" or commas; "#" starts a comment). Terms are normalized like text.
// A group needs at least two distinct terms; a term is Chinese characters or
// letters and digits, not a mix of both, and at most MaxTermRunes long.
func ParseThesaurus(r io.Reader) (*Thesaurus, error) {
	t := &Thesaurus{byTerm: map[string][]int32{}, byFirst: map[rune][]thTerm{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxThesaurusLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) {
			return nil, &ThesaurusError{Line: line, Reason: "not valid UTF-8"}
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.FieldsFunc(Normalize(text), func(r rune) bool {
			return r == ' ' || r == '/' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
		})
		if len(fields) == 0 {
			continue
		}
		var group []string
		for _, f := range fields {
			if reason := checkTerm(f); reason != "" {
				return nil, &ThesaurusError{Line: line, Term: f, Reason: reason}
			}
			if !slices.Contains(group, f) {
				group = append(group, f)
			}
		}
		if len(group) < 2 {
			return nil, &ThesaurusError{Line: line, Reason: "a group needs at least two different terms"}
		}
		if len(group) > MaxGroupTerms {
			return nil, &ThesaurusError{Line: line, Reason: fmt.Sprintf("more than %d terms in one group", MaxGroupTerms)}
		}
		if len(t.groups) == MaxThesaurusGroups {
			return nil, &ThesaurusError{Line: line, Reason: fmt.Sprintf("more than %d groups", MaxThesaurusGroups)}
		}
		gi := int32(len(t.groups))
		t.groups = append(t.groups, group)
		for _, term := range group {
			if len(t.byTerm[term]) == 0 {
				rs := []rune(term)
				t.byFirst[rs[0]] = append(t.byFirst[rs[0]], thTerm{term, rs})
				t.first.add(rs[0])
			}
			t.byTerm[term] = append(t.byTerm[term], gi)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ThesaurusError{Line: line + 1, Reason: err.Error()}
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
	return t, nil
}

// checkTerm returns why a normalized term is not acceptable, or "".
func checkTerm(term string) string {
	n, han, word := 0, 0, 0
	for _, r := range term {
		n++
		switch {
		case isHan(r):
			han++
		case isWordRune(r):
			word++
		default:
			return "only Chinese characters, letters and digits may form a term"
		}
	}
	switch {
	case n > MaxTermRunes:
		return fmt.Sprintf("longer than %d characters", MaxTermRunes)
	case han > 0 && word > 0:
		return "mixes Chinese characters with letters or digits"
	}
	return ""
}

// Groups returns a copy of the synonym groups, normalized, in file order.
func (t *Thesaurus) Groups() [][]string {
	out := make([][]string, len(t.groups))
	for i, g := range t.groups {
		out[i] = slices.Clone(g)
	}
	return out
}

// Len returns the number of groups.
func (t *Thesaurus) Len() int { return len(t.groups) }

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

// scan calls fn for every occurrence of a thesaurus term in the normalized
// rune run, with its rune offsets. Several terms may start at one position
// (独居老人 and 独居); fn sees each.
func (t *Thesaurus) scan(run []rune, fn func(start, end int, term string)) {
	if t == nil || len(t.byFirst) == 0 {
		return
	}
	for i, r := range run {
		if r < 1<<16 && !t.first.has(r) {
			continue
		}
		for _, c := range t.byFirst[r] {
			if len(c.rs) <= len(run)-i && slices.Equal(run[i:i+len(c.rs)], c.rs) {
				fn(i, i+len(c.rs), c.s)
			}
		}
	}
}
