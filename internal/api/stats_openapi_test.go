package api

import "testing"

// TestAPIOpenAPIStatsSchemas keeps the dashboard's schemas in step with the
// Go types the handler encodes.
func TestAPIOpenAPIStatsSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{"StatsOverview": statsOverview{}, "StatsStreet": statsStreet{},
		"StatsCount": statsCount{}})
}
