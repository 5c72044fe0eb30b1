package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/server"
)

// solutionShowData is a solution's page: its content (one version), its
// evidence, and what this viewer may do with it.
type solutionShowData struct {
	S          *catalog.Solution
	Old        bool // an older version than the current one
	Private    bool // the viewer sees drafts and review notes
	ReturnNote string
	Projects   []evidenceRow
	Adopt      *adoptBox // nil: the viewer cannot adopt it
	CanEdit    bool
	CanRevise  bool
	CanSubmit  bool
	CanReview  bool
	CanArchive bool
	// Stats compares how fast adopting needs reached a contract with fresh
	// needs of the category (nil when it could not be computed).
	Stats *catalog.Stats
}

// evidenceRow is one project that used the solution, as the page shows it.
type evidenceRow struct {
	NeedID, Title, Where, OrgName, Outcome string
	Said                                   string // what the community wrote at acceptance
	Reached                                int    // people reached, as reported at acceptance; 0 unknown
	When                                   time.Time
	Rating                                 float64
	Adopted                                bool
	Public                                 bool
}

// adoptBox is the "采用同款" form: the communities the viewer may adopt for.
type adoptBox struct {
	Communities []*places.Community
}

func (a *app) solutionShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.solutionPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if p == nil {
		return // redirected
	}
	a.render(w, r, "solution_show.html", http.StatusOK, p)
}

// solutionPage builds the solution page; nil, nil when it redirected (a
// merged solution goes to the one that absorbed it).
func (a *app) solutionPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	v := 0
	if s := r.URL.Query().Get("v"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, errs.E(errs.NotFound, "error.not_found_page")
		}
		v = n
	}
	s, err := a.Store.FindSolutionByID(ctx, id, v)
	if err != nil {
		return nil, err
	}
	if s.MergedInto != "" && r.Method == http.MethodGet {
		http.Redirect(w, r, "/solutions/"+s.MergedInto, http.StatusMovedPermanently)
		return nil, nil
	}
	actor := accounts.ActorFrom(ctx)
	d := &solutionShowData{S: s, Private: catalog.CanViewPrivate(s, actor)}
	current := s.PublishedVersion
	if d.Private {
		current = s.LatestVersion
	}
	d.Old = s.Version.Number != current
	if d.Private && s.Version.Status == catalog.Draft {
		d.ReturnNote = s.ReviewComment
	}
	ev, err := a.Store.SolutionEvidence(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	l := server.Lang(r)
	for _, dl := range ev.Projects {
		d.Projects = append(d.Projects, a.evidenceRow(l, dl))
	}
	if s.Listed() {
		// A figure for the page, not the page: a failure only hides it.
		if st, err := a.Store.SolutionStats(ctx, s.ID); err == nil {
			d.Stats = &st
		} else {
			a.Logger.Warn("solution stats", "solution", s.ID, "err", err)
		}
	}
	if !d.Old {
		for _, act := range catalog.Allowed(s, actor) {
			switch act {
			case catalog.ActEdit:
				d.CanEdit = true
			case catalog.ActRevise:
				d.CanRevise = true
			case catalog.ActSubmit:
				d.CanSubmit = true
			case catalog.ActPublish:
				d.CanReview = true
			case catalog.ActArchive:
				d.CanArchive = true
			}
		}
		if s.Listed() {
			if d.Adopt, err = a.adoptBox(r, actor); err != nil {
				return nil, err
			}
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = s.Version.Title
	return p, nil
}

// evidenceRow turns a delivery into a row of the evidence table.
func (a *app) evidenceRow(l i18n.Lang, dl catalog.Delivery) evidenceRow {
	row := evidenceRow{NeedID: dl.NeedID, Title: dl.Title, OrgName: dl.OrgName, When: dl.AcceptedAt,
		Rating: dl.Rating, Adopted: dl.Source == catalog.SourceAdopted, Public: true, Reached: dl.Beneficiaries}
	row.Where = dl.StreetName
	if dl.CommunityName != "" {
		row.Where += " · " + dl.CommunityName
	}
	if dl.Rejections == 0 {
		row.Outcome = a.Catalog.T(l, "sol.outcome_first")
	} else {
		row.Outcome = a.Catalog.T(l, "sol.outcome_after", dl.Rejections)
	}
	row.Said = maskPhones(dl.Outcome)
	return row
}

// adoptBox lists the communities actor may adopt a solution for: community
// staff their own, street staff their street's. Coordinators and everyone
// else see no form (nil).
func (a *app) adoptBox(r *http.Request, actor *accounts.User) (*adoptBox, error) {
	if !actor.Has(accounts.CommunityStaff) && !actor.Has(accounts.StreetStaff) {
		return nil, nil
	}
	all, err := a.Store.FindCommunities(r.Context(), "")
	if err != nil {
		return nil, err
	}
	box := &adoptBox{}
	for _, c := range all {
		if adoptsFor(actor, c) {
			box.Communities = append(box.Communities, c)
		}
	}
	if len(box.Communities) == 0 {
		return nil, nil
	}
	return box, nil
}

// adoptsFor reports whether actor adopts solutions for community c: as its
// community staff, or as staff of its street.
func adoptsFor(actor *accounts.User, c *places.Community) bool {
	res := accounts.Resource{Kind: accounts.KindNeed, StreetID: c.StreetID, CommunityID: c.ID}
	return actor.Holds(accounts.CommunityStaff, res) || actor.Holds(accounts.StreetStaff, res)
}
