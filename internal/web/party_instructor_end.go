package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/errs"
)

// partyInstructorEnd ends an instructor's assignment on a date; the
// history keeps it with its end.
func (a *app) partyInstructorEnd(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	until, perr := a.partyDate(r, "party_until")
	err := a.Store.EndInstructor(r.Context(), r.PathValue("id"), r.PathValue("iid"), until)
	a.partyDone(w, r, errs.Unparsed(err, perr))
}
