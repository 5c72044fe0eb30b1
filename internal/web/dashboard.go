package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"strings"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/dashboard"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/server"
)

// dashTable is one breakdown of the dashboard: its chart's name (the
// /dashboard/charts/{Name}.svg image) and the rows of the table beside it.
type dashTable struct {
	Name  string
	Title string
	Rows  []dashboard.Count
}

// dashboardData is the dashboard page (数据看板).
type dashboardData struct {
	O      *dashboard.Overview
	Tables []dashTable
	// Charts are the tables' bar charts drawn into the page (data: URLs)
	// by name: one Overview per page view, not one more per chart. A
	// chart's own address stays, linked, for opening or saving it alone.
	Charts   map[string]template.URL
	Streets  []*places.Street // the streets the person may choose
	District bool             // may see the whole district
	Street   string           // the filter as the form and the links carry it
	From, To string
	// Median is the median time to contract as shown (dashDuration), and
	// StreetMedians each street's, in O.Streets' order ("" for none).
	Median        string
	StreetMedians []string
}

// dashDuration shows a duration given in hours in days, one decimal, from a
// day up (the unit of /admin/solutions and of the catalog), else in hours.
func (a *app) dashDuration(l i18n.Lang, hours float64) string {
	if hours >= 24 {
		return a.Catalog.T(l, "dash.days", dashboard.Round1(hours/24))
	}
	return a.Catalog.T(l, "dash.hours", dashboard.Round1(hours))
}

// dashFilter reads the filter from the query and decides, for the
// signed-in person, which street it covers (role AND scope).
func (a *app) dashFilter(r *http.Request, action accounts.Action) (dashboard.Filter, error) {
	q := r.URL.Query()
	f, err := dashboard.ParseFilter(q.Get("street"), q.Get("from"), q.Get("to"), a.loc)
	if err != nil {
		return f, err
	}
	if f.StreetID, err = dashboard.Scope(accounts.ActorFrom(r.Context()), action, f.StreetID); err != nil {
		return f, err
	}
	return f, nil
}

// dashOverview loads the figures for the request with display names.
func (a *app) dashOverview(r *http.Request, action accounts.Action) (*dashboard.Overview, error) {
	f, err := a.dashFilter(r, action)
	if err != nil {
		return nil, err
	}
	o, err := a.Store.Overview(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// dashTables lists the breakdowns of o in page order with their names.
func (a *app) dashTables(l i18n.Lang, o *dashboard.Overview) []dashTable {
	name := func(prefix string, cs []dashboard.Count) []dashboard.Count {
		for i := range cs {
			switch {
			case cs[i].Name != "":
			case cs[i].Key == "":
				cs[i].Name = a.Catalog.T(l, "dash.unset")
			case prefix != "" && a.Catalog.Has(prefix+cs[i].Key):
				cs[i].Name = a.Catalog.T(l, prefix+cs[i].Key)
			default:
				cs[i].Name = cs[i].Key
			}
		}
		return cs
	}
	// The streets' medians share one unit: days when one takes a day or more.
	medianTitle, perDay := a.Catalog.T(l, "dash.t_street_median"), 1.0
	for _, m := range o.Streets {
		if m.MedianH >= 24 {
			medianTitle, perDay = a.Catalog.T(l, "dash.t_street_median_days"), 24
		}
	}
	medians := make([]dashboard.Count, 0, len(o.Streets))
	for _, m := range o.Streets {
		if m.MedianH >= 0 {
			v := dashboard.Round1(m.MedianH / perDay)
			medians = append(medians, dashboard.Count{Key: m.StreetID, Name: m.StreetName, N: int(math.Round(v)), Value: v})
		}
	}
	return []dashTable{
		{"org_registration", a.Catalog.T(l, "dash.t_org_registration"), name("registration.", o.OrgsByRegistration)},
		{"org_party_form", a.Catalog.T(l, "dash.t_org_party_form"), name("party_form.", o.OrgsByPartyForm)},
		{"org_category", a.Catalog.T(l, "dash.t_org_category"), name("category.", o.OrgsByCategory)},
		{"org_street", a.Catalog.T(l, "dash.t_org_street"), name("", o.OrgsByStreet)},
		{"org_year", a.Catalog.T(l, "dash.t_org_year"), name("", o.OrgsByYear)},
		{"needs_category", a.Catalog.T(l, "dash.t_needs_category"), name("category.", o.NeedsByCategory)},
		{"needs_status", a.Catalog.T(l, "dash.t_needs_status"), name("need_status.", o.NeedsByStatus)},
		{"street_median", medianTitle, medians},
		{"points", a.Catalog.T(l, "dash.t_points"), []dashboard.Count{
			{Key: "issued", Name: a.Catalog.T(l, "dash.points_issued"), N: int(o.PointsIssued)},
			{Key: "redeemed", Name: a.Catalog.T(l, "dash.points_redeemed"), N: int(o.PointsRedeemed)},
		}},
	}
}

func (a *app) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	if u == nil {
		a.fail(w, r, errs.E(errs.Unauthorized, "auth.required"))
		return
	}
	d := &dashboardData{District: dashboard.District(u)}
	q := r.URL.Query()
	d.Street, d.From, d.To = q.Get("street"), q.Get("from"), q.Get("to")
	p := a.newPage(w, r, "dash.title", d)
	f, err := a.dashFilter(r, accounts.View)
	if err == nil {
		d.O, err = a.Store.Overview(ctx, f)
	}
	if err != nil {
		if code := errs.CodeOf(err); code != errs.Invalid {
			a.fail(w, r, err)
			return
		}
		p.Error = a.Catalog.Error(p.Lang, err)
		for _, fe := range errs.Fields(err) {
			p.Fields[fe.Field] = a.Catalog.T(p.Lang, fe.Key, fe.Args...)
		}
	}
	all, serr := a.Store.FindStreets(ctx)
	if serr != nil {
		a.fail(w, r, serr)
		return
	}
	for _, s := range all {
		if accounts.Allowed(u, accounts.View, accounts.Resource{Kind: accounts.KindDashboard, StreetID: s.ID}) {
			d.Streets = append(d.Streets, s)
		}
	}
	if err != nil {
		a.render(w, r, "dashboard.html", errs.HTTPStatus(err), p)
		return
	}
	d.Street = f.StreetID
	d.From, d.To = f.FormDates(a.loc)
	if d.O.MedianHoursToContract >= 0 {
		d.Median = a.dashDuration(p.Lang, d.O.MedianHoursToContract)
	}
	for _, m := range d.O.Streets {
		shown := ""
		if m.MedianH >= 0 {
			shown = a.dashDuration(p.Lang, m.MedianH)
		}
		d.StreetMedians = append(d.StreetMedians, shown)
	}
	d.Tables = a.dashTables(p.Lang, d.O)
	d.Charts = map[string]template.URL{}
	for _, t := range d.Tables {
		if len(t.Rows) == 0 {
			continue
		}
		svg, err := barChartSVG(t.Rows)
		if err != nil {
			a.fail(w, r, errs.Wrap(err, "chart %s", t.Name))
			return
		}
		d.Charts[t.Name] = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))
	}
	a.render(w, r, "dashboard.html", http.StatusOK, p)
}

// dashboardChart serves one breakdown as an SVG bar chart (go-chart),
// drawn on the server so the page needs no script.
func (a *app) dashboardChart(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("name"), ".svg")
	if !ok {
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
		return
	}
	o, err := a.dashOverview(r, accounts.View)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var t *dashTable
	tables := a.dashTables(server.Lang(r), o)
	for i := range tables {
		if tables[i].Name == name {
			t = &tables[i]
		}
	}
	if t == nil {
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
		return
	}
	svg, err := barChartSVG(t.Rows)
	if err != nil {
		a.fail(w, r, errs.Wrap(err, "chart %s", name))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	// Figures of one person's scope: never kept where another could see them.
	w.Header().Set("Cache-Control", "no-store")
	w.Write(svg)
}

// maxBarLabel is how many characters of a name fit under a bar.
const maxBarLabel = 6

// barChartSVG draws rows as bars; the viewBox lets the image scale down to
// a phone's width.
func barChartSVG(rows []dashboard.Count) ([]byte, error) {
	const height = 320
	width := 120 + 70*len(rows)
	if width < 360 {
		width = 360
	}
	bc := chart.BarChart{
		Width:      width,
		Height:     height,
		BarWidth:   40,
		Background: chart.Style{Padding: chart.Box{Top: 20, Left: 10, Right: 10, Bottom: 40}},
		XAxis:      chart.Style{FontSize: 9},
		YAxis:      chart.YAxis{Style: chart.Style{FontSize: 9}},
	}
	max, fraction := 0.0, false
	for _, c := range rows {
		fraction = fraction || c.Value != 0
		label := c.Name
		if label == "" {
			label = c.Key
		}
		// A bar is 70px wide and go-chart does not wrap Chinese: a longer
		// name ran into its neighbours' (the table beside the chart has it
		// whole). go-chart writes a label into the SVG as it is: a name
		// with "<" or "&" (an organization's, a category's) would be
		// markup there, so it is escaped after it is shortened.
		if r := []rune(label); len(r) > maxBarLabel {
			label = string(r[:maxBarLabel-1]) + "…"
		}
		bc.Bars = append(bc.Bars, chart.Value{Label: html.EscapeString(label), Value: c.Amount()})
		max = math.Max(max, c.Amount())
	}
	if len(bc.Bars) == 0 {
		return emptySVG(width, height), nil
	}
	if max < 1 {
		max = 1
	}
	// Round marks (0, 50, 100, 150), not go-chart's own (0, 24, 48, 72 …),
	// the axis ending at the last one.
	ticks := dashboard.Ticks(max, !fraction)
	format := "%.0f"
	if fraction && len(ticks) > 1 && ticks[1] != math.Trunc(ticks[1]) {
		format = "%.1f"
	}
	for _, v := range ticks {
		bc.YAxis.Ticks = append(bc.YAxis.Ticks, chart.Tick{Value: v, Label: fmt.Sprintf(format, v)})
	}
	bc.YAxis.Range = &chart.ContinuousRange{Min: 0, Max: ticks[len(ticks)-1]}
	var buf bytes.Buffer
	if err := bc.Render(chart.SVG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// emptySVG is the picture of a breakdown with no rows (the table says why).
func emptySVG(width, height int) []byte {
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d"></svg>`,
		width, height/4, width, height/4))
}
