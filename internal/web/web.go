// Package web serves the HTML pages: server-rendered html/template, usable
// on a cheap phone without JavaScript, zh-CN first with an English switch.
// One file per page or action; handlers decode, call the store, render.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
)

//go:embed templates static
var assets embed.FS

// Deps is what the pages need.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Catalog  *i18n.Catalog
	Sessions *server.Sessions
	Logger   *slog.Logger
	Sender   sms.Sender
	// Inbox, when set, is shown on /dev/inbox (demo and development only).
	Inbox *sms.Inbox
	Match *match.Live // the live matcher and need search index; nil: unavailable
	// Solutions is the search index of the published solutions (同款方案);
	// nil: the catalog's search box lists by words in the database instead.
	Solutions *match.Solutions
	// Thesaurus applies a thesaurus an admin saved to the running server
	// and analyzes trial sentences with an unsaved one; nil: a save reaches
	// the pages' own highlighting only, until restart.
	Thesaurus ThesaurusService
}

// ThesaurusService is the running server's side of the thesaurus page.
type ThesaurusService interface {
	// Apply makes text, saved already, the thesaurus of every analyzer at
	// once and rebuilds the indexes in the background.
	Apply(ctx context.Context, text string) error
	// Analyze reads sentence as a search query with text as the thesaurus,
	// applying nothing.
	Analyze(text, sentence string) (search.Query, error)
}

// app holds the parsed templates and shared state of the pages.
type app struct {
	Deps
	tmpl        templates
	loc         *time.Location
	loginLimit  *server.Limiter // password attempts per phone
	ipLimit     *server.Limiter // sign-in attempts per address
	codeLimit   *server.Limiter // code requests per phone
	codeIPLimit *server.Limiter // code requests per address

	hl *search.Analyzer // marks search hits in results (the shipped thesaurus)
}

// New builds the page handler.
func New(d Deps) (http.Handler, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	a := &app{Deps: d, loc: loc, hl: search.NewAnalyzer(search.Options{}),
		loginLimit:  server.NewLimiter(5, 15*time.Minute),
		ipLimit:     server.NewLimiter(30, 15*time.Minute),
		codeLimit:   server.NewLimiter(3, 10*time.Minute),
		codeIPLimit: server.NewLimiter(20, 10*time.Minute),
	}
	if a.tmpl, err = a.parseTemplates(); err != nil {
		return nil, err
	}
	if err := a.loadThesaurus(context.Background()); err != nil {
		return nil, err
	}
	d.Sessions.OnCSRF = http.HandlerFunc(a.csrfFailed)
	d.Sessions.OnTooLarge = http.HandlerFunc(a.tooLarge)

	static, _ := fs.Sub(assets, "static")
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			server.SetPattern(r)
			h(w, r)
		}))
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	handle("GET /{$}", a.home)
	handle("GET /organizations", a.orgList)
	handle("GET /organizations/new", a.orgNew)
	handle("POST /organizations", a.orgCreate)
	handle("GET /organizations/{id}", a.orgShow)
	handle("GET /organizations/{id}/edit", a.orgEdit)
	handle("POST /organizations/{id}", a.orgUpdate)
	handle("POST /organizations/{id}/credit", a.orgCredit)
	handle("GET /needs", a.needList)
	handle("GET /needs/new", a.needNew)
	handle("POST /needs", a.needCreate)
	handle("GET /needs/{id}", a.needShow)
	handle("GET /needs/{id}/edit", a.needEdit)
	handle("POST /needs/{id}/edit", a.needUpdate)
	handle("POST /needs/{id}/actions/{action}", a.needAction)
	handle("POST /needs/{id}/questions", a.questionAsk)
	handle("POST /needs/{id}/questions/{qid}/answer", a.questionAnswer)
	handle("POST /needs/{id}/attachments", a.needAttach)
	handle("POST /needs/{id}/attachments/{did}/delete", a.needDetach)
	handle("POST /needs/{id}/proposals", a.proposalSubmit)
	handle("POST /needs/{id}/proposals/{pid}/withdraw", a.proposalWithdraw)
	handle("POST /needs/{id}/proposals/{pid}/reconfirm", a.proposalReconfirm)
	handle("POST /needs/{id}/panel", a.panelAssign)
	handle("POST /needs/{id}/declaration", a.panelDeclare)
	handle("GET /needs/{id}/scores", a.scoresShow)
	handle("POST /needs/{id}/scores", a.scoresSubmit)
	handle("POST /needs/{id}/award", a.needAward)
	handle("POST /needs/{id}/retender", a.needRetender)
	handle("POST /needs/{id}/objections", a.objectionFile)
	handle("POST /needs/{id}/objections/{oid}/answer", a.objectionAnswer)
	handle("GET /needs/{id}/contract", a.contractShow)
	handle("POST /needs/{id}/contract", a.contractSign)
	handle("POST /needs/{id}/milestones/{mid}/report", a.milestoneReport)
	handle("POST /needs/{id}/milestones/{mid}/accept", a.milestoneAccept)
	handle("POST /needs/{id}/milestones/{mid}/return", a.milestoneReturn)
	handle("POST /needs/{id}/delivery", a.needDeliver)
	handle("POST /needs/{id}/acceptance", a.needAccept)
	handle("POST /needs/{id}/rejection", a.needReject)
	handle("POST /needs/{id}/ratings", a.needRate)
	handle("POST /needs/{id}/invitations", a.needInvite)
	handle("POST /needs/{id}/category", a.needCategory)
	handle("POST /needs/{id}/adoption", a.needAdoption)
	handle("GET /needs/suggest", a.needSuggest)
	handle("GET /solutions", a.solutionList)
	handle("GET /solutions/new", a.solutionNew)
	handle("POST /solutions", a.solutionCreate)
	handle("GET /solutions/{id}", a.solutionShow)
	handle("GET /solutions/{id}/edit", a.solutionEdit)
	handle("POST /solutions/{id}/edit", a.solutionUpdate)
	handle("POST /solutions/{id}/submit", a.solutionSubmit)
	handle("POST /solutions/{id}/publish", a.solutionPublish)
	handle("POST /solutions/{id}/return", a.solutionReturn)
	handle("POST /solutions/{id}/revise", a.solutionRevise)
	handle("POST /solutions/{id}/archive", a.solutionArchive)
	handle("POST /solutions/{id}/adopt", a.solutionAdopt)
	handle("GET /documents/{id}", a.document)
	handle("GET /login", a.loginPage)
	handle("POST /login/password", a.loginPassword)
	handle("POST /login/code/send", a.loginCodeSend)
	handle("POST /login/code/verify", a.loginCodeVerify)
	handle("POST /logout", a.logout)
	handle("POST /lang", a.setLang)
	handle("GET /me", a.me)
	handle("POST /me/password", a.mePassword)
	handle("GET /me/needs", a.meNeeds)
	handle("GET /me/proposals", a.meProposals)
	handle("GET /me/notifications", a.meNotifications)
	handle("POST /me/notifications/read", a.meNotificationsRead)
	handle("GET /admin", a.adminHome)
	handle("GET /admin/streets", a.adminStreets)
	handle("POST /admin/streets", a.adminStreetCreate)
	handle("POST /admin/streets/{id}", a.adminStreetRename)
	handle("GET /admin/streets/{id}", a.adminStreet)
	handle("POST /admin/streets/{id}/communities", a.adminCommunityCreate)
	handle("GET /admin/communities/{id}", a.adminCommunity)
	handle("POST /admin/communities/{id}", a.adminCommunityRename)
	handle("POST /admin/communities/{id}/complexes", a.adminComplexCreate)
	handle("GET /admin/users", a.adminUsers)
	handle("POST /admin/users", a.adminUserCreate)
	handle("GET /admin/users/{id}", a.adminUser)
	handle("POST /admin/users/{id}/grants", a.adminGrantAdd)
	handle("POST /admin/users/{id}/grants/{gid}/delete", a.adminGrantRemove)
	handle("POST /admin/users/{id}/password", a.adminPasswordReset)
	handle("GET /admin/audit", a.adminAudit)
	handle("GET /admin/merchants", a.adminMerchants)
	handle("GET /admin/solutions", a.adminSolutions)
	handle("POST /admin/solutions/merge", a.adminSolutionMerge)
	handle("POST /admin/merchants", a.adminMerchantCreate)
	handle("GET /admin/organizations/import", a.adminImportPage)
	handle("POST /admin/organizations/import", a.adminImport)
	handle("GET /admin/organizations/export", a.adminExport)
	handle("GET /admin/thesaurus", a.adminThesaurus)
	handle("POST /admin/thesaurus", a.adminThesaurusSave)
	handle("POST /admin/thesaurus/try", a.adminThesaurusTry)
	handle("POST /admin/thesaurus/default", a.adminThesaurusRestore)
	handle("GET /meetings", a.meetingList)
	handle("GET /meetings/new", a.meetingNew)
	handle("POST /meetings", a.meetingCreate)
	handle("GET /meetings/{id}", a.meetingShow)
	handle("POST /meetings/{id}", a.meetingUpdate)
	handle("POST /meetings/{id}/resolutions", a.meetingResolution)
	handle("POST /meetings/{id}/actions", a.meetingAction)
	handle("GET /actions/{id}", a.actionShow)
	handle("POST /actions/{id}", a.actionUpdate)
	handle("POST /organizations/{id}/party/forms", a.partyForm)
	handle("POST /organizations/{id}/party/pairings", a.partyPairing)
	handle("POST /organizations/{id}/party/pairings/{pid}/activities", a.partyActivity)
	handle("POST /organizations/{id}/party/instructors", a.partyInstructor)
	handle("POST /organizations/{id}/party/instructors/{iid}/visits", a.partyVisit)
	if d.Inbox != nil {
		handle("GET /dev/inbox", a.devInbox)
	}
	handle("/", a.notFound)
	return mux, nil
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
