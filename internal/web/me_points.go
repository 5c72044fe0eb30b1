package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/qr"
)

type mePointsData struct {
	Account *points.Account
	Entries []*points.Entry
	Goods   []*points.Good
	Code    *points.Code // just issued
	QR      template.URL // the code as a PNG data URL, drawn on the server
	// Expiring points: what the end of this year takes (told in the last
	// points.ExpiryNoticeLead before it).
	Expiring  int64
	ExpiresOn time.Time
}

// mePointsPage is 我的积分: balance, history with reasons, goods to redeem.
func (a *app) mePointsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &mePointsData{}
	if d.Account, err = a.Store.FindPointsAccount(ctx, points.AccountID(points.Resident, u.ID)); err != nil {
		return nil, err
	}
	if d.Entries, err = a.Store.FindPointsEntries(ctx, d.Account.ID, 100); err != nil {
		return nil, err
	}
	now := a.Store.Now()
	year := now.In(points.Zone()).Year()
	if cutoff := points.ExpiryCutoff(year - 1); !now.Before(cutoff.Add(-points.ExpiryNoticeLead)) {
		list, err := a.Store.FindExpiring(ctx, year-1, d.Account.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			d.Expiring, d.ExpiresOn = e.Amount, cutoff.Add(-time.Second)
		}
	}
	if u.Has(accounts.Resident) {
		if d.Goods, err = a.Store.FindGoods(ctx, points.GoodFilter{ActiveOnly: true}); err != nil {
			return nil, err
		}
	}
	return a.newPage(w, r, "points.me_title", d), nil
}

func (a *app) mePoints(w http.ResponseWriter, r *http.Request) {
	p, err := a.mePointsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "me_points.html", http.StatusOK, p)
}

// mePointsCode issues a one-time code for a good and shows it with its QR
// image on the page itself: the plain code is never stored, so the page
// that shows it is the only place it exists.
func (a *app) mePointsCode(w http.ResponseWriter, r *http.Request) {
	c, err := a.Store.IssueRedemptionCode(r.Context(), r.PostFormValue("good_id"))
	if err != nil {
		a.formAgain(w, r, "me_points.html", a.mePointsPage, err)
		return
	}
	p, err := a.mePointsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*mePointsData)
	d.Code = c
	// Scanned with a phone camera, the code opens the merchant's confirm page.
	png, err := qr.PNG(a.Config.PublicURL()+"/merchant/redeem?code="+c.Code, 240)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	a.render(w, r, "me_points.html", http.StatusOK, p)
}
