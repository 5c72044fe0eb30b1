package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/qr"
)

type activityCodeData struct {
	A       *activities.Activity
	Code    string
	Until   time.Time
	Refresh int  // seconds until the code changes (the page's meta refresh)
	Open    bool // the venue code is accepted now
	URL     string
}

// activityCode is the organizer's phone page at the venue: the current
// six-digit code, big, and its QR code; it reloads itself when the code
// changes (a meta refresh: no JavaScript needed).
func (a *app) activityCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	code, until, err := a.Store.ActivitySecretCode(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	act, err := a.Store.FindActivityByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Store.Now()
	d := &activityCodeData{A: act, Code: code, Until: until, Open: act.CodeOpen(now),
		Refresh: max(1, int(until.Sub(now).Seconds()+0.999)),
		URL:     a.checkinURL(r, id, code)}
	// The header and the page's meta tag both reload it when the code changes.
	w.Header().Set("Refresh", strconv.Itoa(d.Refresh))
	a.render(w, r, "activity_code.html", http.StatusOK, a.newPage(w, r, "activity.code_title", d))
}

func (a *app) checkinURL(r *http.Request, id, code string) string {
	return a.publicBase(r) + "/activities/" + url.PathEscape(id) + "/checkin?code=" + code
}

// activityCodePNG is the QR image of the check-in URL with the current code.
func (a *app) activityCodePNG(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	code, _, err := a.Store.ActivitySecretCode(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	png, err := qr.PNG(a.checkinURL(r, id, code), 320)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}
