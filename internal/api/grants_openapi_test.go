package api

import "testing"

// TestAPIOpenAPIGrantsSchemas keeps the grants schemas in step with the Go types.
func TestAPIOpenAPIGrantsSchemas(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checkSchemas(t, schemas, map[string]any{
		"Fund": fundJSON{}, "FundList": fundList{}, "Donation": donationJSON{}, "FundDetail": fundDetail{},
		"DonationIn": donationIn{}, "Round": roundJSON{}, "RoundList": roundList{}, "GrantBudgetLine": grantLineJSON{},
		"GrantMilestone": grantMilestoneJSON{}, "ApplicationIn": applicationIn{}, "Application": applicationJSON{},
		"GrantTransitionIn": grantTransitionIn{}, "ReviewIn": reviewIn{}, "AwardIn": awardIn{}, "Tranche": trancheJSON{},
		"Agreement": agreementJSON{}, "PayIn": payIn{}, "GrantFile": grantFileJSON{}, "Expense": expenseJSON{},
		"GrantDecideIn": grantDecideIn{}, "TerminateIn": terminateIn{},
	})
}
