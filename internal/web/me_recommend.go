package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// recommendedNeeds is how many needs "为您推荐的需求" lists per organization.
const recommendedNeeds = 5

// meData is the personal page: for people of an organization, the open
// needs recommended to each of their organizations.
type meData struct {
	Recs []orgRecs
	// Items are the live action items (督办事项) the person or their unit
	// owns, overdue first.
	Items []*coordination.Action
	// GrantTodos are the grant steps waiting for the person.
	GrantTodos []store.GrantTodo
}

// orgRecs are the needs recommended to one organization.
type orgRecs struct {
	OrgID, OrgName string
	Needs          []recNeed
	Unavailable    bool
}

// recNeed is one recommended need with the reasons it was picked.
type recNeed struct {
	ID, Title                 string
	StreetName, CommunityName string
	Deadline                  time.Time
	BudgetFen                 int64
	Reasons                   []string
	Submitted                 bool // the organization already has a live proposal for it
}

// loadRecommendations fills "为您推荐的需求" for every organization the
// actor acts for. The matcher keeps to the needs' rules (still open,
// invited where the procedure says so, the qualification rules); a failure
// shows as "unavailable", never as a broken page.
func (a *app) loadRecommendations(r *http.Request, u *accounts.User) []orgRecs {
	ctx := r.Context()
	l := server.Lang(r)
	var out []orgRecs
	// Needs an organization already answered are marked as such.
	submitted := map[string]bool{}
	if own, err := a.Store.FindOwnProposals(ctx); err == nil {
		for _, p := range own {
			if p.Proposal.Status != procurement.ProposalWithdrawn {
				submitted[p.Proposal.OrgID+"|"+p.Proposal.NeedID] = true
			}
		}
	}
	for _, g := range u.Grants {
		if (g.Role != accounts.OrgAdmin && g.Role != accounts.OrgMember) || g.ScopeID == "" ||
			slices.ContainsFunc(out, func(o orgRecs) bool { return o.OrgID == g.ScopeID }) {
			continue
		}
		rec := orgRecs{OrgID: g.ScopeID, OrgName: g.ScopeName}
		if err := a.fillRecommendations(ctx, l, &rec); err != nil {
			a.Logger.Warn("recommended needs", "org", g.ScopeID, "err", err)
			rec.Unavailable = true
		}
		for i := range rec.Needs {
			rec.Needs[i].Submitted = submitted[rec.OrgID+"|"+rec.Needs[i].ID]
		}
		out = append(out, rec)
	}
	return out
}

func (a *app) fillRecommendations(ctx context.Context, l i18n.Lang, rec *orgRecs) error {
	if a.Match == nil {
		rec.Unavailable = true
		return nil
	}
	org, ok := a.Match.Organization(rec.OrgID)
	if !ok {
		return nil // not indexed (yet): nothing to recommend
	}
	hits, err := a.Match.RecommendNeeds(ctx, rec.OrgID, recommendedNeeds)
	if err != nil {
		return err
	}
	for _, h := range hits {
		rec.Needs = append(rec.Needs, recNeed{ID: h.ID, Title: h.Title, StreetName: h.StreetName,
			CommunityName: h.CommunityName, Deadline: h.Deadline, BudgetFen: h.BudgetFen,
			Reasons: a.needReasons(l, &org, h)})
	}
	return nil
}

// needReasons says in words why a need suits an organization: the facts
// the ranking used (the organization's own domains in the need's text,
// the other words of its profile the need matched, category, place,
// invitation).
func (a *app) needReasons(l i18n.Lang, o *match.Org, h match.NeedHit) []string {
	n := &h.Need
	var out []string
	if slices.Contains(n.InvitedOrgIDs, o.ID) {
		out = append(out, a.Catalog.T(l, "recommend.reason_invited"))
	}
	text := search.Normalize(n.Title + "\n" + n.Description)
	var domains []string
	for _, d := range o.Domains {
		if d = strings.TrimSpace(d); d != "" && strings.Contains(text, search.Normalize(d)) {
			domains = append(domains, d)
		}
	}
	if len(domains) > 0 {
		out = append(out, a.Catalog.T(l, "recommend.reason_domain", strings.Join(domains[:min(len(domains), 3)], "、")))
	}
	var words []string
	for _, w := range h.Words {
		if !slices.ContainsFunc(domains, func(d string) bool { return strings.Contains(d, w) }) {
			words = append(words, w)
		}
	}
	if len(words) > 0 {
		out = append(out, a.Catalog.T(l, "recommend.reason_words", strings.Join(words[:min(len(words), 5)], "、")))
	}
	if c := registry.CategoryByCode(n.Category); c != nil && n.Category == o.Category {
		out = append(out, a.Catalog.T(l, "recommend.reason_category", a.Catalog.T(l, "category."+c.Code)))
	}
	switch {
	case o.CommunityID != "" && n.CommunityID == o.CommunityID:
		out = append(out, a.Catalog.T(l, "recommend.reason_place_community", n.CommunityName))
	case n.StreetID == o.StreetID:
		out = append(out, a.Catalog.T(l, "recommend.reason_place_street", n.StreetName))
	}
	if len(out) == 0 {
		out = append(out, a.Catalog.T(l, "recommend.reason_text"))
	}
	return out
}
