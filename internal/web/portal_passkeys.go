package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// Passkeys (通行密钥): after a first sign-in by SMS code a resident may add
// a passkey on their phone and from then on sign in with one tap (the
// phone's fingerprint or screen lock). The ceremonies are go-webauthn's;
// the page's small script (static/passkey.js) only carries the browser's
// side. Without JavaScript the SMS code still works.

const ceremonyCookie = "huitian_webauthn"

// ceremony is the server side of a running WebAuthn ceremony, kept in the
// database for five minutes under a random id in an HttpOnly cookie, so it
// may end on another app node than it began on (store.PutCeremony).
type ceremony struct {
	data   webauthn.SessionData
	userID string // registration: who is adding a key
}

// relyingParty is the WebAuthn relying party: the configured base URL's
// host and origin; with none configured (development, tests) the
// request's own host, which a browser only accepts on localhost or HTTPS.
func (a *app) relyingParty(r *http.Request) (*webauthn.WebAuthn, error) {
	origin := a.Config.BaseURL
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + r.Host
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return nil, errs.E(errs.Internal, "passkey.unavailable")
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		return nil, errs.E(errs.Conflict, "passkey.unavailable")
	}
	return webauthn.New(&webauthn.Config{RPID: host, RPDisplayName: a.Catalog.T("zh-CN", "site.name"),
		RPOrigins: []string{u.Scheme + "://" + u.Host}})
}

// passkeysHere reports whether passkeys can work at the address this page
// was asked for: WebAuthn names the site by its domain (localhost too) and
// never by an IP address, so on http://127.0.0.1:8080 — or under a base URL
// with one — its buttons would only fail ("这个网址不能使用通行密钥").
func (a *app) passkeysHere(r *http.Request) bool {
	hosts := []string{r.Host}
	if a.Config.BaseURL != "" {
		u, err := url.Parse(a.Config.BaseURL)
		if err != nil {
			return false
		}
		hosts = append(hosts, u.Host)
	}
	for _, h := range hosts {
		if name, _, err := net.SplitHostPort(h); err == nil {
			h = name
		}
		h = strings.Trim(h, "[]")
		if h == "" || net.ParseIP(h) != nil {
			return false
		}
	}
	return true
}

// passkeyUser is a user as go-webauthn sees them.
type passkeyUser struct {
	u     *accounts.User
	creds []webauthn.Credential
	rows  []store.Passkey
}

func (p *passkeyUser) WebAuthnID() []byte                         { return []byte(p.u.ID) }
func (p *passkeyUser) WebAuthnName() string                       { return accounts.MaskPhone(p.u.Phone) }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.u.Name }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

func loadPasskeyUser(u *accounts.User, rows []store.Passkey) (*passkeyUser, error) {
	pu := &passkeyUser{u: u, rows: rows}
	for _, k := range rows {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &c); err != nil {
			return nil, errs.Wrap(err, "passkey %s", k.ID)
		}
		pu.creds = append(pu.creds, c)
	}
	return pu, nil
}

func (a *app) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Code == errs.Internal {
		a.Logger.Error("passkey", "request_id", server.RequestID(r.Context()), "err", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(errs.HTTPStatus(err))
	json.NewEncoder(w).Encode(map[string]string{"error": string(e.Code), "message": a.Catalog.Error(server.Lang(r), err)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

func (a *app) startCeremony(w http.ResponseWriter, r *http.Request, cm ceremony) error {
	id := randomID()
	data, err := json.Marshal(cm.data)
	if err != nil {
		return errs.Wrap(err, "passkey ceremony")
	}
	if err := a.Store.PutCeremony(r.Context(), id, store.Ceremony{Data: string(data), UserID: cm.userID},
		time.Now().Add(5*time.Minute)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ceremonyCookie, Value: id, Path: "/", MaxAge: 300, HttpOnly: true,
		Secure: a.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return nil
}

func (a *app) endCeremony(w http.ResponseWriter, r *http.Request) (ceremony, bool) {
	c, err := r.Cookie(ceremonyCookie)
	http.SetCookie(w, &http.Cookie{Name: ceremonyCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	if err != nil {
		return ceremony{}, false
	}
	sc, ok, err := a.Store.TakeCeremony(r.Context(), c.Value)
	if err != nil || !ok {
		return ceremony{}, false
	}
	var cm ceremony
	if json.Unmarshal([]byte(sc.Data), &cm.data) != nil {
		return ceremony{}, false
	}
	cm.userID = sc.UserID
	return cm, true
}

// passkeyRegisterBegin answers the options for navigator.credentials.create.
func (a *app) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	rp, err := a.relyingParty(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	rows, err := a.Store.FindPasskeys(r.Context())
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	pu, err := loadPasskeyUser(u, rows)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range pu.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, data, err := rp.BeginRegistration(pu,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(exclude))
	if err != nil {
		a.jsonError(w, r, errs.Wrap(err, "begin registration"))
		return
	}
	if err := a.startCeremony(w, r, ceremony{data: *data, userID: u.ID}); err != nil {
		a.jsonError(w, r, err)
		return
	}
	writeJSON(w, opts)
}

// passkeyRegisterFinish verifies the new credential and keeps it.
func (a *app) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	cm, ok := a.endCeremony(w, r)
	if !ok || cm.userID != u.ID {
		a.jsonError(w, r, errs.E(errs.Invalid, "passkey.expired"))
		return
	}
	rp, err := a.relyingParty(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	rows, err := a.Store.FindPasskeys(r.Context())
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	pu, err := loadPasskeyUser(u, rows)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	cred, err := rp.FinishRegistration(pu, cm.data, r)
	if err != nil {
		a.jsonError(w, r, errs.E(errs.Invalid, "passkey.failed"))
		return
	}
	b, err := json.Marshal(cred)
	if err != nil {
		a.jsonError(w, r, errs.Wrap(err, "passkey json"))
		return
	}
	name := a.Catalog.T(server.Lang(r), "passkey.default_name", a.Store.Now().In(a.loc).Format("2006-01-02"))
	k := &store.Passkey{CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), Credential: string(b), Name: name}
	if err := a.Store.AddPasskey(r.Context(), k); err != nil {
		a.jsonError(w, r, err)
		return
	}
	writeJSON(w, map[string]string{"status": "ok", "id": k.ID})
}

// passkeyLoginBegin answers the options for navigator.credentials.get
// (discoverable: the phone offers its passkeys for this site).
func (a *app) passkeyLoginBegin(w http.ResponseWriter, r *http.Request) {
	rp, err := a.relyingParty(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	opts, data, err := rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		a.jsonError(w, r, errs.Wrap(err, "begin login"))
		return
	}
	if err := a.startCeremony(w, r, ceremony{data: *data}); err != nil {
		a.jsonError(w, r, err)
		return
	}
	writeJSON(w, opts)
}

// passkeyLoginFinish verifies the assertion and signs the resident in for
// 30 days (a passkey lives on their own phone).
func (a *app) passkeyLoginFinish(w http.ResponseWriter, r *http.Request) {
	cm, ok := a.endCeremony(w, r)
	if !ok {
		a.jsonError(w, r, errs.E(errs.Invalid, "passkey.expired"))
		return
	}
	if err := a.limited(r, a.loginLimit, a.ipLimit, ""); err != nil {
		a.jsonError(w, r, err)
		return
	}
	rp, err := a.relyingParty(r)
	if err != nil {
		a.jsonError(w, r, err)
		return
	}
	var found *passkeyUser
	var usedRow *store.Passkey
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		k, err := a.Store.FindPasskeyByCredentialID(r.Context(), base64.RawURLEncoding.EncodeToString(rawID))
		if err != nil {
			return nil, err
		}
		if string(userHandle) != k.UserID {
			return nil, errs.E(errs.Unauthorized, "passkey.failed")
		}
		u, err := a.Store.FindUserForLogin(r.Context(), k.UserID)
		if err != nil {
			return nil, err
		}
		rows, err := a.Store.UserPasskeys(r.Context(), u.ID)
		if err != nil {
			return nil, err
		}
		if found, err = loadPasskeyUser(u, rows); err != nil {
			return nil, err
		}
		usedRow = k
		return found, nil
	}
	_, cred, err := rp.FinishPasskeyLogin(handler, cm.data, r)
	if err != nil || found == nil || found.u.Disabled {
		a.jsonError(w, r, errs.E(errs.Unauthorized, "passkey.failed"))
		return
	}
	if b, err := json.Marshal(cred); err == nil {
		if err := a.Store.UsePasskey(r.Context(), usedRow.ID, string(b)); err != nil {
			a.jsonError(w, r, err)
			return
		}
	}
	a.ipLimit.Forgive(server.ClientIP(r, a.Config.TrustProxy)) // only failures count (as for passwords)
	if err := a.signIn(w, r, found.u, true); err != nil {
		a.jsonError(w, r, err)
		return
	}
	writeJSON(w, map[string]string{"status": "ok"})
}

// passkeyRemove deletes one of the signed-in person's passkeys.
func (a *app) passkeyRemove(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.RemovePasskey(r.Context(), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/me/privacy#passkeys", "passkey.flash_removed")
}

func randomID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
