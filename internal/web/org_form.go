package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

type orgFormData struct {
	Org         *registry.Organization // nil when creating
	Streets     []*places.Street       // the streets this actor may put an organization in
	Communities []*places.Community
}

// formValues fills a form from an organization (edit) so one template serves both.
func formValues(o *registry.Organization) url.Values {
	v := url.Values{}
	if o == nil {
		v.Set("registration", "filed")
		v.Set("party_form", "none")
		v.Set("kind", string(registry.KindOrganization))
		return v
	}
	v.Set("name", o.Name)
	v.Set("registration", string(o.Registration))
	v.Set("credit_code", o.CreditCode)
	v.Set("category", o.Category)
	v.Set("domains", strings.Join(o.Domains, "、"))
	v.Set("street", o.StreetID)
	v.Set("community", o.CommunityID)
	v.Set("description", o.Description)
	v.Set("founded", o.Founded)
	v.Set("party_form", string(o.PartyForm))
	v.Set("staff", itoa(o.Staff))
	v.Set("volunteers", itoa(o.Volunteers))
	v.Set("contact_name", o.ContactName)
	v.Set("contact_phone", o.ContactPhone)
	v.Set("kind", string(o.Kind))
	return v
}

// orgFromForm reads the posted fields; number fields that are not numbers
// are reported with their field.
func orgFromForm(f url.Values) (registry.Update, error) {
	var l errs.List
	str := func(k string) *string { v := strings.TrimSpace(f.Get(k)); return &v }
	num := func(k string) *int {
		n, ok := atoi(f.Get(k))
		if !ok {
			l.Add(k, "number.invalid")
		}
		return &n
	}
	reg := registry.Registration(f.Get("registration"))
	pf := registry.PartyForm(f.Get("party_form"))
	domains := []string{f.Get("domains")}
	u := registry.Update{Name: str("name"), Registration: &reg, CreditCode: str("credit_code"),
		Category: str("category"), Domains: &domains, StreetID: str("street"), CommunityID: str("community"),
		Description: str("description"), Founded: str("founded"), PartyForm: &pf, Staff: num("staff"),
		Volunteers: num("volunteers"), ContactName: str("contact_name"), ContactPhone: str("contact_phone")}
	if k := registry.Kind(f.Get("kind")); k != "" { // absent: unchanged
		u.Kind = &k
	}
	return u, l.Err()
}

func (a *app) orgFormData(r *http.Request, o *registry.Organization) (*orgFormData, error) {
	ctx := r.Context()
	actor := accounts.ActorFrom(ctx)
	all, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	d := &orgFormData{Org: o}
	for _, s := range all {
		// Offer only streets where this actor may place an organization (or its current one).
		res := accounts.Resource{Kind: accounts.KindOrganization, StreetID: s.ID}
		if accounts.Allowed(actor, accounts.Create, res) || (o != nil && o.StreetID == s.ID) {
			d.Streets = append(d.Streets, s)
		}
	}
	if len(d.Streets) == 1 {
		d.Communities, err = a.Store.FindCommunities(ctx, d.Streets[0].ID)
	} else {
		d.Communities, err = a.Store.FindCommunities(ctx, "")
	}
	return d, err
}

func (a *app) orgNew(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.orgFormData(r, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(d.Streets) == 0 {
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	p := a.newPage(w, r, "org.new", d)
	p.Form = formValues(nil)
	a.render(w, r, "org_form.html", http.StatusOK, p)
}

func (a *app) orgCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.orgFormData(r, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "org.new", d)
	u, err := orgFromForm(r.PostForm)
	o := &registry.Organization{}
	u.Apply(o)
	if err != nil {
		// Report the other mistakes of the form too, not only the numbers.
		a.formFailed(w, r, "org_form.html", p, errs.Merge(err, o.Validate()))
		return
	}
	if err := a.Store.CreateOrganization(r.Context(), o); err != nil {
		a.formFailed(w, r, "org_form.html", p, err)
		return
	}
	a.redirect(w, r, "/organizations/"+o.ID, "flash.org_created")
}

func (a *app) orgEdit(w http.ResponseWriter, r *http.Request) {
	o, err := a.Store.FindOrganizationByID(r.Context(), r.PathValue("id"))
	if err == nil {
		err = accounts.Can(accounts.ActorFrom(r.Context()), accounts.Update, o.Resource())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.orgFormData(r, o)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "org.edit", d)
	p.Form = formValues(o)
	a.render(w, r, "org_form.html", http.StatusOK, p)
}

func (a *app) orgUpdate(w http.ResponseWriter, r *http.Request) {
	o, err := a.Store.FindOrganizationByID(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.orgFormData(r, o)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "org.edit", d)
	u, err := orgFromForm(r.PostForm)
	if err != nil {
		probe := *o
		u.Apply(&probe)
		err = errs.Merge(err, probe.Validate())
	} else {
		_, err = a.Store.UpdateOrganization(r.Context(), o.ID, u)
	}
	if err != nil {
		a.formFailed(w, r, "org_form.html", p, err)
		return
	}
	a.redirect(w, r, "/organizations/"+o.ID, "flash.org_saved")
}
