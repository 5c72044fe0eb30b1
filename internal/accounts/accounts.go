// Package accounts holds people, their roles and scopes, and the one
// authorization function Can that every action on every object goes through.
package accounts

import (
	"regexp"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// Role is what a person does on the platform (DESIGN.md "Places and people").
type Role string

const (
	PlatformAdmin   Role = "platform_admin"
	StreetStaff     Role = "street_staff"
	CommunityStaff  Role = "community_staff"
	OrgAdmin        Role = "org_admin"
	OrgMember       Role = "org_member"
	Reviewer        Role = "reviewer"
	Merchant        Role = "merchant"
	FoundationStaff Role = "foundation_staff"
	Auditor         Role = "auditor"
	Resident        Role = "resident"
)

// Roles lists every role in display order.
var Roles = []Role{PlatformAdmin, StreetStaff, CommunityStaff, OrgAdmin, OrgMember, Reviewer,
	Merchant, FoundationStaff, Auditor, Resident}

// ScopeKind is the kind of object a role is bound to.
type ScopeKind string

const (
	ScopeNone         ScopeKind = ""
	ScopeStreet       ScopeKind = "street"
	ScopeCommunity    ScopeKind = "community"
	ScopeOrganization ScopeKind = "organization"
	ScopeMerchant     ScopeKind = "merchant"
)

// ScopeKindOf tells which scope a role needs.
func ScopeKindOf(r Role) ScopeKind {
	switch r {
	case StreetStaff:
		return ScopeStreet
	case CommunityStaff:
		return ScopeCommunity
	case OrgAdmin, OrgMember:
		return ScopeOrganization
	case Merchant:
		return ScopeMerchant
	}
	return ScopeNone
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// StaffRole reports whether the role signs in with a password (everyone but residents).
func StaffRole(r Role) bool { return r != Resident }

// Grant is one role held by one user, bound to one scope object.
type Grant struct {
	ID        string
	UserID    string
	Role      Role
	ScopeID   string // street, community, organization or merchant id; "" for unscoped roles
	ScopeName string // for display only
	CreatedAt time.Time
}

// User is a person with an account.
type User struct {
	ID           string
	Phone        string
	Name         string
	PasswordHash string
	Disabled     bool
	Grants       []Grant
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Has reports whether the user holds role r anywhere.
func (u *User) Has(r Role) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// IsStaff reports whether the user holds any role other than resident.
func (u *User) IsStaff() bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if StaffRole(g.Role) {
			return true
		}
	}
	return false
}

var phoneRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NormalizePhone strips spaces, dashes and a +86 prefix and checks the result
// is a mainland mobile number.
func NormalizePhone(s string) (string, error) {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "", "\u3000", "").Replace(text.Narrow(strings.TrimSpace(s)))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	if !phoneRE.MatchString(s) {
		return "", errs.Field("phone", "phone.invalid")
	}
	return s, nil
}

// MaskPhone shows a phone as 138****1234; anything else is fully masked.
func MaskPhone(p string) string {
	if len(p) != 11 {
		return "****"
	}
	return p[:3] + "****" + p[7:]
}

// MaskName keeps the first character of a personal name: 张** .
func MaskName(n string) string {
	r := []rune(strings.TrimSpace(n))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(1, len(r)-1))
}

// NameKey is how the admins' user search compares names: the name with
// ASCII letters lowered (what SQL's lower() does on both databases, with
// the byte-wise collation of users.name_key, migration 0024). A search
// finds the names whose key holds the key of what was typed (migration
// 0027), those that begin with it first.
func NameKey(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// ValidateNewUser checks the fields of a user to be created.
func ValidateNewUser(u *User) error {
	var l errs.List
	if p, err := NormalizePhone(u.Phone); err != nil {
		l.Add("phone", "phone.invalid")
	} else {
		u.Phone = p
	}
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		l.Add("name", "field.required")
	} else if len([]rune(u.Name)) > 50 {
		l.Add("name", "field.too_long", 50)
	}
	return l.Err()
}

// ValidateGrant checks that a role has the scope it needs (and only then).
func ValidateGrant(g *Grant) error {
	if !ValidRole(g.Role) {
		return errs.Field("role", "role.invalid")
	}
	need := ScopeKindOf(g.Role)
	if need != ScopeNone && g.ScopeID == "" {
		return errs.Field("scope", "role.scope_required")
	}
	if need == ScopeNone {
		g.ScopeID = ""
	}
	return nil
}
