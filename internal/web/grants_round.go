package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/text"
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
	// The application form: its rows, and once it failed what was
	// submitted and the messages of its fields (the page's own map,
	// filled when the failure is rendered) — another form's failure on
	// this page leaves it blank.
	Lines      []lineRow
	Milestones []msRow
	Apply      url.Values
	ApplyErrs  map[string]string
	LinesError string // a budget error not tied to one row (totals, none given)
	MsError    string
}

// lineRow is one budget line as typed; N numbers it as errors do.
type lineRow struct {
	N                      int
	Category, Item, Amount string
	Error                  string // this row's message, when it is at fault
}

// msRow is one milestone as typed.
type msRow struct {
	N               int
	Title, Due, Pct string
	Error           string
}

// The form offers at least this many budget and milestone rows.
const (
	minLineRows = 4
	minMsRows   = 3
)

// formLines reads the budget rows of an application form, leaving out
// blank ones, so that row n here is line n of the application and of
// its error messages.
func formLines(f url.Values) []lineRow {
	items, cats, amounts := f["line_item"], f["line_category"], f["line_amount"]
	var out []lineRow
	for i := range max(len(items), len(amounts)) {
		ln := lineRow{Item: at(items, i), Category: at(cats, i), Amount: at(amounts, i)}
		if strings.TrimSpace(ln.Item) == "" && strings.TrimSpace(ln.Amount) == "" {
			continue
		}
		ln.N = len(out) + 1
		out = append(out, ln)
	}
	return out
}

// formMilestones reads the milestone rows, leaving out blank ones.
func formMilestones(f url.Values) []msRow {
	titles, dues, pcts := f["ms_title"], f["ms_due"], f["ms_pct"]
	var out []msRow
	for i := range max(len(titles), len(dues), len(pcts)) {
		m := msRow{Title: at(titles, i), Due: at(dues, i), Pct: at(pcts, i)}
		if strings.TrimSpace(m.Title) == "" && strings.TrimSpace(m.Due) == "" && strings.TrimSpace(m.Pct) == "" {
			continue
		}
		m.N = len(out) + 1
		out = append(out, m)
	}
	return out
}

func at(v []string, i int) string {
	if i < len(v) {
		return v[i]
	}
	return ""
}

// padLines adds blank rows, numbered on, until there are at least n.
func padLines(rows []lineRow, n int) []lineRow {
	for len(rows) < n {
		rows = append(rows, lineRow{N: len(rows) + 1})
	}
	return rows
}

func padMilestones(rows []msRow, n int) []msRow {
	for len(rows) < n {
		rows = append(rows, msRow{N: len(rows) + 1})
	}
	return rows
}

// Errors whose first argument is the number of the row at fault.
var (
	lineRowKeys = map[string]bool{"grants.category_invalid": true, "grants.line_item_invalid": true,
		"grants.line_amount_invalid": true}
	msRowKeys = map[string]bool{"grants.milestone_invalid": true, "grants.milestone_past": true}
)

// rowError returns the number of the row e blames, or 0 when it blames
// none in particular.
func rowError(e *errs.Error, keys map[string]bool) int {
	if !keys[e.Key] || len(e.Args) == 0 {
		return 0
	}
	n, _ := e.Args[0].(int)
	return n
}

// markApplication puts err's budget and milestone messages on the rows
// they name, and the others on the budget or milestone list as a whole.
func (a *app) markApplication(l i18n.Lang, d *roundPageData, err error) {
	for _, e := range errs.Fields(err) {
		msg := a.Catalog.T(l, e.Key, e.Args...)
		switch e.Field {
		case "lines":
			if n := rowError(e, lineRowKeys); n > 0 && n <= len(d.Lines) {
				if d.Lines[n-1].Error == "" {
					d.Lines[n-1].Error = msg
				}
			} else if d.LinesError == "" {
				d.LinesError = msg
			}
		case "milestones":
			if n := rowError(e, msRowKeys); n > 0 && n <= len(d.Milestones) {
				if d.Milestones[n-1].Error == "" {
					d.Milestones[n-1].Error = msg
				}
			} else if d.MsError == "" {
				d.MsError = msg
			}
		}
	}
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
		Accepting: x.AcceptsOn(a.Store.Now()), Categories: grants.Categories, Lines: padLines(nil, minLineRows), Milestones: padMilestones(nil, minMsRows),
		Apply: url.Values{}, ApplyErrs: map[string]string{}}
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
		p, perr := a.roundPage(w, r)
		if perr != nil {
			return p, perr
		}
		d := p.Data.(*roundPageData)
		d.Failed = form
		if form == "apply" {
			// Everything typed comes back: rows as submitted (blank ones
			// dropped, so the numbers match the messages), each marked.
			d.Apply, d.ApplyErrs = r.PostForm, p.Fields
			d.Lines = padLines(formLines(r.PostForm), minLineRows)
			d.Milestones = padMilestones(formMilestones(r.PostForm), minMsRows)
			a.markApplication(server.Lang(r), d, err)
		}
		return p, nil
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
	x.MatchHours, _ = strconv.ParseInt(text.Narrow(strings.TrimSpace(r.PostFormValue("match_hours"))), 10, 64)
	for _, row := range formLines(r.PostForm) {
		ln := grants.BudgetLine{Item: row.Item, Category: row.Category}
		if strings.TrimSpace(row.Amount) != "" {
			fen, err := grants.ParseAmount("lines", row.Amount)
			if err != nil {
				l.Add("lines", "grants.line_amount_invalid", row.N)
			}
			ln.Amount = fen
		}
		x.Lines = append(x.Lines, ln)
	}
	for _, row := range formMilestones(r.PostForm) {
		m := grants.Milestone{Title: row.Title, Due: row.Due}
		m.Pct, _ = strconv.Atoi(text.Narrow(strings.TrimSpace(row.Pct)))
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
