package web

import "net/http"

// adminUserDisable closes an account from its admin page (停用账号), with
// a reason for the audit log: no more sign-in, and its sessions and API
// tokens end now (store.DisableUser checks who may, and the last admin).
func (a *app) adminUserDisable(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.DisableUser(r.Context(), id, r.PostFormValue("reason")); err != nil {
		a.formAgain(w, r, "admin_user.html", a.userPage, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+id, "flash.user_disabled")
}

// adminUserEnable opens a disabled account again; its person signs in
// afresh.
func (a *app) adminUserEnable(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.EnableUser(r.Context(), id); err != nil {
		a.formAgain(w, r, "admin_user.html", a.userPage, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+id, "flash.user_enabled")
}
