package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// document sends a stored file: to those who may read it (the store
// decides; anyone else gets not found), with the type decided from its
// bytes at upload. Images open in the browser; everything else downloads.
func (a *app) document(w http.ResponseWriter, r *http.Request) {
	d, content, err := a.Store.FindDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	disposition := "attachment"
	if strings.HasPrefix(d.Type, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", d.Type)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": d.Name}))
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("X-Content-Type-Options", "nosniff")
	// A file is never a page: no scripts, no plugins, even opened directly.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+d.SHA256+`"`)
	if r.Header.Get("If-None-Match") == `"`+d.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(content)
	}
}
