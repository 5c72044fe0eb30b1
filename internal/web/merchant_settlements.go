package web

import (
	"bytes"
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
)

type settlementsData struct {
	Merchant    *merchants.Merchant
	Settlements []*points.Settlement
	CanCreate   bool   // the actor may draw up and approve statements
	LastMonth   string // the default month to draw up
}

func (a *app) settlementsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	d := &settlementsData{LastMonth: points.PreviousMonth(a.Store.Now())}
	var err error
	if d.Merchant, err = a.Store.FindMerchantByID(ctx, r.PathValue("id")); err != nil {
		return nil, err
	}
	if d.Settlements, err = a.Store.FindSettlements(ctx, d.Merchant.ID); err != nil {
		return nil, err
	}
	probe := &points.Settlement{MerchantID: d.Merchant.ID, StreetID: d.Merchant.StreetID}
	d.CanCreate = accounts.Allowed(accounts.ActorFrom(ctx), accounts.Create, probe.Resource())
	return a.newPage(w, r, "points.settlements", d), nil
}

func (a *app) merchantSettlements(w http.ResponseWriter, r *http.Request) {
	p, err := a.settlementsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "merchant_settlements.html", http.StatusOK, p)
}

func (a *app) merchantSettlementCreate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.CreateSettlement(r.Context(), id, r.PostFormValue("month")); err != nil {
		a.formAgain(w, r, "merchant_settlements.html", a.settlementsPage, err)
		return
	}
	a.redirect(w, r, "/merchant/"+id+"/settlements", "points.flash_settlement_created")
}

func (a *app) merchantSettlementApprove(w http.ResponseWriter, r *http.Request) {
	// The settlement must be the merchant's of the address: a statement id
	// put under another merchant is not found, whoever asks.
	t, _, err := a.Store.FindSettlementByID(r.Context(), r.PathValue("sid"))
	if err == nil && t.MerchantID != r.PathValue("id") {
		err = errs.E(errs.NotFound, "notfound.settlement")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err = a.Store.ApproveSettlement(r.Context(), t.ID)
	if err != nil {
		a.formAgain(w, r, "merchant_settlements.html", a.settlementsPage, err)
		return
	}
	a.redirect(w, r, "/merchant/"+t.MerchantID+"/settlements", "points.flash_settlement_approved")
}

// merchantSettlementStatement downloads a statement as CSV or XLSX.
func (a *app) merchantSettlementStatement(w http.ResponseWriter, r *http.Request) {
	t, lines, err := a.Store.FindSettlementByID(r.Context(), r.PathValue("sid"))
	if err == nil && t.MerchantID != r.PathValue("id") {
		err = errs.E(errs.NotFound, "notfound.settlement")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if r.URL.Query().Get("format") == "xlsx" {
		ext, ctype = ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = points.WriteStatementXLSX(&buf, t, lines)
	} else {
		err = points.WriteStatementCSV(&buf, t, lines)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="huitian-settlement-`+t.Month+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

type flaggedData struct {
	Redemptions []*points.Redemption
	Held        []*points.Award // awards an objection holds, for a decision
	Due         int             // awards whose notice has ended, to issue
	Rules       bool            // the actor keeps the rules
	Grants      bool            // the actor may grant points from a street's pool (not auditors)
	Issue       bool            // the actor may issue the due awards (mayIssueAwards)
	// Dismiss holds the flagged redemptions the actor may dismiss (their
	// street's staff and the coordinators, not auditors).
	Dismiss map[string]bool
}

// adminPointsFlags lists flagged redemptions for staff review: a street's
// staff see their street's, coordinators and auditors everyone's.
func (a *app) adminPointsFlags(w http.ResponseWriter, r *http.Request) {
	p, err := a.pointsFlagsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_points.html", http.StatusOK, p)
}

func (a *app) pointsFlagsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	if !u.Has(accounts.PlatformAdmin) && !u.Has(accounts.Auditor) && !u.Has(accounts.StreetStaff) {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	// FindRedemptions keeps only what this actor may see.
	list, err := a.Store.FindRedemptions(r.Context(), points.RedemptionFilter{FlaggedOnly: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	d := &flaggedData{Redemptions: list, Rules: accounts.Allowed(u, accounts.Create, (&points.Rule{}).Resource()),
		Grants: accounts.AllowedSomewhere(u, accounts.Create, accounts.KindPoints), Issue: mayIssueAwards(u), Dismiss: map[string]bool{}}
	for _, red := range list {
		d.Dismiss[red.ID] = accounts.Allowed(u, accounts.Update, accounts.Resource{Kind: accounts.KindActivityFlag, StreetID: red.StreetID})
	}
	held, err := a.Store.FindAwards(r.Context(), store.AwardFilter{Statuses: []points.AwardStatus{points.AwardHeld}})
	if err != nil {
		return nil, err
	}
	for _, aw := range held {
		if accounts.Allowed(u, accounts.Update, aw.Resource()) {
			d.Held = append(d.Held, aw)
		}
	}
	due, err := a.Store.FindAwards(r.Context(), store.AwardFilter{Due: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, aw := range due {
		if accounts.Allowed(u, accounts.Update, aw.Resource()) {
			d.Due++
		}
	}
	return a.newPage(w, r, "points.flags_title", d), nil
}
