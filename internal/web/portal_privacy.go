package web

import (
	"encoding/json"
	"net/http"

	"github.com/huitian/huitian/internal/store"
)

// The privacy centre (个人信息保护法): what the platform holds about me,
// download it, correct my name, withdraw consent to publish it, delete my
// account.

type privacyData struct {
	D        *store.MyData
	Passkeys []store.Passkey
}

func (a *app) privacyPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	if _, err := actor(r); err != nil {
		return nil, err
	}
	d, err := a.Store.ExportMyData(r.Context())
	if err != nil {
		return nil, err
	}
	ks, err := a.Store.FindPasskeys(r.Context())
	if err != nil {
		return nil, err
	}
	return a.newPage(w, r, "privacy.title", &privacyData{D: d, Passkeys: ks}), nil
}

// privacy is GET /me/privacy.
func (a *app) privacy(w http.ResponseWriter, r *http.Request) {
	p, err := a.privacyPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "portal_privacy.html", http.StatusOK, p)
}

// privacyExport is the download: JSON, or a readable page to print or save.
func (a *app) privacyExport(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.Store.ExportMyData(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="huitian-my-data.json"`)
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(d)
		return
	}
	a.render(w, r, "portal_export.html", http.StatusOK, a.newPage(w, r, "privacy.export_title", d))
}

// privacyName corrects the name.
func (a *app) privacyName(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.RenameMe(r.Context(), r.PostFormValue("name")); err != nil {
		a.formAgain(w, r, "portal_privacy.html", a.privacyPage, err)
		return
	}
	a.redirect(w, r, "/me/privacy", "privacy.flash_name")
}

// privacyConsent gives or withdraws consent to publish the (masked) name.
func (a *app) privacyConsent(w http.ResponseWriter, r *http.Request) {
	prefs, err := a.Store.FindPrefs(r.Context())
	if err == nil {
		prefs.PublishName = r.PostFormValue("publish_name") == "1"
		err = a.Store.SetPrefs(r.Context(), prefs)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/me/privacy", "privacy.flash_consent")
}

// privacyDelete deletes the account after the typed confirmation, signs
// the browser out and says so.
func (a *app) privacyDelete(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.DeleteMe(r.Context(), r.PostFormValue("confirm")); err != nil {
		a.formAgain(w, r, "portal_privacy.html", a.privacyPage, err)
		return
	}
	a.Sessions.SignOut(w, r)
	a.setElderlyCookie(w, r, elderlyCookie(r))
	a.redirect(w, r, "/portal", "privacy.flash_deleted")
}
