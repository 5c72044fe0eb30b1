package web

import (
	"net/http"
	"sort"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// meetingActionData is an action item's page: its history and, for its
// owner or coordinators, the update form with the moves they may make.
type meetingActionData struct {
	A    *coordination.Action
	Side coordination.Who
	Next []coordination.Status
	// Meeting says whether the reader may open the meeting (an action's
	// owner may not see the minutes of an unpublished one): a link or a name.
	Meeting bool
}

func (a *app) actionPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	if _, err := actor(r); err != nil {
		return nil, err
	}
	x, err := a.Store.FindActionByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d := &meetingActionData{A: x, Side: store.ActionSide(accounts.ActorFrom(r.Context()), x)}
	if _, err := a.Store.FindMeetingByID(r.Context(), x.MeetingID); err == nil {
		d.Meeting = true
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if d.Side != "" {
		d.Next = coordination.Next(x.Status, d.Side)
	}
	p := a.newPage(w, r, "", d)
	p.Title = x.Title
	return p, nil
}

// actionShow shows an action item.
func (a *app) actionShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.actionPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "meeting_action.html", http.StatusOK, p)
}

// actionUpdate records progress or a status change ("" keeps the status).
func (a *app) actionUpdate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	to := coordination.Status(r.PostFormValue("status"))
	if to == "" {
		x, err := a.Store.FindActionByID(r.Context(), id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		to = x.Status
	}
	if _, err := a.Store.UpdateAction(r.Context(), id, to, r.PostFormValue("note")); err != nil {
		a.formAgain(w, r, "meeting_action.html", a.actionPage, err)
		return
	}
	a.redirect(w, r, "/actions/"+id, "flash.action_updated")
}

// myActionItems lists the live items the signed-in person owns, overdue first.
func (a *app) myActionItems(r *http.Request) ([]*coordination.Action, error) {
	items, err := a.Store.FindActions(r.Context(), store.ActionFilter{Mine: true, LiveOnly: true})
	if err != nil {
		return nil, err
	}
	now := a.Store.Now()
	sort.SliceStable(items, func(i, j int) bool { return items[i].Overdue(now) && !items[j].Overdue(now) })
	return items, nil
}
