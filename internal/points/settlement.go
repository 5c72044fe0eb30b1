package points

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// SettlementStatus is where a monthly statement stands.
type SettlementStatus string

const (
	SettlementDraft    SettlementStatus = "draft"    // drawn up, figures fixed
	SettlementApproved SettlementStatus = "approved" // approved by the street; the points went back to its pool
)

// Settlement is a merchant's statement for one month (结算).
type Settlement struct {
	ID           string
	MerchantID   string
	MerchantName string
	StreetID     string
	Month        string // 2026-11
	Redemptions  int64
	Total        int64 // points
	Status       SettlementStatus
	CreatedBy    string
	CreatedAt    time.Time
	ApprovedBy   string
	ApprovedAt   time.Time
	PostingID    string
}

// Resource is the statement's authorization view.
func (s *Settlement) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindSettlement, ID: s.ID, StreetID: s.StreetID, MerchantID: s.MerchantID}
}

// CanApprove tells whether the statement may be approved now.
func (s *Settlement) CanApprove() error {
	if s.Status != SettlementDraft {
		return errs.E(errs.Conflict, "points.settlement_approved")
	}
	return nil
}

// MonthRange returns the start and end (exclusive) of a month "2006-01"
// in Beijing time, as UTC instants. A month not over by now cannot be
// settled yet.
func MonthRange(month string, now time.Time) (time.Time, time.Time, error) {
	start, err := time.ParseInLocation("2006-01", month, Zone())
	if err != nil {
		return time.Time{}, time.Time{}, errs.Field("month", "points.month_invalid")
	}
	end := start.AddDate(0, 1, 0)
	if end.After(now) {
		return time.Time{}, time.Time{}, errs.Field("month", "points.month_not_over")
	}
	return start.UTC(), end.UTC(), nil
}

// PreviousMonth is the last month that is over at now, "2006-01".
func PreviousMonth(now time.Time) string {
	t := now.In(Zone())
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Zone()).AddDate(0, -1, 0).Format("2006-01")
}

var statementHead = []string{"日期", "商品", "居民", "积分", "兑换编号"}

// statementStatus names a statement's status in the document's words, the
// same as the settlements page shows (points.status_* in zh-CN).
var statementStatus = map[SettlementStatus]string{SettlementDraft: "待审核", SettlementApproved: "已审核"}

// statementTitle is the statement's first row: merchant, month, status.
func statementTitle(s *Settlement) []string {
	status, ok := statementStatus[s.Status]
	if !ok {
		status = string(s.Status)
	}
	return []string{s.MerchantName, s.Month + " 积分结算单", status}
}

func statementRow(r *Redemption) []string {
	return []string{r.CreatedAt.In(Zone()).Format("2006-01-02 15:04"), r.GoodName, r.ResidentName,
		strconv.FormatInt(r.Price, 10), r.ID}
}

// WriteStatementCSV writes the statement's redemptions and its total as
// CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese).
func WriteStatementCSV(w io.Writer, s *Settlement, lines []*Redemption) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return errs.Wrap(err, "write csv")
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(statementTitle(s))
	_ = cw.Write(statementHead)
	for _, r := range lines {
		_ = cw.Write(statementRow(r))
	}
	_ = cw.Write([]string{"合计", strconv.FormatInt(s.Redemptions, 10) + " 笔", "", strconv.FormatInt(s.Total, 10), ""})
	cw.Flush()
	return errs.Wrap(cw.Error(), "write csv")
}

// WriteStatementXLSX writes the same statement as an Excel workbook.
func WriteStatementXLSX(w io.Writer, s *Settlement, lines []*Redemption) error {
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return errs.Wrap(err, "write xlsx") }
	const sheet = "结算单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	rows := [][]any{toAny(statementTitle(s)), toAny(statementHead)}
	for _, r := range lines {
		row := toAny(statementRow(r))
		row[3] = r.Price
		rows = append(rows, row)
	}
	rows = append(rows, []any{"合计", strconv.FormatInt(s.Redemptions, 10) + " 笔", "", s.Total, ""})
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fail(err)
		}
	}
	_ = f.SetColWidth(sheet, "A", "A", 18)
	_ = f.SetColWidth(sheet, "B", "B", 24)
	_ = f.SetColWidth(sheet, "E", "E", 40)
	return fail(f.Write(w))
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
