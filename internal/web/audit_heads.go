package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/audit"
)

type auditHeadsData struct {
	Days  []audit.DayHead
	Total int64
}

// auditHeads publishes the audit chain's daily heads: for each day
// (Asia/Shanghai) the hash of its last entry and its count. Public, so
// anyone can keep a copy and later check the platform against it
// (docs/audit-heads.md); the same as JSON at /api/v1/audit/heads.
func (a *app) auditHeads(w http.ResponseWriter, r *http.Request) {
	days, err := a.Store.AuditDayHeads(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &auditHeadsData{Days: days}
	if len(days) > 0 {
		d.Total = days[0].LastSeq
	}
	a.render(w, r, "audit_heads.html", http.StatusOK, a.newPage(w, r, "audit_heads.title", d))
}
