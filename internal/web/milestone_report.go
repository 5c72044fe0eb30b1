package web

import (
	"net/http"
)

// milestoneReport is the supplier's progress report on one milestone, with
// files and photos (multipart).
func (a *app) milestoneReport(w http.ResponseWriter, r *http.Request) {
	id, mid := r.PathValue("id"), r.PathValue("mid")
	again := func(err error) { a.formAgain(w, r, "need_show.html", a.needPageFor("report:"+mid), err) }
	files, err := readUploads(w, r)
	if err != nil {
		again(err)
		return
	}
	if _, err := a.Store.ReportProgress(r.Context(), id, mid, r.PostFormValue("text"), files); err != nil {
		again(err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#milestone-"+mid, "flash.progress_reported")
}
