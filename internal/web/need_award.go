package web

import "net/http"

// needAward awards the need to one proposal with a written reason (the street).
func (a *app) needAward(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.AwardNeed(r.Context(), id, r.PostFormValue("proposal_id"), r.PostFormValue("reason")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("award"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#award", "flash.need_awarded")
}
