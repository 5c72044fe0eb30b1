package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

type usersData struct {
	Users []*accounts.User
	Total int
	// CountOver: there are more than Filter.CountUpTo users (Total is not exact).
	CountOver bool
	Filter    store.UserFilter
	Query     url.Values
}

// userCountUpTo is as far as the list of users counts: a city has a
// million residents (past it: "more than 1,000 users"; later pages open).
const userCountUpTo = 1000

func (a *app) usersPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	q := r.URL.Query()
	f := store.UserFilter{Query: q.Get("q"), PerPage: 50, CountUpTo: userCountUpTo}
	if role := accounts.Role(q.Get("role")); accounts.ValidRole(role) {
		f.Role = role
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	users, total, err := a.Store.FindUsers(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return a.newPage(w, r, "admin.users", &usersData{Users: users, Total: total, CountOver: total > userCountUpTo, Filter: f, Query: q}), nil
}

func (a *app) adminUsers(w http.ResponseWriter, r *http.Request) {
	p, err := a.usersPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_users.html", http.StatusOK, p)
}

// grantFromForm reads role and scope (id, key or exact name) from a form.
func (a *app) grantFromForm(r *http.Request) (accounts.Grant, error) {
	g := accounts.Grant{Role: accounts.Role(r.PostFormValue("role"))}
	if !accounts.ValidRole(g.Role) {
		return g, errs.Field("role", "role.invalid")
	}
	id, err := a.Store.ResolveScope(r.Context(), g.Role, r.PostFormValue("scope"))
	g.ScopeID = id
	return g, err
}

func (a *app) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	p, err := a.usersPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u := &accounts.User{Phone: r.PostFormValue("phone"), Name: r.PostFormValue("name")}
	g, err := a.grantFromForm(r)
	if err == nil && accounts.StaffRole(g.Role) {
		if err = accounts.ValidatePassword(r.PostFormValue("password")); err == nil {
			u.PasswordHash, err = a.Passwords.Hash(r.Context(), r.PostFormValue("password"))
		}
	}
	if err == nil {
		u.Grants = []accounts.Grant{g}
		err = a.Store.CreateUser(r.Context(), u)
	}
	if err != nil {
		a.formFailed(w, r, "admin_users.html", p, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+u.ID, "flash.user_created")
}

func (a *app) userPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser}); err != nil {
		return nil, err
	}
	u, err := a.Store.FindUserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "", u)
	p.Title = u.Name
	return p, nil
}

func (a *app) adminUser(w http.ResponseWriter, r *http.Request) {
	p, err := a.userPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_user.html", http.StatusOK, p)
}

func (a *app) adminGrantAdd(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	g, err := a.grantFromForm(r)
	if err == nil {
		g.UserID = id
		err = a.Store.AddGrant(r.Context(), &g)
	}
	if err != nil {
		a.formAgain(w, r, "admin_user.html", a.userPage, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+id, "flash.role_added")
}

func (a *app) adminGrantRemove(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.RemoveGrant(r.Context(), id, r.PathValue("gid")); err != nil {
		a.formAgain(w, r, "admin_user.html", a.userPage, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+id, "flash.role_removed")
}

// adminPasswordReset sets a new password for a user who forgot theirs.
func (a *app) adminPasswordReset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// Only admins reset; people change their own password on /me, with the old one.
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser, ID: id}); err != nil {
		a.fail(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	err := accounts.ValidatePassword(pw)
	var hash string
	if err == nil {
		hash, err = a.Passwords.Hash(r.Context(), pw)
	}
	if err == nil {
		err = a.Store.SetPassword(r.Context(), id, hash)
	}
	if err != nil {
		a.formAgain(w, r, "admin_user.html", a.userPage, err)
		return
	}
	a.redirect(w, r, "/admin/users/"+id, "flash.password_reset")
}
