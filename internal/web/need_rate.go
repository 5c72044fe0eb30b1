package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/errs"
)

// needRate records the signed-in person's satisfaction (1–5 stars) with an
// accepted project; rating again replaces their earlier rating.
func (a *app) needRate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	stars, ok := atoi(r.PostFormValue("stars"))
	var err error
	if !ok || stars == 0 {
		err = errs.Field("stars", "rating.choose_stars")
	} else {
		err = a.Store.RateNeed(r.Context(), id, stars, r.PostFormValue("comment"))
	}
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("rating"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#ratings", "flash.need_rated")
}
