package web

import "net/http"

// needAccept is the community's acceptance (验收) of delivered work, with
// its result comment.
func (a *app) needAccept(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.AcceptDelivery(r.Context(), id, r.PostFormValue("comment")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("accept"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#delivery", "flash.need_accepted")
}

// needReject sends delivered work back with the community's comment.
func (a *app) needReject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.RejectDelivery(r.Context(), id, r.PostFormValue("comment")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("reject"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#delivery", "flash.delivery_rejected")
}
