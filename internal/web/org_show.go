package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

type orgShowData struct {
	Org *registry.Organization
	// ContactPhone is the phone as this viewer may see it: whole for the
	// organization's own people, masked for other staff, absent for the public.
	ContactPhone string
	ShowContact  bool
	CanEdit      bool
	Track        store.TrackRecord
}

func (a *app) orgShow(w http.ResponseWriter, r *http.Request) {
	o, err := a.Store.FindOrganizationByID(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	actor := accounts.ActorFrom(r.Context())
	d := &orgShowData{Org: o, CanEdit: accounts.Allowed(actor, accounts.Update, o.Resource())}
	if d.Track, err = a.Store.OrgTrackRecord(r.Context(), o.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	if accounts.Allowed(actor, accounts.ViewPrivate, o.Resource()) {
		d.ShowContact = true
		d.ContactPhone = accounts.MaskPhone(o.ContactPhone)
		if ownOrg(actor, o.ID) {
			d.ContactPhone = o.ContactPhone
		}
		if o.ContactPhone == "" {
			d.ContactPhone = ""
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = o.Name
	a.render(w, r, "org_show.html", http.StatusOK, p)
}

// ownOrg reports whether the actor belongs to the organization (the owner of
// its contact data).
func ownOrg(u *accounts.User, orgID string) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if (g.Role == accounts.OrgAdmin || g.Role == accounts.OrgMember) && g.ScopeID == orgID {
			return true
		}
	}
	return false
}
