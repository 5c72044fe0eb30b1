package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// maxUploadBody bounds a request that carries files (a progress report, a
// need's attachments, a proposal): every file at the store's limit, and
// room for the text fields and the form's own parts. The server's own body
// limit (server.limitBody) lets these paths through with its upload bound.
const maxUploadBody = store.MaxDocuments*store.MaxDocumentBytes + 1<<20

// readUploads reads the "files" of a multipart form. A form sent without
// multipart (no files at all) gives none. Problems are field errors on
// "file", shown beside the form's file input.
func readUploads(w http.ResponseWriter, r *http.Request) ([]store.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, errs.Field("file", "document.request_too_large", store.MaxDocumentBytes>>20)
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	heads := r.MultipartForm.File["files"]
	if len(heads) > store.MaxDocuments {
		return nil, errs.Field("file", "document.too_many", store.MaxDocuments)
	}
	var files []store.Upload
	for _, h := range heads {
		if h.Filename == "" && h.Size == 0 {
			continue // the empty file input of a form sent without files
		}
		f, err := h.Open()
		if err != nil {
			return nil, errs.Wrap(err, "open uploaded file")
		}
		// One byte past the limit is enough for the store to refuse it by name.
		content, err := io.ReadAll(io.LimitReader(f, store.MaxDocumentBytes+1))
		f.Close()
		if err != nil {
			return nil, errs.Wrap(err, "read uploaded file")
		}
		files = append(files, store.Upload{Name: h.Filename, Type: h.Header.Get("Content-Type"), Content: content})
	}
	return files, nil
}

// needAttach adds files to a need (multipart): its drafters while it is a
// draft, the street while it is open for proposals.
func (a *app) needAttach(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	again := func(err error) { a.formAgain(w, r, "need_show.html", a.needPageFor("attach"), err) }
	files, err := readUploads(w, r)
	if err != nil {
		again(err)
		return
	}
	if _, err := a.Store.AttachToNeed(r.Context(), id, files); err != nil {
		again(err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#attachments", "flash.attachments_added")
}

// needDetach removes one attachment from a draft need.
func (a *app) needDetach(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.RemoveNeedAttachment(r.Context(), r.PathValue("did")); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("attach"), err)
		return
	}
	a.redirect(w, r, "/needs/"+id+"#attachments", "flash.attachment_removed")
}
