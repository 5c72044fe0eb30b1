package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/qr"
)

// colleagueChoice is a platform user an enrollment may be linked to.
type colleagueChoice struct{ ID, Name, OrgName string }

// linkedEnrollment fills the session page's code check-in parts: the
// actor's colleagues to link an enrollment to, and the actor's own linked
// enrollment.
func (a *app) linkedEnrollment(ctx context.Context, d *sessionData) error {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil
	}
	d.CodeOpen = d.Session.CodeOpen(a.Store.Now())
	for _, o := range d.Orgs {
		people, err := a.Store.FindColleagues(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, p := range people {
			d.Colleagues = append(d.Colleagues, colleagueChoice{ID: p.ID, Name: p.Name, OrgName: o.Name})
		}
	}
	e, err := a.Store.FindMySessionEnrollment(ctx, d.Session.ID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	d.Linked = e
	return nil
}

type sessionCodeData struct {
	Session *incubation.Session
	Code    string
	Until   time.Time
	Refresh int
	Open    bool
}

// sessionCode is the staff's phone page in the classroom: the current
// six-digit code and its QR code, reloading itself when the code changes,
// exactly as at a volunteer activity.
func (a *app) sessionCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	code, until, err := a.Store.SessionSecretCode(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	se, err := a.Store.FindCourseSessionByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Store.Now()
	d := &sessionCodeData{Session: se, Code: code, Until: until, Open: se.CodeOpen(now),
		Refresh: max(1, int(until.Sub(now).Seconds()+0.999))}
	w.Header().Set("Refresh", strconv.Itoa(d.Refresh))
	p := a.newPage(w, r, "academy.code_title", d)
	a.render(w, r, "academy_code.html", http.StatusOK, p)
}

func (a *app) sessionCheckinURL(r *http.Request, id, code string) string {
	return a.publicBase(r) + "/academy/sessions/" + url.PathEscape(id) + "?code=" + code + "#checkin"
}

// sessionCodePNG is the QR image of the session page with the current code.
func (a *app) sessionCodePNG(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	code, _, err := a.Store.SessionSecretCode(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	png, err := qr.PNG(a.sessionCheckinURL(r, id, code), 320)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

// sessionCheckin marks the signed-in, linked enrollee present with the
// code; attempts are limited like at activities.
func (a *app) sessionCheckin(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	key := u.ID + "|session|" + id
	if ok, _ := a.codeTryLimit.Allow(key); !ok {
		a.formAgain(w, r, "academy_session.html", a.sessionPage, errs.E(errs.TooMany, "activity.code_too_many"))
		return
	}
	if _, err := a.Store.CheckinSessionByCode(r.Context(), id, r.PostFormValue("code")); err != nil {
		if errs.Is(err, errs.TooMany) || errs.Is(err, errs.Conflict) || errs.Is(err, errs.Invalid) {
			a.formAgain(w, r, "academy_session.html", a.sessionPage, err)
			return
		}
		a.fail(w, r, err)
		return
	}
	a.codeTryLimit.Reset(key)
	a.redirect(w, r, "/academy/sessions/"+id, "flash.academy_checked_in")
}
