package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/audit"
)

type auditData struct {
	Entries  []*audit.Entry
	Total    int
	Filter   audit.Filter
	Query    url.Values
	Verified bool
	Break    *audit.Break
	Checked  int64
}

func (a *app) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Action: q.Get("action"), ObjectKind: q.Get("kind"), ObjectID: q.Get("object"), PerPage: 50}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	entries, total, err := a.Store.FindAuditEntries(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &auditData{Entries: entries, Total: total, Filter: f, Query: q}
	if q.Get("verify") == "1" {
		d.Verified = true
		if d.Break, d.Checked, err = a.Store.VerifyAudit(r.Context()); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.render(w, r, "admin_audit.html", http.StatusOK, a.newPage(w, r, "admin.audit", d))
}
