package coordination

import (
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

// PartyResource is the authorization view of an organization's
// party-building records: its street's staff and the platform admins keep
// them; an instructor (OwnerID) logs their own visits.
func PartyResource(orgID, streetID, instructorID string) accounts.Resource {
	return accounts.Resource{Kind: accounts.KindParty, ID: orgID, StreetID: streetID, OrgID: orgID, OwnerID: instructorID}
}

// FormChange is one entry of an organization's party-organization form
// history: from Since on, the organization's party organization took Form
// (e.g. 联合党支部 in 2019, 独立党支部 from 2022).
type FormChange struct {
	ID        string
	OrgID     string
	Form      registry.PartyForm
	Since     time.Time // midnight Asia/Shanghai of the day, in UTC
	Note      string
	CreatedAt time.Time
}

// Validate checks a form change.
func (f *FormChange) Validate() error {
	var l errs.List
	ok := false
	for _, p := range registry.PartyForms {
		ok = ok || p == f.Form
	}
	if !ok {
		l.Add("form", "party_form.invalid")
	}
	if f.Since.IsZero() {
		l.Add("since", "field.required")
	}
	f.Note = strings.TrimSpace(f.Note)
	checkText(&l, "note", f.Note, 200, false)
	return l.Err()
}

// Pairing is a co-building pair (党建联建) of an organization with a
// community or a street, with the joint activities they held.
type Pairing struct {
	ID          string
	OrgID       string
	OrgName     string
	PartnerKind OwnerKind // community or street
	PartnerID   string
	PartnerName string
	Since       time.Time
	Note        string
	Activities  []*JointActivity
	CreatedAt   time.Time
}

// Validate checks a pairing.
func (p *Pairing) Validate() error {
	var l errs.List
	if p.PartnerKind != OwnerCommunity && p.PartnerKind != OwnerStreet {
		l.Add("partner_kind", "pairing.partner_kind")
	}
	if p.PartnerID == "" {
		l.Add("partner", "field.required")
	}
	if p.Since.IsZero() {
		l.Add("since", "field.required")
	}
	p.Note = strings.TrimSpace(p.Note)
	checkText(&l, "note", p.Note, 200, false)
	return l.Err()
}

// JointActivity is one activity a pair held together.
type JointActivity struct {
	ID        string
	PairingID string
	On        time.Time
	Title     string
	Note      string
}

// Validate checks a joint activity.
func (j *JointActivity) Validate() error {
	var l errs.List
	if j.On.IsZero() {
		l.Add("on", "field.required")
	}
	j.Title = strings.TrimSpace(j.Title)
	checkText(&l, "title", j.Title, 80, true)
	j.Note = strings.TrimSpace(j.Note)
	checkText(&l, "note", j.Note, 500, false)
	return l.Err()
}

// Instructor is a party-building instructor (党建指导员, a user) assigned
// to an organization, with their visits.
type Instructor struct {
	ID       string
	OrgID    string
	OrgName  string
	UserID   string
	UserName string
	Since    time.Time
	Until    time.Time // the assignment ended on (zero: still assigned)
	Visits   []*Visit
}

// Ended reports whether the assignment has ended.
func (in *Instructor) Ended() bool { return !in.Until.IsZero() }

// Visit is one visit (走访) of an instructor to the organization.
type Visit struct {
	ID           string
	InstructorID string
	On           time.Time
	Note         string
	ByName       string
	CreatedAt    time.Time
}

// Validate checks a visit.
func (v *Visit) Validate() error {
	var l errs.List
	if v.On.IsZero() {
		l.Add("on", "field.required")
	}
	v.Note = strings.TrimSpace(v.Note)
	checkText(&l, "note", v.Note, 1000, true)
	return l.Err()
}

// PartyRecord is everything about one organization's party building.
type PartyRecord struct {
	Forms       []*FormChange // oldest first
	Pairings    []*Pairing
	Instructors []*Instructor
}
