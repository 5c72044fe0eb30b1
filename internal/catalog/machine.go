package catalog

import (
	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Action is something done to a solution.
type Action string

const (
	ActEdit    Action = "edit"    // change the draft version
	ActSubmit  Action = "submit"  // authors → coordinator
	ActReturn  Action = "return"  // coordinator → authors, with comments
	ActPublish Action = "publish" // coordinator publishes the version under review
	ActRevise  Action = "revise"  // a new draft version of a published solution
	ActArchive Action = "archive" // coordinator withdraws it from the catalog
	ActMerge   Action = "merge"   // coordinator: another solution absorbs this one
)

// Actions lists every action.
var Actions = []Action{ActEdit, ActSubmit, ActReturn, ActPublish, ActRevise, ActArchive, ActMerge}

// Transition is one row of the solution state machine: from a status, an
// action by one of the roles (an organization role scoped to the
// solution's proposing organization) leads to a status.
type Transition struct {
	From   Status
	Action Action
	To     Status
	Roles  []accounts.Role
}

var (
	// authors: the delivering organization that proposed it, or platform staff.
	authors = []accounts.Role{accounts.OrgAdmin, accounts.PlatformAdmin}
	// coordinator: the district's coordinators are the platform admins.
	coordinator = []accounts.Role{accounts.PlatformAdmin}
)

// Transitions is the whole state machine of a solution. Anything not listed
// is refused. Proposing (a new solution in draft) is not a transition: it is
// accounts.Create on KindSolution for the proposing organization (CanPropose).
var Transitions = []Transition{
	{Draft, ActEdit, Draft, authors},
	{Draft, ActSubmit, InReview, authors},
	{Draft, ActArchive, Archived, coordinator},
	{Draft, ActMerge, Merged, coordinator},
	{InReview, ActReturn, Draft, coordinator},
	{InReview, ActPublish, Published, coordinator},
	{InReview, ActArchive, Archived, coordinator},
	{InReview, ActMerge, Merged, coordinator},
	// Published versions are immutable: a change is a new draft version,
	// while the published one stays in the catalog.
	{Published, ActRevise, Draft, authors},
	{Published, ActArchive, Archived, coordinator},
	{Published, ActMerge, Merged, coordinator},
	{Archived, ActMerge, Merged, coordinator},
}

// Check checks that actor may take action on s and returns the transition.
// A wrong role or scope is Forbidden (Unauthorized when signed out); the
// right person at the wrong moment is a Conflict.
func Check(s *Solution, action Action, actor *accounts.User) (Transition, error) {
	if actor == nil {
		return Transition{}, errs.E(errs.Unauthorized, "auth.required")
	}
	res := s.Resource()
	mayEver := false
	for _, t := range Transitions {
		if t.Action != action || !holdsAny(actor, t.Roles, res) {
			continue
		}
		mayEver = true
		if t.From == s.Status {
			return t, nil
		}
	}
	if !mayEver {
		return Transition{}, errs.E(errs.Forbidden, "auth.forbidden")
	}
	return Transition{}, errs.E(errs.Conflict, "solution.bad_transition", errs.Msg("sol.status_"+string(s.Status)),
		errs.Msg("solution.act."+string(action)))
}

func holdsAny(u *accounts.User, roles []accounts.Role, res accounts.Resource) bool {
	for _, r := range roles {
		if u.Holds(r, res) {
			return true
		}
	}
	return false
}

// Allowed lists what actor may do to s now (for showing buttons).
func Allowed(s *Solution, actor *accounts.User) []Action {
	var out []Action
	for _, a := range Actions {
		if _, err := Check(s, a, actor); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// CanPropose checks that actor may propose a solution for orgID ("" when
// platform staff propose in the platform's name).
func CanPropose(actor *accounts.User, orgID string) error {
	return accounts.Can(actor, accounts.Create, accounts.Resource{Kind: accounts.KindSolution, OrgID: orgID})
}

// CanViewPrivate reports whether actor may see the solution's unpublished
// versions (drafts, reviews) and its review comments: its organization's
// people, its author, coordinators and auditors.
func CanViewPrivate(s *Solution, actor *accounts.User) bool {
	if actor != nil && s.CreatedBy != "" && actor.ID == s.CreatedBy && !actor.Disabled {
		return true
	}
	return accounts.Allowed(actor, accounts.ViewPrivate, s.Resource())
}

// CanView reports whether actor may see the solution at all.
func CanView(s *Solution, actor *accounts.User) bool {
	return s.Public() || CanViewPrivate(s, actor)
}
