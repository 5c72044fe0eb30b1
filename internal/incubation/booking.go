package incubation

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// BookingStatus is where a booking stands.
type BookingStatus string

const (
	BookingActive    BookingStatus = "active"
	BookingCancelled BookingStatus = "cancelled"
)

// Booking is one reservation of a space for whole half hours.
type Booking struct {
	ID         string
	SpaceID    string
	SpaceName  string
	BaseName   string
	StreetID   string // the base's street
	OrgID      string // the organization booking, "" for a person
	OrgName    string
	UserID     string // who booked
	UserName   string
	Start, End time.Time
	Attendees  int
	Purpose    string
	Status     BookingStatus
	// CancelledBy is who cancelled, CancelledAt when.
	CancelledBy string
	CancelledAt time.Time
	CreatedAt   time.Time
}

// Resource is the booking's authorization view: the base's street, the
// booking organization and the person who booked.
func (b *Booking) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindBooking, ID: b.ID, StreetID: b.StreetID, OrgID: b.OrgID, OwnerID: b.UserID}
}

// Slots returns the start of every half hour b covers.
func (b *Booking) Slots() []time.Time {
	var out []time.Time
	for t := b.Start; t.Before(b.End); t = t.Add(Slot) {
		out = append(out, t)
	}
	return out
}

// Eligibility is what the store knows about the booker for a space's
// audience rule.
type Eligibility struct {
	Incubating  bool // the booking organization incubates (or is admitted) at the space's base
	StreetMatch bool // the booking organization sits in the base's street (or the base is the district's)
}

// CheckBooking applies every booking rule: whole half hours aligned in
// Shanghai time, a bookable space, inside one day's opening hours, not in
// the past nor further ahead than the space allows, not longer than its
// maximum, no more people than its capacity, and the space's audience.
// Staff of the base (manager) are held to the same rules except audience.
func (s *Space) CheckBooking(b *Booking, now time.Time, el Eligibility, manager bool) error {
	var l errs.List
	b.Purpose = strings.TrimSpace(b.Purpose)
	if utf8.RuneCountInString(b.Purpose) > 100 {
		l.Add("purpose", "field.too_long", 100)
	}
	if b.Attendees == 0 {
		b.Attendees = 1
	}
	if b.Attendees < 1 || b.Attendees > s.Capacity {
		l.Add("attendees", "booking.over_capacity", s.Capacity)
	}
	if err := l.Err(); err != nil {
		return err
	}
	if !s.Bookable() {
		return errs.E(errs.Invalid, "booking.not_bookable")
	}
	if !manager {
		switch s.Audience {
		case Incubatees:
			if !el.Incubating {
				return errs.E(errs.Forbidden, "booking.incubatees_only")
			}
		case StreetOrgs:
			if b.OrgID == "" || !(el.StreetMatch || el.Incubating) {
				return errs.E(errs.Forbidden, "booking.street_orgs_only")
			}
		}
	}
	b.Start, b.End = b.Start.UTC(), b.End.UTC()
	if !aligned(b.Start) || !aligned(b.End) {
		return errs.Field("start", "booking.not_aligned")
	}
	if !b.End.After(b.Start) {
		return errs.Field("end", "booking.end_before_start")
	}
	if n := int(b.End.Sub(b.Start) / Slot); n > s.MaxSlots {
		return errs.Field("end", "booking.too_long", float64(s.MaxSlots)/2)
	}
	if b.Start.Before(now) {
		return errs.Field("start", "booking.in_past")
	}
	if b.Start.After(now.Add(time.Duration(s.AheadDays) * 24 * time.Hour)) {
		return errs.Field("start", "booking.too_far", s.AheadDays)
	}
	ls, le := b.Start.In(Zone), b.End.In(Zone)
	day := s.Hours[ls.Weekday()]
	sm := ls.Hour()*60 + ls.Minute()
	em := sm + int(le.Sub(ls)/time.Minute)
	if day.Open == day.Close || sm < day.Open || em > day.Close {
		return errs.Field("start", "booking.closed")
	}
	return nil
}

func aligned(t time.Time) bool {
	t = t.In(Zone)
	return t.Second() == 0 && t.Nanosecond() == 0 && t.Minute()%30 == 0
}

// CheckCancel says whether u may cancel b now: the booker or the booking
// organization's admin before it starts; the base's staff at any time (an
// override, recorded as such).
func CheckCancel(u *accounts.User, b *Booking, now time.Time) (override bool, err error) {
	if b.Status != BookingActive {
		return false, errs.E(errs.Conflict, "booking.already_cancelled")
	}
	if err := accounts.Can(u, accounts.Update, b.Resource()); err != nil {
		return false, err
	}
	if Manages(u, b.StreetID) {
		return !b.Start.After(now), nil
	}
	if !b.Start.After(now) {
		return false, errs.E(errs.Conflict, "booking.started")
	}
	return false, nil
}
