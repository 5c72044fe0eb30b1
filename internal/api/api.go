// Package api is the JSON API under /api/v1: organizations, places, the
// caller's own account, the procurement lifecycle of needs (proposals,
// evaluation, award, contract, delivery, ratings), the solution catalog
// (同款方案) and the OCDS 1.1 open-data feed, with bearer-token
// authentication and a hand-written OpenAPI document. Handlers decode,
// resolve names to ids, call the store (which authorizes and validates
// through the procurement rules) and respond; no business rule lives here.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// Prefix is where the API lives; the server mounts New at Prefix + "/".
const Prefix = "/api/v1"

// DefaultMaxBodyBytes bounds request bodies when Deps.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 1 << 20

// DefaultMaxUploadBytes bounds a multipart request with files (a progress
// report, a need's attachments, a proposal) when Deps.MaxUploadBytes is zero.
const DefaultMaxUploadBytes = 32 << 20

// Deps is what the API needs from the rest of the program.
type Deps struct {
	Store        *store.Store
	Catalog      *i18n.Catalog
	Logger       *slog.Logger // nil: slog.Default()
	MaxBodyBytes int64        // zero or less: DefaultMaxBodyBytes
	// MaxUploadBytes bounds a multipart progress report with its files
	// (zero or less: DefaultMaxUploadBytes). The server's own body limit
	// must let such a request through.
	MaxUploadBytes int64
	// Rules are the procurement rules (direct-commission threshold,
	// objection period …); the zero value means procurement.DefaultRules().
	Rules procurement.Rules
	// OCDS is the open-data publisher's setup: Prefix (the registered ocid
	// prefix), BaseURL (the platform's public address without a trailing
	// slash: package URIs, page links and document URLs are built on it),
	// PublisherName, License, PublicationPolicy, IdentifierScheme.
	// Empty Prefix, BaseURL and PublisherName take ocds.DefaultConfig()'s;
	// a nil DocumentURL links each document to GET /api/v1/documents/{id}.
	OCDS ocds.Config
	// Match is the live matcher behind /api/v1/match/… and the needs'
	// matches; nil answers those routes with "not ready".
	Match *match.Live
	// TrustProxy takes the client address from X-Forwarded-For (rate limits).
	TrustProxy bool
	// MatchPerMinute: calls of the public match routes one client address
	// may make a minute, over all nodes (config.Config.MatchPerMinute);
	// 0: no limit.
	MatchPerMinute int
	// Codes sends and checks residents' SMS sign-in codes (shared limits
	// with the pages); Sessions starts a browser session on
	// POST /auth/verify. Nil Codes answers the auth routes "not ready".
	Codes    *server.CodeLogin
	Sessions *server.Sessions
	// TokenIdle: an API token unused this long stops working (0: 90 days).
	TokenIdle time.Duration
	// Solutions is the search index of the solution catalog behind
	// GET /api/v1/solutions?q=…; nil (or not built yet) falls back to
	// matching words in the text.
	Solutions *match.Solutions
}

// API serves /api/v1; build it with New.
type API struct {
	store      *store.Store
	cat        *i18n.Catalog
	log        *slog.Logger
	maxBody    int64
	maxUpload  int64
	rules      procurement.Rules
	ocds       ocds.Config
	match      *match.Live
	solutions  *match.Solutions
	matchRate  *server.Limiter
	redeemRate *server.Limiter // redemption attempts per caller (guessing codes)
	trustProxy bool
	mux        *http.ServeMux
	codeTries  *server.Limiter // check-in code tries per caller and activity
	codes      *server.CodeLogin
	sessions   *server.Sessions
	tokenIdle  time.Duration
}

// route is one entry of the route table: the mux, the OpenAPI test and
// nothing else read it, so a route exists in exactly one place.
type route struct {
	Method string
	Path   string
	Handle func(a *API, w http.ResponseWriter, r *http.Request) error
}

// routes is the whole API surface.
var routes = []route{
	{http.MethodGet, Prefix + "/organizations", (*API).listOrganizations},
	{http.MethodPost, Prefix + "/organizations", (*API).createOrganization},
	{http.MethodGet, Prefix + "/organizations/{id}", (*API).getOrganization},
	{http.MethodPatch, Prefix + "/organizations/{id}", (*API).updateOrganization},
	{http.MethodGet, Prefix + "/streets", (*API).listStreets},
	{http.MethodGet, Prefix + "/communities", (*API).listCommunities},
	{http.MethodGet, Prefix + "/me", (*API).me},
	{http.MethodGet, Prefix + "/openapi.json", (*API).openAPI},
	{http.MethodPut, Prefix + "/organizations/{id}/credit", (*API).setOrganizationCredit},

	// Precise matching.
	{http.MethodGet, Prefix + "/match/organizations", (*API).matchOrganizations},
	{http.MethodGet, Prefix + "/match/projects", (*API).matchProjects},
	{http.MethodGet, Prefix + "/needs/{id}/matches", (*API).needMatches},
	{http.MethodPut, Prefix + "/needs/{id}/category", (*API).setNeedCategory},

	// Needs and their tender.
	{http.MethodGet, Prefix + "/needs", (*API).listNeeds},
	{http.MethodPost, Prefix + "/needs", (*API).createNeed},
	{http.MethodGet, Prefix + "/needs/{id}", (*API).getNeed},
	{http.MethodPatch, Prefix + "/needs/{id}", (*API).updateNeed},
	{http.MethodPost, Prefix + "/needs/{id}/submit", needStep(procurement.ActSubmit)},
	{http.MethodPost, Prefix + "/needs/{id}/return", needStep(procurement.ActReturn)},
	{http.MethodPost, Prefix + "/needs/{id}/publish", needStep(procurement.ActPublish)},
	{http.MethodPost, Prefix + "/needs/{id}/cancel", needStep(procurement.ActCancel)},
	{http.MethodPost, Prefix + "/needs/{id}/fail", needStep(procurement.ActFail)},
	{http.MethodPost, Prefix + "/needs/{id}/close", needStep(procurement.ActClose)},
	{http.MethodGet, Prefix + "/needs/{id}/questions", (*API).listQuestions},
	{http.MethodPost, Prefix + "/needs/{id}/questions", (*API).askQuestion},
	{http.MethodPost, Prefix + "/questions/{id}/answer", (*API).answerQuestion},
	{http.MethodGet, Prefix + "/needs/{id}/attachments", (*API).listAttachments},
	{http.MethodPost, Prefix + "/needs/{id}/attachments", (*API).attachToNeed},
	{http.MethodDelete, Prefix + "/needs/{id}/attachments/{did}", (*API).removeAttachment},

	// Sealed proposals.
	{http.MethodGet, Prefix + "/needs/{id}/proposals", (*API).listProposals},
	{http.MethodPost, Prefix + "/needs/{id}/proposals", (*API).submitProposal},
	{http.MethodGet, Prefix + "/proposals/{id}", (*API).getProposal},
	{http.MethodPost, Prefix + "/proposals/{id}/withdraw", (*API).withdrawProposal},
	{http.MethodPost, Prefix + "/proposals/{id}/reconfirm", (*API).reconfirmProposal},

	// Evaluation, award and objections.
	{http.MethodPost, Prefix + "/needs/{id}/panel", (*API).assignPanel},
	{http.MethodPost, Prefix + "/needs/{id}/interest", (*API).declareInterest},
	{http.MethodPost, Prefix + "/needs/{id}/scores", (*API).submitScores},
	{http.MethodGet, Prefix + "/needs/{id}/ranking", (*API).ranking},
	{http.MethodPost, Prefix + "/needs/{id}/award", (*API).awardNeed},
	{http.MethodGet, Prefix + "/needs/{id}/award", (*API).getAward},
	{http.MethodPost, Prefix + "/needs/{id}/objections", (*API).fileObjection},
	{http.MethodGet, Prefix + "/needs/{id}/objections", (*API).listObjections},
	{http.MethodPost, Prefix + "/objections/{id}/answer", (*API).answerObjection},

	// Contract, delivery, acceptance and ratings.
	{http.MethodPost, Prefix + "/needs/{id}/contract", (*API).signContract},
	{http.MethodGet, Prefix + "/needs/{id}/contract", (*API).getContract},
	{http.MethodPost, Prefix + "/needs/{id}/milestones/{mid}/report", (*API).reportMilestone},
	{http.MethodPost, Prefix + "/needs/{id}/milestones/{mid}/accept", (*API).acceptMilestone},
	{http.MethodPost, Prefix + "/needs/{id}/milestones/{mid}/return", (*API).returnMilestone},
	{http.MethodPost, Prefix + "/needs/{id}/deliver", (*API).deliver},
	{http.MethodPost, Prefix + "/needs/{id}/accept", (*API).acceptDelivery},
	{http.MethodPost, Prefix + "/needs/{id}/reject", (*API).rejectDelivery},
	{http.MethodPost, Prefix + "/needs/{id}/ratings", (*API).rateNeed},
	{http.MethodGet, Prefix + "/needs/{id}/ratings", (*API).listRatings},
	{http.MethodGet, Prefix + "/documents/{id}", (*API).getDocument},

	// The solution catalog (同款方案).
	{http.MethodGet, Prefix + "/solutions", (*API).listSolutions},
	{http.MethodPost, Prefix + "/solutions", (*API).createSolution},
	{http.MethodGet, Prefix + "/solutions/stats", (*API).solutionStats},
	{http.MethodGet, Prefix + "/solutions/duplicates", (*API).solutionDuplicates},
	{http.MethodGet, Prefix + "/solutions/clusters", (*API).solutionClusters},
	{http.MethodGet, Prefix + "/solutions/{id}", (*API).getSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/submit", (*API).submitSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/publish", (*API).publishSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/adopt", (*API).adoptSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/return", (*API).returnSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/revise", (*API).reviseSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/archive", (*API).archiveSolution},
	{http.MethodPost, Prefix + "/solutions/{id}/merge", (*API).mergeSolution},

	// Coordination: joint meetings (联席会) and their action items (督办事项).
	{http.MethodGet, Prefix + "/meetings", (*API).listMeetings},
	// The dashboard's figures (数据看板).
	{http.MethodGet, Prefix + "/stats/overview", (*API).statsOverview},
	{http.MethodPost, Prefix + "/meetings/{id}/actions", (*API).createMeetingAction},
	{http.MethodPatch, Prefix + "/actions/{id}", (*API).updateAction},

	// OCDS 1.1 open data.
	{http.MethodGet, Prefix + "/ocds/releases", (*API).ocdsFeed},
	{http.MethodGet, Prefix + "/ocds/releases/{ocid}", (*API).ocdsReleases},
	{http.MethodGet, Prefix + "/ocds/records/{ocid}", (*API).ocdsRecord},
	{http.MethodGet, Prefix + "/ocds/extension/{file}", (*API).ocdsExtension},
	{http.MethodGet, Prefix + "/ocds/extension/codelists/{file}", (*API).ocdsExtension},

	// Volunteer activities.
	{http.MethodGet, Prefix + "/activities", (*API).listActivities},
	{http.MethodPost, Prefix + "/activities", (*API).createActivity},
	{http.MethodPost, Prefix + "/activities/{id}/signups", (*API).signUp},
	{http.MethodPost, Prefix + "/activities/{id}/checkins", (*API).checkIn},
	// The points scheme (积分).
	{http.MethodGet, Prefix + "/me/points", (*API).mePoints},
	{http.MethodPost, Prefix + "/redemption-codes", (*API).createRedemptionCode},
	{http.MethodPost, Prefix + "/redemptions", (*API).createRedemption},
	{http.MethodGet, Prefix + "/merchants/{id}/settlements", (*API).listSettlements},
	{http.MethodGet, Prefix + "/merchants/{id}/redemptions", (*API).listMerchantRedemptions},
	// The incubation base and the academy.
	{http.MethodGet, Prefix + "/spaces", (*API).listSpaces},
	{http.MethodPost, Prefix + "/spaces/{id}/bookings", (*API).createBooking},
	{http.MethodDelete, Prefix + "/bookings/{id}", (*API).cancelBooking},
	{http.MethodGet, Prefix + "/courses", (*API).listCourses},
	{http.MethodPost, Prefix + "/sessions/{id}/enrollments", (*API).enroll},
	{http.MethodGet, Prefix + "/certificates/{id}", (*API).getCertificate},
	// The foundation and micro-venture grants (基金会与微创投).
	{http.MethodGet, Prefix + "/funds", (*API).listFunds},
	{http.MethodGet, Prefix + "/funds/{id}", (*API).getFund},
	{http.MethodPost, Prefix + "/funds/{id}/donations", (*API).createDonation},
	{http.MethodGet, Prefix + "/rounds", (*API).listRounds},
	{http.MethodPost, Prefix + "/rounds/{id}/applications", (*API).createApplication},
	{http.MethodPost, Prefix + "/applications/{id}/transitions", (*API).stepApplication},
	{http.MethodPost, Prefix + "/applications/{id}/reviews", (*API).reviewApplication},
	{http.MethodPost, Prefix + "/applications/{id}/award", (*API).awardApplication},
	{http.MethodGet, Prefix + "/agreements/{id}", (*API).getAgreement},
	{http.MethodPost, Prefix + "/agreements/{id}/terminate", (*API).terminateAgreement},
	{http.MethodPost, Prefix + "/tranches/{id}/transitions", (*API).stepTranche},
	{http.MethodPost, Prefix + "/tranches/{id}/pay", (*API).payTranche},
	{http.MethodPost, Prefix + "/expenses", (*API).createExpense},
	{http.MethodPost, Prefix + "/expenses/{id}/approve", (*API).approveExpense},
	{http.MethodPost, Prefix + "/expenses/{id}/reject", (*API).rejectExpense},
	// The resident portal: sign-in by SMS code, raising needs, the privacy centre.
	{http.MethodPost, Prefix + "/auth/code", (*API).authCode},
	{http.MethodPost, Prefix + "/auth/verify", (*API).authVerify},
	{http.MethodPost, Prefix + "/suggestions", (*API).createSuggestion},
	{http.MethodGet, Prefix + "/me/export", (*API).exportMe},
	{http.MethodDelete, Prefix + "/me", (*API).deleteMe},

	// The audit chain's daily heads, published for outsiders (SECURITY.md).
	{http.MethodGet, Prefix + "/audit/heads", (*API).auditHeads},
}

// New returns the handler for everything under /api/v1/. It panics when
// Store or Catalog is missing: that is a wiring mistake, not a runtime state.
func New(d Deps) http.Handler {
	if d.Store == nil || d.Catalog == nil {
		panic("api.New: Store and Catalog are required")
	}
	a := &API{store: d.Store, cat: d.Catalog, log: d.Logger, maxBody: d.MaxBodyBytes, maxUpload: d.MaxUploadBytes,
		rules: d.Rules, ocds: ocdsConfig(d.OCDS), match: d.Match, solutions: d.Solutions, trustProxy: d.TrustProxy,
		mux: http.NewServeMux(), codeTries: server.NewSharedLimiter(d.Store, "api.checkin_code", 10, 10*time.Minute),
		redeemRate: server.NewSharedLimiter(d.Store, "api.redeem", 60, 10*time.Minute),
		codes:      d.Codes, sessions: d.Sessions, tokenIdle: d.TokenIdle}
	if a.tokenIdle <= 0 {
		a.tokenIdle = store.DefaultTokenIdle
	}
	if d.MatchPerMinute > 0 {
		a.matchRate = server.NewSharedLimiter(d.Store, "api.match", d.MatchPerMinute, time.Minute)
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	if a.maxUpload <= 0 {
		a.maxUpload = DefaultMaxUploadBytes
	}
	if a.rules == (procurement.Rules{}) {
		a.rules = procurement.DefaultRules()
	}
	for _, rt := range routes {
		a.mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(rt.Path, Prefix+"/ocds/") {
				// Open data: a replica a few seconds behind serves it.
				r = r.WithContext(store.ReplicaOK(r.Context()))
			}
			if err := rt.Handle(a, w, r); err != nil {
				a.fail(w, r, err)
			}
		})
	}
	return a
}

// ServeHTTP routes first (so an unknown route is 404 whoever asks), then
// authenticates, then runs the handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			a.fail(w, r, errs.Wrap(panicError{p}, "panic in %s %s", r.Method, r.URL.Path))
		}
	}()
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Language, Authorization")

	handler, pattern := a.mux.Handler(r)
	if pattern == "" {
		a.unrouted(w, r, handler)
		return
	}
	actor, err := a.authenticate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if actor == nil && !safeMethod(r.Method) && !anonymousWrites[pattern] {
		a.fail(w, r, errs.E(errs.Unauthorized, "auth.required"))
		return
	}
	if actor != nil && !safeMethod(r.Method) && !mayWrite(actor, pattern) {
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	a.mux.ServeHTTP(w, r.WithContext(accounts.WithActor(r.Context(), actor)))
}

// unrouted turns the mux's plain-text 404 and 405 into JSON errors. The
// mux's own handler is run against a recorder so its matching rules (and
// its Allow header) stay the single source of truth. (Redirects to a
// canonical path come with a pattern, so they never arrive here.)
func (a *API) unrouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		a.fail(w, r, withStatus{errs.E(errs.Invalid, "api.method_not_allowed", r.Method), http.StatusMethodNotAllowed})
	default:
		a.fail(w, r, errs.E(errs.NotFound, "api.not_found"))
	}
}

// authenticate reads a bearer token; no Authorization header is anonymous.
// Cookies are deliberately ignored: the API never acts on a browser session,
// so it needs no CSRF defence.
func (a *API) authenticate(r *http.Request) (*accounts.User, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, errs.E(errs.Unauthorized, "auth.token_invalid")
	}
	return a.store.TokenUser(r.Context(), token, a.tokenIdle)
}

// requireActor refuses anonymous callers before any input is looked at.
func requireActor(r *http.Request) (*accounts.User, error) {
	u := accounts.ActorFrom(r.Context())
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	return u, nil
}

// statusRecorder keeps only the status and headers of a response.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header { return s.header }

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return len(b), nil
}

type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprint("panic: ", p.v) }
