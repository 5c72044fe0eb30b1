package web

import (
	"net"
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
)

func (a *app) me(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &meData{Recs: a.loadRecommendations(r, u)}
	if d.GrantTodos, err = a.Store.FindGrantTodos(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	if d.Items, err = a.myActionItems(r); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "me.html", http.StatusOK, a.newPage(w, r, "me.title", d))
}

func (a *app) mePassword(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "me.title", nil)
	if u.PasswordHash != "" {
		ok, err := a.Passwords.Check(r.Context(), u.PasswordHash, r.PostFormValue("current"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			a.formFailed(w, r, "me.html", p, errs.Field("current", "me.current_wrong"))
			return
		}
	}
	next := r.PostFormValue("password")
	if err := accounts.ValidatePassword(next); err != nil {
		a.formFailed(w, r, "me.html", p, err)
		return
	}
	if next != r.PostFormValue("confirm") {
		a.formFailed(w, r, "me.html", p, errs.Field("confirm", "me.confirm_mismatch"))
		return
	}
	hash, err := a.Passwords.Hash(r.Context(), next)
	if err == nil {
		err = a.Store.SetPassword(r.Context(), u.ID, hash)
	}
	if err == nil {
		// Every session ended with the old password; this browser gets a fresh one.
		err = a.Sessions.SignIn(w, r, u)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/me", "flash.password_changed")
}

func (a *app) setLang(w http.ResponseWriter, r *http.Request) {
	l := i18n.Parse(r.PostFormValue("lang"))
	a.Sessions.SetLang(w, r, l)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// devInbox shows the demo's text messages, to this machine only: a demo
// reachable from the network must not hand out sign-in codes.
func (a *app) devInbox(w http.ResponseWriter, r *http.Request) {
	// Behind a proxy every request comes from loopback: a forwarded request is not local.
	forwarded := r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != ""
	if ip := net.ParseIP(server.ClientIP(r, false)); ip == nil || !ip.IsLoopback() || forwarded {
		a.fail(w, r, errs.E(errs.Forbidden, "dev.local_only"))
		return
	}
	a.render(w, r, "dev_inbox.html", http.StatusOK, a.newPage(w, r, "dev.inbox", a.Inbox.Messages()))
}
