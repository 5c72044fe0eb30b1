// Package match ranks organizations and past completed projects for a need
// described in everyday Chinese. A score is a weighted sum of explainable
// features — text fit (BM25F over the search index, normalized per query),
// category agreement, service area and track record — and every result
// carries reasons in Chinese built from those features. The weights are data
// (weights.json, embedded); TUNING.md says how they were chosen. The package
// knows nothing of SQL or HTTP: callers pass the organizations and projects
// read from the store.
package match

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
)

// Org is an organization as the matcher sees it.
type Org struct {
	ID, Key, Name, Description string
	Domains                    []string
	Category                   string // taxonomy code
	StreetID, StreetName       string
	CommunityID, CommunityName string
	Excluded                   string // non-empty: excluded (e.g. abnormal credit), with this reason
}

// Project is a completed project (a closed need with its supplier).
type Project struct {
	ID, Key, Title, Description string
	OrgID                       string
	StreetID, StreetName        string
	CommunityID, CommunityName  string
	Stars                       float64 // satisfaction 0–5; 0 when unrated
}

// Query is a need: its text and, optionally, where it is (an id or a name).
type Query struct {
	Text      string
	Community string
	Street    string
}

// Result is one ranked organization or project.
type Result struct {
	ID, Key, Name string
	Score         float64
	Reasons       []string
	Features      Features
}

// Features are the inputs of a score, each roughly in [0, 1].
type Features struct {
	Text, Category, SameCommunity, SameStreet, Similar, Satisfaction float64
	OrgText                                                          float64 // projects: their organization's text fit
}

// Weights are the coefficients of the features and a few shape parameters.
type Weights struct {
	Text             float64 `json:"text"`
	Category         float64 `json:"category"`
	SameCommunity    float64 `json:"same_community"`
	SameStreet       float64 `json:"same_street"`
	TrackSimilar     float64 `json:"track_similar"`
	Satisfaction     float64 `json:"satisfaction"`
	SimilarThreshold float64 `json:"similar_threshold"` // normalized project text score that counts as "similar"
	PriorRatings     float64 `json:"prior_ratings"`     // Bayesian prior strength, in ratings
	FieldName        float64 `json:"field_name"`
	FieldDomains     float64 `json:"field_domains"`
	FieldDescription float64 `json:"field_description"`
	FieldProjects    float64 `json:"field_projects"`
	// Project ranking: the text fit of the project's organization (a project
	// by an organization that fits the need is more likely the same kind of
	// work), and the project's own category agreement.
	ProjectOrgText  float64 `json:"project_org_text"`
	ProjectCategory float64 `json:"project_category"`
}

//go:embed weights.json
var weightsJSON []byte

// DefaultWeights returns the tuned weights of weights.json.
func DefaultWeights() Weights {
	var w Weights
	if err := json.Unmarshal(weightsJSON, &w); err != nil {
		panic("match: bad embedded weights.json: " + err.Error())
	}
	return w
}

// ParseWeights reads weights in the format of weights.json; fields it does
// not set keep their default.
func ParseWeights(data []byte) (Weights, error) {
	w := DefaultWeights()
	if err := json.Unmarshal(data, &w); err != nil {
		return Weights{}, fmt.Errorf("match: weights: %w", err)
	}
	return w, nil
}

// Matcher holds the two indexes. It is immutable once built; rebuild it (or,
// later, Put into its indexes) when the store changes.
type Matcher struct {
	w          Weights
	a          *search.Analyzer
	orgIx      *search.Index
	projIx     *search.Index
	orgs       map[string]*Org
	projs      map[string]*Project
	projCat    map[string]string
	orgCats    map[string]map[string]bool
	byOrg      map[string][]*Project
	globalMean float64
}

const (
	fName, fDomains, fDesc, fProjects = "name", "domains", "description", "projects"
	fTitle                            = "title"
)

// New builds a matcher over orgs and projects with analyzer a.
func New(a *search.Analyzer, orgs []Org, projects []Project, w Weights) (*Matcher, error) {
	m := &Matcher{w: w, a: a, orgs: map[string]*Org{}, projs: map[string]*Project{}, projCat: map[string]string{},
		orgCats: map[string]map[string]bool{}, byOrg: map[string][]*Project{}}
	var sum float64
	var n int
	for i := range projects {
		p := &projects[i]
		m.projs[p.ID] = p
		m.byOrg[p.OrgID] = append(m.byOrg[p.OrgID], p)
		m.projCat[p.ID] = registry.GuessCategory(nil, p.Title+" "+p.Description)
		if p.Stars > 0 {
			sum += p.Stars
			n++
		}
	}
	m.globalMean = 4
	if n > 0 {
		m.globalMean = sum / float64(n)
	}
	var err error
	m.orgIx, err = search.NewIndex(a, search.Schema{K1: 1.2, Fields: []search.Field{
		{Name: fName, Weight: w.FieldName, B: 0.5}, {Name: fDomains, Weight: w.FieldDomains, B: 0.3},
		{Name: fDesc, Weight: w.FieldDescription, B: 0.75}, {Name: fProjects, Weight: w.FieldProjects, B: 0.75}}})
	if err != nil {
		return nil, err
	}
	m.projIx, err = search.NewIndex(a, search.Schema{K1: 1.2, Fields: []search.Field{
		{Name: fTitle, Weight: 2, B: 0.5}, {Name: fDesc, Weight: 1, B: 0.75}}})
	if err != nil {
		return nil, err
	}
	var od []search.Doc
	for i := range orgs {
		o := &orgs[i]
		m.orgs[o.ID] = o
		cats := map[string]bool{}
		if o.Category != "" {
			cats[o.Category] = true
		}
		for _, d := range o.Domains {
			if c := registry.GuessCategory([]string{d}, ""); c != "" {
				cats[c] = true
			}
		}
		var pt []string
		for _, p := range m.byOrg[o.ID] {
			pt = append(pt, p.Title, p.Description)
			cats[m.projCat[p.ID]] = true
		}
		m.orgCats[o.ID] = cats
		od = append(od, search.Doc{ID: o.ID, Fields: map[string]string{fName: o.Name,
			fDomains: strings.Join(o.Domains, "、"), fDesc: o.Description, fProjects: strings.Join(pt, "\n")}})
	}
	if err := m.orgIx.Build(od); err != nil {
		return nil, err
	}
	var pd []search.Doc
	for _, p := range projects {
		pd = append(pd, search.Doc{ID: p.ID, Fields: map[string]string{fTitle: p.Title, fDesc: p.Description}})
	}
	if err := m.projIx.Build(pd); err != nil {
		return nil, err
	}
	return m, nil
}

// categoryScores scores the taxonomy for a text: keyword hits in the text and
// in the thesaurus expansions of the query, as shares summing to 1.
func categoryScores(text string, q search.Query) map[string]float64 {
	var exp strings.Builder
	for _, t := range q.Terms {
		if t.Kind == search.KindSynonym || t.Kind == search.KindWord {
			exp.WriteString(t.Text)
			exp.WriteByte(' ')
		}
	}
	e := exp.String()
	out := map[string]float64{}
	var total float64
	for _, c := range registry.Categories {
		var s float64
		for _, k := range c.Keywords {
			s += float64(strings.Count(text, k))
			if strings.Contains(e, k) {
				s += 0.5
			}
		}
		if s > 0 {
			out[c.Code] = s
			total += s
		}
	}
	for k := range out {
		out[k] /= total
	}
	return out
}

func categoryName(code string) string {
	for _, c := range registry.Categories {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

func place(id, name, q string) bool { return q != "" && (q == id || q == name) }

// prepared is what both rankings share for one query.
type prepared struct {
	q        search.Query
	cats     map[string]float64
	projText map[string]float64 // normalized project text scores
	projHits map[string]search.Hit
	orgText  map[string]float64 // normalized organization text scores
	orgHits  map[string]search.Hit
}

func (m *Matcher) prepare(q Query) (*prepared, error) {
	sq := m.a.Query(q.Text)
	if sq.Empty() {
		return nil, fmt.Errorf("match: the query has no searchable words")
	}
	p := &prepared{q: sq, cats: categoryScores(sq.Text, sq), projText: map[string]float64{}, projHits: map[string]search.Hit{}}
	hits := m.projIx.Search(sq, search.SearchOptions{K: search.MaxK, Explain: true})
	for _, h := range hits {
		p.projText[h.ID] = h.Score / hits[0].Score
		p.projHits[h.ID] = h
	}
	p.orgText, p.orgHits = map[string]float64{}, map[string]search.Hit{}
	hits = m.orgIx.Search(sq, search.SearchOptions{K: search.MaxK, Explain: true})
	for _, h := range hits {
		p.orgText[h.ID] = h.Score / hits[0].Score
		p.orgHits[h.ID] = h
	}
	return p, nil
}

// Organizations returns up to limit organizations for q, best first.
func (m *Matcher) Organizations(ctx context.Context, q Query, limit int) ([]Result, error) {
	p, err := m.prepare(q)
	if err != nil {
		return nil, err
	}
	w := m.w
	var out []Result
	for id, o := range m.orgs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if o.Excluded != "" {
			continue
		}
		var f Features
		f.Text = p.orgText[id]
		for c := range m.orgCats[id] {
			f.Category = max(f.Category, p.cats[c])
		}
		if place(o.CommunityID, o.CommunityName, q.Community) {
			f.SameCommunity = 1
		}
		if place(o.StreetID, o.StreetName, q.Street) {
			f.SameStreet = 1
		}
		var similar []*Project
		var stars float64
		var rated int
		for _, pr := range m.byOrg[id] {
			if p.projText[pr.ID] >= w.SimilarThreshold {
				similar = append(similar, pr)
				f.Similar += p.projText[pr.ID]
				if pr.Stars > 0 {
					stars += pr.Stars
					rated++
				}
			}
		}
		f.Similar = 1 - math.Exp(-f.Similar) // saturating: the third similar project adds less than the first
		bayes := (w.PriorRatings*m.globalMean + stars) / (w.PriorRatings + float64(rated))
		f.Satisfaction = (bayes - m.globalMean) / 5 * 10
		if f.Text == 0 && f.Similar == 0 {
			continue
		}
		score := w.Text*f.Text + w.Category*f.Category + w.SameCommunity*f.SameCommunity + w.SameStreet*f.SameStreet +
			w.TrackSimilar*f.Similar + w.Satisfaction*f.Satisfaction
		r := Result{ID: id, Key: o.Key, Name: o.Name, Score: score, Features: f}
		r.Reasons = m.orgReasons(o, f, p.orgHits[id], similar, bayes, rated, p)
		out = append(out, r)
	}
	return rank(out, limit), nil
}

func rank(out []Result, limit int) []Result {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// matchedTerms lists the distinct matched terms of a hit in the given fields,
// strongest first.
func matchedTerms(h search.Hit, fields ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, mt := range h.Matches {
		ok := len(fields) == 0
		for _, f := range mt.Fields {
			for _, want := range fields {
				ok = ok || f == want
			}
		}
		if ok && !seen[mt.Term] && len([]rune(mt.Term)) > 1 {
			seen[mt.Term] = true
			out = append(out, mt.Term)
		}
	}
	if len(out) > 4 {
		out = out[:4]
	}
	return out
}

func (m *Matcher) orgReasons(o *Org, f Features, h search.Hit, similar []*Project, bayes float64, rated int, p *prepared) []string {
	var rs []string
	if t := matchedTerms(h, fDomains); len(t) > 0 {
		rs = append(rs, "服务领域匹配："+strings.Join(t, "、"))
	} else if t := matchedTerms(h, fName, fDesc); len(t) > 0 {
		rs = append(rs, "机构简介提到："+strings.Join(t, "、"))
	}
	if f.Category > 0.3 {
		best, bs := "", 0.0
		for c := range m.orgCats[o.ID] {
			if p.cats[c] > bs {
				best, bs = c, p.cats[c]
			}
		}
		rs = append(rs, "服务类别一致："+categoryName(best))
	}
	if len(similar) > 0 {
		where := map[string]int{}
		for _, s := range similar {
			where[s.StreetName]++
		}
		st, n := "", 0
		for k, v := range where {
			if v > n || (v == n && k < st) {
				st, n = k, v
			}
		}
		s := fmt.Sprintf("曾在%s完成%d个同类项目", st, len(similar))
		if len(similar) > n {
			s = fmt.Sprintf("曾完成%d个同类项目（%s%d个）", len(similar), st, n)
		}
		if rated > 0 {
			s += fmt.Sprintf("，平均满意度%.1f", bayes)
		}
		rs = append(rs, s)
	}
	switch {
	case f.SameCommunity > 0:
		rs = append(rs, "同一社区")
	case f.SameStreet > 0:
		rs = append(rs, "同一街道："+o.StreetName)
	}
	return rs
}

// Projects returns up to limit past completed projects for q, best first.
func (m *Matcher) Projects(ctx context.Context, q Query, limit int) ([]Result, error) {
	p, err := m.prepare(q)
	if err != nil {
		return nil, err
	}
	w := m.w
	var out []Result
	for id, t := range p.projText {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		pr := m.projs[id]
		f := Features{Text: t, Category: p.cats[m.projCat[id]], OrgText: p.orgText[pr.OrgID]}
		if place(pr.CommunityID, pr.CommunityName, q.Community) {
			f.SameCommunity = 1
		}
		if place(pr.StreetID, pr.StreetName, q.Street) {
			f.SameStreet = 1
		}
		if pr.Stars > 0 {
			f.Satisfaction = (pr.Stars - m.globalMean) / 5 * 10
		}
		score := w.Text*f.Text + w.ProjectCategory*f.Category + w.ProjectOrgText*f.OrgText + w.SameCommunity*f.SameCommunity +
			w.SameStreet*f.SameStreet + w.Satisfaction*f.Satisfaction
		r := Result{ID: id, Key: pr.Key, Name: pr.Title, Score: score, Features: f}
		if tm := matchedTerms(p.projHits[id]); len(tm) > 0 {
			r.Reasons = append(r.Reasons, "内容相近："+strings.Join(tm, "、"))
		}
		if f.Category > 0.3 {
			r.Reasons = append(r.Reasons, "服务类别一致："+categoryName(m.projCat[id]))
		}
		if o := m.orgs[pr.OrgID]; o != nil {
			s := "承接组织：" + o.Name
			if pr.Stars > 0 {
				s += fmt.Sprintf("，满意度%.1f", pr.Stars)
			}
			r.Reasons = append(r.Reasons, s)
		}
		switch {
		case f.SameCommunity > 0:
			r.Reasons = append(r.Reasons, "同一社区")
		case f.SameStreet > 0:
			r.Reasons = append(r.Reasons, "同一街道："+pr.StreetName)
		}
		out = append(out, r)
	}
	return rank(out, limit), nil
}
