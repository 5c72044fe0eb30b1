package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/portal"
)

// The resident portal's API: sign-in by SMS code, raising a need, the
// privacy centre's export and deletion.

type authCodeJSON struct {
	Phone string `json:"phone"`
}

// authCodeAccepted is the one answer to a code request: the same for a
// known phone, an unknown one and a malformed one, so the API tells nobody
// who has an account.
type authCodeAccepted struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// authCode: POST /api/v1/auth/code {"phone"} → always 202 with the same
// body (limits aside: too many requests is 429).
func (a *API) authCode(w http.ResponseWriter, r *http.Request) error {
	if a.codes == nil {
		return errs.E(errs.Internal, "error.internal")
	}
	var in authCodeJSON
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	body := authCodeAccepted{Status: "accepted", Message: a.cat.T(lang(r), "api.auth_code_sent")}
	phone, err := accounts.NormalizePhone(in.Phone)
	if err != nil {
		return writeJSON(w, http.StatusAccepted, body)
	}
	l := lang(r)
	sendErr, err := a.codes.Send(r.Context(), r, phone, func(code string, minutes int) string {
		return a.cat.T(l, "login.sms", code, minutes)
	})
	if err != nil {
		return err
	}
	if sendErr != nil {
		a.log.ErrorContext(r.Context(), "api: sms send failed", "err", redact(sendErr.Error()))
	}
	return writeJSON(w, http.StatusAccepted, body)
}

type authVerifyJSON struct {
	Phone  string `json:"phone"`
	Code   string `json:"code"`
	Client string `json:"client,omitempty"` // "app" for a token; else a browser session cookie
}

type authVerifiedJSON struct {
	Token  string `json:"token,omitempty"`
	UserID string `json:"user_id"`
	Name   string `json:"name"`
}

// authVerify: POST /api/v1/auth/verify {"phone","code"} → a session cookie
// for 30 days (a resident's own phone), or with "client":"app" a bearer
// token.
func (a *API) authVerify(w http.ResponseWriter, r *http.Request) error {
	if a.codes == nil {
		return errs.E(errs.Internal, "error.internal")
	}
	var in authVerifyJSON
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Client != "" && in.Client != "app" && in.Client != "web" {
		return errs.Field("client", "api.client_invalid")
	}
	phone, err := accounts.NormalizePhone(in.Phone)
	if err != nil {
		return errs.Field("code", "auth.code_wrong")
	}
	u, err := a.codes.Verify(r.Context(), r, phone, in.Code)
	if err != nil {
		return err
	}
	out := authVerifiedJSON{UserID: u.ID, Name: u.Name}
	if in.Client == "app" {
		if out.Token, err = a.store.CreateAPIToken(accounts.WithActor(r.Context(), u), u.ID, a.tokenIdle); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, out)
	}
	if a.sessions == nil {
		return errs.E(errs.Internal, "error.internal")
	}
	if err := a.sessions.SignInRemember(w, r, u, true); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

type suggestionInJSON struct {
	Body  string `json:"body"`
	Place string `json:"place,omitempty"`
}

type suggestionJSON struct {
	ID          string `json:"id"`
	CommunityID string `json:"community_id"`
	Community   string `json:"community"`
	Body        string `json:"body"`
	Place       string `json:"place"`
	Status      string `json:"status"`
	StatusText  string `json:"status_text"`
	Supports    int    `json:"supports"`
	CreatedAt   string `json:"created_at"`
}

func suggestionOut(l i18n.Lang, cat *i18n.Catalog, g *portal.Suggestion) suggestionJSON {
	return suggestionJSON{ID: g.ID, CommunityID: g.CommunityID, Community: g.CommunityName, Body: g.Body, Place: g.Place,
		Status: string(g.Status), StatusText: cat.T(l, "suggestion.status_"+string(g.Status)), Supports: g.Supports,
		CreatedAt: rfc3339(g.CreatedAt)}
}

// createSuggestion: POST /api/v1/suggestions — a resident raises a need
// with their confirmed community (photos go through the web form).
func (a *API) createSuggestion(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	var in suggestionInJSON
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	g := &portal.Suggestion{Body: in.Body, Place: in.Place}
	if err := a.store.CreateSuggestion(r.Context(), g, nil, ""); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, suggestionOut(lang(r), a.cat, g))
}

// exportMe: GET /api/v1/me/export — everything held about the caller.
func (a *API) exportMe(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	d, err := a.store.ExportMyData(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

type deleteMeJSON struct {
	Confirm string `json:"confirm"`
}

// deleteMe: DELETE /api/v1/me {"confirm":"注销"} — deletes the caller's
// account (anonymized; points postings kept under the pseudonym).
func (a *API) deleteMe(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	var in deleteMeJSON
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.DeleteMe(r.Context(), in.Confirm); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
