package web

import (
	"net/http"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// meetingListData is the joint meetings page: the published summaries for
// everyone; for coordinators also the internal meetings and the overview
// of action items that are overdue or still open.
type meetingListData struct {
	Meetings  []*coordination.Meeting
	Overdue   []*coordination.Action
	Live      int
	Done      int
	CanCreate bool
	Private   bool
}

// meetingList shows the joint meetings and, to coordinators, the overdue items.
func (a *app) meetingList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	d := &meetingListData{CanCreate: len(a.convenerChoices(r)) > 0}
	var err error
	if d.Meetings, err = a.Store.FindMeetings(ctx, store.MeetingFilter{Year: year}); err != nil {
		a.fail(w, r, err)
		return
	}
	// Coordinators (and auditors) get the overview of the items they
	// oversee: of the meetings they may read in full and, for a street's
	// staff, owned in their street (the dashboard's overdue count).
	d.Private = u.IsStaff() && (u.Has(accounts.PlatformAdmin) || u.Has(accounts.Auditor) || u.Has(accounts.StreetStaff))
	if d.Private {
		all, err := a.Store.FindActions(ctx, store.ActionFilter{})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d.Overdue, d.Live, d.Done = coordination.Overview(all, a.Store.Now())
	}
	a.render(w, r, "meeting_list.html", http.StatusOK, a.newPage(w, r, "meeting.list_title", d))
}

// convener is one choice of who convenes a meeting: the district ("") or a street.
type convener struct {
	StreetID, Name string
}

// convenerChoices lists where the actor may convene a meeting.
func (a *app) convenerChoices(r *http.Request) []convener {
	u := accounts.ActorFrom(r.Context())
	if u == nil {
		return nil
	}
	var out []convener
	if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindMeeting}) {
		out = append(out, convener{"", a.Catalog.T(server.Lang(r), "meeting.district")})
	}
	streets, err := a.Store.FindStreets(r.Context())
	if err != nil {
		return out
	}
	for _, st := range streets {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindMeeting, StreetID: st.ID}) {
			out = append(out, convener{st.ID, st.Name})
		}
	}
	return out
}
