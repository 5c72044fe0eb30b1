package api

import (
	"testing"

	"github.com/huitian/huitian/internal/audit"
)

// TestAPIOpenAPIAuditHeadsSchemas keeps the audit heads' schemas in step
// with the Go types the handler encodes.
func TestAPIOpenAPIAuditHeadsSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{"AuditHeads": auditHeadsJSON{}, "AuditDayHead": audit.DayHead{}})
}
