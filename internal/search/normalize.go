package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// t2s maps a traditional character to its simplified form, and t2sKeys holds
// its keys for a fast negative answer; both are built once from t2sPairs and
// never written afterwards.
var t2s, t2sKeys = func() (map[rune]rune, *runeSet) {
	m := make(map[rune]rune, len(t2sPairs)/6)
	keys := new(runeSet)
	rs := []rune(t2sPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
		keys.add(rs[i])
	}
	return m, keys
}()

// runeSet is a set of characters of the Basic Multilingual Plane (8 KiB):
// membership costs a shift and a mask where a map would hash.
type runeSet [1 << 16 / 64]uint64

func (s *runeSet) has(r rune) bool { return r >= 0 && r < 1<<16 && s[r>>6]&(1<<(r&63)) != 0 }

func (s *runeSet) add(r rune) {
	if r >= 0 && r < 1<<16 {
		s[r>>6] |= 1 << (r & 63)
	}
}

// NormalizeRune folds one rune: full-width ASCII to half-width, the
// ideographic space and control or invisible characters to a space, letters to
// lower case, and common traditional characters to simplified ones. It maps
// one rune to exactly one rune, so positions in a normalized text are the
// positions in the original (highlighting relies on it).
func NormalizeRune(r rune) rune {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF: // common ideographs: the bulk of the text
		if t2sKeys.has(r) {
			return t2s[r]
		}
		return r
	case r > 0x3000 && r <= 0x303F: // CJK punctuation (。、「」) stays
		return r
	case r < 0x80:
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII variants
		r -= 0xFEE0
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r == 0x3000 || r == utf8.RuneError:
		return ' '
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		return ' ' // zero-width characters and BOM: invisible separators
	case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		return ' '
	}
	if t2sKeys.has(r) {
		return t2s[r]
	}
	return unicode.ToLower(r)
}

// Normalize applies NormalizeRune to every rune of s. Invalid UTF-8 becomes
// spaces. The result has as many runes as s.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(NormalizeRune(r))
	}
	return b.String()
}

// isHan reports whether r is a CJK ideograph (the characters that form
// bigrams).
func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF { // the common block first: fast path
		return true
	}
	return r >= 0x3400 && unicode.Is(unicode.Han, r)
}

// isCJKPunct reports whether r is CJK punctuation (。、《》), a separator.
func isCJKPunct(r rune) bool { return r >= 0x3000 && r <= 0x303F && r != 0x3005 && r != 0x3007 }

// isWordRune reports whether r belongs to a non-Han word: letters of other
// scripts and digits ("wifi", "5g", "2024").
func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	if isCJKPunct(r) || r >= 0x4E00 && r <= 0x9FFF {
		return false
	}
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}
