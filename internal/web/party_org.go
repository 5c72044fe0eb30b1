package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

// partyData is the party-building section of an organization's page.
type partyData struct {
	Rec *coordination.PartyRecord
	// Keep: the viewer keeps the record (its street's staff, the coordinators).
	Keep bool
	// Visitor holds the instructor assignments whose visits the viewer may log.
	Visitor     map[string]bool
	Streets     []*places.Street    // partners a pair may name
	Communities []*places.Community // the organization's street's
}

// loadParty fills the section for the organization's page.
func (a *app) loadParty(r *http.Request, o *registry.Organization) (*partyData, error) {
	ctx := r.Context()
	rec, err := a.Store.FindPartyRecord(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	u := accounts.ActorFrom(ctx)
	d := &partyData{Rec: rec, Visitor: map[string]bool{},
		Keep: accounts.Allowed(u, accounts.Update, coordination.PartyResource(o.ID, o.StreetID, ""))}
	for _, in := range rec.Instructors {
		d.Visitor[in.ID] = accounts.Allowed(u, accounts.Create, coordination.PartyResource(o.ID, o.StreetID, in.UserID))
	}
	if d.Keep {
		if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
			return nil, err
		}
		if d.Communities, err = a.Store.FindCommunities(ctx, o.StreetID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// partyFields renames a party form's field errors (party_since …) so they
// do not mark the other forms of the organization's page.
func partyFields(err error) error {
	fields := errs.Fields(err)
	if len(fields) == 0 {
		return err
	}
	var l errs.List
	for _, f := range fields {
		c := *f
		c.Field = "party_" + f.Field
		l = append(l, &c)
	}
	return l.Err()
}

// partyDate parses a form date; the zero time when it does not parse (the
// domain then reports the field as required).
func (a *app) partyDate(r *http.Request, field string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(formDate, v, a.loc)
	if err != nil {
		return time.Time{}, errs.Field(strings.TrimPrefix(field, "party_"), "date.invalid")
	}
	if !timeInRange(t) {
		return time.Time{}, errs.Field(strings.TrimPrefix(field, "party_"), "date.out_of_range", minYear, maxYear)
	}
	return t, nil
}

// partyDone answers a party form: back to the organization's page, or the
// page again with the form's errors.
func (a *app) partyDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		a.formAgain(w, r, "org_show.html", a.orgPage, partyFields(err))
		return
	}
	a.redirect(w, r, "/organizations/"+r.PathValue("id")+"#party", "flash.party_saved")
}

// partyForm records a change of the party-organization form.
func (a *app) partyForm(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	since, perr := a.partyDate(r, "party_since")
	err := a.Store.RecordPartyForm(r.Context(), &coordination.FormChange{OrgID: r.PathValue("id"),
		Form: registry.PartyForm(r.PostFormValue("party_form")), Since: since, Note: r.PostFormValue("party_note")})
	a.partyDone(w, r, errs.Unparsed(err, perr))
}

// partyPairing pairs the organization with a community or street ("kind:id").
func (a *app) partyPairing(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	kind, id, _ := strings.Cut(r.PostFormValue("party_partner"), ":")
	since, perr := a.partyDate(r, "party_since")
	err := a.Store.CreatePairing(r.Context(), &coordination.Pairing{OrgID: r.PathValue("id"),
		PartnerKind: coordination.OwnerKind(kind), PartnerID: id, Since: since, Note: r.PostFormValue("party_note")})
	a.partyDone(w, r, errs.Unparsed(err, perr))
}

// partyActivity records a pair's joint activity.
func (a *app) partyActivity(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	on, perr := a.partyDate(r, "party_on")
	err := a.Store.AddJointActivity(r.Context(), &coordination.JointActivity{PairingID: r.PathValue("pid"), On: on,
		Title: r.PostFormValue("party_title"), Note: r.PostFormValue("party_note")})
	a.partyDone(w, r, errs.Unparsed(err, perr))
}

// partyInstructor assigns an instructor, named by their mobile number.
func (a *app) partyInstructor(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.Store.FindOrganizationByID(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Who may assign is checked before a phone number is looked up.
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.Update, coordination.PartyResource(o.ID, o.StreetID, "")); err != nil {
		a.fail(w, r, err)
		return
	}
	since, err := a.partyDate(r, "party_since")
	if err == nil {
		var u *accounts.User
		if u, err = a.Store.FindUserByPhone(r.Context(), strings.TrimSpace(r.PostFormValue("party_phone"))); err != nil {
			err = errs.Field("user", "invalid.reference_user")
		} else {
			err = a.Store.AssignInstructor(r.Context(), &coordination.Instructor{OrgID: r.PathValue("id"), UserID: u.ID, Since: since})
		}
	}
	a.partyDone(w, r, err)
}

// partyVisit records an instructor's visit.
func (a *app) partyVisit(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	on, perr := a.partyDate(r, "party_on")
	err := a.Store.LogVisit(r.Context(), &coordination.Visit{InstructorID: r.PathValue("iid"), On: on, Note: r.PostFormValue("party_note")})
	a.partyDone(w, r, errs.Unparsed(err, perr))
}
