package match

import (
	"slices"
	"strings"

	"github.com/huitian/huitian/internal/procurement"
)

// NeedQuery is the query for a need, the same on its page and in the staff
// API: its title and description, its place, its qualification rules, and
// the need itself, which is never its own precedent.
func NeedQuery(n *procurement.Need) Query {
	return Query{
		Text:           strings.TrimSpace(n.Title + "\n" + n.Description),
		Community:      n.CommunityID,
		Street:         n.StreetID,
		RegisteredOnly: slices.Contains(n.Qualifications, procurement.RegisteredOnly),
		LocalOnly:      slices.Contains(n.Qualifications, procurement.LocalOnly),
		Self:           n.ID,
	}
}
