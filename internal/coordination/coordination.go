// Package coordination is the district's coordination work: joint meetings
// (联席会) of departments, streets, communities and organizations, their
// resolutions (决议) and the action items (督办事项) the meeting hands to an
// owner, followed until done; and party-building links (党建联建、党建指导员).
// It knows nothing of SQL or HTTP.
package coordination

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Meeting is one joint meeting. StreetID is the convener: "" for the
// district (the platform's coordinators), else a street office.
type Meeting struct {
	ID          string
	Title       string
	HeldAt      time.Time
	Place       string
	StreetID    string
	StreetName  string
	Agenda      []string // one item a line
	Departments []string // departments present, free text
	Parties     []Party  // streets, communities and organizations present
	Minutes     string   // internal: never on the public page
	Summary     string   // public when Published
	Published   bool
	PublishedAt time.Time
	Resolutions []*Resolution
	Actions     []*Action
	CreatedAt   time.Time
}

// Resource is the meeting's authorization view.
func (m *Meeting) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindMeeting, ID: m.ID, StreetID: m.StreetID}
}

// MayOwn reports whether an item of the meeting may be given to the
// street, community or organization id of kind, which lies in streetID: a
// district meeting's (no street) to anyone; a street's meeting's to that
// street, its communities and organizations, or a party to the meeting —
// a street's staff do not assign work to other streets.
func (m *Meeting) MayOwn(kind OwnerKind, id, streetID string) bool {
	if m.StreetID == "" || streetID == m.StreetID {
		return true
	}
	for _, p := range m.Parties {
		if p.Kind == kind && p.ID == id {
			return true
		}
	}
	return false
}

// Party is a street, community or organization taking part in a meeting.
type Party struct {
	Kind OwnerKind // street, community or organization
	ID   string
	Name string
}

// Resolution is one decision of a meeting, numbered in the order taken.
type Resolution struct {
	ID   string
	Seq  int
	Text string
}

// OwnerKind says who owns an action item: a user, or the staff of a
// street, community or organization.
type OwnerKind string

const (
	OwnerUser         OwnerKind = "user"
	OwnerStreet       OwnerKind = "street"
	OwnerCommunity    OwnerKind = "community"
	OwnerOrganization OwnerKind = "organization"
)

// OwnerKinds lists the owner kinds in display order.
var OwnerKinds = []OwnerKind{OwnerStreet, OwnerCommunity, OwnerOrganization, OwnerUser}

// ValidOwnerKind reports whether k is an owner kind.
func ValidOwnerKind(k OwnerKind) bool {
	for _, x := range OwnerKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Status is where an action item stands.
type Status string

const (
	Open       Status = "open"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Dropped    Status = "dropped"
)

// Statuses lists the statuses in display order.
var Statuses = []Status{Open, InProgress, Done, Dropped}

// ValidStatus reports whether s is a status.
func ValidStatus(s Status) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Who names the side taking a transition.
type Who string

const (
	// ByOwner is the item's owner (the user, or the owning body's staff).
	ByOwner Who = "owner"
	// ByCoordinator is whoever may update the meeting (its convener).
	ByCoordinator Who = "coordinator"
)

// transitions is the state machine of an action item: from → to → who may.
// Owners report progress and completion; only the meeting's coordinators
// drop an item or reopen one that was closed.
var transitions = map[Status]map[Status][]Who{
	Open: {
		InProgress: {ByOwner, ByCoordinator},
		Done:       {ByOwner, ByCoordinator},
		Dropped:    {ByCoordinator},
	},
	InProgress: {
		Done:    {ByOwner, ByCoordinator},
		Dropped: {ByCoordinator},
	},
	Done: {
		InProgress: {ByCoordinator},
	},
	Dropped: {
		Open: {ByCoordinator},
	},
}

// CanMove reports whether who may move an item from one status to another.
// Staying in the same status is a progress note, open to owners and
// coordinators while the item is live.
func CanMove(from, to Status, who Who) bool {
	if from == to {
		return from == Open || from == InProgress
	}
	for _, w := range transitions[from][to] {
		if w == who {
			return true
		}
	}
	return false
}

// Next lists the statuses who may move an item in status from to.
func Next(from Status, who Who) []Status {
	var out []Status
	for _, to := range Statuses {
		if to != from && CanMove(from, to, who) {
			out = append(out, to)
		}
	}
	return out
}

// Action is an action item (督办事项) a meeting hands to an owner.
type Action struct {
	ID           string
	MeetingID    string
	MeetingTitle string
	// MeetingStreetID is the meeting's convener, for the coordinator's rights.
	MeetingStreetID string
	ResolutionID    string // "" when not tied to one resolution
	Title           string
	OwnerKind       OwnerKind
	OwnerID         string
	OwnerName       string
	// OwnerStreetID is the street of the owning street, community or
	// organization ("" for a user owner), so a street sees its own items.
	OwnerStreetID string
	Due           time.Time // midnight Asia/Shanghai of the due day, in UTC
	Status        Status
	Note          string // the latest progress note
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Updates       []*Update
}

// Resource is the item's authorization view as its owner: the owning
// street, community, organization or user.
func (a *Action) Resource() accounts.Resource {
	r := accounts.Resource{Kind: accounts.KindAction, ID: a.ID}
	switch a.OwnerKind {
	case OwnerUser:
		r.OwnerID = a.OwnerID
	case OwnerStreet:
		r.StreetID = a.OwnerID
	case OwnerCommunity:
		r.CommunityID = a.OwnerID
	case OwnerOrganization:
		r.OrgID = a.OwnerID
	}
	return r
}

// StreetResource is the item's authorization view for its street's staff
// (ViewPrivate, read only): the street its owner lies in — the street
// itself, or one of its communities or organizations — whatever meeting
// gave the item. A person as owner lies in no street.
func (a *Action) StreetResource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindAction, ID: a.ID, StreetID: a.OwnerStreetID}
}

// MeetingResource is the resource of the item's meeting (the coordinator's view).
func (a *Action) MeetingResource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindMeeting, ID: a.MeetingID, StreetID: a.MeetingStreetID}
}

// Live reports whether the item still needs work.
func (a *Action) Live() bool { return a.Status == Open || a.Status == InProgress }

// Overdue reports whether the due day has passed (in Beijing time) and the
// item is still live.
func (a *Action) Overdue(now time.Time) bool {
	return a.Live() && !a.Due.IsZero() && !now.Before(a.Due.AddDate(0, 0, 1))
}

// CheckDue refuses a due day before the day of the meeting that gives the
// item (held): a slip of the year (2020 for 2026). A due day already
// past is not refused: old meetings are recorded with their items.
func (a *Action) CheckDue(held time.Time) error {
	if !a.Due.IsZero() && !held.IsZero() && a.Due.AddDate(0, 0, 1).Before(held) {
		return errs.Field("due", "item.due_before_meeting")
	}
	return nil
}

// Update is one entry of an item's history: a status change or a progress note.
type Update struct {
	ID        string
	ActionID  string
	At        time.Time
	ActorID   string
	ActorName string
	From, To  Status
	Note      string
}

// A meeting's date is at most MeetingYearsBack before now (the record
// of an old meeting is kept) and MeetingYearsAhead after it: 2199 is a
// slip of the keyboard.
const (
	MeetingYearsBack  = 10
	MeetingYearsAhead = 2
)

// CheckDate refuses a meeting date outside those years around now.
func (m *Meeting) CheckDate(now time.Time) error {
	from, to := now.AddDate(-MeetingYearsBack, 0, 0), now.AddDate(MeetingYearsAhead, 0, 0)
	if !m.HeldAt.IsZero() && (m.HeldAt.Before(from) || m.HeldAt.After(to)) {
		return errs.Field("held_at", "meeting.date_implausible", from.Year(), to.Year())
	}
	return nil
}

// Validate normalizes the meeting and reports every problem.
func (m *Meeting) Validate() error {
	var l errs.List
	m.Title = strings.TrimSpace(m.Title)
	checkText(&l, "title", m.Title, 80, true)
	if m.HeldAt.IsZero() {
		l.Add("held_at", "field.required")
	}
	m.Place = strings.TrimSpace(m.Place)
	checkText(&l, "place", m.Place, 80, false)
	m.Agenda = cleanLines(m.Agenda)
	if len(m.Agenda) > 30 {
		l.Add("agenda", "meeting.too_many", 30)
	}
	for _, a := range m.Agenda {
		if utf8.RuneCountInString(a) > 200 {
			l.Add("agenda", "field.too_long", 200)
			break
		}
	}
	m.Departments = cleanLines(m.Departments)
	if len(m.Departments) > 30 {
		l.Add("departments", "meeting.too_many", 30)
	}
	for _, d := range m.Departments {
		if utf8.RuneCountInString(d) > 60 {
			l.Add("departments", "field.too_long", 60)
			break
		}
	}
	for _, p := range m.Parties {
		if p.Kind != OwnerStreet && p.Kind != OwnerCommunity && p.Kind != OwnerOrganization {
			l.Add("parties", "meeting.party_kind")
			break
		}
	}
	m.Minutes = strings.TrimSpace(m.Minutes)
	checkText(&l, "minutes", m.Minutes, 20000, false)
	m.Summary = strings.TrimSpace(m.Summary)
	checkText(&l, "summary", m.Summary, 4000, false)
	if m.Published && m.Summary == "" {
		l.Add("summary", "meeting.summary_required")
	}
	return l.Err()
}

// ValidateResolution normalizes a resolution's text.
func ValidateResolution(text string) (string, error) {
	var l errs.List
	text = strings.TrimSpace(text)
	checkText(&l, "resolution", text, 500, true)
	return text, l.Err()
}

// Validate normalizes a new action item and reports every problem.
func (a *Action) Validate() error {
	var l errs.List
	a.Title = strings.TrimSpace(a.Title)
	checkText(&l, "title", a.Title, 200, true)
	switch {
	case a.OwnerKind == "" && strings.TrimSpace(a.OwnerID) == "":
		l.Add("owner", "item.owner_required") // one message for one empty choice
	case !ValidOwnerKind(a.OwnerKind):
		l.Add("owner_kind", "item.owner_kind")
	case strings.TrimSpace(a.OwnerID) == "":
		l.Add("owner", "field.required")
	}
	if a.Due.IsZero() {
		l.Add("due", "field.required")
	}
	if a.Status == "" {
		a.Status = Open
	}
	return l.Err()
}

// ValidateNote normalizes a progress note.
func ValidateNote(note string) (string, error) {
	var l errs.List
	note = strings.TrimSpace(note)
	checkText(&l, "note", note, 1000, false)
	return note, l.Err()
}

func checkText(l *errs.List, field, v string, max int, required bool) {
	switch c := utf8.RuneCountInString(v); {
	case c == 0 && required:
		l.Add(field, "field.required")
	case c > max:
		l.Add(field, "field.too_long", max)
	}
}

// cleanLines trims each line and drops empty ones.
func cleanLines(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// SplitLines splits a textarea into its non-empty lines.
func SplitLines(s string) []string {
	return cleanLines(strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n"))
}

// mobile matches a mainland mobile number not inside a longer number.
var mobile = regexp.MustCompile(`(^|[^0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})($|[^0-9])`)

// MaskPhones hides the middle of every mobile number in text (138****5678),
// for what a public page shows of a meeting.
func MaskPhones(text string) string {
	// Twice: adjacent numbers share the separator the pattern consumes.
	for i := 0; i < 2; i++ {
		text = mobile.ReplaceAllString(text, "${1}${2}****${4}${5}")
	}
	return text
}

// Overview sums up items for a coordinator: the overdue ones (in the order
// given), how many are live (overdue included) and how many are done.
func Overview(items []*Action, now time.Time) (overdue []*Action, live, done int) {
	for _, x := range items {
		switch {
		case x.Overdue(now):
			overdue = append(overdue, x)
			live++
		case x.Live():
			live++
		case x.Status == Done:
			done++
		}
	}
	return overdue, live, done
}
