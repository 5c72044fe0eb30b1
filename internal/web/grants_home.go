package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/text"
)

// The foundation and micro-venture grants (基金会与微创投): the public home
// with every fund and round and their figures; the foundation's staff open
// funds, record donations and open rounds from here.

type grantsHomeData struct {
	Funds    []*grants.FundRecord
	Rounds   []*grants.RoundRecord
	Total    grants.FundFigures // all funds together
	CanFund  bool               // may open funds and record donations
	Streets  []streetChoice     // where the actor may open a round ("" the foundation)
	Failed   string             // the form that failed
	Channels []string
	Todos    []store.GrantTodo // grant steps waiting for the signed-in person
	// What the fund and round forms show: their defaults, or once one
	// failed everything typed into it (the other keeps its defaults).
	FundForm, RoundForm url.Values
}

// grantsHome lists funds and rounds with their money.
func (a *app) grantsHome(w http.ResponseWriter, r *http.Request) {
	p, err := a.grantsHomePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "grants_home.html", http.StatusOK, p)
}

func (a *app) grantsHomePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	funds, err := a.Store.FindFunds(ctx)
	if err != nil {
		return nil, err
	}
	rounds, err := a.Store.FindRounds(ctx)
	if err != nil {
		return nil, err
	}
	d := &grantsHomeData{Funds: funds, Rounds: rounds, Channels: grants.Channels,
		CanFund:  accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindFund}),
		FundForm: url.Values{},
		RoundForm: url.Values{"match_pct": {"70"}, "eligibility": {string(grants.StreetOrgs)},
			"criteria": {a.Catalog.T(server.Lang(r), "grants.criteria_default")}}}
	for _, f := range funds {
		d.Total.Balance += f.Balance
		d.Total.Donations += f.Donations
		d.Total.Awarded += f.Awarded
		d.Total.Disbursed += f.Disbursed
		d.Total.Spent += f.Spent
	}
	if d.Todos, err = a.Store.FindGrantTodos(ctx); err != nil {
		return nil, err
	}
	if grants.Manages(u, "") {
		d.Streets = append(d.Streets, streetChoice{"", ""})
	}
	streets, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if u != nil && (grants.Manages(u, "") || u.Holds(accounts.StreetStaff, accounts.Resource{StreetID: st.ID})) {
			d.Streets = append(d.Streets, streetChoice{st.ID, st.Name})
		}
	}
	return a.newPage(w, r, "grants.title", d), nil
}

// grantsAgain shows the home page again with err on form.
func (a *app) grantsAgain(w http.ResponseWriter, r *http.Request, form string, err error) {
	a.formAgain(w, r, "grants_home.html", func(w http.ResponseWriter, r *http.Request) (*page, error) {
		p, err := a.grantsHomePage(w, r)
		if err == nil {
			d := p.Data.(*grantsHomeData)
			d.Failed = form
			switch form {
			case "fund":
				d.FundForm = r.PostForm
			case "round":
				d.RoundForm = r.PostForm
			}
		}
		return p, err
	}, err)
}

// fundCreate opens a fund.
func (a *app) fundCreate(w http.ResponseWriter, r *http.Request) {
	f := &grants.FundRecord{Name: r.PostFormValue("name"), Kind: grants.FundKind(r.PostFormValue("kind")),
		Purpose: r.PostFormValue("purpose"), StreetID: r.PostFormValue("street"), Description: r.PostFormValue("description")}
	if err := a.Store.CreateFund(r.Context(), f); err != nil {
		a.grantsAgain(w, r, "fund", err)
		return
	}
	a.redirect(w, r, "/grants/funds/"+f.ID, "grants.flash_fund")
}

// roundCreate opens a round and reserves its budget from the fund.
func (a *app) roundCreate(w http.ResponseWriter, r *http.Request) {
	budget, err := grants.ParseAmount("budget", r.PostFormValue("budget"))
	if err != nil {
		a.grantsAgain(w, r, "round", err)
		return
	}
	pct, _ := strconv.Atoi(text.Narrow(strings.TrimSpace(r.PostFormValue("match_pct"))))
	x := &grants.RoundRecord{FundID: r.PostFormValue("fund"), Name: r.PostFormValue("name"), Route: grants.Route(r.PostFormValue("route")),
		StreetID: r.PostFormValue("street"), Budget: budget, MatchPct: pct, Themes: r.PostForm["themes"],
		Eligibility: grants.Eligibility(r.PostFormValue("eligibility")), Criteria: strings.Split(r.PostFormValue("criteria"), "\n"),
		Description: r.PostFormValue("description"), OpensOn: r.PostFormValue("opens_on"), ClosesOn: r.PostFormValue("closes_on")}
	if err := a.Store.CreateRound(r.Context(), x); err != nil {
		a.grantsAgain(w, r, "round", err)
		return
	}
	a.redirect(w, r, "/grants/rounds/"+x.ID, "grants.flash_round")
}
