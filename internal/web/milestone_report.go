package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// maxReportBody bounds a progress report's request: every file at the
// store's limit, and room for the text and the form's own parts.
const maxReportBody = store.MaxDocuments*store.MaxDocumentBytes + 1<<20

// milestoneReport is the supplier's progress report on one milestone, with
// files and photos (multipart).
func (a *app) milestoneReport(w http.ResponseWriter, r *http.Request) {
	id, mid := r.PathValue("id"), r.PathValue("mid")
	again := func(err error) { a.formAgain(w, r, "need_show.html", a.needPageFor("report:"+mid), err) }
	r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		again(errs.Field("file", "document.request_too_large", store.MaxDocumentBytes>>20))
		return
	}
	var files []store.Upload
	if r.MultipartForm != nil {
		heads := r.MultipartForm.File["files"]
		if len(heads) > store.MaxDocuments {
			again(errs.Field("file", "document.too_many", store.MaxDocuments))
			return
		}
		for _, h := range heads {
			if h.Filename == "" && h.Size == 0 {
				continue // the empty file input of a form sent without files
			}
			f, err := h.Open()
			if err != nil {
				a.fail(w, r, err)
				return
			}
			// One byte past the limit is enough for the store to refuse it by name.
			content, err := io.ReadAll(io.LimitReader(f, store.MaxDocumentBytes+1))
			f.Close()
			if err != nil {
				a.fail(w, r, err)
				return
			}
			files = append(files, store.Upload{Name: h.Filename, Type: h.Header.Get("Content-Type"), Content: content})
		}
	}
	if _, err := a.Store.ReportProgress(r.Context(), id, mid, r.PostFormValue("text"), files); err != nil {
		again(err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#milestone-"+mid, "flash.progress_reported")
}
