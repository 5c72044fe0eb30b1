package web

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
)

// A fund's public page: its figures (sums of postings), the thank-you list
// (donors as each chose), the rounds it funds; the foundation's staff
// record donations here and hand the donor the receipt link.

type fundPageData struct {
	Fund      *grants.FundRecord
	Donations []*grants.Donation
	Rounds    []*grants.RoundRecord
	Ledgers   []*store.RoundLedger // the rounds' agreements and expenses
	Spending  map[string]int64     // approved expenses by category
	Private   bool                 // receipt links (the store leaves out those naming an anonymous donor unless ViewPersonal)
	CanDonate bool
	Channels  []string
	Key       string // the donation form's idempotency key
	Failed    string
}

// fundShow is the fund's transparency page.
func (a *app) fundShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.fundPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "grants_fund.html", http.StatusOK, p)
}

func (a *app) fundPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	f, err := a.Store.FindFundByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ds, err := a.Store.FindDonations(ctx, f.ID, 500)
	if err != nil {
		return nil, err
	}
	rounds, err := a.Store.FindRounds(ctx)
	if err != nil {
		return nil, err
	}
	d := &fundPageData{Fund: f, Donations: ds, Channels: grants.Channels, Key: uuid.NewString(),
		Private:   accounts.Allowed(u, accounts.ViewPrivate, f.Resource()),
		CanDonate: accounts.Allowed(u, accounts.Create, f.Resource())}
	if d.Spending, err = a.Store.FindFundSpending(ctx, f.ID); err != nil {
		return nil, err
	}
	for _, x := range rounds {
		if x.FundID == f.ID {
			d.Rounds = append(d.Rounds, x)
		}
	}
	// Every yuan from this fund: each round's agreements, tranches and
	// expenses with their receipts, as on the round's page.
	if d.Ledgers, err = a.Store.FindRoundLedgers(ctx, d.Rounds); err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "", d)
	p.Title = f.Name
	return p, nil
}

// donationCreate records a donation (the form's key makes a double
// submit record it once).
func (a *app) donationCreate(w http.ResponseWriter, r *http.Request) {
	again := func(err error) {
		a.formAgain(w, r, "grants_fund.html", func(w http.ResponseWriter, r *http.Request) (*page, error) {
			p, err := a.fundPage(w, r)
			if err == nil {
				p.Data.(*fundPageData).Failed = "donation"
			}
			return p, err
		}, err)
	}
	amount, err := grants.ParseAmount("amount", r.PostFormValue("amount"))
	if err != nil {
		again(err)
		return
	}
	d := &grants.Donation{FundID: r.PathValue("id"), DonorName: r.PostFormValue("donor"), Anonymous: r.PostFormValue("anonymous") != "",
		Amount: amount, Channel: r.PostFormValue("channel"), Restriction: r.PostFormValue("restriction"), DonatedOn: r.PostFormValue("donated_on")}
	if err := a.Store.RecordDonation(r.Context(), d, r.PostFormValue("key")); err != nil {
		again(err)
		return
	}
	a.redirect(w, r, "/grants/funds/"+d.FundID+"#donations", "grants.flash_donation")
}

type receiptData struct {
	Donation  *grants.Donation
	VerifyURL string
}

// donationReceipt is the donor's printable receipt, behind its secret link.
func (a *app) donationReceipt(w http.ResponseWriter, r *http.Request) {
	d, err := a.Store.FindDonationByReceipt(r.Context(), r.PathValue("token"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// A whole address: the receipt is printed (a path alone cannot be typed in).
	p := a.newPage(w, r, "grants.receipt_title", &receiptData{Donation: d,
		VerifyURL: a.Config.PublicURL() + "/grants/receipts/" + d.ReceiptToken})
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.render(w, r, "grants_receipt.html", http.StatusOK, p)
}
