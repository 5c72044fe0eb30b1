package web

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/registry"
)

// The resident portal (居民服务, issue #10): one page with everything a
// resident needs, built for a cheap phone and an older reader.

const elderlyCookieName = "huitian_elderly"

func elderlyCookie(r *http.Request) bool {
	c, err := r.Cookie(elderlyCookieName)
	return err == nil && c.Value == "1"
}

func (a *app) setElderlyCookie(w http.ResponseWriter, r *http.Request, on bool) {
	v, age := "0", 365*24*3600
	if on {
		v = "1"
	}
	http.SetCookie(w, &http.Cookie{Name: elderlyCookieName, Value: v, Path: "/", MaxAge: age, HttpOnly: true,
		Secure: a.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

type portalData struct {
	Home        *places.Community
	Communities []*places.Community // the picker, while no home is confirmed or when changing it
	ChangeHome  bool                // the resident asked to correct their home (?home=change)
	// NotForHome says, per activity, why the resident cannot sign up with
	// one tap (it is for another street or community, or asks where they
	// live first): those get a link to the activity instead of a button.
	NotForHome map[string]string
	Notices    []*portal.Notice
	Activities []*activities.Activity
	Signed     map[string]activities.SignupStatus // my signups among Activities
	// EarnsPoints marks the Activities whose attendance the active points
	// rules reward (the rules the activity's page lists).
	EarnsPoints map[string]bool
	Points      int64
	Minutes     int // confirmed volunteer minutes
	Merchants   []*merchants.Merchant
	Orgs        []*registry.Organization
	Mine        []*portal.Suggestion // my suggestions, latest first
	Others      []*portal.Suggestion // the community's open ones
	Resident    bool                 // signed in as a resident
}

// portalLimit is how many items a section shows: fewer in elderly mode.
func portalLimit(elderly bool, normal int) int {
	if elderly {
		return min(normal, 3)
	}
	return normal
}

func (a *app) portalPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	p := a.newPage(w, r, "portal.title", nil)
	d := &portalData{Signed: map[string]activities.SignupStatus{}, Resident: u.Has(accounts.Resident)}
	p.Data = d
	if u != nil {
		prefs, err := a.Store.FindPrefs(ctx)
		if err != nil {
			return nil, err
		}
		// The preference follows the resident to a new phone.
		if prefs.ElderlyMode && !p.Elderly {
			p.Elderly = true
			a.setElderlyCookie(w, r, true)
		}
		home, err := a.Store.FindHomeCommunity(ctx)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		d.Home = home
	}
	now := a.Store.Now()
	f := activities.Filter{Status: activities.Published, From: now, To: now.Add(7 * 24 * time.Hour),
		PerPage: portalLimit(p.Elderly, 6)}
	if d.Home != nil {
		f.StreetID = d.Home.StreetID
	}
	var err error
	if d.Activities, _, err = a.Store.FindActivities(ctx, f); err != nil {
		return nil, err
	}
	if f.StreetID != "" && len(d.Activities) < f.PerPage {
		// My street's first, then the rest of the district's this week.
		f.StreetID = ""
		more, _, err := a.Store.FindActivities(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, x := range more {
			// Others' activities a resident may not join are not "near" them.
			if len(d.Activities) < f.PerPage && x.StreetID != d.Home.StreetID && x.Eligible(d.Home.StreetID, d.Home.ID) == nil {
				d.Activities = append(d.Activities, x)
			}
		}
	}
	d.EarnsPoints = map[string]bool{}
	if len(d.Activities) > 0 {
		rules, err := a.Store.FindRules(ctx, true)
		if err != nil {
			return nil, err
		}
		for _, x := range d.Activities {
			d.EarnsPoints[x.ID] = len(points.ResidentRulesFor(rules, string(x.Type))) > 0
		}
	}
	d.NotForHome = map[string]string{}
	for _, x := range d.Activities {
		switch {
		case x.Eligibility == activities.OpenToAnyone:
		case d.Home == nil:
			d.NotForHome[x.ID] = a.Catalog.T(p.Lang, "portal.home_first")
		default:
			if err := x.Eligible(d.Home.StreetID, d.Home.ID); err != nil {
				d.NotForHome[x.ID] = a.Catalog.Error(p.Lang, err)
			}
		}
	}
	d.ChangeHome = d.Resident && d.Home != nil && r.URL.Query().Get("home") == "change"
	if d.Resident && (d.Home == nil || d.ChangeHome) {
		if d.Communities, err = a.Store.FindCommunities(ctx, ""); err != nil {
			return nil, err
		}
	}
	if d.Home == nil {
		return p, nil
	}
	if d.Notices, err = a.Store.FindNotices(ctx, d.Home.ID, portalLimit(p.Elderly, 5)); err != nil {
		return nil, err
	}
	if d.Resident {
		gs, as, err := a.Store.MySignups(ctx)
		if err != nil {
			return nil, err
		}
		for i, g := range gs {
			if g.Status != activities.Withdrawn {
				d.Signed[as[i].ID] = g.Status
			}
			if g.Confirmed && g.Status == activities.SignedUp {
				d.Minutes += g.ConfirmedMins
			}
		}
		acc, err := a.Store.FindPointsAccount(ctx, points.AccountID(points.Resident, u.ID))
		if err != nil {
			return nil, err
		}
		d.Points = acc.Balance
		if d.Mine, _, err = a.Store.FindSuggestions(ctx, portal.Filter{Mine: true, PerPage: portalLimit(p.Elderly, 3)}); err != nil {
			return nil, err
		}
	}
	if !p.Elderly {
		if d.Others, _, err = a.Store.FindSuggestions(ctx, portal.Filter{CommunityID: d.Home.ID, Status: portal.Open, PerPage: 4}); err != nil {
			return nil, err
		}
	}
	ms, err := a.Store.FindMerchants(ctx, d.Home.StreetID)
	if err != nil {
		return nil, err
	}
	d.Merchants = ms[:min(len(ms), portalLimit(p.Elderly, 5))]
	if d.Orgs, _, err = a.Store.FindOrganizations(ctx, registry.Filter{CommunityID: d.Home.ID, PerPage: portalLimit(p.Elderly, 5)}); err != nil {
		return nil, err
	}
	return p, nil
}

// portalHome is GET /portal.
func (a *app) portalHome(w http.ResponseWriter, r *http.Request) {
	p, err := a.portalPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.leanPage(w, p)
	a.render(w, r, "portal_home.html", http.StatusOK, p)
}

// appCSS is app.css and the CSP source that allows it inline.
var appCSS struct {
	once sync.Once
	css  template.CSS
	src  string
}

// leanPage makes p load in one round trip: the stylesheet inside the page
// (allowed by its hash in this response's Content-Security-Policy) and no
// scripts. The stylesheet's one source stays static/app.css.
func (a *app) leanPage(w http.ResponseWriter, p *page) {
	appCSS.once.Do(func() {
		b, err := assets.ReadFile("static/app.css")
		if err != nil {
			return
		}
		sum := sha256.Sum256(b)
		appCSS.css, appCSS.src = template.CSS(b), "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'"
	})
	csp := w.Header().Get("Content-Security-Policy")
	if appCSS.css == "" || !strings.Contains(csp, "style-src 'self'") {
		return
	}
	w.Header().Set("Content-Security-Policy", strings.Replace(csp, "style-src 'self'", "style-src 'self' "+appCSS.src, 1))
	p.InlineCSS, p.Lean = appCSS.css, true
}

// portalSetHome is the resident confirming their community (once; later a
// correction after a move, from ?home=change).
func (a *app) portalSetHome(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.SetHome(r.Context(), r.PostFormValue("community")); err != nil {
		// Back on the picker it came from (the first one or ?home=change).
		r.URL.RawQuery = "home=change"
		a.formAgain(w, r, "portal_home.html", a.portalPage, err)
		return
	}
	a.redirect(w, r, "/portal", "portal.flash_home")
}

// portalElderly switches elderly mode on or off: a cookie for this phone,
// and the signed-in resident's preference for the next one.
func (a *app) portalElderly(w http.ResponseWriter, r *http.Request) {
	on := r.PostFormValue("on") == "1"
	if accounts.ActorFrom(r.Context()) != nil {
		prefs, err := a.Store.FindPrefs(r.Context())
		if err == nil {
			prefs.ElderlyMode = on
			err = a.Store.SetPrefs(r.Context(), prefs)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.setElderlyCookie(w, r, on)
	flash := "portal.flash_elderly_off"
	if on {
		flash = "portal.flash_elderly_on"
	}
	a.redirect(w, r, safeNext(r.PostFormValue("next")), flash)
}

// portalSignup is the one-tap sign-up from the portal's list: back to the
// portal, with the answer at the top.
func (a *app) portalSignup(w http.ResponseWriter, r *http.Request) {
	g, err := a.Store.Signup(r.Context(), r.PathValue("id"), "")
	if err != nil {
		if errs.CodeOf(err) == errs.Unauthorized {
			a.redirect(w, r, "/login?tab=code&next=/portal", "")
			return
		}
		// The portal has no fields to mark: the message itself is shown.
		if e := errs.As(err); e.Field != "" {
			err = errs.E(e.Code, e.Key, e.Args...)
		}
		a.formAgain(w, r, "portal_home.html", a.portalPage, err)
		return
	}
	flash := "flash.activity_signed"
	if g.Status == activities.Waiting {
		flash = "flash.activity_waiting"
	}
	a.redirect(w, r, "/portal#activities", flash)
}
