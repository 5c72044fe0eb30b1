package api

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// documentList is a list of files with their hashes.
type documentList struct {
	Items []documentJSON `json:"items"`
}

func documentsOut(docs []procurement.Document) []documentJSON {
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		out = append(out, documentOut(d))
	}
	return out
}

// listAttachments: GET /api/v1/needs/{id}/attachments — a need's files,
// as public as the need (a draft's for those who may see the draft).
func (a *API) listAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	docs, err := a.store.FindNeedAttachments(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, documentList{Items: documentsOut(docs)})
}

// attachToNeed: POST /api/v1/needs/{id}/attachments — multipart/form-data
// with one or more "files" parts, by whoever may edit the need now → 201
// with the files added.
func (a *API) attachToNeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	multipart, err := bodyKind(r)
	if err == nil && !multipart {
		err = unsupportedType()
	}
	if err != nil {
		// Who may attach is settled before the body is answered: the
		// store, given no file, checks the caller and then refuses the
		// empty upload (invalid); any other answer is the caller's.
		if _, access := a.store.AttachToNeed(r.Context(), id, nil); !errs.Is(access, errs.Invalid) {
			return access
		}
		return err
	}
	_, files, err := a.readMultipart(w, r)
	if err != nil {
		return err
	}
	docs, err := a.store.AttachToNeed(r.Context(), id, files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, documentList{Items: documentsOut(docs)})
}

// removeAttachment: DELETE /api/v1/needs/{id}/attachments/{did} — removes
// one file of a draft need → 204.
func (a *API) removeAttachment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	did, err := pathID(r, "did", "document")
	if err != nil {
		return err
	}
	if err := a.decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	ctx := r.Context()
	docs, err := a.store.FindNeedAttachments(ctx, id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(docs, func(d procurement.Document) bool { return d.ID == did }) {
		return errs.E(errs.NotFound, "notfound.document")
	}
	if err := a.store.RemoveNeedAttachment(ctx, did); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// bodyKind tells a multipart/form-data body from a JSON one (the default
// when no type is given); any other type is refused.
func bodyKind(r *http.Request) (multipart bool, err error) {
	if r.Header.Get("Content-Type") == "" {
		return false, nil
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return false, unsupportedType()
	case ct == "application/json":
		return false, nil
	case ct == "multipart/form-data":
		return true, nil
	}
	return false, unsupportedType()
}

// readMultipart reads a multipart/form-data body, bounded by the upload
// limit: the text fields named in fields (each at most once, without NUL;
// any other field is refused) and the "files" parts.
func (a *API) readMultipart(w http.ResponseWriter, r *http.Request, fields ...string) (map[string]string, []store.Upload, error) {
	if r.ContentLength > a.maxUpload {
		return nil, nil, tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.maxUpload)
	if err := r.ParseMultipartForm(maxReportMemory); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, nil, tooLarge()
		}
		return nil, nil, errs.E(errs.Invalid, "api.multipart_invalid")
	}
	defer r.MultipartForm.RemoveAll()
	form := r.MultipartForm
	for name := range form.Value {
		if !slices.Contains(fields, name) {
			return nil, nil, errs.Field(name, "api.body_unknown_field", name)
		}
	}
	for name := range form.File {
		if name != "files" {
			return nil, nil, errs.Field(name, "api.body_unknown_field", name)
		}
	}
	values := map[string]string{}
	for name, vs := range form.Value {
		if len(vs) > 1 {
			return nil, nil, errs.Field(name, "api.multipart_repeated", name)
		}
		if strings.ContainsRune(vs[0], 0) {
			return nil, nil, errs.Field(name, "api.body_nul")
		}
		if !utf8.ValidString(vs[0]) {
			return nil, nil, errs.Field(name, "api.body_bad_utf8")
		}
		values[name] = vs[0]
	}
	if len(form.File["files"]) > store.MaxDocuments {
		return nil, nil, errs.Field("file", "document.too_many", store.MaxDocuments)
	}
	var files []store.Upload
	for _, fh := range form.File["files"] {
		b, err := readPart(fh)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, store.Upload{Name: fh.Filename, Type: fh.Header.Get("Content-Type"), Content: b})
	}
	return values, files, nil
}
