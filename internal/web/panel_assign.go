package web

import "net/http"

// panelAssign names the need's reviewers (the street).
func (a *app) panelAssign(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.AssignPanel(r.Context(), id, r.PostForm["reviewers"]); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("panel"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#evaluation", "flash.panel_assigned")
}
