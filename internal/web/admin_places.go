package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
)

func (a *app) adminHome(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "admin.title", nil)
	if !p.Admin() {
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	// Street and community staff go straight to the place they look after.
	if !u.Has(accounts.PlatformAdmin) && !u.Has(accounts.Auditor) {
		for _, g := range u.Grants {
			switch g.Role {
			case accounts.StreetStaff:
				http.Redirect(w, r, "/admin/streets/"+g.ScopeID, http.StatusSeeOther)
				return
			case accounts.CommunityStaff:
				http.Redirect(w, r, "/admin/communities/"+g.ScopeID, http.StatusSeeOther)
				return
			}
		}
	}
	a.render(w, r, "admin_home.html", http.StatusOK, p)
}

func (a *app) adminStreets(w http.ResponseWriter, r *http.Request) {
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.Create, accounts.Resource{Kind: accounts.KindStreet}); err != nil {
		a.fail(w, r, err)
		return
	}
	streets, err := a.Store.FindStreetsCounted(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_streets.html", http.StatusOK, a.newPage(w, r, "admin.streets", streets))
}

func (a *app) adminStreetCreate(w http.ResponseWriter, r *http.Request) {
	st := &places.Street{Name: r.PostFormValue("name"), District: r.PostFormValue("district")}
	if err := a.Store.CreateStreet(r.Context(), st); err != nil {
		streets, ferr := a.Store.FindStreetsCounted(r.Context())
		if ferr != nil {
			a.fail(w, r, ferr)
			return
		}
		a.formFailed(w, r, "admin_streets.html", a.newPage(w, r, "admin.streets", streets), err)
		return
	}
	a.redirect(w, r, "/admin/streets", "flash.saved")
}

type streetData struct {
	Street      *places.Street
	Communities []*places.Community
	CanRename   bool
	CanAdd      bool
}

func (a *app) streetPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	st, err := a.Store.FindStreetByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	// Staff pages of a street: its own staff and platform admins.
	probe := accounts.Resource{Kind: accounts.KindCommunity, StreetID: st.ID}
	if err := accounts.Can(u, accounts.Update, probe); err != nil {
		return nil, err
	}
	cs, err := a.Store.FindCommunities(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	d := &streetData{Street: st, Communities: cs, CanRename: accounts.Allowed(u, accounts.Update, st.Resource()),
		CanAdd: accounts.Allowed(u, accounts.Create, probe)}
	p := a.newPage(w, r, "", d)
	p.Title = st.Name
	return p, nil
}

func (a *app) adminStreet(w http.ResponseWriter, r *http.Request) {
	p, err := a.streetPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_street.html", http.StatusOK, p)
}

func (a *app) adminStreetRename(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.RenameStreet(r.Context(), id, r.PostFormValue("name")); err != nil {
		a.formAgain(w, r, "admin_street.html", a.streetPage, err)
		return
	}
	a.redirect(w, r, "/admin/streets/"+id, "flash.saved")
}

func (a *app) adminCommunityCreate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c := &places.Community{StreetID: id, Name: r.PostFormValue("name")}
	if err := a.Store.CreateCommunity(r.Context(), c); err != nil {
		a.formAgain(w, r, "admin_street.html", a.streetPage, err)
		return
	}
	a.redirect(w, r, "/admin/streets/"+id, "flash.saved")
}

type communityData struct {
	Community    *places.Community
	Complexes    []*places.Complex
	CanRename    bool
	CanSeeStreet bool // street staff and admins; community staff stay in their community
}

func (a *app) communityPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	c, err := a.Store.FindCommunityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := accounts.Can(u, accounts.Update, places.ComplexResource(c, "")); err != nil {
		return nil, err
	}
	xs, err := a.Store.FindComplexes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "", &communityData{Community: c, Complexes: xs, CanRename: accounts.Allowed(u, accounts.Update, c.Resource()),
		CanSeeStreet: accounts.Allowed(u, accounts.Update, accounts.Resource{Kind: accounts.KindCommunity, StreetID: c.StreetID})})
	p.Title = c.Name
	return p, nil
}

func (a *app) adminCommunity(w http.ResponseWriter, r *http.Request) {
	p, err := a.communityPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_community.html", http.StatusOK, p)
}

func (a *app) adminCommunityRename(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.RenameCommunity(r.Context(), id, r.PostFormValue("name")); err != nil {
		a.formAgain(w, r, "admin_community.html", a.communityPage, err)
		return
	}
	a.redirect(w, r, "/admin/communities/"+id, "flash.saved")
}

func (a *app) adminComplexCreate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.CreateComplex(r.Context(), &places.Complex{CommunityID: id, Name: r.PostFormValue("name")}); err != nil {
		a.formAgain(w, r, "admin_community.html", a.communityPage, err)
		return
	}
	a.redirect(w, r, "/admin/communities/"+id, "flash.saved")
}
