package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

type needListData struct {
	Cards       []needCard
	Total       int
	Filter      procurement.Filter
	Query       url.Values
	Streets     []*places.Street
	Communities []*places.Community
	CanCreate   bool
	MinYuan     string
	MaxYuan     string
	Search      searchState
	// CountOver: there are more than CountUpTo needs (Total is not exact).
	CountOver bool
	CountUpTo int
	// Private: the viewer is shown drafts and submissions somewhere (the
	// staff of a street or community, admins), so the status filter offers
	// them; to everyone else it offers only what the public board shows.
	Private bool
}

// boardCountUpTo is as far as the board counts: past it, it says "more
// than 1,000 needs" and offers a filter (pages further on still open).
const boardCountUpTo = 1000

// boardStatuses are the statuses offered as a filter on the board.
var boardStatuses = []procurement.Status{procurement.Published, procurement.Evaluating, procurement.Awarded,
	procurement.Contracted, procurement.InProgress, procurement.Delivered, procurement.Accepted, procurement.Closed,
	procurement.Failed, procurement.Cancelled, procurement.Draft, procurement.Submitted}

func needFilter(q url.Values) procurement.Filter {
	f := procurement.Filter{Query: q.Get("q"), StreetID: q.Get("street"), CommunityID: q.Get("community"), PerPage: 20,
		CountUpTo: boardCountUpTo}
	for _, st := range boardStatuses {
		if string(st) == q.Get("status") {
			f.Status = st
		}
	}
	if c := registry.CategoryByCode(q.Get("category")); c != nil {
		f.Category = c.Code
	}
	if v, err := procurement.ParseYuan("min", q.Get("min")); err == nil {
		f.MinFen = v
	}
	if v, err := procurement.ParseYuan("max", q.Get("max")); err == nil {
		f.MaxFen = v
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	return f
}

func (a *app) needList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := needFilter(q)
	actor := accounts.ActorFrom(ctx)
	private := accounts.AllowedSomewhere(actor, accounts.ViewPrivate, accounts.KindNeed)
	if !private && f.Status != "" && !f.Status.Public() {
		f.Status = "" // a status they could never see: the whole board instead of none
	}
	l := server.Lang(r)
	var (
		needs  []*procurement.Need
		total  int
		search searchState
		err    error
	)
	if a.searchable(f) {
		needs, total, search, err = a.searchNeeds(r, l, f)
	} else {
		needs, total, err = a.Store.FindNeeds(ctx, f)
		search.Text = f.Query
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &needListData{Cards: a.needCards(l, needs, search.Text), Total: total, Filter: f, Query: q, MinYuan: q.Get("min"), MaxYuan: q.Get("max"),
		Search: search, CountOver: total > boardCountUpTo, CountUpTo: boardCountUpTo, Private: private}
	if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	if f.StreetID != "" {
		if d.Communities, err = a.Store.FindCommunities(ctx, f.StreetID); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	d.CanCreate = accounts.AllowedSomewhere(actor, accounts.Create, accounts.KindNeed)
	a.render(w, r, "need_list.html", http.StatusOK, a.newPage(w, r, "need.board", d))
}

// searchable reports whether the board's search box goes to the search
// index: there is a text, an index, and the status asked for is one of the
// public board's (drafts and submissions are found by the listing's own
// filter, for the staff who may see them).
func (a *app) searchable(f procurement.Filter) bool {
	return a.Match != nil && strings.TrimSpace(f.Query) != "" && (f.Status == "" || f.Status.Public())
}

// searchNeeds answers the board's search box from the index: the needs on
// the public board best matching the text, with the board's other filters,
// one page of them.
func (a *app) searchNeeds(r *http.Request, l i18n.Lang, f procurement.Filter) ([]*procurement.Need, int, searchState, error) {
	ctx := r.Context()
	st, ok := a.readSearchBox(l, f.Query)
	if !ok {
		return nil, 0, st, nil
	}
	text := st.Text
	var facets []string
	if f.StreetID != "" {
		facets = append(facets, match.FacetStreet+f.StreetID)
	}
	if f.CommunityID != "" {
		facets = append(facets, match.FacetCommunity+f.CommunityID)
	}
	if f.Category != "" {
		facets = append(facets, match.FacetCategory+f.Category)
	}
	hits, err := a.Match.SearchNeeds(ctx, text, facets, searchHits)
	if errs.CodeOf(err) == errs.Invalid {
		st.Notice, st.Ranked = a.Catalog.Error(l, err), false
		return nil, 0, st, nil
	}
	if err != nil {
		return nil, 0, st, err
	}
	if len(hits) == searchHits {
		st.Capped = searchHits
	}
	now := a.Store.Now()
	var ids []string
	for _, h := range hits {
		n := procurement.Need{Status: procurement.Status(h.Status), Deadline: h.Deadline}
		switch {
		case f.Status != "" && n.EffectiveStatus(now) != f.Status,
			f.MinFen > 0 && h.BudgetFen < f.MinFen,
			f.MaxFen > 0 && h.BudgetFen > f.MaxFen:
			continue
		}
		ids = append(ids, h.ID)
	}
	total := len(ids)
	from := min((f.Page-1)*f.PerPage, total)
	to := min(from+f.PerPage, total)
	needs, err := a.Store.FindNeedsByIDs(ctx, ids[from:to])
	if err != nil {
		return nil, 0, st, err
	}
	return needs, total, st, nil
}

// needCard is what the board shows of a need, its words already in the
// reader's language: made here in one pass instead of by some thirty
// template calls a card (most of the board's rendering).
type needCard struct {
	ID, Title, Description, Q                  string
	Status                                     procurement.Status // at the board's now
	StatusLabel, ProcedureLabel, CategoryLabel string
	Place                                      string // street · community
	BudgetWord, Budget                         string
	Deadline                                   string // "方案截止 …" while open for proposals
	Proposals                                  string // "已收到 N 份方案" once public
}

func (a *app) needCards(l i18n.Lang, needs []*procurement.Need, q string) []needCard {
	now := a.Store.Now()
	out := make([]needCard, len(needs))
	for i, n := range needs {
		st := n.EffectiveStatus(now)
		c := needCard{ID: n.ID, Title: n.Title, Description: n.Description, Q: q, Status: st,
			StatusLabel:    a.Catalog.T(l, "need_status."+string(st)),
			ProcedureLabel: a.Catalog.T(l, "procedure."+string(n.Procedure)),
			Place:          n.StreetName, BudgetWord: a.Catalog.T(l, "need.budget"), Budget: procurement.FormatFen(n.BudgetFen)}
		if n.Category != "" {
			c.CategoryLabel = a.Catalog.T(l, "category."+n.Category)
		}
		if n.CommunityName != "" {
			c.Place += " · " + n.CommunityName
		}
		if st == procurement.Published {
			c.Deadline = a.Catalog.T(l, "need.deadline") + " " + n.Deadline.In(a.loc).Format("2006-01-02 15:04")
		}
		if n.Status.Public() {
			c.Proposals = a.Catalog.T(l, "need.proposal_count", n.Proposals)
		}
		out[i] = c
	}
	return out
}
