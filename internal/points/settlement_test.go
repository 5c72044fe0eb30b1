package points_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/points"
)

// A statement's first row names its status as the settlements page does
// (待审核, 已审核), in CSV and XLSX alike, never the code ("draft").
func TestStatementStatusInWords(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []points.SettlementStatus{points.SettlementDraft, points.SettlementApproved} {
		want := cat.T(i18n.ZH, "points.status_"+string(st))
		s := &points.Settlement{MerchantName: "龙锦苑便民超市", Month: "2026-10", Status: st, Redemptions: 0}
		var c, x bytes.Buffer
		if err := points.WriteStatementCSV(&c, s, nil); err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(c.String(), "\ufeff"), "\n")
		if first != "龙锦苑便民超市,2026-10 积分结算单,"+want {
			t.Errorf("%s: csv first line %q, want the status %q", st, first, want)
		}
		if err := points.WriteStatementXLSX(&x, s, nil); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := f.GetCellValue("结算单", "C1"); v != want {
			t.Errorf("%s: xlsx C1 %q, want %q", st, v, want)
		}
		f.Close()
	}
}
