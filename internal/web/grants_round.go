package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
)

// A round's page: the call (budget, match ratio, themes, eligibility,
// criteria, dates), the communities' topics, the applications the actor
// may see, and the public account of every yuan: awards with their
// reasons, tranches paid, expenses with receipts, spending by category.

type roundPageData struct {
	Round        *grants.RoundRecord
	Ledger       *store.RoundLedger
	Applications []*grants.Application
	Topics       []*grants.Topic
	Orgs         []orgChoice // the actor's organizations, for applying
	Communities  []streetChoice
	CanManage    bool
	Accepting    bool
	Failed       string
	Categories   []string
	LineRows     []int // empty budget-line rows of the application form
	MsRows       []int
}

// roundShow shows a round.
func (a *app) roundShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.roundPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "grants_round.html", http.StatusOK, p)
}

func (a *app) roundPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	led, err := a.Store.FindRoundLedger(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	x := led.Round
	apps, err := a.Store.FindApplications(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	topics, err := a.Store.FindTopics(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	d := &roundPageData{Round: x, Ledger: led, Applications: apps, Topics: topics, CanManage: grants.Manages(u, x.StreetID),
		Accepting: x.AcceptsOn(a.Store.Now()), Categories: grants.Categories, LineRows: []int{1, 2, 3, 4}, MsRows: []int{1, 2, 3}}
	d.Orgs = actorOrgs(u, false)
	if u != nil {
		for _, g := range u.Grants {
			if g.Role == accounts.CommunityStaff {
				d.Communities = append(d.Communities, streetChoice{g.ScopeID, g.ScopeName})
			}
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = x.Name
	return p, nil
}

func (a *app) roundAgain(w http.ResponseWriter, r *http.Request, form string, err error) {
	a.formAgain(w, r, "grants_round.html", func(w http.ResponseWriter, r *http.Request) (*page, error) {
		p, err := a.roundPage(w, r)
		if err == nil {
			p.Data.(*roundPageData).Failed = form
		}
		return p, err
	}, err)
}

// applicationCreate submits an organization's application (budget lines
// and milestones as rows of the form; amounts typed in yuan).
func (a *app) applicationCreate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	x := &grants.Application{RoundID: id, OrgID: r.PostFormValue("org"), TopicID: r.PostFormValue("topic"),
		Title: r.PostFormValue("title"), Problem: r.PostFormValue("problem"), Plan: r.PostFormValue("plan"), Team: r.PostFormValue("team")}
	var l errs.List
	yuan := func(field, v string) int64 {
		if strings.TrimSpace(v) == "" {
			return 0
		}
		fen, err := grants.ParseAmount(field, v)
		if err != nil {
			l = append(l, errs.As(err))
		}
		return fen
	}
	x.Request = yuan("request", r.PostFormValue("request"))
	x.MatchCash = yuan("match_cash", r.PostFormValue("match_cash"))
	x.MatchHoursValue = yuan("match_hours_value", r.PostFormValue("match_hours_value"))
	x.MatchHours, _ = strconv.ParseInt(strings.TrimSpace(r.PostFormValue("match_hours")), 10, 64)
	items, cats, amounts := r.PostForm["line_item"], r.PostForm["line_category"], r.PostForm["line_amount"]
	for i := range items {
		if strings.TrimSpace(items[i]) == "" && (i >= len(amounts) || strings.TrimSpace(amounts[i]) == "") {
			continue
		}
		ln := grants.BudgetLine{Item: items[i]}
		if i < len(cats) {
			ln.Category = cats[i]
		}
		if i < len(amounts) {
			ln.Amount = yuan("lines", amounts[i])
		}
		x.Lines = append(x.Lines, ln)
	}
	titles, dues, pcts := r.PostForm["ms_title"], r.PostForm["ms_due"], r.PostForm["ms_pct"]
	for i := range titles {
		if strings.TrimSpace(titles[i]) == "" {
			continue
		}
		m := grants.Milestone{Title: titles[i]}
		if i < len(dues) {
			m.Due = dues[i]
		}
		if i < len(pcts) {
			m.Pct, _ = strconv.Atoi(strings.TrimSpace(pcts[i]))
		}
		x.Milestones = append(x.Milestones, m)
	}
	if err := l.Err(); err != nil {
		a.roundAgain(w, r, "apply", err)
		return
	}
	if err := a.Store.CreateApplication(r.Context(), x); err != nil {
		a.roundAgain(w, r, "apply", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+x.ID, "grants.flash_applied")
}

// roundClose ends the call (open → reviewing) or finishes the round.
func (a *app) roundClose(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.CloseRound(r.Context(), id); err != nil {
		a.roundAgain(w, r, "close", err)
		return
	}
	a.redirect(w, r, "/grants/rounds/"+id, "grants.flash_round_status")
}

// topicCreate posts a community's governance micro-project into the round.
func (a *app) topicCreate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t := &grants.Topic{RoundID: id, CommunityID: r.PostFormValue("community"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description")}
	if err := a.Store.CreateTopic(r.Context(), t); err != nil {
		a.roundAgain(w, r, "topic", err)
		return
	}
	a.redirect(w, r, "/grants/rounds/"+id+"#topics", "grants.flash_topic")
}
