package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/places"
)

type activityListData struct {
	Activities []*activities.Activity
	Total      int
	Filter     activities.Filter
	Query      url.Values
	Streets    []*places.Street
	Date       string // the date filter as typed (YYYY-MM-DD)
	Past       bool
	CanCreate  bool
	DateError  bool
	// Own are the activities of the actor's organizations in every status
	// (drafts included), for their organizers.
	Own []*activities.Activity
}

// activityList is the public list of activities: upcoming by default, soonest
// first; past ones with ?when=past. Filters: street, type, date.
func (a *app) activityList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	page, _ := atoi(q.Get("page"))
	f := activities.Filter{StreetID: q.Get("street"), Type: activities.Type(q.Get("type")), Page: page, PerPage: 20}
	if !activities.ValidType(f.Type) {
		f.Type = ""
	}
	d := &activityListData{Query: q, Date: q.Get("date"), Past: q.Get("when") == "past"}
	now := a.Store.Now()
	if d.Date != "" {
		day, err := time.ParseInLocation(formDate, d.Date, a.loc)
		if err != nil {
			d.DateError = true
		} else {
			f.From, f.To = day, day.Add(24*time.Hour)
		}
	}
	if f.From.IsZero() && !d.Past {
		f.From = now
	}
	if d.Past {
		f.To, f.From = now, time.Time{}
	}
	d.Filter = f
	var err error
	if d.Activities, d.Total, err = a.Store.FindActivities(ctx, f); err != nil {
		a.fail(w, r, err)
		return
	}
	if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	u := accounts.ActorFrom(ctx)
	for _, id := range u.OrgIDs() {
		d.CanCreate = d.CanCreate || accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindActivity, OrgID: id})
		if !accounts.Allowed(u, accounts.ViewPrivate, accounts.Resource{Kind: accounts.KindActivity, OrgID: id}) {
			continue
		}
		own, _, err := a.Store.FindActivities(ctx, activities.Filter{OrgID: id, Private: true, PerPage: 50})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d.Own = append(d.Own, own...)
	}
	a.render(w, r, "activity_list.html", http.StatusOK, a.newPage(w, r, "activity.list_title", d))
}
