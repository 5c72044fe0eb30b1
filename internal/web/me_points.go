package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/qr"
	"github.com/huitian/huitian/internal/store"
)

type mePointsData struct {
	Account *points.Account
	Entries []*points.Entry
	Shops   []goodsShop // the merchants to redeem at, nearest first
	// Home is the resident's confirmed community (nil before they confirm
	// it); AllShops: the whole district's merchants are shown, not only
	// those of the home street.
	Home     *places.Community
	AllShops bool
	Code     *points.Code // just issued
	QR       template.URL // the code as a PNG data URL, drawn on the server
	// Expiring points: what the end of this year takes (told in the last
	// points.ExpiryNoticeLead before it).
	Expiring  int64
	ExpiresOn time.Time
	// Pending are the person's awards still on public notice (or held by
	// an objection): points on their way, not yet in the balance.
	Pending      []*points.Award
	PendingTotal int64
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
	if d.Pending, err = a.Store.FindAwards(ctx, store.AwardFilter{Account: d.Account.ID, Limit: 50,
		Statuses: []points.AwardStatus{points.AwardNoticed, points.AwardHeld}}); err != nil {
		return nil, err
	}
	for _, x := range d.Pending {
		d.PendingTotal += x.Amount
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
		if err := a.loadShops(r, d); err != nil {
			return nil, err
		}
	}
	return a.newPage(w, r, "points.me_title", d), nil
}

// goodsShop is a merchant and the goods it gives for points. Near says how
// close it is to the resident: "community" (their own), "street", or "".
type goodsShop struct {
	Merchant *merchants.Merchant
	Goods    []*points.Good
	Near     string
}

// loadShops fills the goods to redeem, by merchant: once the resident has
// confirmed their community, their street's merchants (their community's
// first; ?shops=all for the whole district's), before that every merchant.
func (a *app) loadShops(r *http.Request, d *mePointsData) error {
	ctx := r.Context()
	home, err := a.Store.FindHomeCommunity(ctx)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	d.Home = home
	d.AllShops = d.Home == nil || r.FormValue("shops") == "all"
	f := points.GoodFilter{ActiveOnly: true}
	if !d.AllShops {
		f.StreetID = d.Home.StreetID
	}
	goods, err := a.Store.FindGoods(ctx, f)
	if err != nil || len(goods) == 0 {
		return err
	}
	list, err := a.Store.FindMerchants(ctx, f.StreetID)
	if err != nil {
		return err
	}
	byID := map[string]*merchants.Merchant{}
	for _, m := range list {
		byID[m.ID] = m
	}
	at := map[string]int{}
	for _, g := range goods {
		i, ok := at[g.MerchantID]
		if !ok {
			m := byID[g.MerchantID]
			if m == nil { // enrolled since the list was read
				continue
			}
			i = len(d.Shops)
			at[g.MerchantID] = i
			d.Shops = append(d.Shops, goodsShop{Merchant: m, Near: nearness(m, d.Home)})
		}
		d.Shops[i].Goods = append(d.Shops[i].Goods, g)
	}
	rank := map[string]int{"community": 0, "street": 1, "": 2}
	slices.SortStableFunc(d.Shops, func(x, y goodsShop) int { return rank[x.Near] - rank[y.Near] })
	return nil
}

// nearness is how close merchant m is to the resident's home community.
func nearness(m *merchants.Merchant, home *places.Community) string {
	switch {
	case home == nil:
		return ""
	case m.CommunityID != "" && m.CommunityID == home.ID:
		return "community"
	case m.StreetID == home.StreetID:
		return "street"
	}
	return ""
}

func (a *app) mePoints(w http.ResponseWriter, r *http.Request) {
	p, err := a.mePointsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "me_points.html", http.StatusOK, p)
}

// codeCookie holds the digits of a code just issued, for its page only
// (its path) and for as long as the code lives: the plain code is never
// stored, and the page that shows it must survive a refresh without
// issuing another one, so the resident's own browser keeps it.
const codeCookie = "huitian_code"

// mePointsCode issues a one-time code for a good and sends the browser on
// to the code's own page (a refresh shows the same code; it issues none).
// The digits go in a cookie, not the address, so no log holds them.
func (a *app) mePointsCode(w http.ResponseWriter, r *http.Request) {
	c, err := a.Store.IssueRedemptionCode(r.Context(), r.PostFormValue("good_id"))
	if err != nil {
		a.formAgain(w, r, "me_points.html", a.mePointsPage, err)
		return
	}
	to := "/me/points/codes/" + c.ID
	http.SetCookie(w, &http.Cookie{Name: codeCookie, Value: c.Code, Path: to, MaxAge: int(points.CodeTTL.Seconds()),
		HttpOnly: true, Secure: a.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	if r.PostFormValue("shops") == "all" {
		to += "?shops=all"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// mePointsCodeShow is a code's page: the code with its QR image, on the
// browser that asked for it, while it can be used. A code used, expired
// or asked for elsewhere sends the resident back to 我的积分 saying so.
func (a *app) mePointsCodeShow(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	var c *points.Code
	if ck, err := r.Cookie(codeCookie); err == nil {
		c, err = a.Store.FindRedemptionCode(r.Context(), r.PathValue("id"), ck.Value)
		if err != nil && !errs.Is(err, errs.NotFound) {
			a.fail(w, r, err)
			return
		}
	}
	back, notice := "/me/points", ""
	if r.FormValue("shops") == "all" {
		back += "?shops=all"
	}
	switch {
	case c == nil:
		notice = "points.code_gone"
	case !c.UsedAt.IsZero():
		notice = "points.code_was_used"
	case !a.Store.Now().Before(c.ExpiresAt):
		notice = "points.code_expired"
	}
	if notice != "" {
		http.SetCookie(w, &http.Cookie{Name: codeCookie, Value: "", Path: r.URL.Path, MaxAge: -1, HttpOnly: true})
		a.redirect(w, r, back, notice)
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
