package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// The solution catalog (同款方案). A solution is proposed from completed
// projects by their delivering organization or by platform staff, reviewed
// and published by a coordinator (catalog.Transitions), revised as new
// versions, adopted by communities through the ordinary need-creation path,
// and merged by platform staff. Its evidence is solution_projects: the
// projects it was proposed from and the adopting needs, linked when their
// delivery is accepted (in the acceptance's transaction); every figure is
// computed from those projects' own records.

// The store is the solution search index's source of truth.
var _ match.SolutionSource = (*Store)(nil)

const solutionSelect = `SELECT s.id, s.status, COALESCE(s.org_id, ''), COALESCE(o.name, ''), s.created_by,
	COALESCE(s.merged_into, ''), s.published_version, s.latest_version, s.review_comment, s.created_at, s.updated_at
	FROM solutions s LEFT JOIN organizations o ON o.id = s.org_id`

func scanSolution(sc interface{ Scan(...any) error }) (*catalog.Solution, error) {
	s := &catalog.Solution{}
	err := sc.Scan(&s.ID, &s.Status, &s.OrgID, &s.OrgName, &s.CreatedBy, &s.MergedInto, &s.PublishedVersion,
		&s.LatestVersion, &s.ReviewComment, &s.CreatedAt, &s.UpdatedAt)
	return s, err
}

const versionColumns = `v.solution_id, v.version, v.status, v.title, v.problem, v.summary, v.category, v.tags, v.suits,
	v.steps, v.inputs, v.budget_min_fen, v.budget_max_fen, v.duration_min_days, v.duration_max_days, v.outcomes, v.risks,
	v.attachments, v.note, v.created_by, v.created_at, v.submitted_at, v.published_at, v.published_by`

func scanVersion(sc interface{ Scan(...any) error }) (catalog.Version, error) {
	var v catalog.Version
	var tags, suits, steps, inputs, outcomes, risks, atts string
	var submitted, published sql.NullTime
	err := sc.Scan(&v.SolutionID, &v.Number, &v.Status, &v.Title, &v.Problem, &v.Summary, &v.Category, &tags, &suits,
		&steps, &inputs, &v.BudgetMinFen, &v.BudgetMaxFen, &v.DurationMinDays, &v.DurationMaxDays, &outcomes, &risks,
		&atts, &v.Note, &v.CreatedBy, &v.CreatedAt, &submitted, &published, &v.PublishedBy)
	if err != nil {
		return v, err
	}
	v.SubmittedAt, v.PublishedAt = submitted.Time, published.Time
	for _, p := range []struct {
		s   string
		dst any
	}{{tags, &v.Tags}, {suits, &v.Suits}, {steps, &v.Steps}, {inputs, &v.Inputs}, {outcomes, &v.Outcomes},
		{risks, &v.Risks}, {atts, &v.Attachments}} {
		if err := json.Unmarshal([]byte(p.s), p.dst); err != nil {
			return v, errs.Wrap(err, "solution version %s/%d", v.SolutionID, v.Number)
		}
	}
	return v, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// findSolution loads a solution without its content (no visibility check).
func findSolution(ctx context.Context, c conn, id string) (*catalog.Solution, error) {
	s, err := scanSolution(c.row(ctx, solutionSelect+` WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("solution")
	}
	return s, err
}

// loadVersion fills s.Version (number n) and its providers.
func loadVersion(ctx context.Context, c conn, s *catalog.Solution, n int) error {
	v, err := scanVersion(c.row(ctx, `SELECT `+versionColumns+` FROM solution_versions v WHERE v.solution_id = ? AND v.version = ?`,
		s.ID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("solution")
	}
	if err != nil {
		return err
	}
	s.Version = v
	provs, err := findProviders(ctx, c, []string{s.ID}, map[string]int{s.ID: n})
	if err != nil {
		return err
	}
	s.Providers = provs[s.ID]
	s.Version.ProviderIDs = nil
	for _, p := range s.Providers {
		s.Version.ProviderIDs = append(s.Version.ProviderIDs, p.OrgID)
	}
	return nil
}

// findProviders returns the providers of each solution's given version.
func findProviders(ctx context.Context, c conn, ids []string, version map[string]int) (map[string][]catalog.Provider, error) {
	out := map[string][]catalog.Provider{}
	if len(ids) == 0 {
		return out, nil
	}
	args := idArgs(ids)
	rows, err := c.query(ctx, `SELECT p.solution_id, p.version, p.org_id, o.name FROM solution_providers p
		JOIN organizations o ON o.id = p.org_id WHERE p.solution_id IN (`+placeholders(len(ids))+`)
		ORDER BY p.solution_id, p.version, p.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		var v int
		var p catalog.Provider
		if err := rows.Scan(&sid, &v, &p.OrgID, &p.OrgName); err != nil {
			return nil, err
		}
		if version[sid] == v {
			out[sid] = append(out[sid], p)
		}
	}
	return out, rows.Err()
}

// versionHistory lists a solution's versions, newest first; the public
// sees the published ones only.
func versionHistory(ctx context.Context, c conn, id string, private bool) ([]catalog.VersionInfo, error) {
	rows, err := c.query(ctx, `SELECT version, status, title, note, created_at, published_at FROM solution_versions
		WHERE solution_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.VersionInfo
	for rows.Next() {
		var vi catalog.VersionInfo
		var pub sql.NullTime
		if err := rows.Scan(&vi.Number, &vi.Status, &vi.Title, &vi.Note, &vi.CreatedAt, &pub); err != nil {
			return nil, err
		}
		vi.PublishedAt = pub.Time
		if private || vi.Status == catalog.Published {
			out = append(out, vi)
		}
	}
	return out, rows.Err()
}

// FindSolutionByID returns a solution with one version's content: version 0
// is the latest for its authors and coordinators, the current published one
// for everyone else. A solution (or version) someone may not see is not
// found. A merged solution comes back with MergedInto set, for a redirect.
func (s *Store) FindSolutionByID(ctx context.Context, id string, version int) (*catalog.Solution, error) {
	sol, err := s.findVisibleSolution(ctx, s.read(), id, version)
	return sol, s.translate(err)
}

func (s *Store) findVisibleSolution(ctx context.Context, c conn, id string, version int) (*catalog.Solution, error) {
	actor := accounts.ActorFrom(ctx)
	sol, err := findSolution(ctx, c, id)
	if err != nil {
		return nil, err
	}
	private := catalog.CanViewPrivate(sol, actor)
	merged := sol.Status == catalog.Merged && sol.PublishedVersion > 0
	if !private && !sol.Public() && !merged {
		return nil, notFound("solution")
	}
	n := version
	switch {
	case n == 0 && private:
		n = sol.LatestVersion
	case n == 0:
		n = sol.PublishedVersion
	case n < 1 || n > sol.LatestVersion:
		return nil, notFound("solution")
	}
	if err := loadVersion(ctx, c, sol, n); err != nil {
		return nil, err
	}
	if !private && sol.Version.Status != catalog.Published {
		return nil, notFound("solution")
	}
	if sol.Versions, err = versionHistory(ctx, c, sol.ID, private); err != nil {
		return nil, err
	}
	ev, err := solutionEvidence(ctx, c, sol.ID)
	if err != nil {
		return nil, err
	}
	sol.Figures = ev.Figures
	if sol.Adoptions, err = countAdoptions(ctx, c, sol.ID); err != nil {
		return nil, err
	}
	if !private {
		sol.ReviewComment = ""
	}
	return sol, nil
}

// countAdoptions counts the needs that adopted a solution or one merged
// into it, cancelled ones left out.
func countAdoptions(ctx context.Context, c conn, id string) (int, error) {
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM needs WHERE status <> 'cancelled' AND (adopted_solution_id = ?
		OR adopted_solution_id IN (SELECT id FROM solutions WHERE merged_into = ?))`, id, id).Scan(&n)
	return n, err
}

// --- evidence ---

const deliverySelect = `SELECT sp.solution_id, sp.source, n.id, COALESCE(n.source_key, ''), n.title, n.street_id, st.name,
	COALESCE(n.community_id, ''), COALESCE(cm.name, ''), COALESCE(n.awarded_org_id, ''), COALESCE(o.name, ''),
	COALESCE(k.amount_fen, n.budget_fen), k.start_at, k.end_at, n.published_at, k.signed_at, a.at, n.updated_at,
	a.imported_rating, (SELECT COUNT(*) FROM ratings r WHERE r.need_id = n.id),
	(SELECT COALESCE(SUM(r.stars), 0) FROM ratings r WHERE r.need_id = n.id),
	(SELECT COUNT(*) FROM need_events e WHERE e.need_id = n.id AND e.action = 'reject_delivery'), COALESCE(a.comment, ''),
	COALESCE(a.beneficiaries, 0)
	FROM solution_projects sp JOIN needs n ON n.id = sp.need_id JOIN streets st ON st.id = n.street_id
	LEFT JOIN communities cm ON cm.id = n.community_id LEFT JOIN organizations o ON o.id = n.awarded_org_id
	LEFT JOIN contracts k ON k.need_id = n.id LEFT JOIN acceptances a ON a.need_id = n.id
	WHERE n.status IN ('accepted', 'closed')`

// deliveries reads the evidence of the given solutions (nil: all), by solution.
func deliveries(ctx context.Context, c conn, ids []string) (map[string][]catalog.Delivery, error) {
	q, args := deliverySelect, []any{}
	if ids != nil {
		if len(ids) == 0 {
			return map[string][]catalog.Delivery{}, nil
		}
		q += ` AND sp.solution_id IN (` + placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return deliveriesQuery(ctx, c, q, args...)
}

// deliveriesQuery runs a deliverySelect query and groups its rows by solution.
func deliveriesQuery(ctx context.Context, c conn, q string, args ...any) (map[string][]catalog.Delivery, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]catalog.Delivery{}
	for rows.Next() {
		var sid string
		var d catalog.Delivery
		var start, end, published, signed, accepted sql.NullTime
		var updated time.Time
		var imported sql.NullFloat64
		var starSum int64
		if err := rows.Scan(&sid, &d.Source, &d.NeedID, &d.Key, &d.Title, &d.StreetID, &d.StreetName, &d.CommunityID,
			&d.CommunityName, &d.OrgID, &d.OrgName, &d.AmountFen, &start, &end, &published, &signed, &accepted, &updated,
			&imported, &d.Ratings, &starSum, &d.Rejections, &d.Outcome, &d.Beneficiaries); err != nil {
			return nil, err
		}
		if start.Valid && end.Valid {
			d.DurationDays = int(end.Time.Sub(start.Time).Hours()/24 + 0.5)
		}
		d.PublishedAt, d.ContractedAt = published.Time, signed.Time
		d.AcceptedAt = updated
		if accepted.Valid {
			d.AcceptedAt = accepted.Time
		}
		switch {
		case imported.Valid:
			d.Rating = imported.Float64
		case d.Ratings > 0:
			d.Rating = float64(starSum) / float64(d.Ratings)
		}
		out[sid] = append(out[sid], d)
	}
	return out, rows.Err()
}

func solutionEvidence(ctx context.Context, c conn, id string) (catalog.Evidence, error) {
	ds, err := deliveries(ctx, c, []string{id})
	if err != nil {
		return catalog.Evidence{}, err
	}
	return catalog.NewEvidence(ds[id]), nil
}

// SolutionEvidence returns every completed project that used a solution,
// newest first, with the figures computed from them. Public for a public
// solution; a merged one answers with the evidence it handed on (none).
func (s *Store) SolutionEvidence(ctx context.Context, id string) (catalog.Evidence, error) {
	c := s.read()
	sol, err := findSolution(ctx, c, id)
	if err != nil {
		return catalog.Evidence{}, s.translate(err)
	}
	merged := sol.Status == catalog.Merged && sol.PublishedVersion > 0
	if !catalog.CanView(sol, accounts.ActorFrom(ctx)) && !merged {
		return catalog.Evidence{}, notFound("solution")
	}
	ev, err := solutionEvidence(ctx, c, id)
	return ev, s.translate(err)
}

// --- proposing ---

// SolutionProposal is a new solution: who proposes it, the completed
// projects it is distilled from, and its content. Fields of the content left
// empty are pre-filled from the projects (SolutionPrefill).
type SolutionProposal struct {
	OrgID   string   // the proposing organization; "" when platform staff propose in the platform's name
	NeedIDs []string // completed projects (accepted or closed needs), at least one
	Version catalog.Version
}

// completedProjects loads the needs a solution is proposed from: each must
// exist, be visible and be completed; an organization proposes only from
// projects it delivered (platform staff from any).
func completedProjects(ctx context.Context, c conn, needIDs []string, orgID string) ([]*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	ids := cleanIDs(needIDs)
	if len(ids) == 0 {
		return nil, errs.Field("projects", "solution.projects_required")
	}
	if len(ids) > 50 {
		return nil, errs.Field("projects", "solution.too_many", 50)
	}
	var out []*procurement.Need
	for _, id := range ids {
		n, err := loadVisibleNeed(ctx, c, id, actor)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("projects", "solution.project_unknown")
		}
		if err != nil {
			return nil, err
		}
		if n.Status != procurement.Accepted && n.Status != procurement.Closed {
			return nil, errs.Field("projects", "solution.project_not_completed", n.Title)
		}
		if !actor.Has(accounts.PlatformAdmin) && (orgID == "" || n.AwardedOrgID != orgID) {
			return nil, errs.Field("projects", "solution.project_not_yours", n.Title)
		}
		out = append(out, n)
	}
	return out, nil
}

func cleanIDs(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// SolutionPrefill returns the content a solution proposed from these
// completed projects starts with: the first project's title and request,
// the most common category, the projects' milestones as steps, their budget
// and duration ranges, their delivering organizations as providers, their
// public documents and photos as attachments, and acceptance (and, when
// rated, satisfaction) as outcomes. orgID is the proposing organization
// ("" for platform staff).
func (s *Store) SolutionPrefill(ctx context.Context, orgID string, needIDs []string) (*catalog.Version, error) {
	var v *catalog.Version
	err := s.tx(ctx, func(c conn) error {
		if err := catalog.CanPropose(accounts.ActorFrom(ctx), orgID); err != nil {
			return err
		}
		ns, err := completedProjects(ctx, c, needIDs, orgID)
		if err != nil {
			return err
		}
		v = &catalog.Version{}
		return prefill(ctx, c, v, ns)
	})
	return v, err
}

// prefill fills the empty fields of v from the projects ns.
func prefill(ctx context.Context, c conn, v *catalog.Version, ns []*procurement.Need) error {
	first := ns[0]
	if strings.TrimSpace(v.Title) == "" {
		v.Title = truncRunes(first.Title, 60)
	}
	if strings.TrimSpace(v.Problem) == "" {
		v.Problem = truncRunes(first.Description, 2000)
	}
	if strings.TrimSpace(v.Category) == "" {
		count := map[string]int{}
		for _, n := range ns {
			if n.Category != "" {
				count[n.Category]++
				if count[n.Category] > count[v.Category] {
					v.Category = n.Category
				}
			}
		}
	}
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	ds, err := projectDeliveries(ctx, c, ids)
	if err != nil {
		return err
	}
	bmin, bmax, dmin, dmax := catalog.Ranges(ds)
	if v.BudgetMinFen == 0 && v.BudgetMaxFen == 0 {
		v.BudgetMinFen, v.BudgetMaxFen = bmin, bmax
	}
	if v.DurationMinDays == 0 && v.DurationMaxDays == 0 {
		v.DurationMinDays, v.DurationMaxDays = dmin, dmax
	}
	if len(v.ProviderIDs) == 0 {
		seen := map[string]bool{}
		for _, n := range ns {
			if n.AwardedOrgID != "" && !seen[n.AwardedOrgID] {
				seen[n.AwardedOrgID] = true
				v.ProviderIDs = append(v.ProviderIDs, n.AwardedOrgID)
			}
		}
	}
	if len(v.Steps) == 0 {
		ms, err := findMilestones(ctx, c, first.ID)
		if err != nil {
			return err
		}
		// A step lasts from the milestone before, the first from the
		// contract's start: the steps then add up to the project's term.
		// Without a contract the first step's length is unknown.
		var start sql.NullTime
		err = c.row(ctx, `SELECT start_at FROM contracts WHERE need_id = ?`, first.ID).Scan(&start)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		prev := start.Time
		for _, m := range ms {
			st := catalog.Step{Title: truncRunes(m.Title, 60)}
			if !prev.IsZero() && m.Due.After(prev) {
				st.Days = int(m.Due.Sub(prev).Hours() / 24)
			}
			prev = m.Due
			v.Steps = append(v.Steps, st)
		}
	}
	if len(v.Outcomes) == 0 {
		v.Outcomes = []catalog.Outcome{{Text: "项目按期通过社区验收", Indicator: "社区验收结果", Target: "通过"}}
		if f := catalog.ComputeFigures(ds); f.Rated > 0 {
			v.Outcomes = append(v.Outcomes, catalog.Outcome{Text: "居民对服务满意", Indicator: "居民满意度评分", Target: "≥ 4 分"})
		}
	}
	if len(v.Attachments) == 0 {
		docs, err := projectDocuments(ctx, c, ids)
		if err != nil {
			return err
		}
		if len(docs) > catalog.MaxAttachments {
			docs = docs[:catalog.MaxAttachments]
		}
		v.Attachments = docs
	}
	return nil
}

// projectDeliveries reads completed needs as deliveries (for pre-filling,
// before any link exists).
func projectDeliveries(ctx context.Context, c conn, needIDs []string) ([]catalog.Delivery, error) {
	q := strings.Replace(deliverySelect, `FROM solution_projects sp JOIN needs n ON n.id = sp.need_id`,
		`FROM needs n CROSS JOIN (SELECT '' AS solution_id, 'proposed' AS source) sp`, 1)
	args := make([]any, len(needIDs))
	for i, id := range needIDs {
		args[i] = id
	}
	m, err := deliveriesQuery(ctx, c, q+` AND n.id IN (`+placeholders(len(needIDs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	return m[""], nil
}

// projectDocuments lists the public documents of the projects (the need's
// own files, its contract's and its progress reports' — never a proposal's)
// as attachments to reuse.
func projectDocuments(ctx context.Context, c conn, needIDs []string) ([]catalog.Attachment, error) {
	args := make([]any, len(needIDs))
	for i, id := range needIDs {
		args[i] = id
	}
	rows, err := c.query(ctx, `SELECT id, need_id, name, mime_type FROM documents WHERE owner_kind <> 'proposal'
		AND need_id IN (`+placeholders(len(needIDs))+`) ORDER BY uploaded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Attachment
	for rows.Next() {
		var a catalog.Attachment
		var mime string
		if err := rows.Scan(&a.DocumentID, &a.NeedID, &a.Name, &mime); err != nil {
			return nil, err
		}
		a.Photo = strings.HasPrefix(mime, "image/")
		out = append(out, a)
	}
	return out, rows.Err()
}

// checkSolutionRefs checks a version's providers exist and its attachments
// are public documents of the solution's projects (needIDs).
func checkSolutionRefs(ctx context.Context, c conn, v *catalog.Version, needIDs []string) error {
	for _, id := range v.ProviderIDs {
		if _, err := findOrg(ctx, c, `o.id = ?`, id); err != nil {
			return fieldErr("providers", err)
		}
	}
	if len(v.Attachments) == 0 {
		return nil
	}
	docs, err := projectDocuments(ctx, c, needIDs)
	if err != nil {
		return err
	}
	ok := map[string]catalog.Attachment{}
	for _, d := range docs {
		ok[d.DocumentID] = d
	}
	for i, a := range v.Attachments {
		d, found := ok[a.DocumentID]
		if !found {
			return errs.Field("attachments", "solution.attachment_invalid")
		}
		v.Attachments[i] = d // names and kinds from the document itself
	}
	return nil
}

// CreateSolution proposes a solution from completed projects (their
// delivering organization's admin, or platform staff): a draft, version 1,
// its empty fields pre-filled from the projects, linked to them as evidence.
func (s *Store) CreateSolution(ctx context.Context, p SolutionProposal) (*catalog.Solution, error) {
	actor := accounts.ActorFrom(ctx)
	var out *catalog.Solution
	err := s.tx(ctx, func(c conn) error {
		if err := catalog.CanPropose(actor, p.OrgID); err != nil {
			return err
		}
		var orgName string
		if p.OrgID != "" {
			o, err := findOrg(ctx, c, `o.id = ?`, p.OrgID)
			if err != nil {
				return fieldErr("org", err)
			}
			orgName = o.Name
		}
		ns, err := completedProjects(ctx, c, p.NeedIDs, p.OrgID)
		if err != nil {
			return err
		}
		v := p.Version
		if err := prefill(ctx, c, &v, ns); err != nil {
			return err
		}
		if err := v.Validate(); err != nil {
			return err
		}
		needIDs := make([]string, len(ns))
		for i, n := range ns {
			needIDs[i] = n.ID
		}
		if err := checkSolutionRefs(ctx, c, &v, needIDs); err != nil {
			return err
		}
		sol := &catalog.Solution{ID: newID(), Status: catalog.Draft, OrgID: p.OrgID, OrgName: orgName, LatestVersion: 1,
			CreatedAt: c.now, UpdatedAt: c.now}
		if actor != nil {
			sol.CreatedBy = actor.ID
		}
		if _, err := c.exec(ctx, `INSERT INTO solutions (id, status, org_id, created_by, published_version, latest_version,
			category, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 1, ?, ?, ?)`, sol.ID, sol.Status, nullStr(sol.OrgID),
			sol.CreatedBy, v.Category, c.now, c.now); err != nil {
			return err
		}
		v.SolutionID, v.Number, v.Status, v.CreatedBy, v.CreatedAt = sol.ID, 1, catalog.Draft, sol.CreatedBy, c.now
		if err := insertVersion(ctx, c, &v); err != nil {
			return err
		}
		for _, id := range needIDs {
			if _, err := c.exec(ctx, `INSERT INTO solution_projects (solution_id, need_id, source, linked_at) VALUES (?, ?, ?, ?)`,
				sol.ID, id, catalog.SourceProposed, c.now); err != nil {
				return err
			}
		}
		sol.Version = v
		out = sol
		return record(ctx, c, "solution.create", sol.Resource(), map[string]any{"title": v.Title, "category": v.Category,
			"projects": needIDs, "providers": v.ProviderIDs})
	})
	if err != nil {
		return nil, err
	}
	return s.FindSolutionByID(ctx, out.ID, 0)
}

func insertVersion(ctx context.Context, c conn, v *catalog.Version) error {
	if _, err := c.exec(ctx, `INSERT INTO solution_versions (solution_id, version, status, title, problem, summary, category,
		tags, suits, steps, inputs, budget_min_fen, budget_max_fen, duration_min_days, duration_max_days, outcomes, risks,
		attachments, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.SolutionID, v.Number, v.Status, v.Title, v.Problem, v.Summary, v.Category, jsonText(nonNil(v.Tags)),
		jsonText(v.Suits), jsonText(nonNil(v.Steps)), jsonText(v.Inputs), v.BudgetMinFen, v.BudgetMaxFen, v.DurationMinDays,
		v.DurationMaxDays, jsonText(nonNil(v.Outcomes)), jsonText(nonNil(v.Risks)), jsonText(nonNil(v.Attachments)), v.Note,
		v.CreatedBy, v.CreatedAt); err != nil {
		return err
	}
	return writeProviders(ctx, c, v)
}

func writeProviders(ctx context.Context, c conn, v *catalog.Version) error {
	if _, err := c.exec(ctx, `DELETE FROM solution_providers WHERE solution_id = ? AND version = ?`, v.SolutionID, v.Number); err != nil {
		return err
	}
	for i, id := range v.ProviderIDs {
		if _, err := c.exec(ctx, `INSERT INTO solution_providers (solution_id, version, position, org_id) VALUES (?, ?, ?, ?)`,
			v.SolutionID, v.Number, i, id); err != nil {
			return err
		}
	}
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func truncRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// --- editing and the review ---

// SolutionUpdate changes a draft's content (nil means unchanged).
// NeedIDs replaces the projects the solution is proposed from (adopted
// deliveries stay).
type SolutionUpdate struct {
	Title           *string
	Problem         *string
	Summary         *string
	Category        *string
	Tags            *[]string
	Suits           *catalog.Suits
	Steps           *[]catalog.Step
	Inputs          *catalog.Inputs
	BudgetMinFen    *int64
	BudgetMaxFen    *int64
	DurationMinDays *int
	DurationMaxDays *int
	Outcomes        *[]catalog.Outcome
	Risks           *[]catalog.Risk
	Attachments     *[]catalog.Attachment
	ProviderIDs     *[]string
	Note            *string
	NeedIDs         *[]string
}

// Apply copies the set fields onto v.
func (u SolutionUpdate) Apply(v *catalog.Version) {
	set(&v.Title, u.Title)
	set(&v.Problem, u.Problem)
	set(&v.Summary, u.Summary)
	set(&v.Category, u.Category)
	set(&v.Tags, u.Tags)
	set(&v.Suits, u.Suits)
	set(&v.Steps, u.Steps)
	set(&v.Inputs, u.Inputs)
	set(&v.BudgetMinFen, u.BudgetMinFen)
	set(&v.BudgetMaxFen, u.BudgetMaxFen)
	set(&v.DurationMinDays, u.DurationMinDays)
	set(&v.DurationMaxDays, u.DurationMaxDays)
	set(&v.Outcomes, u.Outcomes)
	set(&v.Risks, u.Risks)
	set(&v.Attachments, u.Attachments)
	set(&v.ProviderIDs, u.ProviderIDs)
	set(&v.Note, u.Note)
}

// lockSolution takes the solution's row lock on PostgreSQL (SQLite has one
// writer) and refreshes the transaction's clock after the wait.
func (s *Store) lockSolution(ctx context.Context, c *conn, id string) error {
	if c.d != Postgres {
		return nil
	}
	var got string
	err := c.row(ctx, `SELECT id FROM solutions WHERE id = ? FOR NO KEY UPDATE`, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("solution")
	}
	if err != nil {
		return err
	}
	c.now = s.Now().Truncate(time.Microsecond)
	return nil
}

// stepSolution loads a solution for a write (one the actor may not see is
// not found), checks the transition, and runs fn.
func (s *Store) stepSolution(ctx context.Context, id string, action catalog.Action,
	fn func(c conn, sol *catalog.Solution, t catalog.Transition) error) (*catalog.Solution, error) {
	actor := accounts.ActorFrom(ctx)
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockSolution(ctx, &c, id); err != nil {
			return err
		}
		sol, err := findSolution(ctx, c, id)
		if err != nil {
			return err
		}
		if !catalog.CanView(sol, actor) {
			return notFound("solution")
		}
		t, err := catalog.Check(sol, action, actor)
		if err != nil {
			return err
		}
		if err := loadVersion(ctx, c, sol, sol.LatestVersion); err != nil {
			return err
		}
		return fn(c, sol, t)
	})
	if err != nil {
		return nil, err
	}
	return s.FindSolutionByID(ctx, id, 0)
}

// setSolutionStatus moves the solution (and its latest version, for the
// review states) to status.
func setSolutionStatus(ctx context.Context, c conn, sol *catalog.Solution, to catalog.Status, comment string) error {
	sol.Status, sol.UpdatedAt = to, c.now
	if _, err := c.exec(ctx, `UPDATE solutions SET status = ?, review_comment = ?, updated_at = ? WHERE id = ?`,
		to, comment, c.now, sol.ID); err != nil {
		return err
	}
	switch to {
	case catalog.Draft, catalog.InReview:
		_, err := c.exec(ctx, `UPDATE solution_versions SET status = ? WHERE solution_id = ? AND version = ?`,
			to, sol.ID, sol.LatestVersion)
		return err
	}
	return nil
}

// UpdateSolution edits a draft (its authors or a coordinator). Published
// versions are immutable: revise first (ReviseSolution).
func (s *Store) UpdateSolution(ctx context.Context, id string, u SolutionUpdate) (*catalog.Solution, error) {
	return s.stepSolution(ctx, id, catalog.ActEdit, func(c conn, sol *catalog.Solution, _ catalog.Transition) error {
		v := sol.Version
		u.Apply(&v)
		if err := v.Validate(); err != nil {
			return err
		}
		if u.NeedIDs != nil {
			ns, err := completedProjects(ctx, c, *u.NeedIDs, sol.OrgID)
			if err != nil {
				return err
			}
			if _, err := c.exec(ctx, `DELETE FROM solution_projects WHERE solution_id = ? AND source = ?`, sol.ID,
				catalog.SourceProposed); err != nil {
				return err
			}
			for _, n := range ns {
				if _, err := c.exec(ctx, `INSERT INTO solution_projects (solution_id, need_id, source, linked_at) VALUES (?, ?, ?, ?)
					ON CONFLICT (solution_id, need_id) DO NOTHING`, sol.ID, n.ID, catalog.SourceProposed, c.now); err != nil {
					return err
				}
			}
		}
		linked, err := queryIDs(ctx, c, `SELECT need_id FROM solution_projects WHERE solution_id = ?`, sol.ID)
		if err != nil {
			return err
		}
		if err := checkSolutionRefs(ctx, c, &v, linked); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE solution_versions SET title = ?, problem = ?, summary = ?, category = ?, tags = ?,
			suits = ?, steps = ?, inputs = ?, budget_min_fen = ?, budget_max_fen = ?, duration_min_days = ?,
			duration_max_days = ?, outcomes = ?, risks = ?, attachments = ?, note = ? WHERE solution_id = ? AND version = ?`,
			v.Title, v.Problem, v.Summary, v.Category, jsonText(nonNil(v.Tags)), jsonText(v.Suits), jsonText(nonNil(v.Steps)),
			jsonText(v.Inputs), v.BudgetMinFen, v.BudgetMaxFen, v.DurationMinDays, v.DurationMaxDays,
			jsonText(nonNil(v.Outcomes)), jsonText(nonNil(v.Risks)), jsonText(nonNil(v.Attachments)), v.Note,
			sol.ID, v.Number); err != nil {
			return err
		}
		if err := writeProviders(ctx, c, &v); err != nil {
			return err
		}
		category := v.Category
		if sol.PublishedVersion > 0 { // the catalog files it under its published version
			if err := c.row(ctx, `SELECT category FROM solutions WHERE id = ?`, sol.ID).Scan(&category); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `UPDATE solutions SET category = ?, updated_at = ? WHERE id = ?`, category, c.now, sol.ID); err != nil {
			return err
		}
		return record(ctx, c, "solution.update", sol.Resource(), map[string]any{"title": v.Title, "version": v.Number})
	})
}

// SubmitSolution sends a draft to the coordinators for review.
func (s *Store) SubmitSolution(ctx context.Context, id string) (*catalog.Solution, error) {
	return s.stepSolution(ctx, id, catalog.ActSubmit, func(c conn, sol *catalog.Solution, t catalog.Transition) error {
		if err := setSolutionStatus(ctx, c, sol, t.To, ""); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE solution_versions SET submitted_at = ? WHERE solution_id = ? AND version = ?`,
			c.now, sol.ID, sol.LatestVersion); err != nil {
			return err
		}
		coordinators, err := usersWithRole(ctx, c, accounts.PlatformAdmin, "")
		if err != nil {
			return err
		}
		if err := notifyAt(ctx, c, coordinators, "/solutions/"+sol.ID, "solution_submitted", sol.Version.Title); err != nil {
			return err
		}
		return record(ctx, c, "solution.submit", sol.Resource(), map[string]any{"title": sol.Version.Title,
			"version": sol.LatestVersion})
	})
}

// ReturnSolution sends a solution under review back to its authors with a
// comment (at least 5 characters).
func (s *Store) ReturnSolution(ctx context.Context, id, comment string) (*catalog.Solution, error) {
	comment = strings.TrimSpace(comment)
	return s.stepSolution(ctx, id, catalog.ActReturn, func(c conn, sol *catalog.Solution, t catalog.Transition) error {
		if err := checkWorkComment(comment, true); err != nil {
			return err
		}
		if err := setSolutionStatus(ctx, c, sol, t.To, comment); err != nil {
			return err
		}
		if sol.CreatedBy != "" {
			if err := notifyAt(ctx, c, []string{sol.CreatedBy}, "/solutions/"+sol.ID, "solution_returned", sol.Version.Title); err != nil {
				return err
			}
		}
		return record(ctx, c, "solution.return", sol.Resource(), map[string]any{"title": sol.Version.Title,
			"version": sol.LatestVersion, "comment": comment})
	})
}

// PublishSolution publishes the version under review (a coordinator): it
// becomes the solution's current version in the catalog, immutable from
// now on; earlier versions stay readable.
func (s *Store) PublishSolution(ctx context.Context, id string) (*catalog.Solution, error) {
	actor := accounts.ActorFrom(ctx)
	return s.stepSolution(ctx, id, catalog.ActPublish, func(c conn, sol *catalog.Solution, t catalog.Transition) error {
		v := sol.Version
		if err := v.Validate(); err != nil { // rules may have tightened since it was saved
			return err
		}
		by := ""
		if actor != nil {
			by = actor.ID
		}
		if _, err := c.exec(ctx, `UPDATE solution_versions SET status = ?, published_at = ?, published_by = ?
			WHERE solution_id = ? AND version = ?`, catalog.Published, c.now, by, sol.ID, v.Number); err != nil {
			return err
		}
		sol.Status, sol.PublishedVersion = t.To, v.Number
		if _, err := c.exec(ctx, `UPDATE solutions SET status = ?, published_version = ?, category = ?, review_comment = '',
			published_at = ?, updated_at = ? WHERE id = ?`, t.To, v.Number, v.Category, c.now, c.now, sol.ID); err != nil {
			return err
		}
		if sol.CreatedBy != "" && sol.CreatedBy != by {
			if err := notifyAt(ctx, c, []string{sol.CreatedBy}, "/solutions/"+sol.ID, "solution_published", v.Title); err != nil {
				return err
			}
		}
		return record(ctx, c, "solution.publish", sol.Resource(), map[string]any{"title": v.Title, "version": v.Number,
			"category": v.Category})
	})
}

// ReviseSolution starts a new draft version of a published solution (its
// authors or a coordinator), a copy of the published one; the published
// version stays in the catalog until the revision is published.
func (s *Store) ReviseSolution(ctx context.Context, id, note string) (*catalog.Solution, error) {
	return s.stepSolution(ctx, id, catalog.ActRevise, func(c conn, sol *catalog.Solution, t catalog.Transition) error {
		v := sol.Version
		v.Number, v.Status, v.Note, v.CreatedAt = sol.LatestVersion+1, catalog.Draft, strings.TrimSpace(note), c.now
		v.SubmittedAt, v.PublishedAt, v.PublishedBy = time.Time{}, time.Time{}, ""
		if a := accounts.ActorFrom(ctx); a != nil {
			v.CreatedBy = a.ID
		}
		if err := v.Validate(); err != nil {
			return err
		}
		if err := insertVersion(ctx, c, &v); err != nil {
			return err
		}
		sol.LatestVersion = v.Number
		if _, err := c.exec(ctx, `UPDATE solutions SET latest_version = ? WHERE id = ?`, v.Number, sol.ID); err != nil {
			return err
		}
		if err := setSolutionStatus(ctx, c, sol, t.To, ""); err != nil {
			return err
		}
		return record(ctx, c, "solution.revise", sol.Resource(), map[string]any{"title": v.Title, "version": v.Number,
			"note": v.Note})
	})
}

// ArchiveSolution withdraws a solution from the catalog (a coordinator,
// with a reason): no longer listed or adoptable; its published versions
// stay readable.
func (s *Store) ArchiveSolution(ctx context.Context, id, reason string) (*catalog.Solution, error) {
	reason = strings.TrimSpace(reason)
	return s.stepSolution(ctx, id, catalog.ActArchive, func(c conn, sol *catalog.Solution, t catalog.Transition) error {
		if len([]rune(reason)) < 5 {
			return errs.Field("reason", "need.reason_required")
		}
		if err := setSolutionStatus(ctx, c, sol, t.To, sol.ReviewComment); err != nil {
			return err
		}
		return record(ctx, c, "solution.archive", sol.Resource(), map[string]any{"title": sol.Version.Title, "reason": reason})
	})
}

// MergeSolutions lets one listed solution (intoID) absorb another (fromID),
// platform staff only: the absorbed one's evidence moves over, it redirects
// to the absorbing one from now on, and solutions merged into it earlier
// redirect straight to the absorbing one too. Adoptions keep naming the
// solution they adopted; they count for the absorbing one.
func (s *Store) MergeSolutions(ctx context.Context, fromID, intoID, reason string) (*catalog.Solution, error) {
	reason = strings.TrimSpace(reason)
	if fromID == intoID {
		return nil, errs.Field("into", "solution.merge_self")
	}
	actor := accounts.ActorFrom(ctx)
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockSolution(ctx, &c, fromID); err != nil {
			return err
		}
		from, err := findSolution(ctx, c, fromID)
		if err != nil {
			return err
		}
		if !catalog.CanView(from, actor) {
			return notFound("solution")
		}
		t, err := catalog.Check(from, catalog.ActMerge, actor)
		if err != nil {
			return err
		}
		into, err := findSolution(ctx, c, intoID)
		if err != nil {
			return fieldErr("into", err)
		}
		if !into.Listed() {
			return errs.Field("into", "solution.merge_target")
		}
		if len([]rune(reason)) < 5 {
			return errs.Field("reason", "need.reason_required")
		}
		moved, err := queryIDs(ctx, c, `SELECT need_id FROM solution_projects WHERE solution_id = ?`, from.ID)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO solution_projects (solution_id, need_id, source, linked_at)
			SELECT ?, need_id, source, linked_at FROM solution_projects WHERE solution_id = ?
			ON CONFLICT (solution_id, need_id) DO NOTHING`, into.ID, from.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM solution_projects WHERE solution_id = ?`, from.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE solutions SET merged_into = ?, updated_at = ? WHERE merged_into = ?`,
			into.ID, c.now, from.ID); err != nil {
			return err
		}
		from.Status, from.MergedInto = t.To, into.ID
		if _, err := c.exec(ctx, `UPDATE solutions SET status = ?, merged_into = ?, updated_at = ? WHERE id = ?`,
			t.To, into.ID, c.now, from.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE solutions SET updated_at = ? WHERE id = ?`, c.now, into.ID); err != nil {
			return err
		}
		if err := record(ctx, c, "solution.merge", from.Resource(), map[string]any{"into": into.ID, "reason": reason,
			"projects": moved}); err != nil {
			return err
		}
		return record(ctx, c, "solution.absorb", into.Resource(), map[string]any{"from": from.ID, "projects": moved})
	})
	if err != nil {
		return nil, err
	}
	return s.FindSolutionByID(ctx, intoID, 0)
}

// --- the catalog ---

// FindSolutions lists solutions: the catalog (listed ones) for everyone;
// drafts, reviews, archived and merged ones (f.Status) only those the
// actor may see privately. Sorted by f.Sort (evidence figures computed from
// the projects), or in f.IDs' order (a search's ranking) when Sort is empty
// and IDs are given, else most delivered first. The figures decide the
// order, so every matching solution is read and sorted here before the page
// is cut: fine for a catalog of thousands.
func (s *Store) FindSolutions(ctx context.Context, f catalog.Filter) ([]*catalog.Solution, int, error) {
	if !catalog.ValidSort(f.Sort) {
		return nil, 0, errs.Field("sort", "solution.sort_invalid")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, errs.Field("status", "solution.status_invalid")
	}
	c := s.read()
	actor := accounts.ActorFrom(ctx)
	var where []string
	var args []any
	versionCol := `CASE WHEN s.published_version > 0 THEN s.published_version ELSE s.latest_version END`
	switch f.Status {
	case "", catalog.Published:
		where = append(where, `s.published_version > 0 AND s.status NOT IN ('archived', 'merged')`)
	default: // draft, in_review, archived, merged
		where = append(where, `s.status = ?`)
		args = append(args, string(f.Status))
		if f.Status != catalog.Archived {
			versionCol = `s.latest_version`
		}
		// Private states: only what the actor may see.
		if !actor.Holds(accounts.PlatformAdmin, accounts.Resource{}) && !actor.Holds(accounts.Auditor, accounts.Resource{}) {
			vis := []string{`1=0`}
			if actor != nil {
				vis = append(vis, `s.created_by = ?`)
				args = append(args, actor.ID)
				for _, o := range actor.OrgIDs() {
					vis = append(vis, `s.org_id = ?`)
					args = append(args, o)
				}
			}
			where = append(where, "("+strings.Join(vis, " OR ")+")")
		}
	}
	if f.Category != "" {
		where = append(where, `v.category = ?`)
		args = append(args, f.Category)
	}
	if f.OrgID != "" {
		where = append(where, `(s.org_id = ? OR EXISTS (SELECT 1 FROM solution_providers p WHERE p.solution_id = s.id
			AND p.version = v.version AND p.org_id = ?))`)
		args = append(args, f.OrgID, f.OrgID)
	}
	if ids := cleanIDs(f.IDs); f.IDs != nil {
		if len(ids) == 0 {
			return nil, 0, nil
		}
		where = append(where, `s.id IN (`+placeholders(len(ids))+`)`)
		for _, id := range ids {
			args = append(args, id)
		}
	}
	for _, w := range strings.Fields(f.Query) {
		like := "%" + likeEscape(w) + "%"
		where = append(where, `(v.title LIKE ? ESCAPE '\' OR v.problem LIKE ? ESCAPE '\' OR v.tags LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	q := `SELECT s.id, s.status, COALESCE(s.org_id, ''), COALESCE(o.name, ''), s.created_by, COALESCE(s.merged_into, ''),
		s.published_version, s.latest_version, s.review_comment, s.created_at, s.updated_at,
		v.version, v.category, v.budget_min_fen, v.budget_max_fen, v.published_at
		FROM solutions s LEFT JOIN organizations o ON o.id = s.org_id
		JOIN solution_versions v ON v.solution_id = s.id AND v.version = ` + versionCol + `
		WHERE ` + strings.Join(where, " AND ")
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	var all []*catalog.Solution
	for rows.Next() {
		sol := &catalog.Solution{}
		var pub sql.NullTime
		if err := rows.Scan(&sol.ID, &sol.Status, &sol.OrgID, &sol.OrgName, &sol.CreatedBy, &sol.MergedInto,
			&sol.PublishedVersion, &sol.LatestVersion, &sol.ReviewComment, &sol.CreatedAt, &sol.UpdatedAt,
			&sol.Version.Number, &sol.Version.Category, &sol.Version.BudgetMinFen, &sol.Version.BudgetMaxFen, &pub); err != nil {
			rows.Close()
			return nil, 0, s.translate(err)
		}
		sol.Version.PublishedAt = pub.Time
		all = append(all, sol)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, s.translate(err)
	}
	ids := make([]string, len(all))
	for i, sol := range all {
		ids[i] = sol.ID
	}
	ds, err := deliveries(ctx, c, ids)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	for _, sol := range all {
		sol.Figures = catalog.ComputeFigures(ds[sol.ID])
	}
	sortSolutions(all, f)
	total := len(all)
	limit, offset := paging(f.Page, f.PerPage, catalog.MaxPerPage)
	if offset >= len(all) {
		return nil, total, nil
	}
	page := all[offset:min(len(all), offset+limit)]
	if err := fillSolutionPage(ctx, c, page); err != nil {
		return nil, 0, s.translate(err)
	}
	return page, total, nil
}

// sortSolutions orders a catalog list; ties go to the newer, then the id.
func sortSolutions(all []*catalog.Solution, f catalog.Filter) {
	rank := map[string]int{}
	for i, id := range f.IDs {
		if _, ok := rank[id]; !ok {
			rank[id] = i
		}
	}
	sortBy := f.Sort
	if sortBy == "" && f.IDs == nil {
		sortBy = catalog.SortDeliveries
	}
	cost := func(s *catalog.Solution) int64 {
		if s.Figures.HasCostPerBeneficiary() {
			return s.Figures.CostPerBeneficiaryFen
		}
		if s.Figures.MedianBudgetFen > 0 {
			return s.Figures.MedianBudgetFen
		}
		return s.Version.TypicalBudgetFen()
	}
	newer := func(a, b *catalog.Solution) bool {
		ta, tb := a.Version.PublishedAt, b.Version.PublishedAt
		if ta.IsZero() {
			ta = a.UpdatedAt
		}
		if tb.IsZero() {
			tb = b.UpdatedAt
		}
		if !ta.Equal(tb) {
			return ta.After(tb)
		}
		return a.ID < b.ID
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		switch sortBy {
		case "":
			return rank[a.ID] < rank[b.ID]
		case catalog.SortDeliveries:
			if a.Figures.Deliveries != b.Figures.Deliveries {
				return a.Figures.Deliveries > b.Figures.Deliveries
			}
		case catalog.SortSatisfaction:
			if a.Figures.AvgRating != b.Figures.AvgRating {
				return a.Figures.AvgRating > b.Figures.AvgRating
			}
		case catalog.SortAcceptance:
			ra, rb := a.Figures.AcceptanceRate, b.Figures.AcceptanceRate
			if (a.Figures.Deliveries > 0) != (b.Figures.Deliveries > 0) {
				return a.Figures.Deliveries > 0
			}
			if ra != rb {
				return ra > rb
			}
			if a.Figures.Deliveries != b.Figures.Deliveries {
				return a.Figures.Deliveries > b.Figures.Deliveries
			}
		case catalog.SortCost:
			if ca, cb := cost(a), cost(b); ca != cb {
				return ca < cb
			}
		}
		return newer(a, b)
	})
}

// fillSolutionPage loads the content, providers and adoption counts of a
// page of solutions (whose Version.Number says which version).
func fillSolutionPage(ctx context.Context, c conn, page []*catalog.Solution) error {
	if len(page) == 0 {
		return nil
	}
	ids := make([]string, len(page))
	versions := map[string]int{}
	args := make([]any, 0, 2*len(page))
	var conds []string
	for i, sol := range page {
		ids[i] = sol.ID
		versions[sol.ID] = sol.Version.Number
		conds = append(conds, `(v.solution_id = ? AND v.version = ?)`)
		args = append(args, sol.ID, sol.Version.Number)
	}
	rows, err := c.query(ctx, `SELECT `+versionColumns+` FROM solution_versions v WHERE `+strings.Join(conds, " OR "), args...)
	if err != nil {
		return err
	}
	byID := map[string]catalog.Version{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return err
		}
		byID[v.SolutionID] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	provs, err := findProviders(ctx, c, ids, versions)
	if err != nil {
		return err
	}
	adoptions, err := adoptionCounts(ctx, c, ids)
	if err != nil {
		return err
	}
	for _, sol := range page {
		sol.Version = byID[sol.ID]
		sol.Providers = provs[sol.ID]
		for _, p := range sol.Providers {
			sol.Version.ProviderIDs = append(sol.Version.ProviderIDs, p.OrgID)
		}
		sol.Adoptions = adoptions[sol.ID]
		if !catalog.CanViewPrivate(sol, accounts.ActorFrom(ctx)) {
			sol.ReviewComment = ""
		}
	}
	return nil
}

// adoptionCounts counts, per solution, the needs (not cancelled) that
// adopted it or a solution merged into it.
func adoptionCounts(ctx context.Context, c conn, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		args = append(args, id)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := c.query(ctx, `SELECT COALESCE(m.merged_into, n.adopted_solution_id), COUNT(*) FROM needs n
		JOIN solutions m ON m.id = n.adopted_solution_id
		WHERE n.status <> 'cancelled' AND (n.adopted_solution_id IN (`+placeholders(len(ids))+`)
		OR m.merged_into IN (`+placeholders(len(ids))+`)) GROUP BY COALESCE(m.merged_into, n.adopted_solution_id)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var k int
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		out[id] += k
	}
	return out, rows.Err()
}

// --- adoption ---

// AdoptionInfo says which solution a need adopted.
type AdoptionInfo struct {
	SolutionID string // "" when the need adopted none
	Version    int
	Title      string // the adopted version's title
}

// FindNeedAdoption returns the solution a need adopted (zero when none),
// for anyone who may see the need.
func (s *Store) FindNeedAdoption(ctx context.Context, needID string) (AdoptionInfo, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return AdoptionInfo{}, err
	}
	var a AdoptionInfo
	var sid sql.NullString
	var ver sql.NullInt64
	c := s.read()
	if err := c.row(ctx, `SELECT adopted_solution_id, adopted_solution_version FROM needs WHERE id = ?`, needID).Scan(&sid, &ver); err != nil {
		return a, s.translate(err)
	}
	if !sid.Valid {
		return a, nil
	}
	a.SolutionID, a.Version = sid.String, int(ver.Int64)
	err := c.row(ctx, `SELECT title FROM solution_versions WHERE solution_id = ? AND version = ?`, a.SolutionID, a.Version).Scan(&a.Title)
	return a, s.translate(err)
}

// AdoptSolution (采用同款) creates a draft need for a community from a listed
// solution's current version — its title, problem, steps as deliverables,
// outcomes, typical budget and adoption criteria, with the procedure the
// community chose (inviting the providers, or below the direct-commission
// threshold commissioning one with the solution cited) — through the same
// path as CreateNeed, so every procurement rule holds (the actor's scope,
// the threshold, the justification). The need records the solution and
// version it adopted.
func (s *Store) AdoptSolution(ctx context.Context, solutionID string, a catalog.Adoption, r procurement.Rules) (*procurement.Need, error) {
	var out *procurement.Need
	err := s.tx(ctx, func(c conn) error {
		sol, err := s.findVisibleSolution(ctx, c, solutionID, 0)
		if err != nil {
			return err
		}
		if !sol.Listed() {
			return errs.E(errs.Conflict, "solution.not_adoptable")
		}
		if sol.Version.Number != sol.PublishedVersion {
			if err := loadVersion(ctx, c, sol, sol.PublishedVersion); err != nil {
				return err
			}
		}
		if strings.TrimSpace(a.CommunityID) == "" {
			return errs.Field("community", "field.required")
		}
		for _, id := range a.OrgIDs {
			if !contains(sol.Version.ProviderIDs, id) {
				return errs.Field("invited", "solution.not_a_provider")
			}
		}
		n := catalog.AdoptionDraft(sol, sol.Figures, a)
		if err := s.createNeed(ctx, c, n, r, "adopt:"+sol.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE needs SET adopted_solution_id = ?, adopted_solution_version = ? WHERE id = ?`,
			sol.ID, sol.Version.Number, n.ID); err != nil {
			return err
		}
		out = n
		return record(ctx, c, "solution.adopt", sol.Resource(), map[string]any{"need": n.ID, "version": sol.Version.Number,
			"community": n.CommunityID, "procedure": n.Procedure, "invited": n.InvitedOrgIDs, "budget_fen": n.BudgetFen})
	})
	return out, err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// linkAdoptedDelivery adds an accepted need that adopted a solution to the
// evidence of that solution (or the one it was merged into), inside the
// acceptance's transaction.
func linkAdoptedDelivery(ctx context.Context, c conn, needID string) error {
	var sid sql.NullString
	if err := c.row(ctx, `SELECT adopted_solution_id FROM needs WHERE id = ?`, needID).Scan(&sid); err != nil || !sid.Valid {
		return err
	}
	target := sid.String
	var into string
	if err := c.row(ctx, `SELECT COALESCE(merged_into, '') FROM solutions WHERE id = ?`, target).Scan(&into); err != nil {
		return err
	}
	if into != "" {
		target = into
	}
	if _, err := c.exec(ctx, `INSERT INTO solution_projects (solution_id, need_id, source, linked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (solution_id, need_id) DO NOTHING`, target, needID, catalog.SourceAdopted, c.now); err != nil {
		return err
	}
	c.changed(ChangeSolution, target)
	return nil
}

// --- platform staff: duplicates and clusters ---

// SolutionPair is two solutions that look alike, for platform staff.
type SolutionPair struct {
	A, B  *catalog.Solution
	Score float64
}

// SolutionDuplicates returns pairs of solutions (published, in review or in
// draft; not archived or merged) at least catalog.DuplicateThreshold alike,
// most alike first. Platform staff only.
func (s *Store) SolutionDuplicates(ctx context.Context) ([]SolutionPair, error) {
	if err := requireCoordinator(ctx); err != nil {
		return nil, err
	}
	c := s.read()
	rows, err := c.query(ctx, `SELECT `+versionColumns+` FROM solutions s JOIN solution_versions v ON v.solution_id = s.id
		AND v.version = s.latest_version WHERE s.status NOT IN ('archived', 'merged') ORDER BY s.id`)
	if err != nil {
		return nil, s.translate(err)
	}
	var vs []*catalog.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		vs = append(vs, &v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	var out []SolutionPair
	for _, p := range catalog.Duplicates(vs, catalog.DuplicateThreshold) {
		a, err := s.FindSolutionByID(ctx, p.A, 0)
		if err != nil {
			return nil, err
		}
		b, err := s.FindSolutionByID(ctx, p.B, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, SolutionPair{A: a, B: b, Score: p.Score})
	}
	return out, nil
}

// ProjectCluster is a group of completed projects no solution covers yet.
type ProjectCluster struct {
	Category string
	Projects []*procurement.Need
	Score    float64
}

// ClusterWindow is how many of the most recently completed projects of
// each status (accepted, closed) SuggestSolutionClusters compares: the
// comparison is pairwise within a category, and a city has a million
// completed projects.
const ClusterWindow = 200

// SuggestSolutionClusters groups the completed projects that no solution
// links yet by category and similar text (catalog.ClusterProjects), largest
// first: solutions waiting to be written. It looks at the ClusterWindow most
// recently changed accepted and closed projects each, read in the order of
// an index (needs_status_updated). Platform staff only.
func (s *Store) SuggestSolutionClusters(ctx context.Context) ([]ProjectCluster, error) {
	if err := requireCoordinator(ctx); err != nil {
		return nil, err
	}
	c := s.read()
	recent := func(status string) string {
		return `SELECT id FROM (SELECT r.id FROM needs r WHERE r.status = '` + status + `'
			AND NOT EXISTS (SELECT 1 FROM solution_projects sp WHERE sp.need_id = r.id)
			ORDER BY r.updated_at DESC, r.id DESC LIMIT ?) ` + status
	}
	rows, err := c.query(ctx, needSelect+` WHERE n.id IN (`+recent("accepted")+` UNION ALL `+recent("closed")+`)
		ORDER BY n.id`, ClusterWindow, ClusterWindow)
	if err != nil {
		return nil, s.translate(err)
	}
	byID := map[string]*procurement.Need{}
	var texts []catalog.ProjectText
	for rows.Next() {
		n, _, err := scanNeed(rows)
		if err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		byID[n.ID] = n
		texts = append(texts, catalog.ProjectText{ID: n.ID, Category: n.Category, Text: n.Title + "。" + n.Title + "。" + n.Description})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	var out []ProjectCluster
	for _, cl := range catalog.ClusterProjects(texts, catalog.ClusterThreshold) {
		pc := ProjectCluster{Category: cl.Category, Score: cl.Score}
		for _, id := range cl.ProjectIDs {
			pc.Projects = append(pc.Projects, byID[id])
		}
		out = append(out, pc)
	}
	return out, nil
}

func requireCoordinator(ctx context.Context) error {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	if !actor.Holds(accounts.PlatformAdmin, accounts.Resource{}) {
		return errs.E(errs.Forbidden, "auth.forbidden")
	}
	return nil
}

// --- statistics ---

// SolutionStats returns one listed solution's figures: adoptions,
// deliveries, and the average time from publication to contract of the
// needs that adopted it against the needs of its category that adopted
// nothing (the leadSample most recently published of each). Public.
func (s *Store) SolutionStats(ctx context.Context, id string) (catalog.Stats, error) {
	sol, err := s.FindSolutionByID(ctx, id, 0)
	if err != nil {
		return catalog.Stats{}, err
	}
	c := s.read()
	st := catalog.Stats{Key: sol.ID, Name: sol.Version.Title, Solutions: 1, Adoptions: sol.Adoptions,
		Deliveries: sol.Figures.Deliveries}
	adopted, err := leadSpans(ctx, c, `(n.adopted_solution_id = ? OR n.adopted_solution_id IN
		(SELECT id FROM solutions WHERE merged_into = ?))`, sol.ID, sol.ID)
	if err != nil {
		return st, s.translate(err)
	}
	fresh, err := leadSpans(ctx, c, `n.adopted_solution_id IS NULL AND n.category = ?`, sol.Version.Category)
	if err != nil {
		return st, s.translate(err)
	}
	st.Adopted, st.Fresh = catalog.LeadTimeOf(adopted), catalog.LeadTimeOf(fresh)
	return st, nil
}

// CategoryStats returns, for every category with a listed solution, the
// catalog's figures: listed solutions, adoptions, deliveries, and the lead
// time of adopting needs against fresh ones (the leadSample most recently
// published of each). Public.
func (s *Store) CategoryStats(ctx context.Context) ([]catalog.Stats, error) {
	c := s.read()
	rows, err := c.query(ctx, `SELECT s.id, s.category FROM solutions s WHERE s.published_version > 0
		AND s.status NOT IN ('archived', 'merged')`)
	if err != nil {
		return nil, s.translate(err)
	}
	catOf := map[string]string{}
	var ids []string
	for rows.Next() {
		var id, cat string
		if err := rows.Scan(&id, &cat); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		catOf[id] = cat
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	ds, err := deliveries(ctx, c, ids)
	if err != nil {
		return nil, s.translate(err)
	}
	ad, err := adoptionCounts(ctx, c, ids)
	if err != nil {
		return nil, s.translate(err)
	}
	by := map[string]*catalog.Stats{}
	var order []string
	for _, id := range ids {
		cat := catOf[id]
		st := by[cat]
		if st == nil {
			st = &catalog.Stats{Key: cat}
			if rc := registry.CategoryByCode(cat); rc != nil {
				st.Name = rc.Name
			}
			by[cat] = st
			order = append(order, cat)
		}
		st.Solutions++
		st.Adoptions += ad[id]
		st.Deliveries += len(ds[id])
	}
	sort.Strings(order)
	// Lead times: in one statement, the leadSample most recently published
	// contracted needs of each listed category that adopted a solution, and
	// as many that did not (a city has a million contracted needs).
	adoptedSpans, freshSpans := map[string][]catalog.Span{}, map[string][]catalog.Span{}
	if len(order) > 0 {
		var parts []string
		var args []any
		for i, cat := range order {
			for _, adopted := range []string{"1", "0"} {
				cond := `n.adopted_solution_id IS NULL`
				if adopted == "1" {
					cond = `n.adopted_solution_id IS NOT NULL`
				}
				parts = append(parts, `SELECT * FROM (SELECT n.category, `+adopted+` AS adopted, n.published_at, k.signed_at
					FROM needs n JOIN contracts k ON k.need_id = n.id
					WHERE n.published_at IS NOT NULL AND n.category = ? AND `+cond+`
					ORDER BY n.published_at DESC LIMIT ?) l`+strconv.Itoa(i)+`_`+adopted)
				args = append(args, cat, leadSample)
			}
		}
		err := c.each(ctx, strings.Join(parts, ` UNION ALL `), args, func(sc scanner) error {
			var cat string
			var adopted int
			var sp catalog.Span
			if err := sc.Scan(&cat, &adopted, &sp.Published, &sp.Contracted); err != nil {
				return err
			}
			if adopted == 1 {
				adoptedSpans[cat] = append(adoptedSpans[cat], sp)
			} else {
				freshSpans[cat] = append(freshSpans[cat], sp)
			}
			return nil
		})
		if err != nil {
			return nil, s.translate(err)
		}
	}
	out := make([]catalog.Stats, 0, len(order))
	for _, cat := range order {
		st := by[cat]
		st.Adopted, st.Fresh = catalog.LeadTimeOf(adoptedSpans[cat]), catalog.LeadTimeOf(freshSpans[cat])
		out = append(out, *st)
	}
	return out, nil
}

// leadSample is how many contracted needs a lead time averages: the most
// recently published ones (needs_category_published gives their order
// within a category).
const leadSample = 500

// leadSpans reads publication and contract times of the leadSample most
// recently published contracted needs matching cond.
func leadSpans(ctx context.Context, c conn, cond string, args ...any) ([]catalog.Span, error) {
	rows, err := c.query(ctx, `SELECT n.published_at, k.signed_at FROM needs n JOIN contracts k ON k.need_id = n.id
		WHERE n.published_at IS NOT NULL AND `+cond+` ORDER BY n.published_at DESC LIMIT ?`, append(args, leadSample)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Span
	for rows.Next() {
		var sp catalog.Span
		if err := rows.Scan(&sp.Published, &sp.Contracted); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// --- the search index's reads ---

const matchSolutionSelect = `SELECT s.id, v.title, v.problem, v.summary, v.category, v.tags, v.suits, v.steps
	FROM solutions s JOIN solution_versions v ON v.solution_id = s.id AND v.version = s.published_version
	WHERE s.published_version > 0 AND s.status NOT IN ('archived', 'merged')`

func scanMatchSolution(sc interface{ Scan(...any) error }) (match.SolutionDoc, error) {
	var d match.SolutionDoc
	var tags, suits, steps string
	if err := sc.Scan(&d.ID, &d.Title, &d.Problem, &d.Summary, &d.Category, &tags, &suits, &steps); err != nil {
		return d, err
	}
	var su catalog.Suits
	var st []catalog.Step
	if err := json.Unmarshal([]byte(tags), &d.Tags); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(suits), &su); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(steps), &st); err != nil {
		return d, err
	}
	d.Population = su.Population
	for _, x := range st {
		d.Steps = append(d.Steps, x.Title)
	}
	return d, nil
}

// matchProviders fills the providers' names of the docs' published versions
// (all of them, or of the one doc).
func matchProviders(ctx context.Context, c conn, docs []match.SolutionDoc) error {
	if len(docs) == 0 {
		return nil
	}
	q, args := `SELECT p.solution_id, o.name FROM solution_providers p JOIN solutions s ON s.id = p.solution_id
		AND p.version = s.published_version JOIN organizations o ON o.id = p.org_id`, []any{}
	if len(docs) == 1 {
		q += ` WHERE p.solution_id = ?`
		args = append(args, docs[0].ID)
	}
	rows, err := c.query(ctx, q+` ORDER BY p.solution_id, p.position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	idx := map[string]int{}
	for i := range docs {
		idx[docs[i].ID] = i
	}
	for rows.Next() {
		var sid, name string
		if err := rows.Scan(&sid, &name); err != nil {
			return err
		}
		if i, ok := idx[sid]; ok {
			docs[i].Providers = append(docs[i].Providers, name)
		}
	}
	return rows.Err()
}

// MatchSolutions returns every listed solution's current published version
// as the search index sees it.
func (s *Store) MatchSolutions(ctx context.Context) ([]match.SolutionDoc, error) {
	c := s.read()
	rows, err := c.query(ctx, matchSolutionSelect+` ORDER BY s.id`)
	if err != nil {
		return nil, s.translate(err)
	}
	var out []match.SolutionDoc
	for rows.Next() {
		d, err := scanMatchSolution(rows)
		if err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	return out, s.translate(matchProviders(ctx, c, out))
}

// MatchSolution returns one listed solution for the search index; not
// found once it is no longer listed.
func (s *Store) MatchSolution(ctx context.Context, id string) (match.SolutionDoc, error) {
	c := s.read()
	d, err := scanMatchSolution(c.row(ctx, matchSolutionSelect+` AND s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("solution")
	}
	if err != nil {
		return d, s.translate(err)
	}
	docs := []match.SolutionDoc{d}
	if err := matchProviders(ctx, c, docs); err != nil {
		return d, s.translate(err)
	}
	return docs[0], nil
}
