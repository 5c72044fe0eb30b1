package web

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/i18n"
)

// TestAuditAmounts: a tester read a ¥6,000 grant payment as "amount":600000
// in the audit log; the money in fen and the points now read in words
// beside the raw data.
func TestAuditAmounts(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := &app{Deps: Deps{Catalog: cat}}
	zh := i18n.Lang("zh-CN")
	for _, c := range []struct {
		action, data string
		want         []string
	}{
		{"grants.tranche_pay", `{"amount":600000,"tranche":"t1"}`, []string{"amount：¥6,000（原始数据以分计）"}},
		{"need.update", `{"old_budget_fen":8000000,"budget_fen":9000050}`, []string{"budget_fen：¥90,000.50（原始数据以分计）", "old_budget_fen：¥80,000（原始数据以分计）"}},
		{"points.post", `{"amount":50,"kind":"earn"}`, []string{"amount：50 积分"}},
		// A merchant's monthly settlement: its total in points, the count of redemptions not.
		{"settlement.create", `{"month":"2026-10","redemptions":3,"total":1200}`, []string{"total：1200 积分"}},
		{"settlement.approve", `{"month":"2026-10","total":1200}`, []string{"total：1200 积分"}},
		// An agreement ended early gives back what was not paid; an application's own match.
		{"grants.agreement_terminate", `{"reason":"组织解散","released":300000}`, []string{"released：¥3,000（原始数据以分计）"}},
		{"grants.apply", `{"match":300000,"org":"o1","request":700000,"round":"r1"}`, []string{"match：¥3,000（原始数据以分计）", "request：¥7,000（原始数据以分计）"}},
		{"need.publish", `{"deadline":"2026-12-01"}`, nil},
		{"grants.award", `not json`, nil},
	} {
		got := a.auditAmounts(zh, &audit.Entry{Action: c.action, Data: c.data})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s: %q, want %q", c.action, c.data, got, c.want)
		}
	}
}
