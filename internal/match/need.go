package match

import (
	"slices"
	"strings"

	"github.com/huitian/huitian/internal/procurement"
)

// NeedQuery is the query for a need, the same on its page and in the staff
// API: its title and description, its place, its qualification rules, the
// category when staff set or corrected it (a guess is left to the matcher's
// own reading of the text), and the need itself, which is never its own
// precedent.
func NeedQuery(n *procurement.Need) Query {
	var category string
	if n.CategorySource == procurement.CategoryStaff {
		category = n.Category
	}
	return Query{
		Category:       category,
		Text:           strings.TrimSpace(n.Title + "\n" + n.Description),
		Community:      n.CommunityID,
		Street:         n.StreetID,
		RegisteredOnly: slices.Contains(n.Qualifications, procurement.RegisteredOnly),
		LocalOnly:      slices.Contains(n.Qualifications, procurement.LocalOnly),
		Self:           n.ID,
	}
}
