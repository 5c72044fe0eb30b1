// Package incubation is the incubation base (孵化基地) and the social
// innovation academy (回天社会创新学院): bases and their spaces, half-hour
// bookings, organizations' incubation from application to graduation
// (出壳), courses, monthly sessions, enrollment, attendance and
// certificates. No SQL, no HTTP: the rules only.
//
// Who manages what: a street base is managed by its street's staff and the
// platform admins; the district base (StreetID "") and the academy's
// district-wide courses by the platform admins only, since no street owns
// them. A session held at a street (StreetID set) is also run by that
// street's staff.
package incubation

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Zone is where opening hours and half-hour slots are reckoned (UTC+8, no
// daylight saving, so a half hour in Shanghai is a half hour in UTC).
var Zone = time.FixedZone("CST", 8*3600)

// Slot is the booking unit.
const Slot = 30 * time.Minute

// Base is one incubation base: the district's or a street's.
type Base struct {
	ID         string
	Name       string
	StreetID   string // "" for the district base
	StreetName string
	Address    string
	CreatedAt  time.Time
}

// District reports whether this is the district base (no street).
func (b *Base) District() bool { return b.StreetID == "" }

// TakesApplicantFrom reports whether an organization of the given street
// ("" none) may apply to incubate here: the district base takes any
// organization, a street's base only its own street's.
func (b *Base) TakesApplicantFrom(orgStreetID string) bool {
	return b.District() || b.StreetID == orgStreetID
}

// Resource is the base's authorization view.
func (b *Base) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindSpace, ID: b.ID, StreetID: b.StreetID}
}

// Validate normalizes the base and reports every problem.
func (b *Base) Validate() error {
	var l errs.List
	b.Name = strings.TrimSpace(b.Name)
	switch c := utf8.RuneCountInString(b.Name); {
	case c == 0:
		l.Add("name", "field.required")
	case c > 40:
		l.Add("name", "field.too_long", 40)
	}
	b.Address = strings.TrimSpace(b.Address)
	if utf8.RuneCountInString(b.Address) > 120 {
		l.Add("address", "field.too_long", 120)
	}
	return l.Err()
}

// Manages reports whether u runs this base (and its spaces, bookings and
// incubatees): platform admins, and for a street base that street's staff.
func Manages(u *accounts.User, streetID string) bool {
	return accounts.Allowed(u, accounts.Update, accounts.Resource{Kind: accounts.KindSpace, StreetID: streetID})
}
