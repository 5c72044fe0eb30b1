package points

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// CodeTTL is how long a redemption code can be used.
const CodeTTL = 5 * time.Minute

// Good is something a merchant gives for points (商品).
type Good struct {
	ID           string
	MerchantID   string
	MerchantName string
	StreetID     string
	Name         string
	Price        int64 // points
	Stock        int64
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Resource is the good's authorization view: its merchant's people and the
// merchant's street staff manage it.
func (g *Good) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindGood, ID: g.ID, StreetID: g.StreetID, MerchantID: g.MerchantID}
}

// Validate normalizes a good and reports every problem.
func (g *Good) Validate() error {
	var l errs.List
	g.Name = strings.TrimSpace(g.Name)
	switch c := utf8.RuneCountInString(g.Name); {
	case c == 0:
		l.Add("name", "field.required")
	case c > 60:
		l.Add("name", "field.too_long", 60)
	}
	if g.Price < 1 || g.Price > 1_000_000 {
		l.Add("price", "number.range", 1, 1_000_000)
	}
	if g.Stock < 0 || g.Stock > 1_000_000 {
		l.Add("stock", "number.range", 0, 1_000_000)
	}
	return l.Err()
}

// NewCode returns a random 8-digit code (leading zeros kept).
func NewCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return fmt.Sprintf("%08d", n.Int64())
}

// NormalizeCode strips spaces and dashes a merchant may type; it reports
// whether what is left is 8 digits.
func NormalizeCode(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	if len(s) != 8 {
		return s, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	return s, true
}

// Code is a one-time redemption code as the resident sees it.
type Code struct {
	ID           string
	Code         string // plain: only the resident's browser holds it
	ResidentID   string
	GoodID       string
	GoodName     string
	MerchantID   string
	MerchantName string
	Price        int64
	ExpiresAt    time.Time
	UsedAt       time.Time // zero while not redeemed
}

// Redemption is a confirmed exchange of points for a good (兑换).
type Redemption struct {
	ID           string
	Key          string
	CodeID       string
	GoodID       string
	GoodName     string
	MerchantID   string
	MerchantName string
	StreetID     string
	ResidentID   string
	ResidentName string // masked
	Price        int64
	PostingID    string
	Flags        []string // fraud flags for staff review
	CreatedAt    time.Time
}

// Resource is the redemption's authorization view.
func (r *Redemption) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindRedemption, ID: r.ID, StreetID: r.StreetID, MerchantID: r.MerchantID,
		OwnerID: r.ResidentID}
}

// Preview is what a merchant sees after typing a code, before confirming.
type Preview struct {
	CodeID       string
	GoodID       string
	GoodName     string
	Price        int64
	ResidentName string // masked
	ExpiresAt    time.Time
}

// GoodUpdate changes a good; nil fields stay.
type GoodUpdate struct {
	Name   *string
	Price  *int64
	Stock  *int64
	Active *bool
}

// Empty reports whether u changes nothing (a form sent with no value).
func (u GoodUpdate) Empty() bool { return u == GoodUpdate{} }

// Apply changes g by u.
func (u GoodUpdate) Apply(g *Good) {
	if u.Name != nil {
		g.Name = *u.Name
	}
	if u.Price != nil {
		g.Price = *u.Price
	}
	if u.Stock != nil {
		g.Stock = *u.Stock
	}
	if u.Active != nil {
		g.Active = *u.Active
	}
}

// GoodFilter narrows a list of goods.
type GoodFilter struct {
	MerchantID string
	StreetID   string
	ActiveOnly bool // offered and in stock
}

// RedemptionFilter narrows a list of redemptions.
type RedemptionFilter struct {
	MerchantID  string
	ResidentID  string
	StreetID    string
	From, To    time.Time // created_at in [From, To) when set
	FlaggedOnly bool      // flagged and not dismissed by staff
	Limit       int
}

// Zone is Beijing time, where opening hours and months are read (China
// keeps no daylight saving time, so a fixed offset is exact).
func Zone() *time.Location { return time.FixedZone("Asia/Shanghai", 8*3600) }
