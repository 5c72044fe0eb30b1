package web

import "net/http"

// proposalReconfirm confirms the organization's proposal still stands after
// the need was changed.
func (a *app) proposalReconfirm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.ReconfirmProposal(r.Context(), r.PathValue("pid")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("own"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#proposals", "flash.proposal_reconfirmed")
}
