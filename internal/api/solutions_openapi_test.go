package api

import (
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/catalog"
)

// TestAPIOpenAPISolutionSchemas keeps the catalog's schemas and enums in
// step with the Go types and the catalog package.
func TestAPIOpenAPISolutionSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"Solution": solutionJSON{}, "SolutionList": solutionList{}, "SolutionCreate": solutionCreate{},
		"SolutionAdopt": adoptIn{}, "SolutionStep": stepJSON{}, "SolutionInputs": inputsJSON{},
		"SolutionOutcome": outcomeJSON{}, "SolutionRisk": riskJSON{}, "SolutionAttachment": attachmentJSON{},
		"SolutionFigures": figuresJSON{}, "SolutionDelivery": deliveryJSON{}, "SolutionVersion": versionJSON{},
		"LeadTime": leadTimeJSON{}, "SolutionStats": statsJSON{}, "SolutionStatsList": statsList{},
		"SolutionNote": solutionNote{}, "SolutionMerge": mergeIn{}, "SolutionPair": pairJSON{}, "SolutionPairList": pairList{},
		"ProjectCluster": clusterJSON{}, "ProjectClusterList": clusterList{},
	})
	enum := func(name string) []string {
		var out []string
		for _, v := range schemas[name].(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	strs := func(xs ...string) []string { return xs }
	var statuses, sorts, actions, types []string
	for _, s := range catalog.Statuses {
		statuses = append(statuses, string(s))
	}
	for _, s := range catalog.Sorts {
		sorts = append(sorts, string(s))
	}
	for _, a := range catalog.Actions {
		actions = append(actions, string(a))
	}
	for _, ct := range catalog.CommunityTypes {
		types = append(types, ct.Code)
	}
	for name, want := range map[string][]string{"SolutionStatus": statuses, "SolutionSort": sorts, "SolutionAction": actions} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("enum %s: %v, code %v", name, got, want)
		}
	}
	ct := schemas["Solution"].(map[string]any)["properties"].(map[string]any)["community_types"].(map[string]any)["items"].(map[string]any)
	if got := jsonText(ct["enum"]); got != jsonText(types) {
		t.Errorf("community types %s, code %v", got, types)
	}
	if got := listParams(t, doc, "/api/v1/solutions"); !slices.Equal(got, strs("category", "org", "page", "per_page", "q", "sort", "status")) {
		t.Errorf("solution list parameters %v", got)
	}
}
