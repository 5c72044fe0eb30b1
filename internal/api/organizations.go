package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

// organizationJSON is an organization as the API shows it. Contact fields
// are pointers so "hidden" (absent) differs from "allowed but empty" ("").
type organizationJSON struct {
	ID           string                `json:"id"`
	Key          string                `json:"key,omitempty"`
	Name         string                `json:"name"`
	Registration registry.Registration `json:"registration"`
	CreditCode   string                `json:"credit_code"`
	Category     string                `json:"category"`
	Domains      []string              `json:"domains"`
	StreetID     string                `json:"street_id"`
	Street       string                `json:"street"`
	CommunityID  string                `json:"community_id"`
	Community    string                `json:"community"`
	Description  string                `json:"description"`
	Founded      string                `json:"founded"`
	PartyForm    registry.PartyForm    `json:"party_form"`
	Kind         registry.Kind         `json:"kind"`
	Staff        int                   `json:"staff"`
	Volunteers   int                   `json:"volunteers"`
	ContactName  *string               `json:"contact_name,omitempty"`
	ContactPhone *string               `json:"contact_phone,omitempty"`
	CreatedAt    string                `json:"created_at"`
	UpdatedAt    string                `json:"updated_at"`
}

// rfc3339 formats a time in UTC to the second, the same on both databases
// (SQLite keeps nanoseconds, PostgreSQL microseconds).
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func organizationOut(actor *accounts.User, o *registry.Organization) organizationJSON {
	out := organizationJSON{
		ID: o.ID, Key: o.Key, Name: o.Name, Registration: o.Registration, CreditCode: o.CreditCode,
		Category: o.Category, Domains: o.Domains, StreetID: o.StreetID, Street: o.StreetName,
		CommunityID: o.CommunityID, Community: o.CommunityName, Description: o.Description,
		Founded: o.Founded, PartyForm: o.PartyForm, Kind: o.Kind, Staff: o.Staff, Volunteers: o.Volunteers,
		CreatedAt: rfc3339(o.CreatedAt), UpdatedAt: rfc3339(o.UpdatedAt),
	}
	if out.Domains == nil {
		out.Domains = []string{}
	}
	if accounts.Allowed(actor, accounts.ViewPrivate, o.Resource()) {
		name, phone := o.ContactName, o.ContactPhone
		out.ContactName, out.ContactPhone = &name, &phone
	}
	return out
}

type organizationList struct {
	Items   []organizationJSON `json:"items"`
	Total   int                `json:"total"`
	Page    int                `json:"page"`
	PerPage int                `json:"per_page"`
}

// defaultPerPage is the page size when per_page is absent.
const defaultPerPage = 20

// listOrganizations: GET /api/v1/organizations. Out-of-range page/per_page
// and unknown sort keys are refused (400), never silently changed, so a
// client always gets what it asked for or an error saying why.
func (a *API) listOrganizations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := readParams(r.URL, "q", "street", "community", "registration", "party_form", "category", "domain",
		"key", "credit_code", "sort", "page", "per_page")
	f := registry.Filter{
		Query:      p.str("q"),
		Domain:     p.str("domain"),
		Key:        p.str("key"),
		CreditCode: registry.NormalizeCreditCode(p.str("credit_code")),
		Page:       p.int("page", 1, 1, maxPage, "api.page_range"),
		PerPage:    p.int("per_page", defaultPerPage, 1, registry.MaxPerPage, "api.per_page_range"),
		Sort:       "name",
	}
	if s := p.str("street"); s != "" {
		st, err := a.resolveStreet(ctx, s)
		if err := p.add(err); err != nil {
			return err
		}
		if st != nil {
			f.StreetID = st.ID
		}
	}
	if s := p.str("community"); s != "" {
		cm, err := a.resolveCommunity(ctx, f.StreetID, s)
		if err := p.add(err); err != nil {
			return err
		}
		if cm != nil {
			f.CommunityID = cm.ID
		}
	}
	if s := p.str("registration"); s != "" {
		if f.Registration = registry.Registration(s); !slices.Contains(registry.Registrations, f.Registration) {
			p.l.Add("registration", "registration.invalid")
		}
	}
	if s := p.str("party_form"); s != "" {
		if f.PartyForm = registry.PartyForm(s); !slices.Contains(registry.PartyForms, f.PartyForm) {
			p.l.Add("party_form", "party_form.invalid")
		}
	}
	if s := p.str("category"); s != "" {
		code, ok := registry.ParseCategory(s)
		if !ok {
			p.l.Add("category", "category.invalid")
		}
		f.Category = code
	}
	if s := p.str("sort"); s != "" {
		if f.Sort = s; !slices.Contains(registry.SortKeys, s) {
			p.l.Add("sort", "api.sort_invalid", strings.Join(registry.SortKeys, ", "))
		}
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	orgs, total, err := a.store.FindOrganizations(ctx, f)
	if err != nil {
		return err
	}
	actor := accounts.ActorFrom(ctx)
	out := organizationList{Items: make([]organizationJSON, 0, len(orgs)), Total: total, Page: f.Page, PerPage: f.PerPage}
	for _, o := range orgs {
		out.Items = append(out.Items, organizationOut(actor, o))
	}
	return writeJSON(w, http.StatusOK, out)
}

// getOrganization: GET /api/v1/organizations/{id}.
func (a *API) getOrganization(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.organization")
	}
	o, err := a.store.FindOrganizationByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, organizationOut(accounts.ActorFrom(r.Context()), o))
}

// organizationCreate is the POST body; street and community are an id or
// an exact name.
type organizationCreate struct {
	Key          string                `json:"key"`
	Name         string                `json:"name"`
	Registration registry.Registration `json:"registration"`
	CreditCode   string                `json:"credit_code"`
	Category     string                `json:"category"`
	Domains      []string              `json:"domains"`
	Street       string                `json:"street"`
	Community    string                `json:"community"`
	Description  string                `json:"description"`
	Founded      string                `json:"founded"`
	PartyForm    registry.PartyForm    `json:"party_form"`
	Kind         registry.Kind         `json:"kind"`
	Staff        int                   `json:"staff"`
	Volunteers   int                   `json:"volunteers"`
	ContactName  string                `json:"contact_name"`
	ContactPhone string                `json:"contact_phone"`
}

// createOrganization: POST /api/v1/organizations → 201 and the organization.
func (a *API) createOrganization(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	var in organizationCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	o := &registry.Organization{Key: strings.TrimSpace(in.Key), Name: in.Name, Registration: in.Registration,
		CreditCode: in.CreditCode, Category: in.Category, Domains: in.Domains, Description: in.Description,
		Founded: in.Founded, PartyForm: in.PartyForm, Kind: in.Kind, Staff: in.Staff, Volunteers: in.Volunteers,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone}
	// Unknown places are reported together with every other problem of the
	// body, so a client fixes them all in one round.
	var refs errs.List
	if strings.TrimSpace(in.Street) != "" {
		st, err := a.resolveStreet(ctx, in.Street)
		if err := addField(&refs, err); err != nil {
			return err
		}
		if st != nil {
			o.StreetID = st.ID
		}
	}
	if strings.TrimSpace(in.Community) != "" {
		cm, err := a.resolveCommunity(ctx, o.StreetID, in.Community)
		if err := addField(&refs, err); err != nil {
			return err
		}
		if cm != nil {
			o.CommunityID = cm.ID
		}
	}
	if len(refs) > 0 {
		check := *o
		if check.StreetID == "" && strings.TrimSpace(in.Street) != "" {
			check.StreetID = "unresolved" // already reported in refs
		}
		for _, e := range errs.Fields(check.Validate()) {
			refs = append(refs, e)
		}
		return refs.Err()
	}
	if err := a.store.CreateOrganization(ctx, o); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/organizations/"+o.ID)
	return writeJSON(w, http.StatusCreated, organizationOut(actor, o))
}

// organizationPatch is the PATCH body: absent or null leaves a field as it
// is; "" clears a text field (community "" removes the community).
type organizationPatch struct {
	Name         *string                `json:"name"`
	Registration *registry.Registration `json:"registration"`
	CreditCode   *string                `json:"credit_code"`
	Category     *string                `json:"category"`
	Domains      *[]string              `json:"domains"`
	Street       *string                `json:"street"`
	Community    *string                `json:"community"`
	Description  *string                `json:"description"`
	Founded      *string                `json:"founded"`
	PartyForm    *registry.PartyForm    `json:"party_form"`
	Kind         *registry.Kind         `json:"kind"`
	Staff        *int                   `json:"staff"`
	Volunteers   *int                   `json:"volunteers"`
	ContactName  *string                `json:"contact_name"`
	ContactPhone *string                `json:"contact_phone"`
}

// updateOrganization: PATCH /api/v1/organizations/{id}.
func (a *API) updateOrganization(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.organization")
	}
	var in organizationPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	u := registry.Update{Name: in.Name, Registration: in.Registration, CreditCode: in.CreditCode,
		Category: in.Category, Domains: in.Domains, Description: in.Description, Founded: in.Founded,
		PartyForm: in.PartyForm, Staff: in.Staff, Volunteers: in.Volunteers, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, Kind: in.Kind}
	streetID := ""
	if in.Street != nil {
		if strings.TrimSpace(*in.Street) == "" {
			u.StreetID = new("") // the store's validation reports the missing street
		} else {
			st, err := a.resolveStreet(ctx, *in.Street)
			if err != nil {
				return err
			}
			streetID, u.StreetID = st.ID, &st.ID
		}
	}
	if in.Community != nil {
		if strings.TrimSpace(*in.Community) == "" {
			u.CommunityID = new("")
		} else {
			if streetID == "" {
				// A community name is looked up in the organization's street.
				cur, err := a.store.FindOrganizationByID(ctx, id)
				if err != nil {
					return err
				}
				streetID = cur.StreetID
			}
			cm, err := a.resolveCommunity(ctx, streetID, *in.Community)
			if err != nil {
				return err
			}
			u.CommunityID = &cm.ID
		}
	}
	o, err := a.store.UpdateOrganization(ctx, id, u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, organizationOut(actor, o))
}
