package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/audit"
)

// auditHeadsJSON is GET /api/v1/audit/heads: the audit chain's daily heads.
type auditHeadsJSON struct {
	Timezone    string          `json:"timezone"`
	ChainLength int64           `json:"chain_length"`
	Days        []audit.DayHead `json:"days"`
}

// auditHeads publishes, for each day (Asia/Shanghai), the hash of the
// day's last audit entry and the day's count, so outsiders can save them
// and hold the platform to them (`huitian audit verify --heads FILE`).
// Anonymous: hashes and counts name no one.
func (a *API) auditHeads(w http.ResponseWriter, r *http.Request) error {
	days, err := a.store.AuditDayHeads(r.Context())
	if err != nil {
		return err
	}
	out := auditHeadsJSON{Timezone: "Asia/Shanghai", Days: days}
	if out.Days == nil {
		out.Days = []audit.DayHead{}
	}
	if len(days) > 0 {
		out.ChainLength = days[0].LastSeq
	}
	return writeJSON(w, http.StatusOK, out)
}
