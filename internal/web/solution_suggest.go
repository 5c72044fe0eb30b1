package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

// How many similar solutions and past projects the need form suggests.
const (
	suggestSolutions = 4
	suggestProjects  = 4
)

// suggestions are the need form's similar solutions and past projects.
type suggestions struct {
	// CanAdopt: the staffer adopts solutions (community or street staff),
	// so each solution has an "采用同款" button instead of writing on.
	CanAdopt    bool
	Solutions   []*catalog.Solution
	Projects    []projectMatch
	Unavailable bool // the search failed or is not built: the form still works
}

// suggestFor finds solutions and completed projects like a need being
// written: its title and description, category and community. A failure
// is logged and shown as "unavailable": suggestions are help, not the form.
func (a *app) suggestFor(ctx context.Context, text, category, community string) *suggestions {
	actor := accounts.ActorFrom(ctx)
	out := &suggestions{CanAdopt: actor.Has(accounts.CommunityStaff) || actor.Has(accounts.StreetStaff)}
	text, _ = searchText(strings.Join(strings.Fields(text), " "))
	if a.hl.Query(text).Empty() {
		return out
	}
	if registry.CategoryByCode(category) == nil {
		category = ""
	}
	if a.Solutions != nil && a.Solutions.Ready() {
		hits, err := a.Solutions.Search(ctx, text, "", suggestSolutions)
		if err != nil {
			a.Logger.Warn("suggest solutions", "err", err)
			out.Unavailable = true
		}
		if len(hits) > 0 {
			ids := []string{}
			for _, h := range hits {
				ids = append(ids, h.ID)
			}
			if out.Solutions, _, err = a.Store.FindSolutions(ctx, catalog.Filter{IDs: ids, Status: catalog.Published,
				PerPage: suggestSolutions}); err != nil {
				a.Logger.Warn("suggest solutions", "err", err)
				out.Unavailable = true
			}
		}
	}
	if a.Match != nil {
		q := match.Query{Text: text}
		if !strings.HasPrefix(community, "street:") {
			q.Community = community
		}
		ps, err := a.Match.Projects(ctx, q, suggestProjects)
		if err != nil {
			a.Logger.Warn("suggest projects", "err", err)
			out.Unavailable = true
		}
		for _, p := range ps {
			out.Projects = append(out.Projects, projectMatch{ID: p.ID, Title: p.Name, Reasons: p.Reasons})
		}
	}
	return out
}

// needSuggestAgain answers the need form's "查找同款" button without
// JavaScript: the same form again, what was typed kept, with suggestions.
func (a *app) needSuggestAgain(w http.ResponseWriter, r *http.Request, p *page) {
	f := r.PostForm
	d := p.Data.(*needFormData)
	d.Suggest = a.suggestFor(r.Context(), f.Get("title")+" "+f.Get("description"), f.Get("category"), f.Get("community"))
	p.Form = f
	a.render(w, r, "need_form.html", http.StatusOK, p)
}

// needSuggest is the fragment the need form's script fetches as staff
// type: the suggestions' HTML only, for signed-in people (what it shows
// is public; the sign-in keeps it from being a free search service).
func (a *app) needSuggest(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &needFormData{Suggest: a.suggestFor(r.Context(), q.Get("text"), q.Get("category"), q.Get("community"))}
	p := &page{Lang: server.Lang(r), Data: d}
	var buf bytes.Buffer
	if err := a.tmpl["need_form.html"].ExecuteTemplate(&buf, "need_suggestions", p); err != nil {
		a.Logger.Error("render", "template", "need_suggestions", "request_id", server.RequestID(r.Context()), "err", err)
		http.Error(w, a.Catalog.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}
