package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// The transparency pages' downloads: every row the page shows, as CSV or
// as a workbook, with the same masking (donors as they chose, a person's
// name as 张**, a personal receipt withheld but its hash kept).

func (a *app) roundRows(r *http.Request, l i18n.Lang) (string, [][]string, error) {
	led, err := a.Store.FindRoundLedger(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", nil, err
	}
	return "round-" + led.Round.ID, append([][]string{a.ledgerHeader(l)}, a.ledgerRows(led, l)...), nil
}

// ledgerHeader names the columns of a round's or a fund's public ledger.
func (a *app) ledgerHeader(l i18n.Lang) []string {
	T := func(k string) string { return a.Catalog.T(l, k) }
	return []string{T("grants.col_date"), T("grants.col_kind"), T("grants.col_org"), T("grants.col_what"),
		T("grants.col_category"), T("grants.col_amount"), T("grants.col_status"), T("grants.col_receipt")}
}

// ledgerRows lists a round's awards, paid tranches and expenses (personal
// payees masked, personal receipts withheld with their hash).
func (a *app) ledgerRows(led *store.RoundLedger, l i18n.Lang) [][]string {
	T := func(k string, args ...any) string { return a.Catalog.T(l, k, args...) }
	var rows [][]string
	for _, g := range led.Agreements {
		rows = append(rows, []string{g.CreatedAt.In(a.loc).Format("2006-01-02"), T("grants.kind_award"), g.OrgName, g.Title, "",
			grants.FormatFen(g.Amount), T("grants.agr." + string(g.Status)), ""})
		for _, t := range g.Tranches {
			if t.Status != grants.TrPaid {
				continue
			}
			rows = append(rows, []string{t.PaidAt.In(a.loc).Format("2006-01-02"), T("grants.kind_tranche"), g.OrgName, t.Milestone, "",
				grants.FormatFen(t.Amount), T("grants.tr." + string(t.Status)), t.PostingID})
		}
		for _, e := range led.Expenses[g.ID] {
			var rec []string
			for _, f := range e.Files {
				if f.Personal {
					rec = append(rec, T("grants.receipt_withheld")+" sha256:"+f.SHA256)
				} else {
					rec = append(rec, f.Name+" sha256:"+f.SHA256)
				}
			}
			rows = append(rows, []string{e.SpentOn, T("grants.kind_expense"), g.OrgName, e.Description + " / " + e.PublicPayee(),
				T("grants.cat." + e.Category), grants.FormatFen(e.Amount), T("grants.exp." + string(e.Status)), strings.Join(rec, "; ")})
		}
	}
	return rows
}

func (a *app) fundRows(r *http.Request, l i18n.Lang) (string, [][]string, error) {
	ctx := r.Context()
	f, err := a.Store.FindFundByID(ctx, r.PathValue("id"))
	if err != nil {
		return "", nil, err
	}
	ds, err := a.Store.FindDonations(ctx, f.ID, 1000)
	if err != nil {
		return "", nil, err
	}
	T := func(k string, args ...any) string { return a.Catalog.T(l, k, args...) }
	// The round ledger's columns; a donation's donor stands where an
	// organization does.
	rows := [][]string{a.ledgerHeader(l)}
	for _, d := range ds {
		name := d.PublicName()
		if name == "" {
			name = T("grants.anonymous")
		}
		rows = append(rows, []string{d.DonatedOn, T("grants.kind_donation"), name, T("grants.channel."+d.Channel) + " " + d.Restriction,
			"", grants.FormatFen(d.Amount), "", d.ReceiptNo})
	}
	rounds, err := a.Store.FindRounds(ctx)
	if err != nil {
		return "", nil, err
	}
	var mine []*grants.RoundRecord
	for _, x := range rounds {
		if x.FundID == f.ID {
			mine = append(mine, x)
		}
	}
	leds, err := a.Store.FindRoundLedgers(ctx, mine)
	if err != nil {
		return "", nil, err
	}
	for i, x := range mine {
		rows = append(rows, []string{x.OpensOn, T("grants.kind_reserve"), "", x.Name, "", grants.FormatFen(x.Budget), "", ""})
		rows = append(rows, a.ledgerRows(leds[i], l)...)
	}
	return "fund-" + f.ID, rows, nil
}

func (a *app) sendRows(w http.ResponseWriter, r *http.Request, build func(*http.Request, i18n.Lang) (string, [][]string, error), xlsx bool) {
	name, rows, err := build(r, server.Lang(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if xlsx {
		wb := excelize.NewFile()
		defer wb.Close()
		sheet := wb.GetSheetName(0)
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = v
			}
			if err := wb.SetSheetRow(sheet, cell, &vals); err != nil {
				a.fail(w, r, errs.Wrap(err, "grants workbook"))
				return
			}
		}
		if err := wb.Write(&buf); err != nil {
			a.fail(w, r, errs.Wrap(err, "grants workbook"))
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	} else {
		buf.WriteString("\ufeff") // Excel opens UTF-8 CSV as UTF-8 only with a BOM
		cw := csv.NewWriter(&buf)
		if err := cw.WriteAll(rows); err != nil {
			a.fail(w, r, errs.Wrap(err, "grants csv"))
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (a *app) roundCSV(w http.ResponseWriter, r *http.Request)  { a.sendRows(w, r, a.roundRows, false) }
func (a *app) roundXLSX(w http.ResponseWriter, r *http.Request) { a.sendRows(w, r, a.roundRows, true) }
func (a *app) fundCSV(w http.ResponseWriter, r *http.Request)   { a.sendRows(w, r, a.fundRows, false) }
func (a *app) fundXLSX(w http.ResponseWriter, r *http.Request)  { a.sendRows(w, r, a.fundRows, true) }
