package web

import (
	"net/http"
)

// needCategory records the category staff chose for a need, correcting the
// platform's guess; the recommendations follow it.
func (a *app) needCategory(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Store.SetNeedCategory(r.Context(), id, r.PostFormValue("category")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("category"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#match-category", "flash.recommend_category_saved")
}
