package procurement

import (
	"strings"

	"github.com/huitian/huitian/internal/registry"
)

// CategorySource says who chose a need's category.
type CategorySource string

const (
	CategoryAuto  CategorySource = "auto"  // guessed from the need's text
	CategoryStaff CategorySource = "staff" // chosen or corrected by staff
)

// GuessCategory picks the taxonomy category whose keywords occur most in a
// need's text, with a confidence in percent: how far the best category's
// evidence leads the runner-up's, damped when there is little of it (one
// keyword is a weak sign). Words naming whom a category serves (老人, 孩子:
// registry.Category.People) count half, as in registry.GuessCategory: what
// is asked for should decide. "" and 0 when no keyword occurs.
func GuessCategory(text string) (code string, confidence int) {
	best, second := 0, 0
	for _, c := range registry.Categories {
		score := 0
		for _, k := range c.Keywords {
			score += 2 * strings.Count(text, k)
		}
		for _, k := range c.People {
			score -= strings.Count(text, k)
		}
		switch {
		case score > best:
			code, best, second = c.Code, score, best
		case score > second:
			second = score
		}
	}
	if best == 0 {
		return "", 0
	}
	lead := float64(best) / float64(best+second)
	support := min(1, float64(best)/6) // three keywords make full support
	return code, int(100*lead*support + 0.5)
}

// Guesser guesses a need's category from its text, with a confidence in
// percent (GuessCategory, or the matcher's thesaurus-aware guess).
type Guesser func(text string) (code string, confidence int)

// ResolveCategory settles the category before a need is saved: an empty one
// is guessed from the title and description by guess (GuessCategory when
// nil; source auto, with its confidence); one already set without a source
// is the staff's choice (100).
func (n *Need) ResolveCategory(guess Guesser) {
	if guess == nil {
		guess = GuessCategory
	}
	n.Category = strings.TrimSpace(n.Category)
	switch {
	case n.Category == "":
		n.Category, n.CategoryConfidence = guess(n.Title + "\n" + n.Description)
		if registryCategory(n.Category) == "" {
			n.Category, n.CategoryConfidence = "", 0
		}
		n.CategorySource = CategoryAuto
	case n.CategorySource == "":
		n.CategorySource, n.CategoryConfidence = CategoryStaff, 100
	}
}

// registryCategory returns code when it is a taxonomy code, else "".
func registryCategory(code string) string {
	if registry.CategoryByCode(code) == nil {
		return ""
	}
	return code
}
