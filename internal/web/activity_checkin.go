package web

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

type activityCheckinData struct {
	A    *activities.Activity
	Mine *activities.Signup
	// Scanned: this phone scanned the venue code in time before signing
	// in, so the button alone checks in (activities.ScanGrace).
	Scanned bool
}

// scanCookie keeps a scan of the venue code by a phone not yet signed in
// (activities.ScanProof), for that activity's check-in page only.
const scanCookie = "huitian_scan"

func scanPath(id string) string { return "/activities/" + id + "/checkin" }

// rememberScan: the QR code opened on a phone not yet signed in. Signing
// in by SMS takes longer than the code lives, so a code good now leaves
// the phone a proof of the scan, good for ScanGrace on this page. Tries
// are limited per address (anyone may ask without signing in).
func (a *app) rememberScan(w http.ResponseWriter, r *http.Request) {
	code, id := r.URL.Query().Get("code"), r.PathValue("id")
	if code == "" {
		return
	}
	if ok, _ := a.codeTryLimit.Allow("scan|" + server.ClientIP(r, a.Config.TrustProxy) + "|" + id); !ok {
		return
	}
	proof, err := a.Store.ScanActivityCode(r.Context(), id, code)
	if err != nil {
		return // the page after sign-in asks for the code as before
	}
	http.SetCookie(w, &http.Cookie{Name: scanCookie, Value: proof, Path: scanPath(id), MaxAge: int(activities.ScanGrace / time.Second),
		HttpOnly: true, Secure: a.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// scanned is the proof of a scan this phone kept for the page's activity.
func scanned(r *http.Request) string {
	if c, err := r.Cookie(scanCookie); err == nil {
		return c.Value
	}
	return ""
}

func forgetScan(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: scanCookie, Path: scanPath(r.PathValue("id")), MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
}

// activityCheckinPage is where the QR code leads (with ?code=): the
// resident confirms, or types the six digits shown at the venue.
func (a *app) activityCheckinPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	if _, err := actor(r); err != nil {
		return nil, err
	}
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d := &activityCheckinData{A: act, Scanned: scanned(r) != ""}
	if d.Mine, err = a.Store.FindMySignup(ctx, act.ID); err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	p := a.newPage(w, r, "activity.checkin_title", d)
	if c := r.URL.Query().Get("code"); c != "" && len(c) <= 6 {
		p.Form.Set("code", c)
	}
	return p, nil
}

func (a *app) activityCheckin(w http.ResponseWriter, r *http.Request) {
	if accounts.ActorFrom(r.Context()) == nil {
		a.rememberScan(w, r) // then on to signing in, as before
	}
	p, err := a.activityCheckinPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_checkin.html", http.StatusOK, p)
}

// activityCheckinSubmit checks the resident in (or out) with the code.
// Attempts are limited per resident and activity: six digits are guessable
// only by trying very many.
func (a *app) activityCheckinSubmit(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if ok, _ := a.codeTryLimit.Allow(u.ID + "|" + id); !ok {
		a.formAgain(w, r, "activity_checkin.html", a.activityCheckinPage, errs.E(errs.TooMany, "activity.code_too_many"))
		return
	}
	want := store.Step(r.PostFormValue("step"))
	if want != store.StepCheckin && want != store.StepCheckout {
		want = ""
	}
	var step store.Step
	code, byCode := r.PostFormValue("code"), true
	if proof := scanned(r); proof != "" {
		// Scanned before signing in: the proof first, once; a code typed
		// as well is the way on when the proof has run out.
		step, _, err = a.Store.CheckinByScan(r.Context(), id, proof, want)
		runOut := errs.As(err) != nil && errs.As(err).Field == "code"
		if err == nil || runOut {
			forgetScan(w, r)
		}
		byCode = runOut && code != ""
	}
	if byCode {
		step, _, err = a.Store.CheckinByCode(r.Context(), id, code, want)
	}
	if err != nil {
		if errs.Is(err, errs.TooMany) || errs.Is(err, errs.Conflict) || errs.Is(err, errs.Invalid) {
			a.formAgain(w, r, "activity_checkin.html", a.activityCheckinPage, err)
			return
		}
		a.fail(w, r, err)
		return
	}
	a.codeTryLimit.Reset(u.ID + "|" + id)
	a.redirect(w, r, "/activities/"+id+"/checkin", "flash.activity_"+string(step))
}
