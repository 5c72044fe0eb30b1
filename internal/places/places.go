// Package places is the geography: district → street office/town → community
// → residential complex (区 → 街道/乡镇 → 社区 → 小区).
package places

import (
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Street is a street office (街道) or town (乡镇), the purchaser of services.
type Street struct {
	ID        string
	Name      string
	Kind      string // "street" (街道) or "town" (乡镇)
	District  string
	CreatedAt time.Time
	// Communities and Organizations are counts filled by list queries.
	Communities   int
	Organizations int
}

// Community is a residents' committee (社区) under one street.
type Community struct {
	ID         string
	StreetID   string
	StreetName string
	Name       string
	CreatedAt  time.Time
	Complexes  int
}

// Complex is a residential complex (小区) within a community.
type Complex struct {
	ID          string
	CommunityID string
	Name        string
	CreatedAt   time.Time
}

// Resource returns the authorization view of a street.
func (s *Street) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindStreet, ID: s.ID, StreetID: s.ID}
}

// Resource returns the authorization view of a community.
func (c *Community) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindCommunity, ID: c.ID, StreetID: c.StreetID, CommunityID: c.ID}
}

// ComplexResource returns the authorization view of a complex in community c.
func ComplexResource(c *Community, id string) accounts.Resource {
	return accounts.Resource{Kind: accounts.KindComplex, ID: id, StreetID: c.StreetID, CommunityID: c.ID}
}

// CleanName trims a place name and checks it is present and of sane length.
func CleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errs.Field("name", "field.required")
	}
	if len([]rune(name)) > 60 {
		return "", errs.Field("name", "field.too_long", 60)
	}
	return name, nil
}

// StreetKindOf guesses the kind from a Chinese name: 镇/乡 are towns.
func StreetKindOf(name string) string {
	if strings.HasSuffix(name, "镇") || strings.HasSuffix(name, "乡") {
		return "town"
	}
	return "street"
}

// Closest returns the name among names nearest to name by characters
// changed, added or removed, when it is near enough to be a slip of the
// keyboard (回龙观街到 for 回龙观街道): at most two characters, and fewer
// than half of name. "" when none is.
func Closest(name string, names []string) string {
	rs := []rune(name)
	best, bestD := "", 3
	for _, n := range names {
		if name != "" && strings.TrimSuffix(strings.TrimSuffix(n, "街道"), "镇") == name {
			return n // the name without its 街道 or 镇
		}
		if d := editDistance(rs, []rune(n)); d < bestD && 2*d < len(rs) {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
