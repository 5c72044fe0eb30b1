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
