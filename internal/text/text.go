// Package text says how the platform reads what people type: full-width
// digits as a Chinese input method types them, and what counts as a
// character when a field asks for at least a few.
package text

import (
	"strings"
	"unicode"
)

// Narrow reads full-width digits, points and minus signs as a Chinese
// input method types them (８万, ３．５万, ８５, １３８…) as their ASCII
// forms; every number and phone number a form reads goes through it.
func Narrow(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．' || r == '。':
			return '.'
		case r == '－' || r == '−':
			return '-'
		}
		return r
	}, s)
}

// Len counts the characters a reader counts in s: letters of any script
// (each Chinese character one) and digits. Spaces, punctuation, symbols
// and emoji are not counted, so "至少 5 个字" is not met by five emoji or
// "。。。。。".
func Len(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
