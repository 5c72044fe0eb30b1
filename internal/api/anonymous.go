package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
)

// anonymousWrites are the only changes a caller without a token may send:
// asking for and checking a sign-in code. Every other change needs a token
// before its body is read, so a stranger learns nothing from validation
// errors (SECURITY.md).
var anonymousWrites = map[string]bool{
	http.MethodPost + " " + Prefix + "/auth/code":   true,
	http.MethodPost + " " + Prefix + "/auth/verify": true,
}

// writeRoles are, for changes whose body the store reads before it can
// tell who may act on which object, the roles that may ever make them: a
// caller holding none is refused before the body is read. A coarse first
// gate; the role's scope on the object is still the store's check.
var writeRoles = map[string][]accounts.Role{
	http.MethodPost + " " + Prefix + "/needs":                     {accounts.PlatformAdmin, accounts.StreetStaff, accounts.CommunityStaff},
	http.MethodPost + " " + Prefix + "/needs/{id}/questions":      {accounts.OrgAdmin, accounts.OrgMember},
	http.MethodPost + " " + Prefix + "/needs/{id}/attachments":    {accounts.PlatformAdmin, accounts.StreetStaff, accounts.CommunityStaff},
	http.MethodPost + " " + Prefix + "/solutions/{id}/adopt":      {accounts.PlatformAdmin, accounts.StreetStaff, accounts.CommunityStaff},
	http.MethodPost + " " + Prefix + "/needs/{id}/proposals":      {accounts.OrgAdmin, accounts.OrgMember},
	http.MethodPost + " " + Prefix + "/meetings/{id}/actions":     {accounts.PlatformAdmin, accounts.StreetStaff},
	http.MethodPost + " " + Prefix + "/redemptions":               {accounts.Merchant},
	http.MethodPost + " " + Prefix + "/sessions/{id}/enrollments": {accounts.PlatformAdmin, accounts.OrgAdmin, accounts.OrgMember},
	http.MethodPost + " " + Prefix + "/applications/{id}/award":   {accounts.PlatformAdmin, accounts.FoundationStaff, accounts.StreetStaff},
	http.MethodPost + " " + Prefix + "/agreements/{id}/terminate": {accounts.PlatformAdmin, accounts.FoundationStaff, accounts.StreetStaff},
	http.MethodPost + " " + Prefix + "/tranches/{id}/pay":         {accounts.PlatformAdmin, accounts.FoundationStaff, accounts.StreetStaff},
	http.MethodPost + " " + Prefix + "/expenses":                  {accounts.OrgAdmin, accounts.OrgMember},
}

// mayWrite reports whether actor holds one of the route's writeRoles (or
// the route has none).
func mayWrite(actor *accounts.User, pattern string) bool {
	roles := writeRoles[pattern]
	if roles == nil {
		return true
	}
	for _, r := range roles {
		if actor.Has(r) {
			return true
		}
	}
	return false
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
