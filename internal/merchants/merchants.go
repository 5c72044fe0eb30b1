// Package merchants is the registry of local merchants (商户) where residents
// redeem points: shops, pharmacies, barbers near the communities. A merchant
// login is scoped to one merchant. The points scheme itself lives elsewhere.
package merchants

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Merchant is one local business taking part in the points scheme.
type Merchant struct {
	ID            string
	Name          string
	StreetID      string
	StreetName    string
	CommunityID   string // "" when it serves the whole street
	CommunityName string
	Address       string
	Kind          string // 超市, 药店, 理发 … free text
	CreatedAt     time.Time
}

// Resource is the merchant's authorization view.
func (m *Merchant) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindMerchant, ID: m.ID, StreetID: m.StreetID, CommunityID: m.CommunityID,
		OrgID: m.ID, MerchantID: m.ID}
}

// Validate normalizes the merchant and reports every problem.
func (m *Merchant) Validate() error {
	var l errs.List
	m.Name = strings.TrimSpace(m.Name)
	switch c := utf8.RuneCountInString(m.Name); {
	case c == 0:
		l.Add("name", "field.required")
	case c > 60:
		l.Add("name", "field.too_long", 60)
	}
	if m.StreetID == "" {
		l.Add("street", "field.required")
	}
	m.Address = strings.TrimSpace(m.Address)
	if utf8.RuneCountInString(m.Address) > 120 {
		l.Add("address", "field.too_long", 120)
	}
	m.Kind = strings.TrimSpace(m.Kind)
	if utf8.RuneCountInString(m.Kind) > 20 {
		l.Add("kind", "field.too_long", 20)
	}
	return l.Err()
}
