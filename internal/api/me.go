package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
)

type meJSON struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Phone     string      `json:"phone"`
	Roles     []grantJSON `json:"roles"`
	CreatedAt string      `json:"created_at"`
}

type grantJSON struct {
	Role      accounts.Role      `json:"role"`
	ScopeKind accounts.ScopeKind `json:"scope_kind,omitempty"`
	ScopeID   string             `json:"scope_id,omitempty"`
	Scope     string             `json:"scope,omitempty"`
}

// me: GET /api/v1/me, the token's own user. The phone is shown in full
// because the caller is its owner.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	u, err := requireActor(r)
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	out := meJSON{ID: u.ID, Name: u.Name, Phone: u.Phone, Roles: []grantJSON{}, CreatedAt: rfc3339(u.CreatedAt)}
	for _, g := range u.Grants {
		out.Roles = append(out.Roles, grantJSON{Role: g.Role, ScopeKind: accounts.ScopeKindOf(g.Role),
			ScopeID: g.ScopeID, Scope: g.ScopeName})
	}
	return writeJSON(w, http.StatusOK, out)
}
