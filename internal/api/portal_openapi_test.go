package api

import (
	"testing"

	"github.com/huitian/huitian/internal/store"
)

// TestAPIOpenAPIPortalSchemas keeps the portal's schemas in step with the Go types.
func TestAPIOpenAPIPortalSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"AuthCodeIn": authCodeJSON{}, "AuthCodeAccepted": authCodeAccepted{}, "AuthVerifyIn": authVerifyJSON{},
		"AuthVerified": authVerifiedJSON{}, "SuggestionIn": suggestionInJSON{}, "Suggestion": suggestionJSON{},
		"MyData": store.MyData{}, "DeleteMeIn": deleteMeJSON{},
	})
}
