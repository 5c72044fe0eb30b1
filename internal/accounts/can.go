package accounts

import "github.com/huitian/huitian/internal/errs"

// Kind names a type of object that actions are taken on.
type Kind string

const (
	KindStreet       Kind = "street"
	KindCommunity    Kind = "community"
	KindComplex      Kind = "complex"
	KindOrganization Kind = "organization"
	KindUser         Kind = "user"
	KindAudit        Kind = "audit"
	KindNeed         Kind = "need"
	KindMerchant     Kind = "merchant"
	KindSolution     Kind = "solution"
	KindThesaurus    Kind = "thesaurus"
	KindActivity     Kind = "activity"
	KindSignup       Kind = "signup"
	KindHours        Kind = "volunteer_hours"
	KindActivityFlag Kind = "activity_flag"
	KindPoints       Kind = "points"      // a points account and its postings
	KindGood         Kind = "good"        // a merchant's good for points
	KindRedemption   Kind = "redemption"  // a one-time code and the exchange it makes
	KindSettlement   Kind = "settlement"  // a merchant's monthly points statement
	KindPointsRule   Kind = "points_rule" // a points rule (积分规则)
	KindAward        Kind = "award"       // points owed under a rule, noticed before issuing
	// Incubation base and academy (internal/incubation).
	KindSpace       Kind = "space" // a base and its spaces
	KindBooking     Kind = "booking"
	KindIncubation  Kind = "incubation"
	KindCourse      Kind = "course" // a course and its sessions
	KindEnrollment  Kind = "enrollment"
	KindCertificate Kind = "certificate"
	KindMeeting     Kind = "meeting"
	KindAction      Kind = "action"
	KindParty       Kind = "party"
	KindDashboard   Kind = "dashboard" // the statistics dashboard of a street or the district
	// Foundation and micro-venture grants (internal/grants).
	KindFund             Kind = "fund"              // a fund and its donations
	KindGrantRound       Kind = "grant_round"       // a round, its topics and its figures
	KindGrantApplication Kind = "grant_application" // an application, its agreement, tranches and expenses
	// The resident portal (internal/portal).
	KindSuggestion Kind = "suggestion" // a resident-raised need (居民提需求)
	KindNotice     Kind = "notice"     // a community's notice to its residents
	KindAssisted   Kind = "assisted"   // acting for a consenting resident at the front desk (代办)
)

// Action is a verb on a Kind.
type Action string

const (
	View        Action = "view"
	ViewPrivate Action = "view_private" // contact data and internal fields
	// ViewPersonal is narrower than ViewPrivate: a person's name or papers
	// kept out of an otherwise private file (an anonymous donor, a payee
	// who is a person, a receipt showing one). Auditors and reviewers
	// read the file without them.
	ViewPersonal Action = "view_personal"
	Create       Action = "create"
	Update       Action = "update"
	Import       Action = "import"
	Export       Action = "export"
	ManageRoles  Action = "manage_roles"
	SetCredit    Action = "set_credit" // put on or take off a credit list (活动异常名录 …)
)

// Resource describes the object an action is taken on: its kind and where it
// sits (street, community, organization, owner). Each domain type builds its
// own Resource, so Can never needs to know the type itself.
type Resource struct {
	Kind        Kind
	ID          string
	StreetID    string
	CommunityID string
	OrgID       string
	OwnerID     string
	MerchantID  string
}

// scope says which part of a Resource a grant must match.
type scope int

const (
	anyone      scope = iota // no sign-in needed
	global                   // the role anywhere
	inStreet                 // grant scope == resource street
	inCommunity              // grant scope == resource community
	inOrg                    // grant scope == resource organization
	self                     // the actor is the resource owner
	inMerchant               // grant scope == resource merchant
)

type rule struct {
	role  Role // "" with anyone/self
	scope scope
}

// policy is the whole authorization table: kind → action → who may.
// Anything not listed is forbidden. Keep it readable: it is the document.
var policy = map[Kind]map[Action][]rule{
	KindStreet: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}},
		Update: {{PlatformAdmin, global}},
	},
	KindCommunity: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	KindComplex: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
	},
	KindOrganization: {
		View: {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity},
			{OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}},
		Import: {{PlatformAdmin, global}},
		Export: {{PlatformAdmin, global}, {Auditor, global}},
		// Credit lists are kept by the district (civil affairs), whose
		// coordinators are the platform admins.
		SetCredit: {{PlatformAdmin, global}},
	},
	KindUser: {
		View:        {{PlatformAdmin, global}, {"", self}},
		ViewPrivate: {{PlatformAdmin, global}, {"", self}},
		Create:      {{PlatformAdmin, global}},
		Update:      {{PlatformAdmin, global}, {"", self}},
		ManageRoles: {{PlatformAdmin, global}},
	},
	// The audit trail: auditors read it with residents' names and phone
	// numbers masked; the coordinators see it whole.
	KindAudit: {
		View:        {{PlatformAdmin, global}, {Auditor, global}},
		ViewPrivate: {{PlatformAdmin, global}},
	},
	// Merchants: public list; platform admins and a street's staff enrol them.
	KindMerchant: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Needs: who may see a need before it is public, and who may draft one.
	// Every later step is a transition in procurement's own table.
	KindNeed: {
		ViewPrivate: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
		Create:      {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
		// Update is what lies outside the state machine: correcting the
		// category the platform guessed, at any stage.
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
	},
	// Solutions (同款方案): published ones are public (the catalog decides
	// which are); a draft or one under review is seen by its organization's
	// people and the coordinators (platform admins) and auditors. The
	// delivering organization or platform staff propose; review, publish
	// and merge are transitions in catalog's own table.
	KindSolution: {
		View:        {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {Auditor, global}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create:      {{PlatformAdmin, global}, {OrgAdmin, inOrg}},
		Update:      {{PlatformAdmin, global}, {OrgAdmin, inOrg}},
	},
	// The governance thesaurus shapes every search and match on the
	// platform, so only the district's coordinators edit it and see its
	// history (reading the current text needs no check: it is public
	// behaviour).
	KindThesaurus: {
		View:   {{PlatformAdmin, global}},
		Update: {{PlatformAdmin, global}},
	},
	// Volunteer activities (志愿活动): published ones are public; drafts and
	// the attendance list (names) are seen by the organizing organization
	// and the staff of the place it happens in. The organization (and the
	// coordinators) create, publish, show the check-in code, check people
	// in by list and confirm hours.
	KindActivity: {
		View: {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity},
			{OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create: {{PlatformAdmin, global}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Update: {{PlatformAdmin, global}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		// Export is the attendance sheet for those who may not see the
		// list itself: auditors, with names masked (those who may see the
		// list export it with names).
		Export: {{Auditor, global}},
	},
	// A signup is a resident's own: residents sign up (eligibility is the
	// activity's rule), and only the owner cancels or checks in with a code.
	KindSignup: {
		Create: {{Resident, global}},
		Update: {{"", self}},
	},
	// Volunteer hours are personal: the resident and the coordinators.
	KindHours: {
		View: {{PlatformAdmin, global}, {"", self}},
	},
	// Fraud flags on attendance are for staff review, by street; the same
	// staff dismiss them (and a flagged redemption of their street's
	// merchants) once looked into.
	KindActivityFlag: {
		View:   {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Points accounts: a resident sees their own, a merchant's people
	// theirs, an organization's admin theirs; a street's staff and the
	// coordinators see the street's and grant from its pool (Create is a
	// posting by hand); auditors read the ledger.
	KindPoints: {
		View: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg},
			{Merchant, inMerchant}, {"", self}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Goods: public to residents choosing one; their merchant and its
	// street's staff keep them.
	KindGood: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {Merchant, inMerchant}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {Merchant, inMerchant}},
	},
	// Redemptions: a resident asks for a code for themself (Create); only
	// the good's merchant confirms it (Update); staff of the street,
	// coordinators and auditors review them.
	KindRedemption: {
		View: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}, {Merchant, inMerchant},
			{"", self}},
		Create: {{"", self}},
		Update: {{Merchant, inMerchant}},
	},
	// Settlements: the merchant and the street see them; the street's
	// staff (or coordinators) draw them up and approve them.
	KindSettlement: {
		View:   {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}, {Merchant, inMerchant}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Points rules are public (residents should know how points are
	// earned); the district's coordinators keep them.
	KindPointsRule: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}},
		Update: {{PlatformAdmin, global}},
	},
	// Awards are publicly noticed (names masked); the street's staff
	// propose them, decide objections and issue them. Objecting is a step
	// of the award's own state machine (anyone signed in).
	KindAward: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Incubation bases and their spaces are public. A street base is run by
	// its street's staff; the district base (no street) by the platform
	// admins, who coordinate the district.
	KindSpace: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Bookings: made for an organization by its people or by a person for
	// themself (who may book which space is the space's audience rule in
	// incubation); seen and cancelled by the booker, the organization and
	// the base's staff (cancelling after the start is staff only, in
	// incubation.CheckCancel).
	KindBooking: {
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}, {"", self}},
		Create:      {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}, {"", self}},
		Update:      {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {"", self}},
	},
	// Incubation: the stage and base are public (the organization's
	// profile); the plan and services are for the organization and the
	// base's staff. An organization's admin applies; every later step is a
	// transition in incubation's own table.
	KindIncubation: {
		View:        {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create:      {{PlatformAdmin, global}, {OrgAdmin, inOrg}},
		Update:      {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// The academy's courses are district-wide (platform admins); a session
	// a street hosts is also run by that street's staff.
	KindCourse: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Enrollments: an organization enrolls its people; the session's staff
	// take attendance (Update).
	KindEnrollment: {
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create:      {{PlatformAdmin, global}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Update:      {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Certificates are verified by anyone (names masked); the full name is
	// for the organization and the district.
	KindCertificate: {
		View:        {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
	},
	// Joint meetings (联席会): the district's coordinators convene any, a
	// street's staff their street's; auditors read the internal minutes.
	// Anyone reads a published summary (View); the store decides which are.
	KindMeeting: {
		View:        {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}},
		Create:      {{PlatformAdmin, global}, {StreetStaff, inStreet}},
		Update:      {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Action items (督办事项) as their owner sees them: the owning user, or
	// the staff of the owning street, community or organization. A
	// meeting's coordinators act on its items through KindMeeting/Update;
	// which status changes each side may make is coordination's table.
	// ViewPrivate is reading an item whose owner lies in the street (the
	// street, its communities and organizations: Action.StreetResource),
	// from whatever meeting, as the dashboard counts the street's items.
	KindAction: {
		View: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity},
			{OrgAdmin, inOrg}, {OrgMember, inOrg}, {"", self}},
		ViewPrivate: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity},
			{OrgAdmin, inOrg}, {"", self}},
	},
	// Party-building records of an organization (党组织形式 history, 联建,
	// 指导员): public to read; its street's staff and the coordinators keep
	// them; an assigned instructor (owner) logs visits (Create).
	KindParty: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {"", self}},
		Update: {{PlatformAdmin, global}, {StreetStaff, inStreet}},
	},
	// Dashboard (数据看板): the district's figures for coordinators and
	// auditors; a street's figures for that street's staff. Export is the
	// workbook download.
	KindDashboard: {
		View:   {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}},
		Export: {{PlatformAdmin, global}, {Auditor, global}, {StreetStaff, inStreet}},
	},
	// Funds: public with their figures and thank-you list (donors' names
	// as each chose); the foundation's staff and the coordinators keep
	// them and record donations (Create); the donors' full list is private
	// to them and the auditors, but an anonymous donor's name (and the
	// receipt that bears it) only to the foundation's staff.
	KindFund: {
		View:         {{"", anyone}},
		ViewPrivate:  {{PlatformAdmin, global}, {FoundationStaff, global}, {Auditor, global}},
		ViewPersonal: {{PlatformAdmin, global}, {FoundationStaff, global}},
		Create:       {{PlatformAdmin, global}, {FoundationStaff, global}},
		Update:       {{PlatformAdmin, global}, {FoundationStaff, global}},
	},
	// Rounds: public; opened by the foundation or, for its own street, by
	// a street's staff. A community's staff post governance topics into a
	// round (Update on the round is staff's; topics are checked in grants).
	KindGrantRound: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {FoundationStaff, global}, {StreetStaff, inStreet}},
		Update: {{PlatformAdmin, global}, {FoundationStaff, global}, {StreetStaff, inStreet}},
	},
	// Applications: an awarded one is public through the round's
	// transparency page; the whole file (team, reviews) is for the
	// organization, the round's staff, reviewers and auditors. An
	// organization's people apply; every later step is a transition in
	// grants' own tables. A payee who is a person and receipts showing a
	// person's data are the organization's and the staff who approve its
	// expenses (the foundation's, a street round's street): not the
	// auditors' or reviewers'.
	KindGrantApplication: {
		ViewPrivate: {{PlatformAdmin, global}, {FoundationStaff, global}, {Auditor, global}, {Reviewer, global},
			{StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		ViewPersonal: {{PlatformAdmin, global}, {FoundationStaff, global}, {StreetStaff, inStreet}, {OrgAdmin, inOrg}, {OrgMember, inOrg}},
		Create:       {{OrgAdmin, inOrg}, {OrgMember, inOrg}},
	},
	// Resident-raised needs: a resident raises one in their own community
	// (the store checks it is their home) and sees its answer; the
	// community's inbox (names, photos, places) is its staff's, the
	// street's and the coordinators'; they reply, merge and convert.
	KindSuggestion: {
		View:        {{"", anyone}},
		ViewPrivate: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}, {"", self}},
		Create:      {{Resident, global}},
		Update:      {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
	},
	// Community notices are public; the community's staff post them.
	KindNotice: {
		View:   {{"", anyone}},
		Create: {{PlatformAdmin, global}, {StreetStaff, inStreet}, {CommunityStaff, inCommunity}},
	},
	// Assisted mode: community staff act for a resident of their community
	// who consents in person; every such action is audited with both names.
	KindAssisted: {
		Create: {{PlatformAdmin, global}, {CommunityStaff, inCommunity}},
	},
}

// Can decides whether actor (nil when signed out) may take action on res.
// It returns nil, an Unauthorized error (sign in first) or a Forbidden error.
func Can(actor *User, action Action, res Resource) error {
	for _, r := range policy[res.Kind][action] {
		if r.scope == anyone {
			return nil
		}
		if actor == nil || actor.Disabled {
			continue
		}
		if r.scope == self {
			if res.OwnerID != "" && res.OwnerID == actor.ID {
				return nil
			}
			continue
		}
		for _, g := range actor.Grants {
			if g.Role == r.role && matches(g, r.scope, res) {
				return nil
			}
		}
	}
	if actor == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return errs.E(errs.Forbidden, "auth.forbidden")
}

func matches(g Grant, s scope, res Resource) bool {
	switch s {
	case global:
		return true
	case inStreet:
		return g.ScopeID != "" && g.ScopeID == res.StreetID
	case inCommunity:
		return g.ScopeID != "" && g.ScopeID == res.CommunityID
	case inOrg:
		return g.ScopeID != "" && g.ScopeID == res.OrgID
	case inMerchant:
		return g.ScopeID != "" && g.ScopeID == res.MerchantID
	}
	return false
}

// Allowed is Can as a boolean, for deciding what to show.
func Allowed(actor *User, action Action, res Resource) bool { return Can(actor, action, res) == nil }

// AllowedSomewhere reports whether actor may take action on some object of
// kind: the policy lets one of its roles act within that role's own scope
// (a street's staff on their street's needs), or anyone. It decides whether
// to show an entry point ("发布治理需求") before any object is chosen; the
// page behind it still checks the object itself.
func AllowedSomewhere(actor *User, action Action, kind Kind) bool {
	for _, r := range policy[kind][action] {
		switch {
		case r.scope == anyone:
			return true
		case actor == nil || actor.Disabled || r.scope == self:
			continue
		case actor.Has(r.role):
			return true
		}
	}
	return false
}

// StreetScopes returns the street ids where actor holds role r.
func (u *User) StreetScopes(r Role) []string {
	if u == nil {
		return nil
	}
	var ids []string
	for _, g := range u.Grants {
		if g.Role == r {
			ids = append(ids, g.ScopeID)
		}
	}
	return ids
}

// Holds reports whether u has role r bound to res: a street role to
// res.StreetID, a community role to res.CommunityID, an organization role to
// res.OrgID; an unscoped role anywhere. Domain state machines use it for
// "who may take this transition".
func (u *User) Holds(r Role, res Resource) bool {
	if u == nil || u.Disabled {
		return false
	}
	for _, g := range u.Grants {
		if g.Role != r {
			continue
		}
		switch ScopeKindOf(r) {
		case ScopeNone:
			return true
		case ScopeStreet:
			if g.ScopeID != "" && g.ScopeID == res.StreetID {
				return true
			}
		case ScopeCommunity:
			if g.ScopeID != "" && g.ScopeID == res.CommunityID {
				return true
			}
		case ScopeOrganization:
			if g.ScopeID != "" && g.ScopeID == res.OrgID {
				return true
			}
		}
	}
	return false
}

// OrgIDs returns the organizations the user acts for (org_admin or org_member).
func (u *User) OrgIDs() []string {
	if u == nil {
		return nil
	}
	var ids []string
	for _, g := range u.Grants {
		if (g.Role == OrgAdmin || g.Role == OrgMember) && g.ScopeID != "" {
			ids = append(ids, g.ScopeID)
		}
	}
	return ids
}
