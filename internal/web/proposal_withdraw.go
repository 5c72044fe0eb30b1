package web

import "net/http"

// proposalWithdraw withdraws the organization's own live proposal before the deadline.
func (a *app) proposalWithdraw(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.WithdrawProposal(r.Context(), r.PathValue("pid")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("own"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#proposals", "flash.proposal_withdrawn")
}
