package procurement

import (
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Action is something done to a need.
type Action string

const (
	ActEdit        Action = "edit"         // change the draft, or a published need (extends the deadline)
	ActSubmit      Action = "submit"       // community → street
	ActReturn      Action = "return"       // street → community, with comments
	ActPublish     Action = "publish"      // street opens the tender
	ActCancel      Action = "cancel"       // withdraw the need
	ActAssignPanel Action = "assign_panel" // street names reviewers
	ActAward       Action = "award"        // street awards, with a reason
	ActFail        Action = "fail"         // no valid proposal
	ActRetender    Action = "retender"     // a failed need is tendered again
	ActAnswer      Action = "answer"       // buyer answers an objection or a question
	ActContract    Action = "contract"     // contract published
	ActReport      Action = "report"       // supplier reports progress on a milestone
	ActAcceptStone Action = "accept_milestone"
	ActReturnStone Action = "return_milestone"
	ActDeliver     Action = "deliver" // supplier declares the work delivered
	ActAccept      Action = "accept"  // 验收 by the community
	ActRejectWork  Action = "reject_delivery"
	ActClose       Action = "close"
)

// ChinaTime is the zone dates are shown in inside messages (UTC+8, no DST).
var ChinaTime = time.FixedZone("CST", 8*3600)

// Transition is one row of the need state machine: from a status, an action
// by one of the roles (scoped to the need's street, community or supplier)
// leads to a status.
type Transition struct {
	From   Status
	Action Action
	To     Status
	Roles  []accounts.Role
}

var (
	community = []accounts.Role{accounts.CommunityStaff}
	street    = []accounts.Role{accounts.StreetStaff}
	drafters  = []accounts.Role{accounts.CommunityStaff, accounts.StreetStaff}
	supplier  = []accounts.Role{accounts.OrgAdmin}
)

// Transitions is the whole state machine of a need. Anything not listed is
// refused. It is the document: keep it readable.
var Transitions = []Transition{
	{Draft, ActEdit, Draft, drafters}, // the street only its own drafts (streetOwnDraft)
	{Draft, ActSubmit, Submitted, community},
	{Draft, ActPublish, Published, street},  // a street may draft and publish its own need (not a community's: streetOwnDraft)
	{Draft, ActCancel, Cancelled, drafters}, // likewise
	{Submitted, ActReturn, Draft, street},
	{Submitted, ActPublish, Published, street},
	{Submitted, ActCancel, Cancelled, drafters},
	{Published, ActEdit, Published, street},
	{Published, ActAssignPanel, Published, street},
	{Published, ActAnswer, Published, drafters},
	{Published, ActCancel, Cancelled, street},
	{Evaluating, ActAssignPanel, Evaluating, street},
	{Evaluating, ActAward, Awarded, street},
	{Evaluating, ActFail, Failed, street},
	{Evaluating, ActCancel, Cancelled, street},
	{Failed, ActRetender, Failed, street},
	{Awarded, ActAnswer, Awarded, street},
	{Awarded, ActContract, Contracted, street},
	{Awarded, ActCancel, Cancelled, street},
	{Contracted, ActReport, InProgress, supplier},
	{InProgress, ActReport, InProgress, supplier},
	{InProgress, ActAcceptStone, InProgress, community},
	{InProgress, ActReturnStone, InProgress, community},
	{InProgress, ActDeliver, Delivered, supplier},
	{Delivered, ActAccept, Accepted, community},
	{Delivered, ActRejectWork, InProgress, community},
	{Accepted, ActClose, Closed, street},
}

// streetOwnDraft are the steps a street takes on a draft only when the
// draft is not its community's (Need.CommunityDrafted): a draft the street
// wrote itself — a need of the whole street, a re-tender — it edits,
// publishes or withdraws at once, but a community's draft is the
// community's to finish, and reaches the street as a submission (待街道审核),
// never before.
var streetOwnDraft = map[Action]bool{ActEdit: true, ActPublish: true, ActCancel: true}

// rolesFor are the roles that may take t on n.
func rolesFor(t Transition, n *Need) []accounts.Role {
	if t.From != Draft || !n.CommunityDrafted || !streetOwnDraft[t.Action] {
		return t.Roles
	}
	var out []accounts.Role
	for _, r := range t.Roles {
		if r != accounts.StreetStaff {
			out = append(out, r)
		}
	}
	return out
}

// Step checks that actor may take action on n at now and returns the
// transition. A wrong role or scope is Forbidden (Unauthorized when signed
// out); the right person at the wrong moment is a Conflict.
func Step(n *Need, action Action, actor *accounts.User, now time.Time) (Transition, error) {
	if actor == nil {
		return Transition{}, errs.E(errs.Unauthorized, "auth.required")
	}
	res := n.Resource()
	status := n.EffectiveStatus(now)
	mayEver := false
	for _, t := range Transitions {
		if t.Action != action || !holdsAny(actor, rolesFor(t, n), res) {
			continue
		}
		mayEver = true
		if t.From == status {
			// The one timing rule that decides whether a step exists at all:
			// no contract before the objection period has run out.
			if ends := n.ObjectionEnds(); action == ActContract && now.Before(ends) {
				return Transition{}, errs.E(errs.Conflict, "delivery.objection_period", ends.In(ChinaTime).Format("2006-01-02 15:04"))
			}
			return t, nil
		}
	}
	if !mayEver {
		return Transition{}, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if status == Draft && n.CommunityDrafted && streetOwnDraft[action] && actor.Holds(accounts.StreetStaff, res) {
		// Said as it is: the street's turn comes once the community submits.
		return Transition{}, errs.E(errs.Conflict, "need.community_draft", errs.Msg("need.act."+string(action)))
	}
	return Transition{}, errs.E(errs.Conflict, "need.bad_transition", errs.Msg("need_status."+string(status)), errs.Msg("need.act."+string(action)))
}

func holdsAny(u *accounts.User, roles []accounts.Role, res accounts.Resource) bool {
	for _, r := range roles {
		if u.Holds(r, res) {
			return true
		}
	}
	return false
}

// Actions lists what actor may do to n at now (for showing buttons).
func Actions(n *Need, actor *accounts.User, now time.Time) []Action {
	var out []Action
	seen := map[Action]bool{}
	for _, t := range Transitions {
		if seen[t.Action] {
			continue
		}
		if _, err := Step(n, t.Action, actor, now); err == nil {
			out = append(out, t.Action)
			seen[t.Action] = true
		}
	}
	return out
}

// CanViewPrivate reports whether actor may see a need that is not public
// yet (drafts, submissions) and its internal parts (returned comments).
func CanViewPrivate(n *Need, actor *accounts.User) bool {
	return accounts.Allowed(actor, accounts.ViewPrivate, n.Resource())
}

// CanView reports whether actor may see the need at all.
func CanView(n *Need, actor *accounts.User) bool {
	return n.Status.Public() || CanViewPrivate(n, actor)
}

// CheckPublish checks the timing rules of opening a tender at now.
func CheckPublish(n *Need, r Rules, now time.Time) error {
	var l errs.List
	if n.Deadline.IsZero() {
		l.Add("deadline", "field.required")
	} else if n.Deadline.Before(now.Add(r.MinTenderPeriod)) {
		l.Add("deadline", "need.deadline_too_soon", int(r.MinTenderPeriod.Hours()))
	}
	switch n.Procedure {
	case Invited:
		if len(n.InvitedOrgIDs) == 0 {
			l.Add("invited", "need.invite_someone")
		}
	case Direct:
		if len(n.InvitedOrgIDs) != 1 {
			l.Add("invited", "need.direct_one_org")
		}
	}
	return l.Err()
}

// DefaultQACutoff is the Q&A cut-off when none was set: the rule's time
// before the deadline, or halfway there for a short tender.
func DefaultQACutoff(deadline time.Time, r Rules, now time.Time) time.Time {
	qa := deadline.Add(-r.QAClosesBefore)
	if qa.Before(now) {
		qa = now.Add(deadline.Sub(now) / 2)
	}
	return qa
}

// ExtendForEdit returns the deadline after editing a published need that
// already has proposals: pushed back by at least the rule's extension (3
// days by default), so every bidder has time to re-confirm; a later
// deadline asked for in the edit wins.
func ExtendForEdit(old, asked time.Time, r Rules) time.Time {
	min := old.Add(r.ReconfirmExtension)
	if asked.After(min) {
		return asked
	}
	return min
}
