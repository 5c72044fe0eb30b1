package web

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/procurement"
)

// workSteps are the steps that mean "this need waits for you": everything
// but the ones always open while a tender runs (edit, answer, cancel).
var workSteps = map[procurement.Action]bool{procurement.ActSubmit: true, procurement.ActReturn: true,
	procurement.ActPublish: true, procurement.ActAssignPanel: true, procurement.ActAward: true, procurement.ActFail: true,
	procurement.ActRetender: true, procurement.ActContract: true, procurement.ActReport: true,
	procurement.ActAcceptStone: true, procurement.ActDeliver: true, procurement.ActAccept: true, procurement.ActClose: true}

// myNeed is a need with the steps the viewer may take on it now.
type myNeed struct {
	Need   *procurement.Need
	Status procurement.Status
	Steps  []procurement.Action
}

type meNeedsData struct {
	Waiting []myNeed // needs a step of the viewer's waits on
	Others  []myNeed // the rest of their street's or community's running needs
	Panels  []myNeed // needs whose panel the viewer sits on
	Staff   bool
	Drafts  bool // may draft a need somewhere: the "new need" link
}

// openStatuses are the needs still running (not closed, cancelled or failed).
var openStatuses = []procurement.Status{procurement.Draft, procurement.Submitted, procurement.Published,
	procurement.Evaluating, procurement.Awarded, procurement.Contracted, procurement.InProgress, procurement.Delivered,
	procurement.Accepted, procurement.Failed}

// meNeeds is "my work" for staff and reviewers: the needs of their street or
// community, those waiting on them first, and the panels they sit on.
func (a *app) meNeeds(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ctx := r.Context()
	now := a.Store.Now()
	d := &meNeedsData{}
	seen := map[string]bool{}
	add := func(n *procurement.Need) myNeed {
		m := myNeed{Need: n, Status: n.EffectiveStatus(now)}
		for _, act := range procurement.Actions(n, u, now) {
			if workSteps[act] {
				m.Steps = append(m.Steps, act)
			}
		}
		return m
	}
	d.Drafts = accounts.AllowedSomewhere(u, accounts.Create, accounts.KindNeed)
	for _, g := range u.Grants {
		f := procurement.Filter{Statuses: openStatuses, PerPage: procurement.MaxPerPage}
		switch g.Role {
		case accounts.StreetStaff:
			f.StreetID = g.ScopeID
		case accounts.CommunityStaff:
			f.CommunityID = g.ScopeID
		default:
			continue
		}
		d.Staff = true
		needs, _, err := a.Store.FindNeeds(ctx, f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, n := range needs {
			if seen[n.ID] {
				continue
			}
			seen[n.ID] = true
			if m := add(n); len(m.Steps) > 0 {
				d.Waiting = append(d.Waiting, m)
			} else {
				d.Others = append(d.Others, m)
			}
		}
	}
	if u.Has(accounts.Reviewer) {
		needs, err := a.Store.FindPanelNeeds(ctx)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		// The needs that wait for the reviewer's declaration or scores
		// first, with the step as a tag, like the staff's own.
		var waiting, rest []myNeed
		for _, n := range needs {
			m := myNeed{Need: n, Status: n.EffectiveStatus(now)}
			if m.Steps, err = a.panelSteps(r, u, n, now); err != nil {
				a.fail(w, r, err)
				return
			}
			if len(m.Steps) > 0 {
				waiting = append(waiting, m)
			} else {
				rest = append(rest, m)
			}
		}
		d.Panels = append(waiting, rest...)
	}
	a.render(w, r, "me_needs.html", http.StatusOK, a.newPage(w, r, "me.needs", d))
}

// panelSteps are the reviewer u's own pending steps on a need of their panel.
func (a *app) panelSteps(r *http.Request, u *accounts.User, n *procurement.Need, now time.Time) ([]procurement.Action, error) {
	if st := n.EffectiveStatus(now); st != procurement.Published && st != procurement.Evaluating {
		return nil, nil
	}
	panel, err := a.Store.FindPanel(r.Context(), n.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range panel {
		if m.UserID != u.ID {
			continue
		}
		scored := false
		if m.Declared && !m.Conflicted {
			own, err := a.Store.FindOwnScores(r.Context(), n.ID)
			if err != nil {
				return nil, err
			}
			scored = len(own) > 0
		}
		return procurement.PanelSteps(n, m, scored, now), nil
	}
	return nil, nil
}
