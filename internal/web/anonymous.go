package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// anonymousChanges are the only changes a visitor without a session may
// send: signing in and out, the language and the large-print switch (both
// cookies), and the portal's sign-up button, which sends them to sign in.
// Every other change needs a session before its input is even read, so a
// stranger learns nothing from validation messages (SECURITY.md).
var anonymousChanges = map[string]bool{
	"POST /login/password":                true,
	"POST /login/code/send":               true,
	"POST /login/code/verify":             true,
	"POST /login/passkey/begin":           true,
	"POST /login/passkey/finish":          true,
	"POST /logout":                        true,
	"POST /lang":                          true,
	"POST /portal/elderly":                true,
	"POST /portal/activities/{id}/signup": true,
}

// changeRoles are, for changes whose input the store reads before it can
// tell who may act on which object, the roles that may ever take them: a
// user holding none is refused before the form is read. It is a coarse
// first gate; the role's scope on the object is still checked by the store
// (accounts.Can) as for every change.
var changeRoles = map[string][]accounts.Role{
	"POST /admin/streets":                                      {accounts.PlatformAdmin},
	"POST /solutions/{id}/return":                              {accounts.PlatformAdmin},
	"POST /needs":                                              {accounts.PlatformAdmin, accounts.StreetStaff, accounts.CommunityStaff},
	"POST /needs/{id}/questions":                               {accounts.OrgAdmin, accounts.OrgMember},
	"POST /needs/{id}/proposals":                               {accounts.OrgAdmin, accounts.OrgMember},
	"POST /academy/sessions":                                   {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /academy/sessions/{id}/enrollments":                  {accounts.PlatformAdmin, accounts.OrgAdmin, accounts.OrgMember},
	"POST /academy/enrollments/{id}/attendance":                {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /incubation/applications":                            {accounts.PlatformAdmin, accounts.OrgAdmin},
	"POST /organizations/{id}/party/forms":                     {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /organizations/{id}/party/pairings":                  {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /organizations/{id}/party/pairings/{pid}/activities": {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /organizations/{id}/party/instructors/{iid}/end":     {accounts.PlatformAdmin, accounts.StreetStaff},
	"POST /grants/funds/{id}/donations":                        {accounts.PlatformAdmin, accounts.FoundationStaff},
	"POST /grants/rounds":                                      {accounts.PlatformAdmin, accounts.FoundationStaff, accounts.StreetStaff},
	"POST /grants/applications/{id}/award":                     {accounts.PlatformAdmin, accounts.FoundationStaff, accounts.StreetStaff},
}

// signInFirst refuses a change from a visitor without a session unless the
// route is one of anonymousChanges, and a change from a user who holds
// none of the route's changeRoles; it reports whether it answered.
func (a *app) signInFirst(w http.ResponseWriter, r *http.Request) bool {
	// A pattern without a method ("/", the not-found page) is no route.
	if r.Method == http.MethodGet || r.Method == http.MethodHead || !strings.Contains(r.Pattern, " ") {
		return false
	}
	u := accounts.ActorFrom(r.Context())
	switch {
	case u == nil && !anonymousChanges[r.Pattern]:
		a.fail(w, r, errs.E(errs.Unauthorized, "auth.required"))
		return true
	case u != nil && changeRoles[r.Pattern] != nil && !slices.ContainsFunc(changeRoles[r.Pattern], u.Has):
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return true
	}
	return false
}
