package incubation

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// SpaceKind is what a space is for.
type SpaceKind string

const (
	Workstation SpaceKind = "workstation"  // 工位: assigned to one incubatee, not booked
	MeetingRoom SpaceKind = "meeting_room" // 会议室
	Reception   SpaceKind = "reception"    // 会客区
	Library     SpaceKind = "library"      // 图书馆
	EventHall   SpaceKind = "event_hall"   // 活动厅
)

// SpaceKinds lists the kinds in display order.
var SpaceKinds = []SpaceKind{MeetingRoom, Reception, Library, EventHall, Workstation}

// Audience says who may book a space.
type Audience string

const (
	Incubatees Audience = "incubatees"  // organizations incubating at this base
	StreetOrgs Audience = "street_orgs" // organizations of the base's street (any, for the district base)
	Registered Audience = "registered"  // anyone signed in
)

// Audiences lists the audiences from the narrowest.
var Audiences = []Audience{Incubatees, StreetOrgs, Registered}

// DayHours is one weekday's opening time, in minutes after local midnight.
// Open == Close means closed that day.
type DayHours struct{ Open, Close int }

// Week holds the opening hours indexed by time.Weekday (Sunday first).
type Week [7]DayHours

// String writes the week as seven "HH:MM-HH:MM" or "-" fields, Sunday first.
func (w Week) String() string {
	parts := make([]string, 7)
	for i, d := range w {
		if d.Open == d.Close {
			parts[i] = "-"
			continue
		}
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", d.Open/60, d.Open%60, d.Close/60, d.Close%60)
	}
	return strings.Join(parts, ",")
}

// Day returns one weekday's hours as "09:00-18:00", or "" when closed.
func (w Week) Day(d time.Weekday) string {
	if w[d].Open == w[d].Close {
		return ""
	}
	return strings.Split(w.String(), ",")[d]
}

// ParseDay reads "09:00-18:00" (half-hour aligned) or "" / "-" for closed.
func ParseDay(s string) (DayHours, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return DayHours{}, true
	}
	var h1, m1, h2, m2 int
	if n, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); n != 4 || err != nil {
		return DayHours{}, false
	}
	o, c := h1*60+m1, h2*60+m2
	if m1%30 != 0 || m2%30 != 0 || h1 < 0 || o >= c || c > 24*60 {
		return DayHours{}, false
	}
	return DayHours{o, c}, true
}

// ParseWeek reads what Week.String writes.
func ParseWeek(s string) (Week, bool) {
	var w Week
	parts := strings.Split(s, ",")
	if len(parts) != 7 {
		return w, false
	}
	for i, p := range parts {
		d, ok := ParseDay(p)
		if !ok {
			return w, false
		}
		w[i] = d
	}
	return w, true
}

// Space is a room, an area or a workstation of a base.
type Space struct {
	ID         string
	BaseID     string
	BaseName   string
	StreetID   string // the base's street
	StreetName string
	Name       string
	Kind       SpaceKind
	Capacity   int // people
	Hours      Week
	Audience   Audience
	Rules      string // house rules shown to bookers
	MaxSlots   int    // longest booking, in half hours
	AheadDays  int    // how far ahead one may book
	// AssigneeOrgID is the incubatee a workstation is assigned to ("" free).
	AssigneeOrgID   string
	AssigneeOrgName string
	CreatedAt       time.Time
}

// Resource is the space's authorization view (its base's street).
func (s *Space) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindSpace, ID: s.ID, StreetID: s.StreetID}
}

// Bookable reports whether the space is booked by the half hour (a
// workstation is assigned instead).
func (s *Space) Bookable() bool { return s.Kind != Workstation }

// Validate normalizes the space and reports every problem.
func (s *Space) Validate() error {
	var l errs.List
	s.Name = strings.TrimSpace(s.Name)
	switch c := utf8.RuneCountInString(s.Name); {
	case c == 0:
		l.Add("name", "field.required")
	case c > 40:
		l.Add("name", "field.too_long", 40)
	}
	if !validKind(s.Kind) {
		l.Add("kind", "space.kind_invalid")
	}
	if !validAudience(s.Audience) {
		l.Add("audience", "space.audience_invalid")
	}
	if s.Capacity < 1 || s.Capacity > 500 {
		l.Add("capacity", "space.capacity_range", 1, 500)
	}
	if s.MaxSlots == 0 {
		s.MaxSlots = 8
	}
	if s.MaxSlots < 1 || s.MaxSlots > 48 {
		l.Add("max_slots", "space.max_slots_range", 1, 48)
	}
	if s.AheadDays == 0 {
		s.AheadDays = 14
	}
	if s.AheadDays < 1 || s.AheadDays > 90 {
		l.Add("ahead_days", "space.ahead_range", 1, 90)
	}
	s.Rules = strings.TrimSpace(s.Rules)
	if utf8.RuneCountInString(s.Rules) > 500 {
		l.Add("rules", "field.too_long", 500)
	}
	if s.Kind != Workstation && s.Hours == (Week{}) {
		l.Add("hours", "space.hours_required")
	}
	return l.Err()
}

func validKind(k SpaceKind) bool {
	for _, x := range SpaceKinds {
		if x == k {
			return true
		}
	}
	return false
}

func validAudience(a Audience) bool {
	for _, x := range Audiences {
		if x == a {
			return true
		}
	}
	return false
}

// OpenSlots counts the half hours a space with hours w is open in [from, to).
func OpenSlots(w Week, from, to time.Time) int {
	n := 0
	for t := from.In(Zone); t.Before(to); t = t.Add(Slot) {
		d := w[t.Weekday()]
		m := t.Hour()*60 + t.Minute()
		if aligned(t) && m >= d.Open && m+30 <= d.Close {
			n++
		}
	}
	return n
}
