package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
)

type loginData struct {
	Next     string
	Tab      string // "password" or "code"
	CodeSent bool
	Phone    string
	Remember bool // "this is my own phone": stay signed in 30 days
}

// loginTabCookie remembers on this device how its user last signed in, so
// the login page opens on that tab: staff on the password, residents (and
// a device nobody has signed in on yet) on the SMS code.
const loginTabCookie = "huitian_login_tab"

func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	d := &loginData{Next: safeNext(r.URL.Query().Get("next")), Tab: "code"}
	if c, err := r.Cookie(loginTabCookie); err == nil && c.Value == "password" {
		d.Tab = "password"
	}
	switch tab := r.URL.Query().Get("tab"); tab {
	case "code", "password":
		d.Tab = tab
	}
	a.render(w, r, "login.html", http.StatusOK, a.newPage(w, r, "login.title", d))
}

// rememberLoginTab sets loginTabCookie after a sign-in by tab.
func (a *app) rememberLoginTab(w http.ResponseWriter, r *http.Request, tab string) {
	http.SetCookie(w, &http.Cookie{Name: loginTabCookie, Value: tab, Path: "/login", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: a.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// limited checks the per-phone and per-address limits of one kind of attempt.
func (a *app) limited(r *http.Request, phoneLimit, ipLimit *server.Limiter, phone string) error {
	ip := server.ClientIP(r, a.Config.TrustProxy)
	ok1, wait1 := ipLimit.Allow(ip)
	ok2, wait2 := true, wait1
	if phone != "" {
		ok2, wait2 = phoneLimit.Allow(phone)
	}
	if ok1 && ok2 {
		return nil
	}
	wait := max(wait1, wait2)
	return errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
}

func (a *app) loginPassword(w http.ResponseWriter, r *http.Request) {
	d := &loginData{Next: safeNext(r.PostFormValue("next")), Tab: "password"}
	p := a.newPage(w, r, "login.title", d)
	phone, perr := accounts.NormalizePhone(r.PostFormValue("phone"))
	// The turn to hash comes first: a sign-in turned away because too many
	// are waiting has changed nothing, not even the attempt counters.
	var turn *accounts.Turn
	if perr == nil {
		var err error
		if turn, err = a.Passwords.Wait(r.Context()); err != nil {
			a.signInBusy(w, r, p, err)
			return
		}
		defer turn.Done()
	}
	if err := a.limited(r, a.loginLimit, a.ipLimit, phone); err != nil {
		p.Error = a.Catalog.Error(p.Lang, err)
		p.Form = r.PostForm
		a.render(w, r, "login.html", http.StatusTooManyRequests, p)
		return
	}
	password := r.PostFormValue("password")
	var u *accounts.User
	ok, stale := false, false
	if perr == nil {
		var err error
		u, err = a.Store.FindUserByPhone(r.Context(), phone)
		switch {
		case err == nil && u.PasswordHash != "" && !u.Disabled:
			ok, stale = turn.Check(u.PasswordHash, password)
		case err == nil || errs.Is(err, errs.NotFound):
			// Same work and same answer whether the phone is registered or not.
			turn.CheckNoUser(password)
		default:
			a.fail(w, r, err)
			return
		}
	}
	if !ok {
		p.Error = a.Catalog.T(p.Lang, "auth.login_failed") + a.Catalog.T(p.Lang, "login.residents_use_code")
		p.Form = r.PostForm
		p.Form.Del("password")
		a.render(w, r, "login.html", http.StatusUnauthorized, p)
		return
	}
	var rehashed string
	if stale {
		var err error
		if rehashed, err = turn.Hash(password); err != nil {
			a.Logger.Error("password rehash failed", "request_id", server.RequestID(r.Context()), "err", err)
		}
	}
	turn.Done() // the database work below needs no core of the line
	if rehashed != "" {
		a.rehash(r, u, rehashed)
	}
	a.loginLimit.Reset(phone)
	// The address limit counts failures: staff switching accounts in a
	// training room behind one address must not lock the room out.
	a.ipLimit.Forgive(server.ClientIP(r, a.Config.TrustProxy))
	a.rememberLoginTab(w, r, "password")
	if err := a.signIn(w, r, u, false); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, d.Next, "flash.signed_in")
}

// signIn starts u's session (remember: see Sessions.SignInRemember) and
// brings back what follows a person to a new phone: elderly mode, on
// whichever page the sign-in leads to (a scanned activity code, not only
// the portal).
func (a *app) signIn(w http.ResponseWriter, r *http.Request, u *accounts.User, remember bool) error {
	if err := a.Sessions.SignInRemember(w, r, u, remember); err != nil {
		return err
	}
	if !elderlyCookie(r) {
		if prefs, err := a.Store.FindPrefs(accounts.WithActor(r.Context(), u)); err == nil && prefs.ElderlyMode {
			a.setElderlyCookie(w, r, true)
		}
	}
	return nil
}

// rehash stores hash, the password just proved made with the current
// argon2id parameters, in place of u's hash made with older ones. A failure
// only postpones it to the next sign-in.
func (a *app) rehash(r *http.Request, u *accounts.User, hash string) {
	if _, err := a.Store.RehashPassword(r.Context(), u.ID, u.PasswordHash, hash); err != nil {
		a.Logger.Error("password rehash failed", "request_id", server.RequestID(r.Context()), "user", u.ID, "err", err)
	}
}

// signInBusy answers a sign-in that did not get a turn to check its
// password: 503 and Retry-After when the server turned it away, nothing
// when the client gave up.
func (a *app) signInBusy(w http.ResponseWriter, r *http.Request, p *page, err error) {
	if !errs.Is(err, errs.Busy) {
		// The client went away (its context ended): nobody reads an answer.
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(a.Passwords.RetryAfter().Seconds())))
	p.Error = a.Catalog.Error(p.Lang, err)
	p.Form = r.PostForm
	p.Form.Del("password")
	a.render(w, r, "login.html", http.StatusServiceUnavailable, p)
}

func (a *app) loginCodeSend(w http.ResponseWriter, r *http.Request) {
	d := &loginData{Next: safeNext(r.PostFormValue("next")), Tab: "code", Remember: true}
	p := a.newPage(w, r, "login.title", d)
	p.Form = r.PostForm
	phone, err := accounts.NormalizePhone(r.PostFormValue("phone"))
	if err != nil {
		a.formFailed(w, r, "login.html", p, err)
		return
	}
	// Every valid phone gets a code: a first sign-in creates a resident
	// account, so the answer is the same whether the phone is known or not.
	sendErr, err := a.Codes.Send(r.Context(), r, phone, func(code string, minutes int) string {
		return a.Catalog.T(p.Lang, "login.sms", code, minutes)
	})
	if errs.CodeOf(err) == errs.TooMany {
		p.Error = a.Catalog.Error(p.Lang, err)
		a.render(w, r, "login.html", http.StatusTooManyRequests, p)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if sendErr != nil {
		a.Logger.Error("sms send failed", "request_id", server.RequestID(r.Context()), "err", sendErr)
	}
	d.CodeSent, d.Phone = true, phone
	p.Flash = a.Catalog.T(p.Lang, "login.code_sent", accounts.MaskPhone(phone), int(a.Config.CodeTTL.Minutes()))
	a.render(w, r, "login.html", http.StatusOK, p)
}

func (a *app) loginCodeVerify(w http.ResponseWriter, r *http.Request) {
	remember := r.PostFormValue("remember") != ""
	d := &loginData{Next: safeNext(r.PostFormValue("next")), Tab: "code", CodeSent: true, Remember: remember}
	p := a.newPage(w, r, "login.title", d)
	p.Form = r.PostForm
	phone, err := accounts.NormalizePhone(r.PostFormValue("phone"))
	if err != nil {
		a.formFailed(w, r, "login.html", p, err)
		return
	}
	d.Phone = phone
	u, err := a.Codes.Verify(r.Context(), r, phone, strings.TrimSpace(r.PostFormValue("code")))
	switch {
	case errs.CodeOf(err) == errs.TooMany:
		p.Error = a.Catalog.Error(p.Lang, err)
		a.render(w, r, "login.html", http.StatusTooManyRequests, p)
		return
	case errs.As(err).Key == "login.staff_use_password":
		// A code proves only the phone: staff roles need the password.
		p.Error = a.Catalog.T(p.Lang, "login.staff_use_password")
		d.Tab = "password"
		a.render(w, r, "login.html", http.StatusForbidden, p)
		return
	case errs.CodeOf(err) == errs.Invalid:
		a.formFailed(w, r, "login.html", p, err)
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	a.rememberLoginTab(w, r, "code")
	if err := a.signIn(w, r, u, remember); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, d.Next, "flash.signed_in")
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.Sessions.SignOut(w, r)
	a.redirect(w, r, "/", "flash.signed_out")
}
