package web

import "net/http"

// adminActivityFlagDismiss dismisses an attendance flag with a reason; it
// leaves the list.
func (a *app) adminActivityFlagDismiss(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.DismissActivityFlag(r.Context(), r.PostFormValue("street"), r.PostFormValue("key"),
		r.PostFormValue("reason")); err != nil {
		a.formAgain(w, r, "admin_activity_flags.html", a.activityFlagsPage, err)
		return
	}
	a.redirect(w, r, "/admin/activity-flags", "flash.flags_dismissed")
}

// adminRedemptionFlagDismiss dismisses a flagged redemption with a reason.
func (a *app) adminRedemptionFlagDismiss(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.DismissRedemptionFlag(r.Context(), r.PathValue("id"), r.PostFormValue("reason")); err != nil {
		a.formAgain(w, r, "admin_points.html", a.pointsFlagsPage, err)
		return
	}
	a.redirect(w, r, "/admin/points", "flash.flags_dismissed")
}
