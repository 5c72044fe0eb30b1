package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

type needListData struct {
	Needs       []*procurement.Need
	Total       int
	Filter      procurement.Filter
	Query       url.Values
	Streets     []*places.Street
	Communities []*places.Community
	CanCreate   bool
	MinYuan     string
	MaxYuan     string
}

// boardStatuses are the statuses offered as a filter on the board.
var boardStatuses = []procurement.Status{procurement.Published, procurement.Evaluating, procurement.Awarded,
	procurement.Contracted, procurement.InProgress, procurement.Delivered, procurement.Accepted, procurement.Closed,
	procurement.Failed, procurement.Cancelled, procurement.Draft, procurement.Submitted}

func needFilter(q url.Values) procurement.Filter {
	f := procurement.Filter{Query: q.Get("q"), StreetID: q.Get("street"), CommunityID: q.Get("community"), PerPage: 20}
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
	needs, total, err := a.Store.FindNeeds(ctx, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &needListData{Needs: needs, Total: total, Filter: f, Query: q, MinYuan: q.Get("min"), MaxYuan: q.Get("max")}
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
	actor := accounts.ActorFrom(ctx)
	d.CanCreate = actor.Has(accounts.CommunityStaff) || actor.Has(accounts.StreetStaff)
	a.render(w, r, "need_list.html", http.StatusOK, a.newPage(w, r, "need.board", d))
}
