package web

import (
	"bytes"
	"net/http"

	"github.com/huitian/huitian/internal/activities"
)

// activityAttendanceExport downloads an activity's attendance as CSV (or
// XLSX with ?format=xlsx): names for its organizer and the place's staff,
// masked for auditors, never a phone number.
func (a *app) activityAttendanceExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, _, err := a.Store.FindAttendanceExport(ctx, act.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if r.URL.Query().Get("format") == "xlsx" {
		ext, ctype = ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = activities.WriteAttendanceXLSX(&buf, act, list)
	} else {
		err = activities.WriteAttendanceCSV(&buf, act, list)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="huitian-attendance-`+act.StartsAt.In(a.loc).Format("20060102")+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}
