// Package portal is the resident portal's domain (issue #10): resident-raised
// needs (居民提需求) with "我也遇到", community notices, a resident's
// preferences (elderly mode, consent to publish their name) and the rules
// of the privacy centre. No SQL, no HTTP.
package portal

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// Status is where a suggestion stands.
type Status string

const (
	Open      Status = "open"      // waiting for the community
	Replied   Status = "replied"   // staff answered
	Merged    Status = "merged"    // folded into another suggestion (MergedInto)
	Converted Status = "converted" // turned into a draft governance need (NeedID)
	Closed    Status = "closed"    // settled without a need
)

// Statuses lists every status in display order.
var Statuses = []Status{Open, Replied, Converted, Merged, Closed}

// Action is what community staff do with a suggestion.
type Action string

const (
	ActReply   Action = "reply"
	ActMerge   Action = "merge"
	ActConvert Action = "convert"
	ActClose   Action = "close"
)

// transitions is the table of allowed steps: from → action → to.
var transitions = map[Status]map[Action]Status{
	Open:    {ActReply: Replied, ActMerge: Merged, ActConvert: Converted, ActClose: Closed},
	Replied: {ActReply: Replied, ActMerge: Merged, ActConvert: Converted, ActClose: Closed},
}

// Next returns the status an action leads to from s, or a Conflict error.
func Next(s Status, a Action) (Status, error) {
	if to, ok := transitions[s][a]; ok {
		return to, nil
	}
	return "", errs.E(errs.Conflict, "suggestion.step_not_allowed")
}

// Limits of a suggestion.
const (
	MaxBody       = 1000 // characters
	MaxPlace      = 100
	MaxReply      = 1000
	MaxPhotoBytes = 5 << 20
)

// PhotoTypes are the image types a suggestion's photo may have.
var PhotoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "image/gif": true}

// Suggestion is a need a resident raised with their community.
type Suggestion struct {
	ID            string
	CommunityID   string
	CommunityName string
	StreetID      string
	UserID        string
	UserName      string // masked for everyone but the author and the community's staff
	Body          string
	Place         string
	HasPhoto      bool
	Status        Status
	Reply         string
	RepliedBy     string
	MergedInto    string
	NeedID        string
	AssistedBy    string // the staff member who raised it for the resident ("" if themselves)
	Supports      int    // "我也遇到"
	Supported     bool   // the reader said "我也遇到"
	Mine          bool   // the reader raised it
	PublishName   bool   // the author consents to their masked name on public pages
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Resource is the suggestion's authorization view.
func (s *Suggestion) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindSuggestion, ID: s.ID, StreetID: s.StreetID,
		CommunityID: s.CommunityID, OwnerID: s.UserID}
}

// Validate checks what a resident wrote.
func (s *Suggestion) Validate() error {
	s.Body = strings.TrimSpace(s.Body)
	s.Place = strings.TrimSpace(s.Place)
	var l errs.List
	switch n := utf8.RuneCountInString(s.Body); {
	case text.Len(s.Body) < 5:
		l.Add("body", "suggestion.body_short")
	case n > MaxBody:
		l.Add("body", "suggestion.body_long", MaxBody)
	}
	if utf8.RuneCountInString(s.Place) > MaxPlace {
		l.Add("place", "suggestion.place_long", MaxPlace)
	}
	if s.CommunityID == "" {
		l.Add("community", "portal.home_needed")
	}
	return l.Err()
}

// Filter selects suggestions.
type Filter struct {
	CommunityID string
	Status      Status
	Mine        bool // only the reader's own
	Page        int
	PerPage     int
}

// Notice is a community's notice to its residents (社区通知).
type Notice struct {
	ID          string
	CommunityID string
	Title       string
	Body        string
	CreatedBy   string
	CreatedAt   time.Time
}

// Resource is the notice's authorization view.
func (n *Notice) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindNotice, ID: n.ID, CommunityID: n.CommunityID}
}

// Validate checks a notice.
func (n *Notice) Validate() error {
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	var l errs.List
	if k := utf8.RuneCountInString(n.Title); text.Len(n.Title) < 2 || k > 80 {
		l.Add("title", "notice.title_length", 2, 80)
	}
	if utf8.RuneCountInString(n.Body) > 2000 {
		l.Add("body", "notice.body_long", 2000)
	}
	return l.Err()
}

// Prefs are a resident's portal preferences.
type Prefs struct {
	ElderlyMode bool
	PublishName bool // consent to show their (masked) name on public pages
}

// DefaultPrefs are the preferences of a resident who never chose.
func DefaultPrefs() Prefs { return Prefs{PublishName: true} }

// AnonymousName stands for a resident who withdrew consent to publish
// their name.
const AnonymousName = "居民"

// DeleteConfirmation is what a resident types to delete their account.
const DeleteConfirmation = "注销"

// Pseudonym is the name and phone a deleted account keeps: derived from the
// account id so ledger postings still point at one stable, anonymous
// holder.
func Pseudonym(userID string) (name, phone string) {
	tail := userID
	if len(tail) > 8 {
		tail = tail[len(tail)-8:]
	}
	return "已注销用户" + tail, "deleted:" + userID
}
