package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
)

// The points scheme (积分): the caller's balance and history, one-time
// redemption codes for residents, redemption at the merchant, and the
// merchant's monthly settlements. The store checks role and scope.

type postingJSON struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Amount    int64  `json:"amount"` // signed: + received, − paid
	Reason    string `json:"reason"`
	RuleID    string `json:"rule_id,omitempty"`
	Reverses  string `json:"reverses,omitempty"`
	Other     string `json:"other"`
	CreatedAt string `json:"created_at"`
}

type mePointsJSON struct {
	Account  string        `json:"account"`
	Balance  int64         `json:"balance"`
	Postings []postingJSON `json:"postings"`
}

// mePoints: GET /api/v1/me/points — the caller's balance and latest postings.
func (a *API) mePoints(w http.ResponseWriter, r *http.Request) error {
	u, err := requireActor(r)
	if err != nil {
		return err
	}
	p := readParams(r.URL, "limit")
	limit := p.int("limit", 100, 1, 500, "number.range")
	if err := p.l.Err(); err != nil {
		return err
	}
	acct, err := a.store.FindPointsAccount(r.Context(), points.AccountID(points.Resident, u.ID))
	if err != nil {
		return err
	}
	entries, err := a.store.FindPointsEntries(r.Context(), acct.ID, limit)
	if err != nil {
		return err
	}
	out := mePointsJSON{Account: acct.ID, Balance: acct.Balance, Postings: []postingJSON{}}
	for _, e := range entries {
		out.Postings = append(out.Postings, postingJSON{ID: e.ID, Kind: string(e.Kind), Amount: e.Delta, Reason: e.Reason,
			RuleID: e.RuleID, Reverses: e.Reverses, Other: e.Other, CreatedAt: rfc3339(e.CreatedAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}

type codeIn struct {
	GoodID string `json:"good_id"`
}

type codeJSON struct {
	ID         string `json:"id"`
	Code       string `json:"code"`
	GoodID     string `json:"good_id"`
	Good       string `json:"good"`
	MerchantID string `json:"merchant_id"`
	Price      int64  `json:"price"`
	ExpiresAt  string `json:"expires_at"`
}

// createRedemptionCode: POST /api/v1/redemption-codes — a resident's
// one-time code for a good (8 digits, 5 minutes, once).
func (a *API) createRedemptionCode(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	var in codeIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.store.IssueRedemptionCode(r.Context(), in.GoodID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, codeJSON{ID: c.ID, Code: c.Code, GoodID: c.GoodID, Good: c.GoodName,
		MerchantID: c.MerchantID, Price: c.Price, ExpiresAt: rfc3339(c.ExpiresAt)})
}

type redemptionIn struct {
	Code           string `json:"code"`
	IdempotencyKey string `json:"idempotency_key"`
}

type redemptionJSON struct {
	ID         string   `json:"id"`
	GoodID     string   `json:"good_id"`
	Good       string   `json:"good"`
	MerchantID string   `json:"merchant_id"`
	Merchant   string   `json:"merchant"`
	Resident   string   `json:"resident"` // masked
	Price      int64    `json:"price"`
	PostingID  string   `json:"posting_id"`
	Flags      []string `json:"flags"`
	CreatedAt  string   `json:"created_at"`
}

// createRedemption: POST /api/v1/redemptions — the merchant confirms a
// code; the same key and code again returns the first redemption.
func (a *API) createRedemption(w http.ResponseWriter, r *http.Request) error {
	u, err := requireActor(r)
	if err != nil {
		return err
	}
	// 10^8 codes valid 5 minutes are safe from guessing only if guesses are few.
	if ok, wait := a.redeemRate.Allow(u.ID); !ok {
		return errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
	}
	var in redemptionIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	red, err := a.store.Redeem(r.Context(), in.Code, in.IdempotencyKey)
	if err != nil {
		return err
	}
	out := redemptionJSON{ID: red.ID, GoodID: red.GoodID, Good: red.GoodName, MerchantID: red.MerchantID,
		Merchant: red.MerchantName, Resident: red.ResidentName, Price: red.Price, PostingID: red.PostingID,
		Flags: red.Flags, CreatedAt: rfc3339(red.CreatedAt)}
	if out.Flags == nil {
		out.Flags = []string{}
	}
	return writeJSON(w, http.StatusCreated, out)
}

type settlementJSON struct {
	ID          string `json:"id"`
	MerchantID  string `json:"merchant_id"`
	Month       string `json:"month"`
	Redemptions int64  `json:"redemptions"`
	Total       int64  `json:"total"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
	ApprovedAt  string `json:"approved_at,omitempty"`
}

type settlementList struct {
	Settlements []settlementJSON `json:"settlements"`
}

// listSettlements: GET /api/v1/merchants/{id}/settlements — the merchant's
// monthly statements, newest first.
func (a *API) listSettlements(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "merchant")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	list, err := a.store.FindSettlements(r.Context(), id)
	if err != nil {
		return err
	}
	out := settlementList{Settlements: []settlementJSON{}}
	for _, t := range list {
		s := settlementJSON{ID: t.ID, MerchantID: t.MerchantID, Month: t.Month, Redemptions: t.Redemptions, Total: t.Total,
			Status: string(t.Status), CreatedAt: rfc3339(t.CreatedAt)}
		if !t.ApprovedAt.IsZero() {
			s.ApprovedAt = rfc3339(t.ApprovedAt)
		}
		out.Settlements = append(out.Settlements, s)
	}
	return writeJSON(w, http.StatusOK, out)
}

type redemptionList struct {
	Items   []redemptionJSON `json:"items"`
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

// listMerchantRedemptions: GET /api/v1/merchants/{id}/redemptions — a page
// of the merchant's redemptions, newest first, residents masked.
func (a *API) listMerchantRedemptions(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "merchant")
	if err != nil {
		return err
	}
	p := readParams(r.URL, "page", "per_page")
	page := p.int("page", 1, 1, maxPage, "api.page_range")
	perPage := p.int("per_page", defaultPerPage, 1, 100, "api.per_page_range")
	if err := p.l.Err(); err != nil {
		return err
	}
	list, total, err := a.store.FindMerchantRedemptions(r.Context(), id, page, perPage)
	if err != nil {
		return err
	}
	out := redemptionList{Items: []redemptionJSON{}, Total: total, Page: page, PerPage: perPage}
	for _, red := range list {
		j := redemptionJSON{ID: red.ID, GoodID: red.GoodID, Good: red.GoodName, MerchantID: red.MerchantID,
			Merchant: red.MerchantName, Resident: red.ResidentName, Price: red.Price, PostingID: red.PostingID,
			Flags: red.Flags, CreatedAt: rfc3339(red.CreatedAt)}
		if j.Flags == nil {
			j.Flags = []string{}
		}
		out.Items = append(out.Items, j)
	}
	return writeJSON(w, http.StatusOK, out)
}
