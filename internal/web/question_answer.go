package web

import "net/http"

// questionAnswer answers a question publicly (the need's street or community).
func (a *app) questionAnswer(w http.ResponseWriter, r *http.Request) {
	qid := r.PathValue("qid")
	q, err := a.Store.AnswerQuestion(r.Context(), qid, r.PostFormValue("answer"))
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("answer:"+qid), err)
		return
	}
	a.redirect(w, r, "/needs/"+q.NeedID+"#qa", "flash.question_answered")
}
