package web

import (
	"net/http"
	"net/url"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// The community inbox (社区收件箱): resident-raised needs of one community
// for its staff, who reply, merge, turn them into draft needs or close
// them; and the community's notices.

type inboxData struct {
	Community   *places.Community
	Communities []*places.Community // the ones the reader may run
	Status      portal.Status
	Items       []*portal.Suggestion
	Total       int
	Notices     []*portal.Notice
	CanAssist   bool // the front desk's assisted mode for this community (community staff, not the street's)
}

// staffCommunities are the communities whose inbox the actor may open.
func (a *app) staffCommunities(r *http.Request, u *accounts.User) ([]*places.Community, error) {
	var out []*places.Community
	all, err := a.Store.FindCommunities(r.Context(), "")
	if err != nil {
		return nil, err
	}
	for _, cm := range all {
		if accounts.Allowed(u, accounts.Update, accounts.Resource{Kind: accounts.KindSuggestion, StreetID: cm.StreetID, CommunityID: cm.ID}) {
			out = append(out, cm)
		}
	}
	return out, nil
}

func (a *app) inboxPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &inboxData{Status: portal.Status(r.URL.Query().Get("status"))}
	if d.Communities, err = a.staffCommunities(r, u); err != nil {
		return nil, err
	}
	if len(d.Communities) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	d.Community = d.Communities[0]
	want := r.URL.Query().Get("community")
	if want == "" {
		want = r.PostFormValue("community")
	}
	for _, cm := range d.Communities {
		if cm.ID == want {
			d.Community = cm
		}
	}
	d.CanAssist = accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindAssisted, StreetID: d.Community.StreetID, CommunityID: d.Community.ID})
	if d.Items, d.Total, err = a.Store.FindSuggestions(r.Context(), portal.Filter{CommunityID: d.Community.ID, Status: d.Status, PerPage: 100}); err != nil {
		return nil, err
	}
	if d.Notices, err = a.Store.FindNotices(r.Context(), d.Community.ID, 10); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "inbox.title", d), nil
}

// inbox is GET /community/inbox.
func (a *app) inbox(w http.ResponseWriter, r *http.Request) {
	p, err := a.inboxPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "portal_inbox.html", http.StatusOK, p)
}

// inboxStep replies to, merges, converts or closes one suggestion.
func (a *app) inboxStep(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st := store.SuggestionStep{Action: portal.Action(r.PathValue("action")), Note: r.PostFormValue("note"),
		Into: r.PostFormValue("into"), Title: r.PostFormValue("title")}
	var err error
	if st.Action == portal.ActConvert {
		st.BudgetFen, err = procurement.ParseYuan("budget_fen", r.PostFormValue("budget_yuan"))
	}
	var g *portal.Suggestion
	if err == nil {
		g, err = a.Store.StepSuggestion(r.Context(), id, st, a.Config.Rules())
	}
	if err != nil {
		a.formAgain(w, r, "portal_suggestion.html", a.suggestionShowPage, err)
		return
	}
	if st.Action == portal.ActConvert {
		a.redirect(w, r, "/needs/"+g.NeedID, "inbox.flash_converted")
		return
	}
	a.redirect(w, r, "/community/inbox?community="+url.QueryEscape(g.CommunityID), "inbox.flash_"+string(st.Action))
}

// noticeCreate posts a community notice.
func (a *app) noticeCreate(w http.ResponseWriter, r *http.Request) {
	n := &portal.Notice{CommunityID: r.PostFormValue("community"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	if err := a.Store.CreateNotice(r.Context(), n); err != nil {
		a.formAgain(w, r, "portal_inbox.html", a.inboxPage, err)
		return
	}
	a.redirect(w, r, "/community/inbox?community="+url.QueryEscape(n.CommunityID), "inbox.flash_notice")
}
