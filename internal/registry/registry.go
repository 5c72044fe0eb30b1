// Package registry is the organization registry (社会组织名录): registered and
// filed organizations, their party-organization form, service domains and
// the rules an organization record must satisfy.
package registry

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// Registration is how an organization is recognized.
type Registration string

const (
	Registered Registration = "registered" // 民政登记, has a credit code
	Filed      Registration = "filed"      // 街道备案, usually no code
)

// Registrations lists the values in display order.
var Registrations = []Registration{Registered, Filed}

// PartyForm is the organization's party-organization form (党组织形式).
type PartyForm string

const (
	PartyIndependent PartyForm = "independent"
	PartyJoint       PartyForm = "joint"
	PartyInstructor  PartyForm = "instructor"
	PartyFunctional  PartyForm = "functional"
	PartyNone        PartyForm = "none"
)

// PartyForms lists the values in display order.
var PartyForms = []PartyForm{PartyIndependent, PartyJoint, PartyInstructor, PartyFunctional, PartyNone}

// Kind says whether an organization is an organization proper or a
// volunteer team (志愿服务队, e.g. a green-space adoption team) that
// publishes volunteer activities; a team is registered like any other.
type Kind string

const (
	KindOrganization Kind = "organization"
	KindTeam         Kind = "team"
)

// Kinds lists the values in display order.
var Kinds = []Kind{KindOrganization, KindTeam}

// Organization is one social organization in the registry.
type Organization struct {
	ID            string
	Key           string // identifier in the source system of an import
	Name          string
	Registration  Registration
	Kind          Kind // "" is read as KindOrganization
	CreditCode    string
	Category      string   // taxonomy code (Categories)
	Domains       []string // free tags
	StreetID      string
	StreetName    string
	CommunityID   string
	CommunityName string
	Description   string
	Founded       string // YYYY-MM-DD or ""
	PartyForm     PartyForm
	Staff         int
	Volunteers    int
	ContactName   string
	ContactPhone  string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Resource returns the authorization view of the organization.
func (o *Organization) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindOrganization, ID: o.ID, StreetID: o.StreetID,
		CommunityID: o.CommunityID, OrgID: o.ID}
}

// Filter selects organizations; zero fields do not filter. Sort is one of SortKeys.
type Filter struct {
	Query        string
	Category     string
	Domain       string
	StreetID     string
	CommunityID  string
	Registration Registration
	PartyForm    PartyForm
	Key          string
	CreditCode   string
	Sort         string
	Page         int
	PerPage      int
}

// SortKeys is the allowlist of sort orders.
var SortKeys = []string{"name", "newest", "founded", "volunteers"}

// MaxPerPage bounds every list request.
const MaxPerPage = 100

// Normalize bounds paging and replaces unknown sort keys.
func (f *Filter) Normalize() {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 {
		f.PerPage = 20
	}
	if f.PerPage > MaxPerPage {
		f.PerPage = MaxPerPage
	}
	ok := false
	for _, k := range SortKeys {
		ok = ok || k == f.Sort
	}
	if !ok {
		f.Sort = "name"
	}
	f.Query = strings.TrimSpace(f.Query)
}

// Update changes some fields of an organization (nil means unchanged).
type Update struct {
	Name         *string
	Registration *Registration
	CreditCode   *string
	Category     *string
	Domains      *[]string
	StreetID     *string
	CommunityID  *string
	Description  *string
	Founded      *string
	PartyForm    *PartyForm
	Staff        *int
	Volunteers   *int
	ContactName  *string
	ContactPhone *string
	Kind         *Kind
}

// Apply copies the set fields of u onto o.
func (u Update) Apply(o *Organization) {
	set(&o.Name, u.Name)
	set(&o.Registration, u.Registration)
	set(&o.CreditCode, u.CreditCode)
	set(&o.Category, u.Category)
	set(&o.Domains, u.Domains)
	set(&o.StreetID, u.StreetID)
	set(&o.CommunityID, u.CommunityID)
	set(&o.Description, u.Description)
	set(&o.Founded, u.Founded)
	set(&o.PartyForm, u.PartyForm)
	set(&o.Staff, u.Staff)
	set(&o.Volunteers, u.Volunteers)
	set(&o.ContactName, u.ContactName)
	set(&o.ContactPhone, u.ContactPhone)
	set(&o.Kind, u.Kind)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Validate normalizes o in place and reports every problem with its field.
// It does not check references (street, community) or uniqueness: the store does.
func (o *Organization) Validate() error {
	var l errs.List
	o.Name = strings.TrimSpace(o.Name)
	switch n := utf8.RuneCountInString(o.Name); {
	case n == 0:
		l.Add("name", "field.required")
	case text.Len(o.Name) < 2:
		l.Add("name", "field.too_short", 2)
	case n > 100:
		l.Add("name", "field.too_long", 100)
	}
	if o.Registration == "" {
		o.Registration = Filed
	}
	if o.Registration != Registered && o.Registration != Filed {
		l.Add("registration", "registration.invalid")
	}
	o.CreditCode = NormalizeCreditCode(o.CreditCode)
	if o.CreditCode == "" {
		if o.Registration == Registered {
			l.Add("credit_code", "credit_code.required")
		}
	} else if err := ValidateCreditCode(o.CreditCode); err != nil {
		l = append(l, errs.As(err))
	}
	if o.Kind == "" {
		o.Kind = KindOrganization
	}
	if o.Kind != KindOrganization && o.Kind != KindTeam {
		l.Add("kind", "org.kind_invalid")
	}
	if o.PartyForm == "" {
		o.PartyForm = PartyNone
	}
	if !validPartyForm(o.PartyForm) {
		l.Add("party_form", "party_form.invalid")
	}
	o.Category = strings.TrimSpace(o.Category)
	if o.Category == "" {
		o.Category = GuessCategory(o.Domains, o.Name+o.Description)
	}
	if o.Category != "" && CategoryByCode(o.Category) == nil {
		l.Add("category", "category.invalid")
	}
	o.Domains = cleanTags(o.Domains)
	if len(o.Domains) > 20 {
		l.Add("domains", "domains.too_many", 20)
	}
	if o.StreetID == "" {
		l.Add("street", "field.required")
	}
	o.Description = strings.TrimSpace(o.Description)
	if utf8.RuneCountInString(o.Description) > 2000 {
		l.Add("description", "field.too_long", 2000)
	}
	o.Founded = strings.TrimSpace(o.Founded)
	if o.Founded != "" {
		t, err := time.Parse("2006-01-02", o.Founded)
		if err != nil {
			l.Add("founded", "date.invalid")
		} else if t.After(time.Now()) {
			l.Add("founded", "date.future")
		} else if t.Year() < minFoundedYear {
			l.Add("founded", "date.out_of_range", minFoundedYear, time.Now().Year())
		}
	}
	if o.Staff < 0 || o.Staff > 100000 {
		l.Add("staff", "number.range", 0, 100000)
	}
	if o.Volunteers < 0 || o.Volunteers > 1000000 {
		l.Add("volunteers", "number.range", 0, 1000000)
	}
	o.ContactName = strings.TrimSpace(o.ContactName)
	if utf8.RuneCountInString(o.ContactName) > 50 {
		l.Add("contact_name", "field.too_long", 50)
	}
	if strings.TrimSpace(o.ContactPhone) != "" {
		// A bad number stays as typed (to show it again), not blanked.
		if p, err := accounts.NormalizePhone(o.ContactPhone); err != nil {
			l.Add("contact_phone", "phone.invalid")
		} else {
			o.ContactPhone = p
		}
	} else {
		o.ContactPhone = ""
	}
	return l.Err()
}

// minFoundedYear bounds a founding date from below: year 1 is a typo.
const minFoundedYear = 1900

func validPartyForm(p PartyForm) bool {
	for _, x := range PartyForms {
		if x == p {
			return true
		}
	}
	return false
}

// cleanTags trims, drops empties and duplicates, keeping order.
func cleanTags(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		for _, part := range strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
			part = strings.TrimSpace(part)
			if part == "" || seen[part] || utf8.RuneCountInString(part) > 30 {
				continue
			}
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}

// ParseRegistration accepts the code or its Chinese label.
func ParseRegistration(s string) (Registration, bool) {
	switch strings.TrimSpace(s) {
	case "registered", "民政登记", "登记":
		return Registered, true
	case "filed", "街道备案", "备案", "":
		return Filed, true
	}
	return Registration(s), false
}

// ParsePartyForm accepts the code or its Chinese label.
func ParsePartyForm(s string) (PartyForm, bool) {
	s = strings.TrimSpace(s)
	for _, p := range PartyForms {
		if string(p) == s || PartyFormLabels[p] == s {
			return p, true
		}
	}
	if s == "" || s == "无" {
		return PartyNone, true
	}
	return PartyForm(s), false
}

// PartyFormLabels are the Chinese labels used in imports and exports.
var PartyFormLabels = map[PartyForm]string{
	PartyIndependent: "单独组建", PartyJoint: "联合组建", PartyInstructor: "派驻党建指导员",
	PartyFunctional: "功能型党支部", PartyNone: "未建立",
}

// RegistrationLabels are the Chinese labels used in imports and exports.
var RegistrationLabels = map[Registration]string{Registered: "民政登记", Filed: "街道备案"}
