package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/dashboard"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
)

// dashboardExport downloads the dashboard as a workbook: the key figures,
// then one sheet per table of the page.
func (a *app) dashboardExport(w http.ResponseWriter, r *http.Request) {
	o, err := a.dashOverview(r, accounts.Export)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l := server.Lang(r)
	scope := a.Catalog.T(l, "dash.district")
	if o.Filter.StreetID != "" {
		st, err := a.Store.FindStreetByID(r.Context(), o.Filter.StreetID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		scope = st.Name
	}
	b, err := a.dashWorkbook(l, o, scope)
	if err != nil {
		a.fail(w, r, errs.Wrap(err, "dashboard workbook"))
		return
	}
	// 数据看板-回龙观街道-20260301.xlsx, with an ASCII name for the clients
	// that do not read filename* (RFC 6266).
	today := time.Now().In(a.loc).Format("20060102")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment("dashboard-"+today+".xlsx",
		a.Catalog.T(l, "dash.file_name", scope, today)+".xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// dashFigures are the single figures of o, as label and value.
func (a *app) dashFigures(l i18n.Lang, o *dashboard.Overview) [][2]any {
	// The workbook keeps numbers: the medians in days, the unit in the label.
	median := any(a.Catalog.T(l, "dash.none"))
	if o.MedianHoursToContract >= 0 {
		median = dashboard.Round1(o.MedianHoursToContract / 24)
	}
	return [][2]any{
		{a.Catalog.T(l, "dash.f_organizations"), o.Organizations},
		{a.Catalog.T(l, "dash.f_teams"), o.Teams},
		{a.Catalog.T(l, "dash.f_incubating"), o.Incubating},
		{a.Catalog.T(l, "dash.f_graduated"), o.Graduated},
		{a.Catalog.T(l, "dash.f_needs"), o.Needs},
		{a.Catalog.T(l, "dash.f_median_days"), median},
		{a.Catalog.T(l, "dash.f_awards"), o.Awards},
		{a.Catalog.T(l, "dash.f_own_street_pct"), dashboard.Round1(o.OwnStreetShare() * 100)},
		{a.Catalog.T(l, "dash.f_acceptances"), o.Acceptances},
		{a.Catalog.T(l, "dash.f_ratings"), o.Ratings},
		{a.Catalog.T(l, "dash.f_satisfaction"), dashboard.Round1(o.AvgSatisfaction)},
		{a.Catalog.T(l, "dash.points_issued"), o.PointsIssued},
		{a.Catalog.T(l, "dash.points_redeemed"), o.PointsRedeemed},
		{a.Catalog.T(l, "dash.f_activities"), o.ActivitiesHeld},
		{a.Catalog.T(l, "dash.f_hours"), dashboard.Round1(o.VolunteerHours)},
		{a.Catalog.T(l, "dash.f_training"), o.TrainingPresent},
		{a.Catalog.T(l, "dash.f_overdue"), o.OverdueActions},
		{a.Catalog.T(l, "grants.dash_procurement"), float64(o.MoneyProcurement) / 100},
		{a.Catalog.T(l, "grants.dash_grant"), float64(o.MoneyGrant) / 100},
		{a.Catalog.T(l, "grants.dash_match"), float64(o.MoneyMatch) / 100},
		{a.Catalog.T(l, "dash.f_portal_views"), o.PortalViews},
		{a.Catalog.T(l, "dash.f_portal_visitors"), o.PortalVisitors},
	}
}

// dashFilterWords says which figures a workbook holds: the street (or the
// district) and the period, as the page's filter chose them.
func (a *app) dashFilterWords(l i18n.Lang, o *dashboard.Overview, scope string) string {
	from, to := o.Filter.FormDates(a.loc)
	period := a.Catalog.T(l, "dash.all_time")
	switch {
	case from != "" && to != "":
		period = a.Catalog.T(l, "dash.period_between", from, to)
	case from != "":
		period = a.Catalog.T(l, "dash.period_since", from)
	case to != "":
		period = a.Catalog.T(l, "dash.period_until", to)
	}
	return a.Catalog.T(l, "dash.filter_words", scope, period)
}

// dashWorkbook is the dashboard of o as a workbook; scope names its street
// or the district.
func (a *app) dashWorkbook(l i18n.Lang, o *dashboard.Overview, scope string) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	first := a.Catalog.T(l, "dash.sheet_figures")
	if err := x.SetSheetName("Sheet1", first); err != nil {
		return nil, err
	}
	put := func(sheet string, rows [][]any) error {
		for i, row := range rows {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			if err != nil {
				return err
			}
			if err := x.SetSheetRow(sheet, cell, &row); err != nil {
				return err
			}
		}
		return nil
	}
	// The filter first, so a workbook read later says what it counts.
	figs := [][]any{{a.Catalog.T(l, "dash.filter_row"), a.dashFilterWords(l, o, scope)}, {},
		{a.Catalog.T(l, "dash.col_figure"), a.Catalog.T(l, "dash.col_value")}}
	for _, f := range a.dashFigures(l, o) {
		figs = append(figs, []any{f[0], f[1]})
	}
	if err := put(first, figs); err != nil {
		return nil, err
	}
	for _, t := range a.dashTables(l, o) {
		if _, err := x.NewSheet(t.Title); err != nil {
			return nil, err
		}
		rows := [][]any{{a.Catalog.T(l, "dash.col_item"), a.Catalog.T(l, "dash.col_count")}}
		for _, c := range t.Rows {
			var v any = c.N
			if c.Value != 0 {
				v = c.Value
			}
			rows = append(rows, []any{c.Name, v})
		}
		if err := put(t.Title, rows); err != nil {
			return nil, err
		}
	}
	streets := a.Catalog.T(l, "dash.sheet_streets")
	if _, err := x.NewSheet(streets); err != nil {
		return nil, err
	}
	rows := [][]any{{a.Catalog.T(l, "dash.col_street"), a.Catalog.T(l, "dash.col_median_days"), a.Catalog.T(l, "dash.col_published"),
		a.Catalog.T(l, "dash.col_contracted"), a.Catalog.T(l, "dash.col_per_need"), a.Catalog.T(l, "dash.col_no_proposal_pct")}}
	for _, m := range o.Streets {
		median := any("")
		if m.MedianH >= 0 {
			median = dashboard.Round1(m.MedianH / 24)
		}
		rows = append(rows, []any{m.StreetName, median, m.Published, m.Contracted,
			dashboard.Round1(m.PerNeed()), dashboard.Round1(m.NoProposalShare() * 100)})
	}
	if err := put(streets, rows); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
