package web

import "net/http"

// milestoneAccept is the community's acceptance of a reported milestone.
func (a *app) milestoneAccept(w http.ResponseWriter, r *http.Request) {
	id, mid := r.PathValue("id"), r.PathValue("mid")
	if err := a.Store.AcceptMilestone(r.Context(), id, mid); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("stone:"+mid), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#milestone-"+mid, "flash.milestone_accepted")
}

// milestoneReturn sends a reported milestone back with the community's comment.
func (a *app) milestoneReturn(w http.ResponseWriter, r *http.Request) {
	id, mid := r.PathValue("id"), r.PathValue("mid")
	if err := a.Store.ReturnMilestone(r.Context(), id, mid, r.PostFormValue("comment")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("stone:"+mid), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#milestone-"+mid, "flash.milestone_returned")
}
