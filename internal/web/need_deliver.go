package web

import "net/http"

// needDeliver is the supplier's declaration that the work is done.
func (a *app) needDeliver(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.Deliver(r.Context(), id); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("deliver"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#delivery", "flash.need_delivered")
}
