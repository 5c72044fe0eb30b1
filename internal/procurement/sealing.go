package procurement

import (
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

// Opened reports whether the need's proposals have been opened at now: the
// deadline passed while the tender was live. A tender cancelled before its
// deadline never opens — bidders submitted under seal, and a re-tender must
// not start from their prices. (A cancelled need takes no later change, so
// UpdatedAt is the moment it was cancelled.)
func (n *Need) Opened(now time.Time) bool {
	switch n.Status {
	case Draft, Submitted:
		return false
	case Published:
		return !now.Before(n.Deadline)
	case Cancelled:
		return !n.UpdatedAt.Before(n.Deadline)
	}
	return true
}

// AskerShown reports whether actor may learn which organization (orgID)
// asked a question on n at now. Asking shows an interest in bidding, so the
// asker is sealed like the bids themselves: until the proposals are Opened
// only the need's own staff (whoever reads its internal parts) and the
// asking organization's people see the name; the public and the other
// organizations see "an organization". An asker that is not known ("") stays
// withheld.
func AskerShown(n *Need, orgID string, actor *accounts.User, now time.Time) bool {
	return n.Opened(now) || CanViewPrivate(n, actor) || (orgID != "" && CanSubmitFor(actor, orgID))
}

// OnPanel reports whether actor is a declared, unconflicted reviewer of panel.
func OnPanel(panel []PanelMember, actor *accounts.User) bool {
	if actor == nil || actor.Disabled {
		return false
	}
	for _, m := range panel {
		if m.UserID == actor.ID {
			return m.Declared && !m.Conflicted
		}
	}
	return false
}

// MayReadProposal is CanReadProposal with the panel: its own organization
// always reads it; once the need is Opened the buyer, the community,
// platform admins and the need's declared, unconflicted reviewers read the
// live proposals. A withdrawn proposal stays its organization's own.
func MayReadProposal(n *Need, p *Proposal, panel []PanelMember, actor *accounts.User, now time.Time) bool {
	if actor == nil {
		return false
	}
	res := p.Resource(n)
	if actor.Holds(accounts.OrgAdmin, res) || actor.Holds(accounts.OrgMember, res) {
		return true
	}
	if p.Status == ProposalWithdrawn || !n.Opened(now) {
		return false
	}
	return CanReadProposal(n, p, actor, now) || OnPanel(panel, actor)
}
