package api

import (
	"reflect"
	"slices"
	"sort"
	"testing"
)

// TestAPIOpenAPIStatsSchemas keeps the dashboard's schemas in step with the
// Go types the handler encodes.
func TestAPIOpenAPIStatsSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, v := range map[string]any{"StatsOverview": statsOverview{}, "StatsStreet": statsStreet{}, "StatsCount": statsCount{}} {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		var got, want []string
		for k := range s["properties"].(map[string]any) {
			got = append(got, k)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			want = append(want, jsonName(rt.Field(i)))
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has %v, the Go type %v", name, got, want)
		}
	}
}
