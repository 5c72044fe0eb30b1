package ocds

import (
	"regexp"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
)

// mobileInText finds a mainland mobile number, possibly written with spaces
// or dashes between digits (138 1234 5678, 138-1234-5678).
var mobileInText = regexp.MustCompile(`1[3-9][0-9](?:[ -]?[0-9]){8}`)

// scrub masks mobile numbers in free text staff wrote (titles,
// descriptions, justifications, reasons), as the public pages do: 138****5678.
// A run of digits longer than a phone number (an amount, a code) is left alone.
// Names cannot be recognized in text: fields where people write about people
// (comments, notes, report texts) are never published at all.
func scrub(s string) string {
	locs := mobileInText.FindAllStringIndex(s, -1)
	if locs == nil {
		return strings.TrimSpace(s)
	}
	var out strings.Builder
	last := 0
	for _, l := range locs {
		before := s[:l[0]]
		prefixed := strings.HasSuffix(before, "+86") || strings.HasSuffix(before, "0086")
		if (l[0] > 0 && isDigit(s[l[0]-1]) && !prefixed) || (l[1] < len(s) && isDigit(s[l[1]])) {
			continue
		}
		digits := strings.NewReplacer(" ", "", "-", "").Replace(s[l[0]:l[1]])
		out.WriteString(s[last:l[0]])
		out.WriteString(accounts.MaskPhone(digits))
		last = l[1]
	}
	out.WriteString(s[last:])
	return strings.TrimSpace(out.String())
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
