package web

import (
	"net/http"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
)

// meetingShowData is a meeting's page: the public summary and resolutions
// for everyone; the minutes, the items and the forms for its coordinators.
type meetingShowData struct {
	M       *coordination.Meeting
	Private bool // may read the minutes and items
	CanEdit bool // the meeting's coordinators
	// Owner choices for a new item: streets, communities, the organizations present.
	Streets     []*places.Street
	Communities []*places.Community
	Orgs        []coordination.Party
}

func (a *app) meetingPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	m, err := a.Store.FindMeetingByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	u := accounts.ActorFrom(ctx)
	d := &meetingShowData{M: m, Private: accounts.Allowed(u, accounts.ViewPrivate, m.Resource()),
		CanEdit: accounts.Allowed(u, accounts.Update, m.Resource())}
	if d.CanEdit {
		// Only the owners the meeting may give work to (Meeting.MayOwn).
		streets, err := a.Store.FindStreets(ctx)
		if err != nil {
			return nil, err
		}
		for _, st := range streets {
			if m.MayOwn(coordination.OwnerStreet, st.ID, st.ID) {
				d.Streets = append(d.Streets, st)
			}
		}
		communities, err := a.Store.FindCommunities(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, cm := range communities {
			if m.MayOwn(coordination.OwnerCommunity, cm.ID, cm.StreetID) {
				d.Communities = append(d.Communities, cm)
			}
		}
		for _, p := range m.Parties {
			if p.Kind == coordination.OwnerOrganization {
				d.Orgs = append(d.Orgs, p)
			}
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = m.Title
	p.Form.Set("minutes", m.Minutes)
	p.Form.Set("summary", m.Summary)
	p.Form.Set("due", a.Store.Now().In(a.loc).AddDate(0, 1, 0).Format(formDate))
	return p, nil
}

// meetingShow shows the meeting.
func (a *app) meetingShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.meetingPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "meeting_show.html", http.StatusOK, p)
}

// meetingUpdate saves the minutes and the summary, and publishes or
// withdraws the summary.
func (a *app) meetingUpdate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	minutes, summary, pub := r.PostFormValue("minutes"), r.PostFormValue("summary"), r.PostFormValue("publish") == "1"
	if _, err := a.Store.UpdateMeeting(r.Context(), r.PathValue("id"),
		store.MeetingUpdate{Minutes: &minutes, Summary: &summary, Published: &pub}); err != nil {
		a.formAgain(w, r, "meeting_show.html", a.meetingPage, err)
		return
	}
	a.redirect(w, r, "/meetings/"+r.PathValue("id"), "flash.meeting_saved")
}

// meetingResolution adds a resolution.
func (a *app) meetingResolution(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Store.AddResolution(r.Context(), r.PathValue("id"), r.PostFormValue("resolution")); err != nil {
		a.formAgain(w, r, "meeting_show.html", a.meetingPage, err)
		return
	}
	a.redirect(w, r, "/meetings/"+r.PathValue("id")+"#resolutions", "flash.resolution_added")
}

// meetingAction hands a new action item to an owner ("kind:id").
func (a *app) meetingAction(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	kind, id, _ := strings.Cut(r.PostFormValue("owner"), ":")
	x := &coordination.Action{MeetingID: r.PathValue("id"), ResolutionID: r.PostFormValue("resolution_id"),
		Title: r.PostFormValue("title"), OwnerKind: coordination.OwnerKind(kind), OwnerID: id}
	var err error
	if phone := strings.TrimSpace(r.PostFormValue("owner_phone")); phone != "" {
		// A person as the owner, named by their mobile number; who may
		// assign is checked before the number is looked up.
		x.OwnerKind, x.OwnerID, err = a.ownerByPhone(r, phone)
	}
	if err == nil {
		// A due day that is not a date is said on its field, with what the
		// domain finds wrong in the rest, so one submit names every problem;
		// an item in order goes to the store, which checks who may.
		var l errs.List
		x.Due = readDay(&l, "due", r.PostFormValue("due"), a.loc)
		if err = unreadAs(x.Validate(), l, nil); err == nil {
			err = a.Store.AddAction(r.Context(), x)
		}
		if e := errs.As(err); err != nil && x.OwnerKind == coordination.OwnerUser && e.Field == "owner" {
			err = errs.Field("owner_phone", e.Key, e.Args...) // the person was named in that field
		}
	}
	if err != nil {
		a.formAgain(w, r, "meeting_show.html", a.meetingPage, err)
		return
	}
	a.redirect(w, r, "/meetings/"+r.PathValue("id")+"#actions", "flash.action_added")
}

// ownerByPhone resolves the person who will own an item, for the meeting's
// coordinators only.
func (a *app) ownerByPhone(r *http.Request, phone string) (coordination.OwnerKind, string, error) {
	m, err := a.Store.FindMeetingByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", "", err
	}
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.Update, m.Resource()); err != nil {
		return "", "", err
	}
	u, err := a.Store.FindUserByPhone(r.Context(), phone)
	if err != nil || u.Disabled {
		return "", "", errs.Field("owner_phone", "invalid.reference_staff")
	}
	return coordination.OwnerUser, u.ID, nil
}
