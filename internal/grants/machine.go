package grants

import (
	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"slices"
)

// State is where an application, agreement, tranche or expense stands.
type State string

// Action is a step of one of the state machines.
type Action string

// Application states.
const (
	AppSubmitted   State = "submitted"
	AppUnderReview State = "under_review"
	AppAwarded     State = "awarded"
	AppDeclined    State = "declined"
	AppWithdrawn   State = "withdrawn"
)

// Agreement states.
const (
	AgrActive     State = "active"
	AgrCompleted  State = "completed"
	AgrTerminated State = "terminated"
)

// Tranche states: a tranche is paid only after its milestone is accepted.
const (
	TrPending   State = "pending"
	TrReported  State = "reported" // the organization says the milestone is done
	TrAccepted  State = "accepted" // staff accepted the milestone
	TrPaid      State = "paid"
	TrCancelled State = "cancelled"
)

// Expense states.
const (
	ExpSubmitted State = "submitted"
	ExpApproved  State = "approved"
	ExpRejected  State = "rejected"
)

// Actions.
const (
	ActReview    Action = "review"    // application: staff start reviewing
	ActWithdraw  Action = "withdraw"  // application: the organization withdraws
	ActAward     Action = "award"     // application
	ActDecline   Action = "decline"   // application
	ActComplete  Action = "complete"  // agreement: every tranche paid
	ActTerminate Action = "terminate" // agreement: ended early, the unpaid rest goes back to the round
	ActReport    Action = "report"    // tranche: the organization reports its milestone done
	ActAccept    Action = "accept"    // tranche: staff accept the milestone
	ActReturn    Action = "return"    // tranche: staff send the report back
	ActPay       Action = "pay"       // tranche
	ActCancel    Action = "cancel"    // tranche
	ActApprove   Action = "approve"   // expense (a second approver above FourEyesFen)
	ActReject    Action = "reject"    // expense
)

// Who may take a transition.
type Who string

const (
	Staff    Who = "staff"     // Manages the round's street
	OrgAdmin Who = "org_admin" // the organization's admin
	OrgAny   Who = "org"       // the organization's admin or members
)

// Transition is one row of a state machine.
type Transition struct {
	From   State
	Action Action
	To     State
	Who    []Who
}

// Machine is a state machine: anything not listed is refused.
type Machine []Transition

// The four state machines, written out in full.
var (
	ApplicationMachine = Machine{
		{AppSubmitted, ActReview, AppUnderReview, []Who{Staff}},
		{AppSubmitted, ActWithdraw, AppWithdrawn, []Who{OrgAdmin}},
		{AppUnderReview, ActAward, AppAwarded, []Who{Staff}},
		{AppUnderReview, ActDecline, AppDeclined, []Who{Staff}},
		{AppUnderReview, ActWithdraw, AppWithdrawn, []Who{OrgAdmin}},
	}
	AgreementMachine = Machine{
		{AgrActive, ActComplete, AgrCompleted, []Who{Staff}},
		{AgrActive, ActTerminate, AgrTerminated, []Who{Staff}},
	}
	TrancheMachine = Machine{
		{TrPending, ActReport, TrReported, []Who{OrgAny}},
		{TrReported, ActAccept, TrAccepted, []Who{Staff}},
		{TrReported, ActReturn, TrPending, []Who{Staff}},
		{TrAccepted, ActPay, TrPaid, []Who{Staff}},
		{TrPending, ActCancel, TrCancelled, []Who{Staff}},
		{TrReported, ActCancel, TrCancelled, []Who{Staff}},
		{TrAccepted, ActCancel, TrCancelled, []Who{Staff}},
	}
	ExpenseMachine = Machine{
		{ExpSubmitted, ActApprove, ExpApproved, []Who{Staff}},
		{ExpSubmitted, ActReject, ExpRejected, []Who{Staff}},
	}
)

// Parties say whom an object belongs to: the round's street ("" for the
// foundation) and the organization.
type Parties struct {
	StreetID string
	OrgID    string
}

// Step finds the transition for action from state that u may take. Who
// may is settled before the state: someone who could take the action from
// no state is refused (401/403) whatever the object's state, and only
// someone who could is told the state does not allow it (409).
func (m Machine) Step(u *accounts.User, p Parties, from State, action Action) (State, error) {
	known, found, may := false, false, false
	for _, t := range m {
		if t.Action != action {
			continue
		}
		known = true
		holds := slices.ContainsFunc(t.Who, func(w Who) bool { return w.holds(u, p) })
		if t.From == from {
			found = true
			if holds {
				return t.To, nil
			}
		}
		may = may || holds
	}
	switch {
	case !known: // no such step in this machine, whoever asks
		return "", BadTransition("", action)
	case !may && u == nil:
		return "", errs.E(errs.Unauthorized, "auth.required")
	case !may || found:
		return "", errs.E(errs.Forbidden, "auth.forbidden")
	}
	return "", BadTransition(from, action)
}

// machineOf names the machine each action belongs to (every action is one
// machine's), as its states are labelled: "submitted" is 已提交 for an
// application and 待审批 for an expense.
var machineOf = map[Action]string{
	ActReview: "app", ActWithdraw: "app", ActAward: "app", ActDecline: "app",
	ActComplete: "agr", ActTerminate: "agr",
	ActReport: "tr", ActAccept: "tr", ActReturn: "tr", ActPay: "tr", ActCancel: "tr",
	ActApprove: "exp", ActReject: "exp",
}

// BadTransition refuses action from a state that does not allow it, both
// named in words; from "" is an action that has its own form and is not a
// step (award, pay).
func BadTransition(from State, action Action) error {
	if machineOf[action] == "" {
		return errs.E(errs.Conflict, "grants.unknown_action")
	}
	act := errs.Msg("grants.act." + string(action))
	if from == "" {
		return errs.E(errs.Conflict, "grants.not_a_step", act)
	}
	return errs.E(errs.Conflict, "grants.bad_transition", errs.Msg("grants."+machineOf[action]+"."+string(from)), act)
}

func (w Who) holds(u *accounts.User, p Parties) bool {
	res := accounts.Resource{StreetID: p.StreetID, OrgID: p.OrgID}
	switch w {
	case Staff:
		return Manages(u, p.StreetID)
	case OrgAdmin:
		return p.OrgID != "" && u.Holds(accounts.OrgAdmin, res)
	case OrgAny:
		return p.OrgID != "" && (u.Holds(accounts.OrgAdmin, res) || u.Holds(accounts.OrgMember, res))
	}
	return false
}
