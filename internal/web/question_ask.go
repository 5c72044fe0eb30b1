package web

import "net/http"

// questionAsk asks a public question on a need for the asker's organization.
func (a *app) questionAsk(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.AskQuestion(r.Context(), id, r.PostFormValue("org_id"), r.PostFormValue("text")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("question"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#qa", "flash.question_asked")
}
