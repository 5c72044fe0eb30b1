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

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/heavy"
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
	// Codes sends and checks residents' SMS sign-in codes with the limits
	// the API shares; nil: the pages build their own.
	Codes *server.CodeLogin
	// Passwords hashes and checks staff passwords, a few at a time (the
	// process's heavy-work bound); nil: the pages build one from
	// Config.HeavyWork.
	Passwords *accounts.Passwords
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
	redeemLimit *server.Limiter // redemption codes a merchant login checks (guessing codes)

	hl *search.Analyzer // marks search hits in results (the shipped thesaurus)

	codeTryLimit *server.Limiter // check-in code attempts per resident and activity

	visits *visitCounter

	pages        pagePools     // buffers and compressors of rendered pages, reused
	visitorPages *visitorCache // nil: off (Config.VisitorCache 0)
}

// New builds the page handler.
func New(d Deps) (http.Handler, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	a := &app{Deps: d, loc: loc, hl: search.NewAnalyzer(search.Options{}),
		// Counted in the database, so every app node sees every attempt.
		loginLimit: server.NewSharedLimiter(d.Store, "web.login", 5, 15*time.Minute),
		ipLimit:    server.NewSharedLimiter(d.Store, "web.login_ip", 30, 15*time.Minute),

		codeTryLimit: server.NewSharedLimiter(d.Store, "web.checkin_code", 10, 10*time.Minute),
		redeemLimit:  server.NewSharedLimiter(d.Store, "web.redeem", 60, 10*time.Minute),
	}
	a.visits = newVisitCounter(d.Store, d.Logger.Error)
	if d.Config.VisitorCache > 0 {
		a.visitorPages = newVisitorCache(d.Config.VisitorCache, 512, d.Store.ChangeGeneration)
	}
	if a.Codes == nil {
		a.Codes = server.NewCodeLogin(d.Store, d.Sender, d.Config.CodeTTL, d.Config.TrustProxy)
	}
	if a.Passwords == nil {
		a.Passwords = accounts.NewPasswords(heavy.New(heavy.Limits{Concurrent: d.Config.HeavyWork}))
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
			if err := badInput(r); err != nil {
				a.fail(w, r, err)
				return
			}
			if r.Method == http.MethodGet && portalPath(r.URL.Path) {
				a.visits.count(r, a.Config.TrustProxy)
			}
			if a.signInFirst(w, r) {
				return
			}
			h(w, r)
		}))
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(&gzipStatic{fsys: static, next: http.FileServerFS(static)})))
	handle("GET /{$}", a.cached(a.home))
	handle("GET /organizations", a.cached(a.orgList))
	handle("GET /organizations/new", a.orgNew)
	handle("POST /organizations", a.orgCreate)
	handle("GET /organizations/{id}", a.cached(a.orgShow))
	handle("GET /organizations/{id}/edit", a.orgEdit)
	handle("POST /organizations/{id}", a.orgUpdate)
	handle("POST /organizations/{id}/credit", a.orgCredit)
	handle("GET /needs", a.cached(a.needList))
	handle("GET /needs/new", a.needNew)
	handle("POST /needs", a.needCreate)
	handle("GET /needs/{id}", a.cached(a.needShow))
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
	handle("POST /admin/users/{id}/disable", a.adminUserDisable)
	handle("POST /admin/users/{id}/enable", a.adminUserEnable)
	handle("GET /admin/audit", a.adminAudit)
	handle("GET /admin/merchants", a.adminMerchants)
	handle("GET /admin/solutions", a.adminSolutions)
	handle("GET /dashboard", a.dashboardPage)
	handle("GET /dashboard.xlsx", a.dashboardExport)
	handle("GET /dashboard/charts/{name}", a.dashboardChart)
	handle("POST /admin/solutions/merge", a.adminSolutionMerge)
	handle("POST /admin/merchants", a.adminMerchantCreate)
	handle("GET /admin/organizations/import", a.adminImportPage)
	handle("POST /admin/organizations/import", a.adminImport)
	handle("GET /admin/organizations/export", a.adminExport)
	handle("GET /admin/thesaurus", a.adminThesaurus)
	handle("POST /admin/thesaurus", a.adminThesaurusSave)
	handle("POST /admin/thesaurus/try", a.adminThesaurusTry)
	handle("POST /admin/thesaurus/default", a.adminThesaurusRestore)
	handle("GET /activities", a.activityList)
	handle("GET /activities/new", a.activityNew)
	handle("POST /activities", a.activityCreate)
	handle("GET /activities/{id}", a.activityShow)
	handle("GET /activities/{id}/edit", a.activityEdit)
	handle("POST /activities/{id}/edit", a.activityUpdate)
	handle("POST /activities/{id}/actions/{action}", a.activityStep)
	handle("POST /activities/{id}/signup", a.activitySignup)
	handle("POST /activities/{id}/signup/cancel", a.activitySignupCancel)
	handle("GET /activities/{id}/code", a.activityCode)
	handle("GET /activities/{id}/code.png", a.activityCodePNG)
	handle("GET /activities/{id}/checkin", a.activityCheckin)
	handle("POST /activities/{id}/checkin", a.activityCheckinSubmit)
	handle("GET /activities/{id}/attendance", a.activityAttendance)
	handle("GET /activities/{id}/attendance/export", a.activityAttendanceExport)
	handle("POST /activities/{id}/attendance/{sid}/{step}", a.activityMark)
	handle("POST /activities/{id}/attendance/confirm", a.activityConfirm)
	handle("POST /activities/{id}/attendance/correct", a.activityCorrect)
	handle("GET /me/hours", a.meHours)
	handle("POST /me/hours/certificates", a.meCertificateIssue)
	handle("GET /certificates/{token}", a.certificate)
	handle("GET /admin/activity-flags", a.adminActivityFlags)
	handle("POST /admin/activity-flags/dismiss", a.adminActivityFlagDismiss)
	// Points (积分): the resident's points and codes, the merchant's counter.
	handle("GET /me/points", a.mePoints)
	handle("POST /me/points/codes", a.mePointsCode)
	handle("GET /me/points/codes/{id}", a.mePointsCodeShow)
	handle("GET /merchant", a.merchantHome)
	handle("GET /merchant/redeem", a.merchantRedeemScan)
	handle("GET /merchant/{id}", a.merchantShow)
	handle("POST /merchant/{id}/goods", a.merchantGoodCreate)
	handle("POST /merchant/{id}/goods/{gid}", a.merchantGoodUpdate)
	handle("POST /merchant/{id}/hours", a.merchantHoursSave)
	handle("GET /merchant/{id}/redeem", a.merchantRedeem)
	handle("POST /merchant/{id}/redeem", a.merchantRedeemConfirm)
	handle("GET /merchant/{id}/settlements", a.merchantSettlements)
	handle("POST /merchant/{id}/settlements", a.merchantSettlementCreate)
	handle("POST /merchant/{id}/settlements/{sid}/approve", a.merchantSettlementApprove)
	handle("GET /merchant/{id}/settlements/{sid}/statement", a.merchantSettlementStatement)
	handle("GET /admin/points", a.adminPointsFlags)
	handle("POST /admin/points/issue", a.adminPointsIssue)
	handle("GET /admin/points/grant", a.pointsGrant)
	handle("POST /admin/points/grant", a.pointsGrantSubmit)
	handle("POST /admin/points/awards/{id}/decision", a.adminAwardDecide)
	handle("POST /admin/points/redemptions/{id}/dismiss-flag", a.adminRedemptionFlagDismiss)
	handle("GET /admin/points/rules", a.adminPointsRules)
	handle("POST /admin/points/rules", a.adminPointsRuleSave)
	handle("POST /admin/points/rules/{id}", a.adminPointsRuleSave)
	handle("GET /points/notice", a.pointsNotice)
	handle("POST /points/notice/{id}/objection", a.pointsObject)
	// Incubation base and academy (internal/incubation).
	handle("GET /incubation", a.incubationHome)
	handle("POST /incubation/applications", a.incubationApply)
	handle("GET /incubation/manage", a.incubationManage)
	handle("POST /incubation/spaces", a.spaceCreate)
	handle("GET /incubation/spaces/{id}", a.spaceShow)
	handle("POST /incubation/spaces/{id}/bookings", a.bookingCreate)
	handle("POST /incubation/spaces/{id}/assign", a.spaceAssign)
	handle("POST /incubation/spaces/{id}/edit", a.spaceUpdate)
	handle("POST /incubation/bases", a.baseCreate)
	handle("POST /incubation/bookings/{id}/cancel", a.bookingCancel)
	handle("GET /incubation/incubations/{id}", a.incubationShow)
	handle("POST /incubation/incubations/{id}/admit", a.incubationAdmit)
	handle("POST /incubation/incubations/{id}/actions/{action}", a.incubationStep)
	handle("POST /incubation/incubations/{id}/services", a.incubationService)
	handle("GET /academy", a.academy)
	handle("POST /academy/courses", a.courseCreate)
	handle("POST /academy/sessions", a.sessionCreate)
	handle("GET /academy/sessions/{id}", a.sessionShow)
	handle("GET /academy/sessions/{id}/code", a.sessionCode)
	handle("GET /academy/sessions/{id}/code.png", a.sessionCodePNG)
	handle("POST /academy/sessions/{id}/checkin", a.sessionCheckin)
	handle("POST /academy/sessions/{id}/enrollments", a.enrollmentCreate)
	handle("POST /academy/enrollments/{id}/cancel", a.enrollmentCancel)
	handle("POST /academy/enrollments/{id}/attendance", a.attendanceMark)
	handle("GET /academy/certificates/{id}", a.certificateShow)
	handle("GET /meetings", a.meetingList)
	handle("GET /meetings/new", a.meetingNew)
	handle("POST /meetings", a.meetingCreate)
	handle("GET /meetings/{id}", a.meetingShow)
	handle("POST /meetings/{id}", a.meetingUpdate)
	handle("POST /meetings/{id}/edit", a.meetingEdit)
	handle("POST /meetings/{id}/resolutions", a.meetingResolution)
	handle("POST /meetings/{id}/actions", a.meetingAction)
	handle("GET /actions/{id}", a.actionShow)
	handle("POST /actions/{id}", a.actionUpdate)
	handle("POST /organizations/{id}/party/forms", a.partyForm)
	handle("POST /organizations/{id}/party/pairings", a.partyPairing)
	handle("POST /organizations/{id}/party/pairings/{pid}/activities", a.partyActivity)
	handle("POST /organizations/{id}/party/instructors", a.partyInstructor)
	handle("POST /organizations/{id}/party/instructors/{iid}/visits", a.partyVisit)
	handle("POST /organizations/{id}/party/instructors/{iid}/end", a.partyInstructorEnd)
	// The foundation and micro-venture grants (internal/grants).
	handle("GET /grants", a.grantsHome)
	handle("POST /grants/funds", a.fundCreate)
	handle("GET /grants/funds/{id}", a.fundShow)
	handle("GET /grants/funds/{id}/ledger.csv", a.fundCSV)
	handle("GET /grants/funds/{id}/ledger.xlsx", a.fundXLSX)
	handle("POST /grants/funds/{id}/donations", a.donationCreate)
	handle("GET /grants/receipts/{token}", a.donationReceipt)
	handle("POST /grants/rounds", a.roundCreate)
	handle("GET /grants/rounds/{id}", a.roundShow)
	handle("GET /grants/rounds/{id}/ledger.csv", a.roundCSV)
	handle("GET /grants/rounds/{id}/ledger.xlsx", a.roundXLSX)
	handle("POST /grants/rounds/{id}/applications", a.applicationCreate)
	handle("POST /grants/rounds/{id}/close", a.roundClose)
	handle("POST /grants/rounds/{id}/topics", a.topicCreate)
	handle("GET /grants/applications/{id}", a.applicationShow)
	handle("POST /grants/applications/{id}/actions/{action}", a.applicationStep)
	handle("POST /grants/applications/{id}/reviews", a.applicationReview)
	handle("POST /grants/applications/{id}/award", a.applicationAward)
	handle("POST /grants/tranches/{id}/{action}", a.trancheStep)
	handle("POST /grants/agreements/{id}/expenses", a.expenseCreate)
	handle("POST /grants/agreements/{id}/terminate", a.agreementTerminate)
	handle("POST /grants/expenses/{id}/{decision}", a.expenseDecide)
	handle("GET /grants/files/{id}", a.grantFile)
	// The resident portal (issue #10).
	handle("GET /portal", a.portalHome)
	handle("POST /portal/home", a.portalSetHome)
	handle("POST /portal/elderly", a.portalElderly)
	handle("POST /portal/activities/{id}/signup", a.portalSignup)
	handle("GET /portal/suggestions/new", a.suggestionNew)
	handle("POST /portal/suggestions", a.suggestionCreate)
	handle("GET /portal/suggestions/{id}", a.suggestionShow)
	handle("GET /portal/suggestions/{id}/photo", a.suggestionPhoto)
	handle("POST /portal/suggestions/{id}/support", a.suggestionSupport)
	handle("GET /community/inbox", a.inbox)
	handle("POST /community/inbox/{id}/{action}", a.inboxStep)
	handle("POST /community/notices", a.noticeCreate)
	handle("GET /community/assist", a.assist)
	handle("POST /community/assist/signup", a.assistSignup)
	handle("POST /community/assist/suggestion", a.assistSuggestion)
	handle("GET /me/privacy", a.privacy)
	handle("GET /me/export", a.privacyExport)
	handle("POST /me/privacy/name", a.privacyName)
	handle("POST /me/privacy/consent", a.privacyConsent)
	handle("POST /me/delete", a.privacyDelete)
	handle("POST /me/passkeys/begin", a.passkeyRegisterBegin)
	handle("POST /me/passkeys/finish", a.passkeyRegisterFinish)
	handle("POST /me/passkeys/{id}/delete", a.passkeyRemove)
	handle("POST /login/passkey/begin", a.passkeyLoginBegin)
	handle("POST /login/passkey/finish", a.passkeyLoginFinish)
	handle("GET /manifest.webmanifest", a.appManifest)
	handle("GET /icons/{name}", a.appIcon)
	handle("GET /sw.js", a.serviceWorker)
	handle("GET /offline", a.offline)
	// The audit chain's daily heads, published (SECURITY.md, Audit).
	handle("GET /audit/heads", a.auditHeads)
	if d.Inbox != nil {
		handle("GET /dev/inbox", a.devInbox)
	}
	handle("/", a.notFound)
	return pages{mux, a.visits}, nil
}

// pages is the pages' handler; Flush writes what it still holds in memory
// (the portal's visit counts) once the server takes no more requests
// (server.Flusher, called at shutdown).
type pages struct {
	http.Handler
	visits *visitCounter
}

func (p pages) Flush(ctx context.Context) { p.visits.Flush(ctx) }

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
