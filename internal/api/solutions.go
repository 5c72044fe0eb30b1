package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// The solution catalog (同款方案): browse and search published solutions,
// read one with its evidence and versions, propose one from completed
// projects, submit and publish it, adopt it as a new draft need. The store
// checks role and scope; the catalog package holds the rules.

type stepJSON struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Days   int    `json:"days"`
}

type inputsJSON struct {
	Staff      int      `json:"staff"`
	Volunteers int      `json:"volunteers"`
	Materials  []string `json:"materials"`
}

type outcomeJSON struct {
	Text      string `json:"text"`
	Indicator string `json:"indicator"`
	Target    string `json:"target"`
}

type riskJSON struct {
	Text       string `json:"text"`
	Mitigation string `json:"mitigation"`
}

// attachmentJSON is a project's document a solution reuses, with where to
// download it.
type attachmentJSON struct {
	DocumentID string `json:"document_id"`
	NeedID     string `json:"need_id"`
	Name       string `json:"name"`
	Photo      bool   `json:"photo"`
	URL        string `json:"url"`
}

// figuresJSON are the evidence figures, computed from the projects.
// cost_per_beneficiary_fen is left out when no project reports beneficiaries.
type figuresJSON struct {
	Deliveries            int     `json:"deliveries"`
	Adopted               int     `json:"adopted"`
	Rated                 int     `json:"rated"`
	AvgRating             float64 `json:"avg_rating"`
	AcceptanceRate        float64 `json:"acceptance_rate"`
	CostPerBeneficiaryFen *int64  `json:"cost_per_beneficiary_fen,omitempty"`
	BudgetMinFen          int64   `json:"budget_min_fen"`
	BudgetMaxFen          int64   `json:"budget_max_fen"`
	Streets               int     `json:"streets"`
	Communities           int     `json:"communities"`
	LastDelivered         string  `json:"last_delivered,omitempty"`
}

// deliveryJSON is one project in a solution's evidence, linked to its
// public need page by need_id.
type deliveryJSON struct {
	NeedID       string  `json:"need_id"`
	Key          string  `json:"key,omitempty"`
	Title        string  `json:"title"`
	Street       string  `json:"street"`
	Community    string  `json:"community"`
	OrgID        string  `json:"org_id"`
	Org          string  `json:"org"`
	Source       string  `json:"source"`
	AmountFen    int64   `json:"amount_fen"`
	DurationDays int     `json:"duration_days"`
	AcceptedAt   string  `json:"accepted_at"`
	Rating       float64 `json:"rating"`
	FirstTime    bool    `json:"first_time"`
	Outcome      string  `json:"outcome"` // the community's words at acceptance
}

type versionJSON struct {
	Version     int            `json:"version"`
	Status      catalog.Status `json:"status"`
	Title       string         `json:"title"`
	Note        string         `json:"note"`
	CreatedAt   string         `json:"created_at"`
	PublishedAt string         `json:"published_at,omitempty"`
}

type leadTimeJSON struct {
	Needs   int     `json:"needs"`
	AvgDays float64 `json:"avg_days"`
}

// statsJSON: adoptions, deliveries, and publish-to-contract time of needs
// that adopted against fresh needs of the same category.
type statsJSON struct {
	Key        string       `json:"key"`
	Name       string       `json:"name"`
	Solutions  int          `json:"solutions"`
	Adoptions  int          `json:"adoptions"`
	Deliveries int          `json:"deliveries"`
	Adopted    leadTimeJSON `json:"adopted"`
	Fresh      leadTimeJSON `json:"fresh"`
}

type statsList struct {
	Items []statsJSON `json:"items"`
}

// solutionJSON is a solution as the API shows it: one version's content
// (the current published one, or for its authors and coordinators the
// latest). Fields marked "detail" are only on GET /solutions/{id} and the
// answers to changes.
type solutionJSON struct {
	ID               string            `json:"id"`
	Status           catalog.Status    `json:"status"`
	Version          int               `json:"version"`
	PublishedVersion int               `json:"published_version"`
	LatestVersion    int               `json:"latest_version"`
	OrgID            string            `json:"org_id,omitempty"`
	Org              string            `json:"org,omitempty"`
	MergedInto       string            `json:"merged_into,omitempty"`
	Title            string            `json:"title"`
	Problem          string            `json:"problem"`
	Summary          string            `json:"summary"`
	Category         string            `json:"category"`
	Tags             []string          `json:"tags"`
	CommunityTypes   []string          `json:"community_types"`
	Population       []string          `json:"population"`
	Steps            []stepJSON        `json:"steps"`
	Inputs           inputsJSON        `json:"inputs"`
	BudgetMinFen     int64             `json:"budget_min_fen"`
	BudgetMaxFen     int64             `json:"budget_max_fen"`
	DurationMinDays  int               `json:"duration_min_days"`
	DurationMaxDays  int               `json:"duration_max_days"`
	Outcomes         []outcomeJSON     `json:"outcomes"`
	Risks            []riskJSON        `json:"risks"`
	Attachments      []attachmentJSON  `json:"attachments"`
	Providers        []orgRefJSON      `json:"providers"`
	Figures          figuresJSON       `json:"figures"`
	Adoptions        int               `json:"adoptions"`
	PublishedAt      string            `json:"published_at,omitempty"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	Score            *float64          `json:"score,omitempty"`          // a search's relevance
	ReviewComment    *string           `json:"review_comment,omitempty"` // detail, private
	Evidence         *[]deliveryJSON   `json:"evidence,omitempty"`       // detail
	Versions         *[]versionJSON    `json:"versions,omitempty"`       // detail
	Actions          *[]catalog.Action `json:"actions,omitempty"`        // detail: what the caller may do now
	Stats            *statsJSON        `json:"stats,omitempty"`          // detail
}

type solutionList struct {
	Items   []solutionJSON `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

func orNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func figuresOut(f catalog.Figures) figuresJSON {
	out := figuresJSON{Deliveries: f.Deliveries, Adopted: f.Adopted, Rated: f.Rated, AvgRating: f.AvgRating,
		AcceptanceRate: f.AcceptanceRate, BudgetMinFen: f.BudgetMinFen, BudgetMaxFen: f.BudgetMaxFen, Streets: f.Streets,
		Communities: f.Communities, LastDelivered: optTime(f.LastDelivered)}
	if f.HasCostPerBeneficiary() {
		c := f.CostPerBeneficiaryFen
		out.CostPerBeneficiaryFen = &c
	}
	return out
}

func statsOut(s catalog.Stats) statsJSON {
	return statsJSON{Key: s.Key, Name: s.Name, Solutions: s.Solutions, Adoptions: s.Adoptions, Deliveries: s.Deliveries,
		Adopted: leadTimeJSON{s.Adopted.Needs, s.Adopted.AvgDays}, Fresh: leadTimeJSON{s.Fresh.Needs, s.Fresh.AvgDays}}
}

// solutionOut is the list view of a solution.
func solutionOut(s *catalog.Solution) solutionJSON {
	v := &s.Version
	out := solutionJSON{ID: s.ID, Status: s.Status, Version: v.Number, PublishedVersion: s.PublishedVersion,
		LatestVersion: s.LatestVersion, OrgID: s.OrgID, Org: s.OrgName, MergedInto: s.MergedInto, Title: v.Title,
		Problem: v.Problem, Summary: v.Summary, Category: v.Category, Tags: orNil(v.Tags),
		CommunityTypes: orNil(v.Suits.CommunityTypes), Population: orNil(v.Suits.Population), Steps: []stepJSON{},
		Inputs:       inputsJSON{Staff: v.Inputs.Staff, Volunteers: v.Inputs.Volunteers, Materials: orNil(v.Inputs.Materials)},
		BudgetMinFen: v.BudgetMinFen, BudgetMaxFen: v.BudgetMaxFen, DurationMinDays: v.DurationMinDays,
		DurationMaxDays: v.DurationMaxDays, Outcomes: []outcomeJSON{}, Risks: []riskJSON{}, Attachments: []attachmentJSON{},
		Providers: []orgRefJSON{}, Figures: figuresOut(s.Figures), Adoptions: s.Adoptions, PublishedAt: optTime(v.PublishedAt),
		CreatedAt: rfc3339(s.CreatedAt), UpdatedAt: rfc3339(s.UpdatedAt)}
	for _, st := range v.Steps {
		out.Steps = append(out.Steps, stepJSON{st.Title, st.Detail, st.Days})
	}
	for _, o := range v.Outcomes {
		out.Outcomes = append(out.Outcomes, outcomeJSON{o.Text, o.Indicator, o.Target})
	}
	for _, r := range v.Risks {
		out.Risks = append(out.Risks, riskJSON{r.Text, r.Mitigation})
	}
	for _, a := range v.Attachments {
		out.Attachments = append(out.Attachments, attachmentJSON{DocumentID: a.DocumentID, NeedID: a.NeedID, Name: a.Name,
			Photo: a.Photo, URL: Prefix + "/documents/" + a.DocumentID})
	}
	for _, p := range s.Providers {
		out.Providers = append(out.Providers, orgRefJSON{ID: p.OrgID, Name: p.OrgName})
	}
	return out
}

// solutionDetail adds the evidence, the version history, the caller's
// actions and the statistics.
func (a *API) solutionDetail(ctx context.Context, s *catalog.Solution) (solutionJSON, error) {
	actor := accounts.ActorFrom(ctx)
	out := solutionOut(s)
	if catalog.CanViewPrivate(s, actor) {
		out.ReviewComment = &s.ReviewComment
	}
	ev, err := a.store.SolutionEvidence(ctx, s.ID)
	if err != nil {
		return out, err
	}
	out.Figures = figuresOut(ev.Figures)
	evidence := make([]deliveryJSON, 0, len(ev.Projects))
	for _, d := range ev.Projects {
		evidence = append(evidence, deliveryJSON{NeedID: d.NeedID, Key: d.Key, Title: d.Title, Street: d.StreetName,
			Community: d.CommunityName, OrgID: d.OrgID, Org: d.OrgName, Source: string(d.Source), AmountFen: d.AmountFen,
			DurationDays: d.DurationDays, AcceptedAt: rfc3339(d.AcceptedAt), Rating: d.Rating, FirstTime: d.Rejections == 0,
			Outcome: maskPhones(d.Outcome)})
	}
	out.Evidence = &evidence
	versions := make([]versionJSON, 0, len(s.Versions))
	for _, vi := range s.Versions {
		versions = append(versions, versionJSON{Version: vi.Number, Status: vi.Status, Title: vi.Title, Note: vi.Note,
			CreatedAt: rfc3339(vi.CreatedAt), PublishedAt: optTime(vi.PublishedAt)})
	}
	out.Versions = &versions
	actions := orNil(catalog.Allowed(s, actor))
	out.Actions = &actions
	if s.Public() {
		st, err := a.store.SolutionStats(ctx, s.ID)
		if err != nil {
			return out, err
		}
		so := statsOut(st)
		out.Stats = &so
	}
	return out, nil
}

// writeSolution answers with the solution as the caller sees it now.
func (a *API) writeSolution(w http.ResponseWriter, r *http.Request, status int, id string, version int) error {
	s, err := a.store.FindSolutionByID(r.Context(), id, version)
	if err != nil {
		return err
	}
	out, err := a.solutionDetail(r.Context(), s)
	if err != nil {
		return err
	}
	return writeJSON(w, status, out)
}

// maxSearchHits bounds how many ranked solutions a search pages through.
const maxSearchHits = 500

// listSolutions: GET /api/v1/solutions — the catalog. q searches everyday
// Chinese with the matching engine's analyzer (relevance first unless sort
// is given); category is a taxonomy code or name; sort is deliveries,
// satisfaction, acceptance, cost or newest; status (draft, in_review,
// archived) lists what the caller may see privately.
func (a *API) listSolutions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := readParams(r.URL, "q", "category", "sort", "status", "org", "page", "per_page")
	f := catalog.Filter{
		Sort:    catalog.Sort(p.str("sort")),
		Status:  catalog.Status(p.str("status")),
		OrgID:   p.str("org"),
		Page:    p.int("page", 1, 1, maxPage, "api.page_range"),
		PerPage: p.int("per_page", defaultPerPage, 1, catalog.MaxPerPage, "api.per_page_range"),
	}
	if !catalog.ValidSort(f.Sort) {
		p.l.Add("sort", "solution.sort_invalid")
	}
	if f.Status != "" && !f.Status.Valid() {
		p.l.Add("status", "solution.status_invalid")
	}
	if s := p.str("category"); s != "" {
		code, ok := registry.ParseCategory(s)
		if !ok {
			p.l.Add("category", "category.invalid")
		}
		f.Category = code
	}
	q := p.str("q")
	var scores map[string]float64
	if q != "" {
		public := f.Status == "" || f.Status == catalog.Published
		if a.solutions != nil && a.solutions.Ready() && public {
			hits, err := a.solutions.Search(ctx, q, f.Category, maxSearchHits)
			if err := p.add(err); err != nil {
				return err
			}
			f.IDs, scores = []string{}, map[string]float64{}
			for _, h := range hits {
				f.IDs = append(f.IDs, h.ID)
				scores[h.ID] = h.Score
			}
		} else {
			f.Query = q // the index is not ready (or lists private states): words in the text
		}
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	list, total, err := a.store.FindSolutions(ctx, f)
	if err != nil {
		return err
	}
	out := solutionList{Items: make([]solutionJSON, 0, len(list)), Total: total, Page: f.Page, PerPage: f.PerPage}
	for _, s := range list {
		item := solutionOut(s)
		if sc, ok := scores[s.ID]; ok {
			item.Score = &sc
		}
		out.Items = append(out.Items, item)
	}
	return writeJSON(w, http.StatusOK, out)
}

// getSolution: GET /api/v1/solutions/{id}?version=N — one solution with its
// evidence, versions and statistics. A draft the caller may not see is not
// found; a merged solution answers with merged_into, where it now lives.
func (a *API) getSolution(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "solution")
	if err != nil {
		return err
	}
	p := readParams(r.URL, "version")
	version := p.int("version", 0, 1, 100000, "number.range")
	if err := p.l.Err(); err != nil {
		return err
	}
	return a.writeSolution(w, r, http.StatusOK, id, version)
}

// solutionStats: GET /api/v1/solutions/stats — per category, the
// catalog's adoptions, deliveries and whether adopting is faster.
func (a *API) solutionStats(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	st, err := a.store.CategoryStats(r.Context())
	if err != nil {
		return err
	}
	out := statsList{Items: make([]statsJSON, 0, len(st))}
	for _, s := range st {
		out.Items = append(out.Items, statsOut(s))
	}
	return writeJSON(w, http.StatusOK, out)
}

// solutionCreate is the POST body. org is the proposing organization's id
// (left out: the caller's own organization, or the platform for platform
// staff); projects are the ids of completed needs; every content field left
// out is pre-filled from the projects (title, problem, category, steps,
// budget and duration ranges, providers, outcomes, documents).
type solutionCreate struct {
	Org             string        `json:"org"`
	Projects        []string      `json:"projects"`
	Title           string        `json:"title"`
	Problem         string        `json:"problem"`
	Summary         string        `json:"summary"`
	Category        string        `json:"category"`
	Tags            []string      `json:"tags"`
	CommunityTypes  []string      `json:"community_types"`
	Population      []string      `json:"population"`
	Steps           []stepJSON    `json:"steps"`
	Staff           int           `json:"staff"`
	Volunteers      int           `json:"volunteers"`
	Materials       []string      `json:"materials"`
	BudgetMinFen    int64         `json:"budget_min_fen"`
	BudgetMaxFen    int64         `json:"budget_max_fen"`
	DurationMinDays int           `json:"duration_min_days"`
	DurationMaxDays int           `json:"duration_max_days"`
	Outcomes        []outcomeJSON `json:"outcomes"`
	Risks           []riskJSON    `json:"risks"`
	Attachments     []string      `json:"attachments"` // document ids of the projects
	Providers       []string      `json:"providers"`   // organization ids
	Note            string        `json:"note"`
}

// createSolution: POST /api/v1/solutions → 201 and the draft.
func (a *API) createSolution(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	var in solutionCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	org := strings.TrimSpace(in.Org)
	if org == "" && !actor.Has(accounts.PlatformAdmin) {
		if ids := actor.OrgIDs(); len(ids) > 0 {
			org = ids[0]
		}
	}
	v := catalog.Version{Title: in.Title, Problem: in.Problem, Summary: in.Summary, Category: in.Category, Tags: in.Tags,
		Suits:        catalog.Suits{CommunityTypes: in.CommunityTypes, Population: in.Population},
		Inputs:       catalog.Inputs{Staff: in.Staff, Volunteers: in.Volunteers, Materials: in.Materials},
		BudgetMinFen: in.BudgetMinFen, BudgetMaxFen: in.BudgetMaxFen, DurationMinDays: in.DurationMinDays,
		DurationMaxDays: in.DurationMaxDays, ProviderIDs: in.Providers, Note: in.Note}
	if in.Category != "" {
		code, ok := registry.ParseCategory(in.Category)
		if !ok {
			return errs.Field("category", "category.invalid")
		}
		v.Category = code
	}
	for _, st := range in.Steps {
		v.Steps = append(v.Steps, catalog.Step{Title: st.Title, Detail: st.Detail, Days: st.Days})
	}
	for _, o := range in.Outcomes {
		v.Outcomes = append(v.Outcomes, catalog.Outcome{Text: o.Text, Indicator: o.Indicator, Target: o.Target})
	}
	for _, rk := range in.Risks {
		v.Risks = append(v.Risks, catalog.Risk{Text: rk.Text, Mitigation: rk.Mitigation})
	}
	for _, id := range in.Attachments {
		v.Attachments = append(v.Attachments, catalog.Attachment{DocumentID: id})
	}
	s, err := a.store.CreateSolution(r.Context(), store.SolutionProposal{OrgID: org, NeedIDs: in.Projects, Version: v})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/solutions/"+s.ID)
	return a.writeSolution(w, r, http.StatusCreated, s.ID, 0)
}

// solutionStep runs one review step on the solution in the path.
func (a *API) solutionStep(w http.ResponseWriter, r *http.Request, step func(ctx context.Context, id string) (*catalog.Solution, error)) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "solution")
	if err != nil {
		return err
	}
	if err := a.decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	if _, err := step(r.Context(), id); err != nil {
		return err
	}
	return a.writeSolution(w, r, http.StatusOK, id, 0)
}

// submitSolution: POST /api/v1/solutions/{id}/submit — its authors send the
// draft to the coordinators → the solution.
func (a *API) submitSolution(w http.ResponseWriter, r *http.Request) error {
	return a.solutionStep(w, r, a.store.SubmitSolution)
}

// publishSolution: POST /api/v1/solutions/{id}/publish — a coordinator
// publishes the version under review → the solution.
func (a *API) publishSolution(w http.ResponseWriter, r *http.Request) error {
	return a.solutionStep(w, r, a.store.PublishSolution)
}

// adoptIn is the adopt body: the community (id, or exact name within
// street), the procedure (open, invited: the providers or those named;
// direct: one provider, below the threshold) and an optional budget.
type adoptIn struct {
	Community string                `json:"community"`
	Street    string                `json:"street"`
	Procedure procurement.Procedure `json:"procedure"`
	Invited   []string              `json:"invited"`
	BudgetFen int64                 `json:"budget_fen"`
}

// adoptSolution: POST /api/v1/solutions/{id}/adopt → 201 and the new draft
// need, pre-filled from the solution, through every procurement rule.
func (a *API) adoptSolution(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "solution")
	if err != nil {
		return err
	}
	var in adoptIn
	if err := a.decodeOptional(w, r, &in); err != nil {
		return err
	}
	ad := catalog.Adoption{Procedure: in.Procedure, OrgIDs: in.Invited, BudgetFen: in.BudgetFen}
	switch {
	case strings.TrimSpace(in.Community) != "":
		streetID := ""
		if s := strings.TrimSpace(in.Street); s != "" {
			st, err := a.resolveStreet(r.Context(), s)
			if err != nil {
				return err
			}
			streetID = st.ID
		}
		cm, err := a.resolveCommunity(r.Context(), streetID, in.Community)
		if err != nil {
			return err
		}
		ad.CommunityID = cm.ID
	default: // the caller's own community, when they have exactly one
		var mine []string
		for _, g := range actor.Grants {
			if g.Role == accounts.CommunityStaff {
				mine = append(mine, g.ScopeID)
			}
		}
		if len(mine) != 1 {
			return errs.Field("community", "field.required")
		}
		ad.CommunityID = mine[0]
	}
	n, err := a.store.AdoptSolution(r.Context(), id, ad, a.rules)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/needs/"+n.ID)
	return a.writeNeed(w, r, http.StatusCreated, n.ID)
}

// solutionNote is the body of the review steps that take words: return
// (comment), revise (note), archive (reason).
type solutionNote struct {
	Comment string `json:"comment"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
}

// solutionNoteStep runs a review step that takes words from the body.
func (a *API) solutionNoteStep(w http.ResponseWriter, r *http.Request,
	step func(ctx context.Context, id string, in solutionNote) (*catalog.Solution, error)) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "solution")
	if err != nil {
		return err
	}
	var in solutionNote
	if err := a.decodeOptional(w, r, &in); err != nil {
		return err
	}
	if _, err := step(r.Context(), id, in); err != nil {
		return err
	}
	return a.writeSolution(w, r, http.StatusOK, id, 0)
}

// returnSolution: POST /api/v1/solutions/{id}/return {"comment"} — a
// coordinator sends the version under review back to its authors.
func (a *API) returnSolution(w http.ResponseWriter, r *http.Request) error {
	return a.solutionNoteStep(w, r, func(ctx context.Context, id string, in solutionNote) (*catalog.Solution, error) {
		return a.store.ReturnSolution(ctx, id, in.Comment)
	})
}

// reviseSolution: POST /api/v1/solutions/{id}/revise {"note"?} — its
// authors start a new draft version of a published solution.
func (a *API) reviseSolution(w http.ResponseWriter, r *http.Request) error {
	return a.solutionNoteStep(w, r, func(ctx context.Context, id string, in solutionNote) (*catalog.Solution, error) {
		return a.store.ReviseSolution(ctx, id, in.Note)
	})
}

// archiveSolution: POST /api/v1/solutions/{id}/archive {"reason"} — a
// coordinator withdraws it from the catalog.
func (a *API) archiveSolution(w http.ResponseWriter, r *http.Request) error {
	return a.solutionNoteStep(w, r, func(ctx context.Context, id string, in solutionNote) (*catalog.Solution, error) {
		return a.store.ArchiveSolution(ctx, id, in.Reason)
	})
}

// mergeIn names the solution that absorbs the one in the path, and why.
type mergeIn struct {
	Into   string `json:"into"`
	Reason string `json:"reason"`
}

// mergeSolution: POST /api/v1/solutions/{id}/merge {"into","reason"} —
// platform staff: the solution named by into absorbs this one's evidence;
// this one redirects there → the absorbing solution.
func (a *API) mergeSolution(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "solution")
	if err != nil {
		return err
	}
	var in mergeIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	into, err := a.store.MergeSolutions(r.Context(), id, strings.TrimSpace(in.Into), in.Reason)
	if err != nil {
		return err
	}
	return a.writeSolution(w, r, http.StatusOK, into.ID, 0)
}

type pairJSON struct {
	A     solutionJSON `json:"a"`
	B     solutionJSON `json:"b"`
	Score float64      `json:"score"`
}

type pairList struct {
	Items []pairJSON `json:"items"`
}

// solutionDuplicates: GET /api/v1/solutions/duplicates — platform staff:
// pairs of solutions that look alike, most alike first.
func (a *API) solutionDuplicates(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	pairs, err := a.store.SolutionDuplicates(r.Context())
	if err != nil {
		return err
	}
	out := pairList{Items: make([]pairJSON, 0, len(pairs))}
	for _, p := range pairs {
		out.Items = append(out.Items, pairJSON{A: solutionOut(p.A), B: solutionOut(p.B), Score: p.Score})
	}
	return writeJSON(w, http.StatusOK, out)
}

type clusterJSON struct {
	Category string     `json:"category"`
	Score    float64    `json:"score"`
	Projects []needJSON `json:"projects"`
}

type clusterList struct {
	Items []clusterJSON `json:"items"`
}

// solutionClusters: GET /api/v1/solutions/clusters — platform staff:
// completed projects no solution covers yet, grouped by category and
// similar text, largest group first.
func (a *API) solutionClusters(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	cls, err := a.store.SuggestSolutionClusters(r.Context())
	if err != nil {
		return err
	}
	out := clusterList{Items: make([]clusterJSON, 0, len(cls))}
	for _, c := range cls {
		cj := clusterJSON{Category: c.Category, Score: c.Score, Projects: make([]needJSON, 0, len(c.Projects))}
		for _, n := range c.Projects {
			cj.Projects = append(cj.Projects, a.needOut(n))
		}
		out.Items = append(out.Items, cj)
	}
	return writeJSON(w, http.StatusOK, out)
}
