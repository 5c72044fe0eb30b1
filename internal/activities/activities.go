// Package activities is volunteer activities (志愿活动): organizations and
// their volunteer teams publish them, residents sign up (a waiting list when
// full), check in and out at the venue with a code that rotates every 30
// seconds, and the organizer confirms the hours. Confirmed attendance is what
// the points scheme awards from; this package knows nothing of points but
// the rule code an activity names.
package activities

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Type is the kind of activity; codes are stable, labels come from the
// i18n catalog as "activity.type.<code>".
type Type string

// Types lists the activity types in display order.
var Types = []Type{"volunteer", "greening", "kids_science", "reading", "elder_digital", "culture",
	"environment", "safety", "elderly_care"}

// ValidType reports whether t is a known type.
func ValidType(t Type) bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// Eligibility says who may sign up.
type Eligibility string

const (
	OpenToAnyone    Eligibility = "anyone"    // any signed-in resident
	OpenToStreet    Eligibility = "street"    // residents of the activity's street
	OpenToCommunity Eligibility = "community" // residents of the activity's community
)

// Eligibilities lists the values in display order.
var Eligibilities = []Eligibility{OpenToAnyone, OpenToStreet, OpenToCommunity}

// Status is where an activity is in its life.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
	Cancelled Status = "cancelled"
	Finished  Status = "finished"
)

// Statuses lists every status.
var Statuses = []Status{Draft, Published, Cancelled, Finished}

// Action is a step in an activity's life.
type Action string

const (
	ActPublish Action = "publish"
	ActCancel  Action = "cancel"
	ActFinish  Action = "finish"
)

// Transition is one allowed step: from a status, by an action, to a status.
type Transition struct {
	From   Status
	Action Action
	To     Status
}

// Transitions is the whole state machine; who may take a step is the
// activity's Update permission (its organization, its street or community
// staff, platform admins).
var Transitions = []Transition{
	{Draft, ActPublish, Published},
	{Draft, ActCancel, Cancelled},
	{Published, ActCancel, Cancelled},
	{Published, ActFinish, Finished},
}

// Next returns the status after action from s, or a Conflict error.
func Next(s Status, a Action) (Status, error) {
	for _, t := range Transitions {
		if t.From == s && t.Action == a {
			return t.To, nil
		}
	}
	return "", errs.E(errs.Conflict, "activity.bad_transition")
}

// Activity is one volunteer activity.
type Activity struct {
	ID            string
	Title         string
	Type          Type
	Description   string
	OrgID         string // the organizing organization
	OrgName       string
	OrgIsTeam     bool   // the organizer is itself a volunteer team (an organization of kind team)
	Team          string // a volunteer team (group) inside the organization, "" for the organization itself
	StreetID      string
	StreetName    string
	CommunityID   string // "" when the activity is street-wide
	CommunityName string
	Address       string
	StartsAt      time.Time // UTC
	EndsAt        time.Time // UTC
	Capacity      int
	Eligibility   Eligibility
	PointsRule    string // a points rule code owned by the points scheme; "" for none
	Status        Status
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Signed and Waiting are counts filled by reads.
	Signed, Waiting int
}

// Resource is the activity's authorization view.
func (a *Activity) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindActivity, ID: a.ID, StreetID: a.StreetID,
		CommunityID: a.CommunityID, OrgID: a.OrgID}
}

// Duration is how long the activity runs.
func (a *Activity) Duration() time.Duration { return a.EndsAt.Sub(a.StartsAt) }

// Public reports whether anyone may see it (not a draft).
func (a *Activity) Public() bool { return a.Status != Draft }

// Running reports whether a published activity is under way at t.
func (a *Activity) Running(t time.Time) bool {
	return a.Status == Published && !t.Before(a.StartsAt) && t.Before(a.EndsAt)
}

// StartPassed reports whether the start is no longer ahead at t: such an
// activity cannot be published. A draft may still be saved so (copied
// from a past one, say); its organizer is warned to move it.
func (a *Activity) StartPassed(t time.Time) bool { return !a.StartsAt.After(t) }

// Full reports whether every place is taken.
func (a *Activity) Full() bool { return a.Signed >= a.Capacity }

// MaxDuration bounds one activity: longer events are several activities.
const MaxDuration = 12 * time.Hour

// Validate normalizes the activity and reports every problem.
func (a *Activity) Validate() error {
	var l errs.List
	a.Title = strings.TrimSpace(a.Title)
	switch c := utf8.RuneCountInString(a.Title); {
	case c == 0:
		l.Add("title", "field.required")
	case c < 4:
		l.Add("title", "field.too_short", 4)
	case c > 60:
		l.Add("title", "field.too_long", 60)
	}
	if !ValidType(a.Type) {
		l.Add("type", "activity.type_invalid")
	}
	a.Description = strings.TrimSpace(a.Description)
	if utf8.RuneCountInString(a.Description) > 2000 {
		l.Add("description", "field.too_long", 2000)
	}
	if a.OrgID == "" {
		l.Add("org", "field.required")
	}
	a.Team = strings.TrimSpace(a.Team)
	if utf8.RuneCountInString(a.Team) > 40 {
		l.Add("team", "field.too_long", 40)
	}
	if a.StreetID == "" {
		l.Add("street", "field.required")
	}
	a.Address = strings.TrimSpace(a.Address)
	switch c := utf8.RuneCountInString(a.Address); {
	case c == 0:
		l.Add("address", "field.required")
	case c > 120:
		l.Add("address", "field.too_long", 120)
	}
	switch {
	case a.StartsAt.IsZero():
		l.Add("starts_at", "field.required")
	case a.EndsAt.IsZero():
		l.Add("ends_at", "field.required")
	case !a.EndsAt.After(a.StartsAt):
		l.Add("ends_at", "activity.ends_before_start")
	case a.Duration() > MaxDuration:
		l.Add("ends_at", "activity.too_long", int(MaxDuration.Hours()))
	}
	if a.Capacity < 1 || a.Capacity > 1000 {
		l.Add("capacity", "activity.capacity_range", 1, 1000)
	}
	switch a.Eligibility {
	case OpenToAnyone, OpenToStreet:
	case OpenToCommunity:
		if a.CommunityID == "" {
			l.Add("eligibility", "activity.community_needed")
		}
	default:
		l.Add("eligibility", "activity.eligibility_invalid")
	}
	a.PointsRule = strings.TrimSpace(a.PointsRule)
	if len(a.PointsRule) > 40 || strings.ContainsAny(a.PointsRule, " \t\n/") {
		l.Add("points_rule", "activity.points_rule_invalid")
	}
	return l.Err()
}

// Eligible reports whether a resident living in community (of street) may
// sign up; it returns nil or an error saying why not.
func (a *Activity) Eligible(streetID, communityID string) error {
	switch a.Eligibility {
	case OpenToStreet:
		if streetID != a.StreetID {
			return errs.Field("community", "activity.only_street", a.StreetName)
		}
	case OpenToCommunity:
		if communityID != a.CommunityID {
			return errs.Field("community", "activity.only_community", a.CommunityName)
		}
	}
	return nil
}

// SignupStatus is where one resident's signup stands.
type SignupStatus string

const (
	SignedUp  SignupStatus = "confirmed" // has a place
	Waiting   SignupStatus = "waiting"   // on the waiting list
	Withdrawn SignupStatus = "cancelled" // cancelled by the resident
)

// Method says how a check-in or check-out was recorded.
type Method string

const (
	ByCode Method = "code" // the resident entered or scanned the rotating code
	ByList Method = "list" // the organizer ticked the resident on the list (elders without phones)
)

// Signup is one resident's place (or wait) at one activity, with attendance.
type Signup struct {
	ID             string
	ActivityID     string
	UserID         string
	UserName       string // full name: organizer pages only
	UserPhone      string // organizer pages only, shown masked
	Status         SignupStatus
	QueuedAt       time.Time // order of the waiting list
	CheckinAt      time.Time // zero: not checked in
	CheckinMethod  Method
	CheckoutAt     time.Time
	CheckoutMethod Method
	Minutes        int // computed at check-out
	Confirmed      bool
	ConfirmedMins  int
	ConfirmedAt    time.Time
	CreatedAt      time.Time
	// Position is the place on the waiting list (1-based), 0 for others.
	Position int
}

// Served reports whether the signup counts as taking part in the activity:
// its hours are confirmed and more than none. A resident confirmed at 0
// hours came and left (or came outside the activity's time); that earns
// no points and is not an activity on their record.
func (s *Signup) Served() bool { return s.Status == SignedUp && s.Confirmed && s.ConfirmedMins > 0 }

// CheckedIn reports whether the resident is at the venue now (in, not out).
func (s *Signup) CheckedIn() bool { return !s.CheckinAt.IsZero() && s.CheckoutAt.IsZero() }

// CheckedOut reports whether both ends were recorded.
func (s *Signup) CheckedOut() bool { return !s.CheckinAt.IsZero() && !s.CheckoutAt.IsZero() }

// Update changes some fields of an activity (nil means unchanged). The
// organizer, place kind and status are not among them.
type Update struct {
	Title       *string
	Type        *Type
	Description *string
	Team        *string
	StreetID    *string
	CommunityID *string
	Address     *string
	StartsAt    *time.Time
	EndsAt      *time.Time
	Capacity    *int
	Eligibility *Eligibility
	PointsRule  *string
}

// Apply copies the set fields of u onto a.
func (u Update) Apply(a *Activity) {
	set(&a.Title, u.Title)
	set(&a.Type, u.Type)
	set(&a.Description, u.Description)
	set(&a.Team, u.Team)
	set(&a.StreetID, u.StreetID)
	set(&a.CommunityID, u.CommunityID)
	set(&a.Address, u.Address)
	set(&a.StartsAt, u.StartsAt)
	set(&a.EndsAt, u.EndsAt)
	set(&a.Capacity, u.Capacity)
	set(&a.Eligibility, u.Eligibility)
	set(&a.PointsRule, u.PointsRule)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Editable reports whether the activity may still be changed at t: a draft,
// or a published one that has not started.
func (a *Activity) Editable(t time.Time) bool {
	return a.Status == Draft || (a.Status == Published && t.Before(a.StartsAt))
}

// Filter selects activities for lists; zero fields do not filter.
type Filter struct {
	StreetID    string
	CommunityID string
	OrgID       string
	Type        Type
	Status      Status // "" with Public: published and finished
	From, To    time.Time
	Page        int
	PerPage     int
	// Private lists drafts and cancelled ones too (the actor's own).
	Private bool
}

// Attendance is one confirmed attendance: who, what kind of activity, how
// long, when, organized by whom, where. It is what the points scheme awards
// from (store.ConfirmedAttendance).
type Attendance struct {
	SignupID    string
	ActivityID  string
	Title       string
	UserID      string
	Type        Type
	Minutes     int       // confirmed volunteer time
	Date        time.Time // the activity's start (UTC)
	OrgID       string
	OrgName     string
	StreetID    string
	StreetName  string
	PointsRule  string
	ConfirmedAt time.Time
}

// AttendanceSource is the integration point of the points scheme (积分制):
// the points side awards points from confirmed attendance, keyed by
// Attendance.SignupID (one award per confirmed attendance, so the signup id
// makes a natural idempotency key), using the activity's PointsRule code.
// *store.Store implements it; the points package should depend on this
// interface, not on the activity tables.
type AttendanceSource interface {
	ConfirmedAttendance(ctx context.Context, f AttendanceFilter) ([]*Attendance, error)
}

// AttendanceFilter selects confirmed attendance for the points scheme and
// the residents' own hours.
type AttendanceFilter struct {
	UserID   string
	StreetID string
	OrgID    string
	Type     Type
	// Since and Until bound ConfirmedAt (Until exclusive); zero: unbounded.
	Since, Until time.Time
}
