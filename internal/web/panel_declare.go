package web

import "net/http"

// panelDeclare records a reviewer's declaration of interests, once.
func (a *app) panelDeclare(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	conflicted := r.PostFormValue("conflicted") == "yes"
	if err := a.Store.DeclareInterest(r.Context(), id, conflicted, r.PostFormValue("statement")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("declare"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#evaluation", "flash.interest_declared")
}
