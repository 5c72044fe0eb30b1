package api

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/points"
)

// TestAPIOpenAPIPointsSchemas keeps the points schemas in step with the Go
// types and the points package's kinds and flags.
func TestAPIOpenAPIPointsSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"Posting": postingJSON{}, "MePoints": mePointsJSON{}, "RedemptionCodeIn": codeIn{}, "RedemptionCode": codeJSON{},
		"RedemptionIn": redemptionIn{}, "Redemption": redemptionJSON{}, "Settlement": settlementJSON{},
		"SettlementList": settlementList{}, "RedemptionList": redemptionList{},
	})
	enum := func(v any) []string {
		var out []string
		for _, x := range v.(map[string]any)["enum"].([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	props := func(name string) map[string]any { return schemas[name].(map[string]any)["properties"].(map[string]any) }
	kinds := []string{string(points.KindAward), string(points.KindRedemption), string(points.KindGrant), string(points.KindTransfer),
		string(points.KindReversal), string(points.KindExpiry), string(points.KindSettlement)}
	if got := enum(props("Posting")["kind"]); !slices.Equal(got, kinds) {
		t.Errorf("posting kinds %v, code %v", got, kinds)
	}
	if got := enum(props("Redemption")["flags"].(map[string]any)["items"]); !slices.Equal(got, []string{points.FlagRepeat, points.FlagOutsideHours}) {
		t.Errorf("flags %v", got)
	}
	if got := enum(props("Settlement")["status"]); !slices.Equal(got, []string{string(points.SettlementDraft), string(points.SettlementApproved)}) {
		t.Errorf("settlement statuses %v", got)
	}
}
