package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/incubation"
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
	// Credit is the organization's standing on the credit lists: a neutral
	// badge for everyone, the note for staff (ShowCreditNote), the form for
	// those who keep the lists (CanSetCredit).
	Credit         store.OrganizationCredit
	ShowCreditNote bool
	CanSetCredit   bool
	// Incubation history and training record (org_incubation.html).
	Incubations  []*incubation.Incubation
	Certificates []*incubation.Certificate
	// Party is the party-building section (党组织形式沿革、联建、指导员).
	Party *partyData
}

func (a *app) orgShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.orgPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "org_show.html", http.StatusOK, p)
}

// orgPage builds the organization's page.
func (a *app) orgPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	o, err := a.Store.FindOrganizationByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(r.Context())
	d := &orgShowData{Org: o, CanEdit: accounts.Allowed(actor, accounts.Update, o.Resource())}
	if d.Track, err = a.Store.OrgTrackRecord(r.Context(), o.ID); err != nil {
		return nil, err
	}
	if d.Credit, err = a.Store.FindOrganizationCredit(r.Context(), o.ID); err != nil {
		return nil, err
	}
	d.CanSetCredit = accounts.Allowed(actor, accounts.SetCredit, o.Resource())
	if d.Incubations, err = a.Store.FindIncubations(r.Context(), store.IncubationFilter{OrgID: o.ID}); err != nil {
		return nil, err
	}
	if d.Certificates, err = a.Store.FindOrgCertificates(r.Context(), o.ID); err != nil {
		return nil, err
	}
	if d.Party, err = a.loadParty(r, o); err != nil {
		return nil, err
	}
	d.ShowCreditNote = d.CanSetCredit || actor.IsStaff()
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
	p.Form.Set("status", string(d.Credit.Status))
	p.Form.Set("note", d.Credit.Note)
	return p, nil
}

// orgCredit puts an organization on a credit list or takes it off (the
// store checks who may: the district's coordinators).
func (a *app) orgCredit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	status := store.CreditStatus(r.PostFormValue("status"))
	if _, err := a.Store.SetOrganizationCredit(r.Context(), id, status, r.PostFormValue("note")); err != nil {
		a.formAgain(w, r, "org_show.html", a.orgPage, err)
		return
	}
	a.redirect(w, r, "/organizations/"+id+"#credit", "flash.creditui_saved")
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
