package activities

import (
	"encoding/csv"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/errs"
)

// The attendance export: one row per signup, never a phone number; the
// caller passes names already masked for those who may not see them.

var attendanceHead = []string{"姓名", "报名状态", "签到时间", "签到方式", "签退时间", "签退方式", "签到签退时长（小时）", "确认时长（小时）"}

var statusLabel = map[SignupStatus]string{SignedUp: "已报名", Waiting: "候补", "cancelled": "已取消"}

// The same words as the attendance page (activity.method.*).
var methodLabel = map[Method]string{ByCode: "签到码", ByList: "名单代签"}

func attendanceRow(g *Signup) []string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(beijing).Format("2006-01-02 15:04")
	}
	mins, conf := "", ""
	if g.CheckedOut() {
		mins = FormatHours(g.Minutes)
	}
	if g.Confirmed {
		conf = FormatHours(g.ConfirmedMins)
	}
	return []string{g.UserName, statusLabel[g.Status], at(g.CheckinAt), methodLabel[g.CheckinMethod], at(g.CheckoutAt),
		methodLabel[g.CheckoutMethod], mins, conf}
}

func attendanceTitle(a *Activity) []string {
	return []string{a.Title, a.StartsAt.In(beijing).Format("2006-01-02 15:04") + "–" + a.EndsAt.In(beijing).Format("15:04"), a.Address}
}

// WriteAttendanceCSV writes an activity's attendance as CSV (UTF-8 with a
// byte-order mark, so Excel reads the Chinese).
func WriteAttendanceCSV(w io.Writer, a *Activity, list []*Signup) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return errs.Wrap(err, "write csv")
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(attendanceTitle(a))
	_ = cw.Write(attendanceHead)
	for _, g := range list {
		_ = cw.Write(attendanceRow(g))
	}
	cw.Flush()
	return errs.Wrap(cw.Error(), "write csv")
}

// WriteAttendanceXLSX writes the same as an Excel workbook.
func WriteAttendanceXLSX(w io.Writer, a *Activity, list []*Signup) error {
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return errs.Wrap(err, "write xlsx") }
	const sheet = "签到名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	rows := [][]string{attendanceTitle(a), attendanceHead}
	for _, g := range list {
		rows = append(rows, attendanceRow(g))
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return fail(err)
		}
	}
	_ = f.SetColWidth(sheet, "A", "A", 14)
	_ = f.SetColWidth(sheet, "C", "F", 18)
	return fail(f.Write(w))
}
