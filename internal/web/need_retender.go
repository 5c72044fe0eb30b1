package web

import (
	"net/http"
)

// needRetender starts a new draft from a failed need (the store copies the
// request, budget, rules and criteria and links the two) and opens it for
// editing.
func (a *app) needRetender(w http.ResponseWriter, r *http.Request) {
	n, err := a.Store.RetenderNeed(r.Context(), r.PathValue("id"), a.Config.Rules())
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("retender"), err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID+"/edit", "flash.need_retendered")
}
