package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

type needShowData struct {
	Need      *procurement.Need
	Status    procurement.Status
	Events    []procurement.Event
	Actions   []procurement.Action // simple transitions this actor may take now
	CanEdit   bool
	Private   bool // the viewer sees internal parts (return comment)
	Invited   []string
	Sealed    bool
	Justified bool
	Threshold int64
}

// simpleActions are the transitions made by one button (with an optional note).
var simpleActions = map[procurement.Action]bool{procurement.ActSubmit: true, procurement.ActReturn: true,
	procurement.ActPublish: true, procurement.ActCancel: true, procurement.ActFail: true, procurement.ActClose: true}

// noteRequired lists the actions that need a written reason.
var noteRequired = map[procurement.Action]bool{procurement.ActReturn: true, procurement.ActCancel: true, procurement.ActFail: true}

func (a *app) needPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	events, err := a.Store.FindNeedEvents(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(ctx)
	now := a.Store.Now()
	d := &needShowData{Need: n, Status: n.EffectiveStatus(now), Events: events, Sealed: n.Sealed(now),
		Private: procurement.CanViewPrivate(n, actor)}
	for _, act := range procurement.Actions(n, actor, now) {
		if simpleActions[act] {
			d.Actions = append(d.Actions, act)
		}
		if act == procurement.ActEdit {
			d.CanEdit = true
		}
	}
	for _, id := range n.InvitedOrgIDs {
		if o, err := a.Store.FindOrganizationByID(ctx, id); err == nil {
			d.Invited = append(d.Invited, o.Name)
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = n.Title
	return p, nil
}

func (a *app) needShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.needPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "need_show.html", http.StatusOK, p)
}

// needAction takes one simple transition (submit, return, publish, cancel,
// fail, close) with its note.
func (a *app) needAction(w http.ResponseWriter, r *http.Request) {
	id, act := r.PathValue("id"), procurement.Action(r.PathValue("action"))
	if !simpleActions[act] {
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
		return
	}
	if _, err := a.Store.TransitionNeed(r.Context(), id, act, r.PostFormValue("note"), a.Config.Rules()); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPage, err)
		return
	}
	a.redirect(w, r, "/needs/"+id, "flash.need_"+string(act))
}
