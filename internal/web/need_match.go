package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
)

// How many recommendations the need page shows.
const (
	matchOrgs     = 6
	matchProjects = 4
)

// matchPanel is the need page's matching part, shown to the need's own staff
// (those who may draft or correct it): recommended organizations with the
// reasons, the ones that cannot be invited and why, similar past projects,
// and the category the platform guessed.
type matchPanel struct {
	Orgs     []orgMatch // eligible, best first
	Excluded []orgMatch // credit list or qualification rule, with the reason
	Projects []projectMatch
	// Unavailable is set when the matcher failed: the page still shows.
	Unavailable bool

	// CanInvite: invitations make sense now (see inviteClosed); otherwise
	// InviteClosed is the catalog key saying why not. Over: the tender no
	// longer looks for a supplier, so the recommendations are folded away
	// as a record, without invitations.
	Over         bool
	CanInvite    bool
	InviteClosed string
	// InviteHint is the catalog key of the line above the invite buttons:
	// who may answer, and when the invited hear of it (at publication for a
	// draft, at once for a need already published).
	InviteHint string
	Procedure  procurement.Procedure

	// The need's category: the platform's guess with its confidence, or the
	// staff's choice; CanSetCategory shows the correction form.
	Category       string
	Confidence     int
	Auto           bool
	CanSetCategory bool

	// Trained narrows the organizations to those with an academy
	// certificate of the topic (?trained=finance: a need requiring
	// finance-trained staff, match/training.go); Topics are the choices.
	Trained string
	Topics  []string
}

// orgMatch is one recommended organization.
type orgMatch struct {
	ID, Name string
	Reasons  []string
	Excluded string
	Invited  bool
}

// projectMatch is one similar past project (a completed need).
type projectMatch struct {
	ID, Title string
	Reasons   []string
}

// mayMatch reports whether actor sees the need's recommendations: staff
// who may draft or correct a need there (platform admins, the need's street,
// its community) — the same rule that guards the category correction.
func mayMatch(actor *accounts.User, n *procurement.Need) bool {
	return accounts.Allowed(actor, accounts.Update, n.Resource())
}

// inviteClosed returns "" when organizations may be invited to n now by
// whoever may edit it (can), or the catalog key of the reason they may not.
// Invitations go on the need's invited list through the ordinary edit, so
// they follow its rules: a draft (community or street) or a published need
// before its deadline (street); a direct commission names one organization;
// once proposals are in, an edit asks bidders to re-confirm, which is a step
// for the edit form, not for a one-click invitation.
func inviteClosed(n *procurement.Need, canEdit bool, now time.Time) string {
	switch {
	case !n.Tendering(now):
		return "recommend.invite_closed_over"
	case !canEdit:
		return "recommend.invite_closed_status"
	case n.Procedure == procurement.Direct && len(n.InvitedOrgIDs) > 0:
		return "recommend.invite_closed_direct"
	case n.Status == procurement.Published && n.Proposals > 0:
		return "recommend.invite_closed_proposals"
	}
	return ""
}

// inviteHint returns the catalog key of the invitation hint for n.
func inviteHint(n *procurement.Need) string {
	switch {
	case n.Procedure != procurement.Open:
		return "recommend.invite_hint_invited"
	case n.Status == procurement.Published:
		return "recommend.invite_hint_open_published"
	}
	return "recommend.invite_hint_open"
}

// loadMatch fills the need page's matching panel. A matcher failure is
// logged and shown as "unavailable": recommendations are help, not the page.
func (a *app) loadMatch(r *http.Request, d *needShowData, canEdit bool) {
	n := d.Need
	actor := accounts.ActorFrom(r.Context())
	if !mayMatch(actor, n) {
		return
	}
	m := &matchPanel{Procedure: n.Procedure, Category: n.Category, Confidence: n.CategoryConfidence,
		Auto: n.CategorySource != procurement.CategoryStaff, CanSetCategory: true}
	d.Match = m
	now := a.Store.Now()
	m.Over = !n.Tendering(now)
	m.InviteClosed = inviteClosed(n, canEdit, now)
	m.Topics = match.TrainingTopics()
	if v := r.URL.Query().Get("trained"); match.ValidTraining(v) {
		m.Trained = v
	}
	m.CanInvite = m.InviteClosed == ""
	m.InviteHint = inviteHint(n)
	if a.Match == nil {
		m.Unavailable = true
		return
	}
	if err := a.fillMatch(r.Context(), n, m); err != nil {
		a.Logger.Warn("need matches", "need", n.ID, "err", err)
		m.Unavailable = true
	}
}

func (a *app) fillMatch(ctx context.Context, n *procurement.Need, m *matchPanel) error {
	q := match.NeedQuery(n)
	q.IncludeExcluded = true
	q.Trained = m.Trained
	orgs, err := a.Match.Organizations(ctx, q, matchOrgs)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		v := orgMatch{ID: o.ID, Name: o.Name, Reasons: o.Reasons, Excluded: o.Excluded,
			Invited: slices.Contains(n.InvitedOrgIDs, o.ID)}
		if v.Excluded != "" {
			m.Excluded = append(m.Excluded, v)
		} else {
			m.Orgs = append(m.Orgs, v)
		}
	}
	q.IncludeExcluded = false
	projects, err := a.Match.Projects(ctx, q, matchProjects)
	if err != nil {
		return err
	}
	for _, p := range projects {
		m.Projects = append(m.Projects, projectMatch{ID: p.ID, Title: p.Name, Reasons: p.Reasons})
	}
	return nil
}
