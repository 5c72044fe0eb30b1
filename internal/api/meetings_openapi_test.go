package api

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/coordination"
)

// TestAPIOpenAPIMeetingSchemas keeps the coordination schemas and enums in
// step with the Go types and the coordination package.
func TestAPIOpenAPIMeetingSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"Meeting": meetingJSON{}, "MeetingList": meetingList{}, "Resolution": resolutionJSON{},
		"ActionItem": actionJSON{}, "ActionIn": actionIn{}, "ActionPatch": actionPatch{},
	})
	enum := func(name string) []string {
		var out []string
		for _, v := range schemas[name].(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var statuses, kinds []string
	for _, s := range coordination.Statuses {
		statuses = append(statuses, string(s))
	}
	for _, k := range coordination.OwnerKinds {
		kinds = append(kinds, string(k))
	}
	if got := enum("ActionStatus"); !slices.Equal(got, statuses) {
		t.Errorf("ActionStatus %v, code %v", got, statuses)
	}
	if got := enum("ActionOwnerKind"); !slices.Equal(got, kinds) {
		t.Errorf("ActionOwnerKind %v, code %v", got, kinds)
	}
}
