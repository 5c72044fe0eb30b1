package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// matchItem is one ranked organization (name) or project (title). key is
// the source system's key of an imported object ("" for one created here).
type matchItem struct {
	ID       string   `json:"id"`
	Key      string   `json:"key"`
	Name     string   `json:"name,omitempty"`
	Title    string   `json:"title,omitempty"`
	Score    float64  `json:"score"`
	Reasons  []string `json:"reasons"`
	Excluded string   `json:"excluded,omitempty"`
}

type matchList struct {
	Items  []matchItem `json:"items"`
	TookMS float64     `json:"took_ms"`
	// TextCut says the text was longer than match.MaxTextRunes and only
	// its start was matched (match.CapText).
	TextCut bool `json:"text_cut,omitempty"`
}

type needMatches struct {
	Organizations []matchItem `json:"organizations"`
	// Excluded are organizations that fit but may not be offered: on a
	// credit list or failing the need's qualification rules, with why.
	Excluded []matchItem `json:"excluded"`
	Projects []matchItem `json:"projects"`
	TookMS   float64     `json:"took_ms"`
}

func matchItems(rs []match.Result, project bool) []matchItem {
	out := make([]matchItem, 0, len(rs))
	for _, r := range rs {
		it := matchItem{ID: r.ID, Key: r.Key, Score: roundScore(r.Score), Reasons: r.Reasons, Excluded: r.Excluded}
		if project {
			it.Title = r.Name
		} else {
			it.Name = r.Name
		}
		if it.Reasons == nil {
			it.Reasons = []string{}
		}
		out = append(out, it)
	}
	return out
}

// roundScore keeps four decimals: more is noise to a client.
func roundScore(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }

func tookMS(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

// publicQuery is what publicMatch read: the query, the result count, and
// whether the text was cut to match.MaxTextRunes.
type publicQuery struct {
	q       match.Query
	limit   int
	textCut bool
}

// publicMatch reads the common parameters of the public match routes:
// text (cut to its start by match.CapText when long, then checked by
// match.Live.CheckText), street and community (an id or a
// name each; a community gives its street when none is named, and must lie
// in the street when one is) and limit (1–50, default 10). It rate-limits
// per client address first.
func (a *API) publicMatch(r *http.Request) (publicQuery, error) {
	if a.matchRate != nil {
		if ok, wait := a.matchRate.Allow(server.ClientIP(r, a.trustProxy)); !ok {
			return publicQuery{}, errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
		}
	}
	if err := a.matchReady(); err != nil {
		return publicQuery{}, err
	}
	ctx := r.Context()
	p := readParams(r.URL, "text", "street", "community", "limit", "trained")
	pq := publicQuery{limit: p.int("limit", match.DefaultLimit, 1, match.MaxLimit, "api.limit_range")}
	q := &pq.q
	// A text readParams already refused (bad UTF-8, NUL, beyond
	// paramMaxRunes) has its error.
	if !slices.ContainsFunc(p.l, func(e *errs.Error) bool { return e.Field == "text" }) {
		text, cut := match.CapText(p.v.Get("text"))
		text, err := a.match.CheckText(text)
		if err := p.add(err); err != nil {
			return pq, err
		}
		q.Text, pq.textCut = text, cut
	}
	// Places are a preference of the ranking, not a filter: a name the
	// platform has no street or community of (a caller's own records, a
	// community no organization has filed under yet) is kept as written and
	// compared with the place names of organizations and projects, as
	// huitian eval does. What contradicts the platform's places — a known
	// community in another street than the one named — is refused.
	streetKnown := false
	if v := p.str("street"); v != "" {
		st, err := a.resolveStreet(ctx, v)
		switch {
		case errs.CodeOf(err) == errs.Invalid:
			q.Street = strings.TrimSpace(v)
		default:
			if err := p.add(err); err != nil {
				return pq, err
			}
			if st != nil {
				q.Street, streetKnown = st.ID, true
			}
		}
	}
	if v := p.str("community"); v != "" {
		within := ""
		if streetKnown {
			within = q.Street
		}
		cm, err := a.resolveCommunity(ctx, within, v)
		if errs.CodeOf(err) == errs.Invalid && errs.As(err).Key == "invalid.reference_community" {
			// Unknown in the street named: refused if it is a community of
			// another street, kept as a name if the platform has none such.
			switch _, elsewhere := a.store.FindCommunityByName(ctx, "", strings.TrimSpace(v)); {
			case errs.Is(elsewhere, errs.NotFound):
				q.Community, err = strings.TrimSpace(v), nil
			case elsewhere == nil || errs.Is(elsewhere, errs.Conflict):
				err = errs.Field("community", "invalid.community_other_street")
			default:
				err = elsewhere
			}
		}
		if err := p.add(err); err != nil {
			return pq, err
		}
		switch {
		case cm == nil:
		case streetKnown && cm.StreetID != q.Street:
			p.l.Add("community", "invalid.community_other_street") // by id
		default:
			q.Community, q.Street = cm.ID, cm.StreetID
		}
	}
	// A qualification rule on training records (match/training.go): only
	// organizations with an academy certificate of the topic.
	if v := p.str("trained"); v != "" {
		if match.ValidTraining(v) {
			q.Trained = v
		} else {
			p.l.Add("trained", "match.trained_invalid")
		}
	}
	return pq, p.l.Err()
}

// matchReady refuses match queries before the index is built.
func (a *API) matchReady() error {
	if a.match == nil || !a.match.Ready() {
		return withStatus{errs.E(errs.Conflict, "match.not_ready"), http.StatusServiceUnavailable}
	}
	return nil
}

// matchOrganizations: GET /api/v1/match/organizations (public).
func (a *API) matchOrganizations(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	pq, err := a.publicMatch(r)
	if err != nil {
		return err
	}
	rs, err := a.match.Organizations(r.Context(), pq.q, pq.limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, matchList{Items: matchItems(rs, false), TookMS: tookMS(start), TextCut: pq.textCut})
}

// matchProjects: GET /api/v1/match/projects (public).
func (a *API) matchProjects(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	pq, err := a.publicMatch(r)
	if err != nil {
		return err
	}
	if pq.q.Trained != "" { // a rule on organizations: projects have none
		return errs.Field("trained", "api.param_unknown", "trained")
	}
	rs, err := a.match.Projects(r.Context(), pq.q, pq.limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, matchList{Items: matchItems(rs, true), TookMS: tookMS(start), TextCut: pq.textCut})
}

// needMatches: GET /api/v1/needs/{id}/matches — staff of the need's street
// or community (and platform admins, auditors): the organizations and past
// projects for the need, and the organizations left out with why.
func (a *API) needMatches(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	p := readParams(r.URL, "limit")
	limit := p.int("limit", match.DefaultLimit, 1, match.MaxLimit, "api.limit_range")
	if err := p.l.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	if err := accounts.Can(actor, accounts.ViewPrivate, n.Resource()); err != nil {
		return err
	}
	if err := a.matchReady(); err != nil {
		return err
	}
	out, err := a.matchNeed(ctx, n, limit)
	if err != nil {
		return err
	}
	out.TookMS = tookMS(start)
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) matchNeed(ctx context.Context, n *procurement.Need, limit int) (needMatches, error) {
	q := match.NeedQuery(n)
	q.IncludeExcluded = true
	out := needMatches{Organizations: []matchItem{}, Excluded: []matchItem{}}
	orgs, err := a.match.Organizations(ctx, q, limit)
	if err != nil {
		return out, err
	}
	for _, it := range matchItems(orgs, false) {
		if it.Excluded != "" {
			out.Excluded = append(out.Excluded, it)
		} else {
			out.Organizations = append(out.Organizations, it)
		}
	}
	q.IncludeExcluded = false
	projects, err := a.match.Projects(ctx, q, limit)
	if err != nil {
		return out, err
	}
	out.Projects = matchItems(projects, true)
	return out, nil
}

type creditIn struct {
	Status store.CreditStatus `json:"status"`
	Note   string             `json:"note"`
}

type creditJSON struct {
	Status    store.CreditStatus `json:"status"`
	Note      string             `json:"note"`
	Excluded  string             `json:"excluded"`
	UpdatedAt string             `json:"updated_at,omitempty"`
}

// setOrganizationCredit: PUT /api/v1/organizations/{id}/credit (platform
// admins): put an organization on a credit list, or take it off.
func (a *API) setOrganizationCredit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	var in creditIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	cr, err := a.store.SetOrganizationCredit(r.Context(), id, in.Status, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, creditJSON{Status: cr.Status, Note: cr.Note,
		Excluded: store.CreditExclusion(cr.Status, cr.Note), UpdatedAt: rfc3339(cr.UpdatedAt)})
}

type categoryIn struct {
	Category string `json:"category"`
}

// setNeedCategory: PUT /api/v1/needs/{id}/category (staff of the need's
// street or community): correct the category the platform guessed.
func (a *API) setNeedCategory(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	var in categoryIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.store.SetNeedCategory(r.Context(), id, in.Category); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}
