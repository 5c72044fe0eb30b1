package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/text"
)

type merchantData struct {
	Merchant    *merchants.Merchant
	Account     *points.Account
	Goods       []*points.Good
	Hours       *points.Hours
	Redemptions []*points.Redemption
	Preview     *points.Preview // a code typed or scanned, before confirming
	Code        string
	Key         string // the confirm form's idempotency key
}

// merchantHome sends a merchant login to its own merchant's page.
func (a *app) merchantHome(w http.ResponseWriter, r *http.Request) {
	id, err := a.ownMerchant(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/merchant/"+id, http.StatusSeeOther)
}

// merchantRedeemScan is where a scanned QR code lands: the merchant's own
// confirm page with the code filled in. Someone signed in who serves no
// merchant (a resident scanning her own code with her phone) is told whom
// the code is for, not that she lacks a permission; nothing about the code
// is looked up.
func (a *app) merchantRedeemScan(w http.ResponseWriter, r *http.Request) {
	id, err := a.ownMerchant(r)
	if errs.CodeOf(err) == errs.Forbidden {
		a.render(w, r, "points_scan.html", http.StatusOK, a.newPage(w, r, "points.scan_title", nil))
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/merchant/"+id+"/redeem?code="+url.QueryEscape(r.URL.Query().Get("code")), http.StatusSeeOther)
}

func (a *app) ownMerchant(r *http.Request) (string, error) {
	u, err := actor(r)
	if err != nil {
		return "", err
	}
	for _, g := range u.Grants {
		if g.Role == accounts.Merchant && g.ScopeID != "" {
			return g.ScopeID, nil
		}
	}
	return "", errs.E(errs.Forbidden, "auth.forbidden")
}

// merchantPage loads the merchant's page: its points account is the gate
// (only its people, its street's staff and coordinators may see it).
func (a *app) merchantPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	d := &merchantData{}
	var err error
	if d.Merchant, err = a.Store.FindMerchantByID(ctx, r.PathValue("id")); err != nil {
		return nil, err
	}
	if d.Account, err = a.Store.FindPointsAccount(ctx, points.AccountID(points.MerchantAcct, d.Merchant.ID)); err != nil {
		return nil, err
	}
	if d.Goods, err = a.Store.FindGoods(ctx, points.GoodFilter{MerchantID: d.Merchant.ID}); err != nil {
		return nil, err
	}
	if h, err := a.Store.FindMerchantHours(ctx, d.Merchant.ID); err == nil {
		d.Hours = h
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if d.Redemptions, err = a.Store.FindRedemptions(ctx, points.RedemptionFilter{MerchantID: d.Merchant.ID, Limit: 50}); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "points.merchant_title", d), nil
}

func (a *app) merchantShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.merchantPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "merchant_points.html", http.StatusOK, p)
}

// formInt reads a whole number the field must have (full-width digits too).
func formInt(r *http.Request, field string) (int64, error) {
	v := text.Narrow(strings.TrimSpace(r.PostFormValue(field)))
	if v == "" {
		return 0, errs.Field(field, "field.required")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errs.Field(field, "number.invalid")
	}
	return n, nil
}

func (a *app) merchantGoodCreate(w http.ResponseWriter, r *http.Request) {
	g := &points.Good{MerchantID: r.PathValue("id"), Name: r.PostFormValue("name"), Active: true}
	price, perr := formInt(r, "price")
	stock, serr := formInt(r, "stock")
	g.Price, g.Stock = price, stock
	err := errs.Merge(perr, serr)
	if err != nil { // with the name's problems too, all at once
		err = errs.Merge(err, g.Validate())
	} else {
		err = a.Store.CreateGood(r.Context(), g)
	}
	if err != nil {
		a.formAgain(w, r, "merchant_points.html", a.merchantPage, err)
		return
	}
	a.redirect(w, r, "/merchant/"+g.MerchantID, "points.flash_good_created")
}

func (a *app) merchantGoodUpdate(w http.ResponseWriter, r *http.Request) {
	var u points.GoodUpdate
	var errList []error
	if v := r.PostFormValue("stock"); v != "" {
		n, err := formInt(r, "stock")
		u.Stock, errList = &n, append(errList, err)
	}
	if v := r.PostFormValue("price"); v != "" {
		n, err := formInt(r, "price")
		u.Price, errList = &n, append(errList, err)
	}
	if v := r.PostFormValue("active"); v != "" {
		on := v == "1"
		u.Active = &on
	}
	// The good must be the merchant's of the address, checked before the
	// change: a good id put under another merchant is not found.
	g, err := a.Store.FindGoodByID(r.Context(), r.PathValue("gid"))
	if err == nil && g.MerchantID != r.PathValue("id") {
		err = errs.E(errs.NotFound, "notfound.good")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	err = errs.Merge(errList...)
	if err == nil {
		_, err = a.Store.UpdateGood(r.Context(), g.ID, u)
	}
	if err != nil {
		a.formAgain(w, r, "merchant_points.html", a.merchantPage, err)
		return
	}
	a.redirect(w, r, "/merchant/"+r.PathValue("id"), "points.flash_good_updated")
}

func (a *app) merchantHoursSave(w http.ResponseWriter, r *http.Request) {
	h := points.Hours{Opens: strings.TrimSpace(r.PostFormValue("opens")), Closes: strings.TrimSpace(r.PostFormValue("closes"))}
	if err := a.Store.SetMerchantHours(r.Context(), r.PathValue("id"), h); err != nil {
		a.formAgain(w, r, "merchant_points.html", a.merchantPage, err)
		return
	}
	a.redirect(w, r, "/merchant/"+r.PathValue("id"), "points.flash_hours_saved")
}

func newFormKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// merchantRedeem shows what a typed or scanned code is for (good, masked
// resident) with a confirm button carrying a fresh idempotency key.
func (a *app) merchantRedeem(w http.ResponseWriter, r *http.Request) {
	p, err := a.merchantPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*merchantData)
	d.Code = strings.TrimSpace(r.URL.Query().Get("code"))
	if d.Code != "" {
		pv, err := a.checkCode(r, d.Code)
		if err != nil {
			r.PostForm = url.Values{"code": {d.Code}} // formFailed shows the form's values
			a.formFailed(w, r, "merchant_points.html", p, codeOnForm(err))
			return
		}
		d.Preview, d.Key = pv, newFormKey()
	}
	a.render(w, r, "merchant_points.html", http.StatusOK, p)
}

// checkCode previews a code, at most redeemLimit checks per login: 10^8
// codes valid 5 minutes are safe from guessing only if guesses are few.
func (a *app) checkCode(r *http.Request, code string) (*points.Preview, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	if ok, wait := a.redeemLimit.Allow(u.ID); !ok {
		return nil, errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
	}
	return a.Store.PreviewRedemption(r.Context(), code)
}

// merchantRedeemConfirm posts the redemption; a second press of the same
// form (same key) shows the same redemption instead of charging twice.
func (a *app) merchantRedeemConfirm(w http.ResponseWriter, r *http.Request) {
	red, err := a.Store.Redeem(r.Context(), r.PostFormValue("code"), r.PostFormValue("idempotency_key"))
	if err != nil {
		a.formAgain(w, r, "merchant_points.html", a.merchantPage, codeOnForm(err))
		return
	}
	// The code decides the merchant (a login may serve several).
	a.redirect(w, r, "/merchant/"+red.MerchantID, "points.flash_redeemed")
}

// codeOnForm puts "no such code" on the counter's code box, where the
// cashier can type it again, instead of an error page leaving the counter.
func codeOnForm(err error) error {
	if errs.As(err).Key == "points.code_unknown" {
		return errs.Field("redemption_code", "points.code_unknown")
	}
	return err
}
