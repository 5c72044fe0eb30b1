package web

import (
	"net/http"
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

// signInFirst refuses a change from a visitor without a session unless the
// route is one of anonymousChanges; it reports whether it answered.
func (a *app) signInFirst(w http.ResponseWriter, r *http.Request) bool {
	// A pattern without a method ("/", the not-found page) is no route.
	if r.Method == http.MethodGet || r.Method == http.MethodHead || !strings.Contains(r.Pattern, " ") ||
		accounts.ActorFrom(r.Context()) != nil || anonymousChanges[r.Pattern] {
		return false
	}
	a.fail(w, r, errs.E(errs.Unauthorized, "auth.required"))
	return true
}
