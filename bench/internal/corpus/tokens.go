package corpus

import (
	"strings"
	"unicode"

	"github.com/huitian/huitian/internal/search"
)

// Grams writes the tokens of text for an engine without a Chinese tokenizer
// (SQLite FTS5's unicode61 splits on the spaces): after Huitian's
// normalization, every character and every character bigram of a run of Han
// characters, and runs of letters and digits as words. With query set, a run
// of two or more Han characters yields only its bigrams (as our analyzer and
// bleve's CJK analyzer query them) and every token is quoted and joined with
// OR, in FTS5 query syntax; repeated tokens are left out.
func Grams(b *strings.Builder, text string, query bool) {
	rs := []rune(search.Normalize(text))
	var seen map[string]bool
	if query {
		seen = map[string]bool{}
	}
	emit := func(tok string) {
		if query {
			if seen[tok] {
				return
			}
			seen[tok] = true
			if b.Len() > 0 {
				b.WriteString(" OR ")
			}
			b.WriteByte('"')
			b.WriteString(tok)
			b.WriteByte('"')
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			j := i
			for j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
				j++
			}
			run := rs[i:j]
			if !query || len(run) == 1 {
				for _, c := range run {
					emit(string(c))
				}
			}
			for k := 0; k+1 < len(run); k++ {
				emit(string(run[k : k+2]))
			}
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(rs) && !unicode.Is(unicode.Han, rs[j]) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			emit(string(rs[i:j]))
			i = j
		default:
			i++
		}
	}
}
