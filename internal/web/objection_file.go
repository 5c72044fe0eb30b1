package web

import "net/http"

// objectionFile files an objection to the award in its objection period
// (anyone signed in).
func (a *app) objectionFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.FileObjection(r.Context(), id, r.PostFormValue("text")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("objection"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#objections", "flash.objection_filed")
}
