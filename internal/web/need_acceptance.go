package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

// needAccept is the community's acceptance (验收) of delivered work, with
// its result comment and how many people it reached (blank: not reported).
func (a *app) needAccept(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	people, err := 0, error(nil)
	if s := strings.TrimSpace(r.PostFormValue("beneficiaries")); s != "" {
		if people, err = strconv.Atoi(s); err != nil {
			err = errs.Field("beneficiaries", "number.invalid")
		}
	}
	if err == nil {
		err = a.Store.AcceptDelivery(r.Context(), id, r.PostFormValue("comment"), people)
	}
	if err != nil {
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
