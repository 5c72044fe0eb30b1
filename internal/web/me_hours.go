package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/store"
)

type meHoursData struct {
	Rows    []hoursRow
	Minutes int // confirmed, in total
	Count   int // activities with confirmed hours (more than none)
}

type hoursRow struct {
	A *activities.Activity
	G *activities.Signup
}

// meHours is the resident's volunteer record: every signup, its attendance
// and the hours confirmed, with the total.
func (a *app) meHours(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	gs, as, err := a.Store.MySignups(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &meHoursData{}
	for i, g := range gs {
		d.Rows = append(d.Rows, hoursRow{A: as[i], G: g})
		if g.Served() {
			d.Minutes += g.ConfirmedMins
			d.Count++
		}
	}
	a.render(w, r, "me_hours.html", http.StatusOK, a.newPage(w, r, "hours.title", d))
}

// meCertificateIssue snapshots the confirmed hours into a certificate.
func (a *app) meCertificateIssue(w http.ResponseWriter, r *http.Request) {
	ct, err := a.Store.IssueCertificate(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/certificates/"+ct.Token, "")
}

type certificateData struct {
	C      *store.Certificate
	Name   string // full to its owner, masked to everyone else
	Owner  bool
	Verify string
}

// certificate is the printable certificate (志愿服务时长证明) and, at the
// same address, its public verification: the name is masked for anyone but
// its owner.
func (a *app) certificate(w http.ResponseWriter, r *http.Request) {
	ct, err := a.Store.FindCertificate(r.Context(), r.PathValue("token"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u := accounts.ActorFrom(r.Context())
	d := &certificateData{C: ct, Owner: u != nil && u.ID == ct.UserID,
		Verify: a.publicBase(r) + "/certificates/" + ct.Token}
	d.Name = accounts.MaskName(ct.UserName)
	if d.Owner {
		d.Name = ct.UserName
	}
	a.render(w, r, "certificate.html", http.StatusOK, a.newPage(w, r, "certificate.title", d))
}
