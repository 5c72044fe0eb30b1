package web

import "net/http"

// objectionAnswer answers an objection publicly (the need's street).
func (a *app) objectionAnswer(w http.ResponseWriter, r *http.Request) {
	oid := r.PathValue("oid")
	o, err := a.Store.AnswerObjection(r.Context(), oid, r.PostFormValue("answer"))
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("objection:"+oid), err)
		return
	}
	a.redirect(w, r, "/needs/"+o.NeedID+"#objections", "flash.objection_answered")
}
