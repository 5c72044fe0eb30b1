// Package match ranks organizations and past completed projects for a need
// described in everyday Chinese. A score is a weighted sum of explainable
// features — text fit (BM25F over the search index, normalized per query),
// category agreement, service area, track record and current load — and every
// result carries reasons in Chinese built from those features. Organizations
// on a credit list or failing a need's qualification rules are never offered;
// staff may see them after the others, with the reason. The weights are data
// (weights.json, embedded); TUNING.md says how they were chosen. The package
// knows nothing of SQL or HTTP: callers build a Matcher from the organizations
// and projects read from the store, then apply every committed change with
// PutOrg, DeleteOrg, PutProject and DeleteProject.
package match

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

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
	Registered                 bool   // 民政登记 (false: 街道备案, filed with a street)
	ActiveProjects             int    // current load: contracts in progress
	Excluded                   string // non-empty: on the abnormal or serious-violation list, with this reason
	// Trained are the academy course topics (incubation.Topic) in which
	// someone of the organization holds a certificate (结业证书).
	Trained []string
}

// Project is a completed project (a closed need with its supplier).
type Project struct {
	ID, Key, Title, Description string
	Category                    string // taxonomy code as stored ("" unknown)
	OrgID                       string
	StreetID, StreetName        string
	CommunityID, CommunityName  string
	Stars                       float64 // satisfaction 0–5; 0 when unrated
}

// Query is a need: its text, optionally where it is (an id or a name), and
// its qualification rules.
type Query struct {
	Text      string
	Community string
	Street    string
	// RegisteredOnly admits only organizations registered with civil affairs.
	RegisteredOnly bool
	// LocalOnly admits only organizations of the need's street (Street, or
	// the community's when only Community is known and matches).
	LocalOnly bool
	// Trained admits only organizations with someone who completed an
	// academy course of this topic (a need requiring finance-trained staff:
	// incubation.TopicFinance); "" no such rule. See training.go.
	Trained string
	// IncludeExcluded appends, after the eligible results, the excluded or
	// unqualified organizations that would have ranked in the top limit,
	// with Result.Excluded saying why (for staff).
	IncludeExcluded bool
	// Category is a category staff confirmed for the need (NeedQuery): it
	// agrees fully, and it is the only category a reason names; the guess
	// from the text still counts for the others. "" (or a code the taxonomy
	// lacks): the guess alone.
	Category string
	// Self is the need the query is made for (NeedQuery), if any: once done,
	// that need is a completed project, but never its own precedent — not a
	// similar past project of its organization, not a result of Projects.
	Self string
}

// Result is one ranked organization or project.
type Result struct {
	ID, Key, Name string
	Score         float64
	Reasons       []string
	Features      Features
	// Excluded is non-empty for an organization that is not offered (credit
	// list or qualification rule): the reason, in Chinese.
	Excluded string
}

// Features are the inputs of a score, each roughly in [0, 1].
type Features struct {
	Text, Category, SameCommunity, SameStreet, Similar, Satisfaction float64
	OrgText                                                          float64 // projects: their organization's text fit
	Load                                                             float64 // organizations: min(in-progress contracts/5, 1)
}

// Weights are the coefficients of the features and a few shape parameters.
type Weights struct {
	Text             float64 `json:"text"`
	Category         float64 `json:"category"`
	SameCommunity    float64 `json:"same_community"`
	SameStreet       float64 `json:"same_street"`
	TrackSimilar     float64 `json:"track_similar"`
	Satisfaction     float64 `json:"satisfaction"`
	Load             float64 `json:"load"`              // negative: a busy organization ranks a little lower
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
	// Text fit (fit.go): the weight of a match on a population term (老人,
	// 孩子 …: whom a need is for) beside what it asks, and the share the
	// other synonyms of one typed term keep beside the best one.
	PeopleWeight float64 `json:"people_weight"`
	SynonymRest  float64 `json:"synonym_rest"`
	// MinEvidence: when a need's rules or a credit list leave out
	// organizations, an eligible one whose evidence (the score's text fit,
	// category and track record: without place, satisfaction and load) is
	// below this share of the best left-out one's is not offered: an
	// organization of the right street that shares a word or two with the
	// need is no recommendation, and staff see who was left out and why
	// instead. Without anyone left out the ranking is the whole answer.
	MinEvidence float64 `json:"min_evidence"`
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

// Matcher holds the two indexes and what the features need. It is safe for
// concurrent use: searches run on the indexes' lock-free snapshots, the maps
// sit behind an RWMutex held only while they change, and Put*/Delete* (one
// at a time) apply each committed change of the store. An index write, which
// may merge segments, never holds the maps' lock, so queries never wait for
// it; for that moment a query may see the maps a step ahead of the index.
type Matcher struct {
	w      Weights
	a      *search.Analyzer
	orgIx  *search.Index
	projIx *search.Index
	// projFacets restricts project searches to the projects when projIx is
	// the need board's index (shared); nil when it is the matcher's own.
	projFacets []string
	places     *places
	pop        populations

	wmu     sync.Mutex // serializes writers, so index writes keep their order
	mu      sync.RWMutex
	orgs    map[string]*Org
	projs   map[string]*Project
	projCat map[string]string
	orgCats map[string]map[string]bool
	byOrg   map[string][]*Project // sorted by id
	starSum float64               // over rated projects, for the global mean
	starN   int
}

const (
	fName, fDomains, fDesc, fProjects = "name", "domains", "description", "projects"
	fTitle                            = "title"
)

// New builds a matcher over orgs and projects with analyzer a.
func New(a *search.Analyzer, orgs []Org, projects []Project, w Weights) (*Matcher, error) {
	return newMatcher(a, orgs, slices.Clone(projects), w, nil) // the matcher keeps its projects
}

// newMatcher is New with the projects searched in board, a need index
// (search.DefaultSchema, needDoc) that holds them among other needs, marked
// FacetProject, and kept current by its owner; nil: the matcher indexes
// the projects itself, the same way.
func newMatcher(a *search.Analyzer, orgs []Org, projects []Project, w Weights, board *search.Index) (*Matcher, error) {
	m := &Matcher{w: w, a: a, places: newPlaces(a), orgs: map[string]*Org{}, projs: map[string]*Project{}, projCat: map[string]string{},
		orgCats: map[string]map[string]bool{}, byOrg: map[string][]*Project{}}
	var err error
	m.orgIx, err = search.NewIndex(a, search.Schema{K1: 1.2, Fields: []search.Field{
		{Name: fName, Weight: w.FieldName, B: 0.5}, {Name: fDomains, Weight: w.FieldDomains, B: 0.3},
		{Name: fDesc, Weight: w.FieldDescription, B: 0.75}, {Name: fProjects, Weight: w.FieldProjects, B: 0.75}}})
	if err != nil {
		return nil, err
	}
	if board != nil {
		m.projIx, m.projFacets = board, []string{FacetProject}
	} else if m.projIx, err = search.NewIndex(a, needSchema()); err != nil {
		return nil, err
	}
	for i := range projects {
		if projects[i].ID == "" {
			return nil, fmt.Errorf("match: a project without an id")
		}
		m.addProject(&projects[i])
	}
	for i := range orgs {
		if orgs[i].ID == "" {
			return nil, fmt.Errorf("match: an organization without an id")
		}
		o := orgs[i]
		m.orgs[o.ID] = &o
		m.places.add(o.StreetID, o.StreetName, o.CommunityID, o.CommunityName)
	}
	// Documents in id order, not the map's (which changes from run to
	// run): the same data gives the same index, segments and ties.
	od := make([]search.Doc, 0, len(m.orgs))
	for _, id := range slices.Sorted(maps.Keys(m.orgs)) {
		od = append(od, m.orgDoc(id))
	}
	if err := m.orgIx.Build(od); err != nil {
		return nil, err
	}
	if board != nil {
		return m, nil
	}
	pd := make([]search.Doc, 0, len(m.projs))
	for _, id := range slices.Sorted(maps.Keys(m.projs)) {
		pd = append(pd, projDoc(m.projs[id]))
	}
	if err := m.projIx.Build(pd); err != nil {
		return nil, err
	}
	return m, nil
}

// addProject records p in the maps (not the indexes); m.mu is held or m is
// not shared yet. The matcher keeps p itself (never changed, only
// replaced): a build shares its million projects with the Live's maps
// rather than copying each.
func (m *Matcher) addProject(p *Project) {
	m.removeProject(p.ID)
	m.projs[p.ID] = p
	list := m.byOrg[p.OrgID]
	i := sort.Search(len(list), func(i int) bool { return list[i].ID >= p.ID })
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = p
	m.byOrg[p.OrgID] = list
	m.projCat[p.ID] = registry.GuessCategory(nil, p.Title+" "+p.Description)
	m.places.add(p.StreetID, p.StreetName, p.CommunityID, p.CommunityName)
	if p.Stars > 0 {
		m.starSum += p.Stars
		m.starN++
	}
}

// removeProject forgets the project id in the maps and returns it (nil when
// absent).
func (m *Matcher) removeProject(id string) *Project {
	old := m.projs[id]
	if old == nil {
		return nil
	}
	delete(m.projs, id)
	delete(m.projCat, id)
	list := m.byOrg[old.OrgID]
	for i, p := range list {
		if p.ID == id {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(m.byOrg, old.OrgID)
	} else {
		m.byOrg[old.OrgID] = list
	}
	if old.Stars > 0 {
		m.starSum -= old.Stars
		m.starN--
	}
	return old
}

// orgProjectTexts is how many of an organization's completed projects, the
// newest (ids grow with time), lend their text to its document. Its recent
// work describes it; a city-scale organization's hundred-and-seventieth
// project adds length, not evidence, and every project is searched on its
// own anyway (a similar past project makes its organization a candidate).
const orgProjectTexts = 30

// orgDoc refreshes the organization's category set and returns its document:
// its profile and the text of its newest completed projects.
func (m *Matcher) orgDoc(id string) search.Doc {
	o := m.orgs[id]
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
	list := m.byOrg[id]
	for i, p := range list {
		if i >= len(list)-orgProjectTexts {
			pt = append(pt, p.Title, p.Description)
		}
		if c := m.projCat[p.ID]; c != "" {
			cats[c] = true
		}
	}
	m.orgCats[id] = cats
	return search.Doc{ID: o.ID, Fields: map[string]string{fName: o.Name,
		fDomains: strings.Join(o.Domains, "、"), fDesc: o.Description, fProjects: strings.Join(pt, "\n")}}
}

// projDoc is a project's document in the matcher's own index: as on the
// need board.
func projDoc(p *Project) search.Doc {
	return search.Doc{ID: p.ID, Fields: textFields(p.Title, p.Description, p.Category)}
}

func (m *Matcher) globalMean() float64 {
	if m.starN > 0 {
		return m.starSum / float64(m.starN)
	}
	return 4
}

// PutOrg adds or replaces an organization.
func (m *Matcher) PutOrg(o Org) error {
	if o.ID == "" {
		return fmt.Errorf("match: an organization without an id")
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.places.add(o.StreetID, o.StreetName, o.CommunityID, o.CommunityName)
	m.mu.Lock()
	m.orgs[o.ID] = &o
	doc := m.orgDoc(o.ID)
	m.mu.Unlock()
	return m.orgIx.Put(doc)
}

// DeleteOrg removes an organization. Its projects stay (they are past work
// and remain findable); they count again if the organization is put back.
func (m *Matcher) DeleteOrg(id string) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.Lock()
	delete(m.orgs, id)
	delete(m.orgCats, id)
	m.mu.Unlock()
	m.orgIx.Delete(id)
}

// PutProject adds or replaces a completed project, and re-indexes the
// organizations whose track record it changes (their "projects" text,
// category set) and the global satisfaction mean.
func (m *Matcher) PutProject(p Project) error {
	if p.ID == "" {
		return fmt.Errorf("match: a project without an id")
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.projFacets == nil { // its own index; a shared one follows its owner
		if err := m.projIx.Put(projDoc(&p)); err != nil {
			return err
		}
	}
	m.mu.Lock()
	old := m.projs[p.ID]
	m.addProject(&p)
	var docs []search.Doc
	if old != nil && old.OrgID != p.OrgID && m.orgs[old.OrgID] != nil {
		docs = append(docs, m.orgDoc(old.OrgID))
	}
	if m.orgs[p.OrgID] != nil {
		docs = append(docs, m.orgDoc(p.OrgID))
	}
	m.mu.Unlock()
	if len(docs) == 0 {
		return nil
	}
	return m.orgIx.Put(docs...)
}

// DeleteProject removes a completed project.
func (m *Matcher) DeleteProject(id string) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.projFacets == nil {
		m.projIx.Delete(id)
	}
	m.mu.Lock()
	var doc *search.Doc
	if old := m.removeProject(id); old != nil && m.orgs[old.OrgID] != nil {
		d := m.orgDoc(old.OrgID)
		doc = &d
	}
	m.mu.Unlock()
	if doc != nil {
		_ = m.orgIx.Put(*doc) // the document is valid: it was indexed before
	}
}

// Len returns how many organizations and projects the matcher holds.
func (m *Matcher) Len() (orgs, projects int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.orgs), len(m.projs)
}

// IndexStats describes the organization and project indexes (the project
// index of a Live's matcher is its need board's).
func (m *Matcher) IndexStats() (orgs, projects search.Stats) {
	return m.orgIx.Stats(), m.projIx.Stats()
}

// Compact rewrites both indexes without replaced documents, so their
// statistics are exact again after many updates.
func (m *Matcher) Compact() {
	m.orgIx.Compact()
	if m.projFacets == nil {
		m.projIx.Compact()
	}
}

// Categorize guesses the taxonomy category of a need's text, with a
// confidence in [0, 1]: the category's share of the keyword evidence (in the
// text and in its thesaurus expansions) times how much evidence there is —
// fullSupport keywords or more count fully, one alone half, so a need that
// names its subject once is not shown as a certain guess. "", 0 when nothing
// matched.
func (m *Matcher) Categorize(text string) (code string, confidence float64) {
	q := m.analyze(text)
	if q.Empty() {
		return "", 0
	}
	shares, total := categoryEvidence(q.Text, q)
	code, share := topCategory(shares)
	return code, share * min(1, share*total/fullSupport)
}

// fullSupport is the keyword evidence (a keyword typed counts 1, a rule's
// service word 1, a group's synonyms 0.5) at which a category guess is as
// sure as its share says.
const fullSupport = 2.0

// topCategory returns the category with the largest share; ties go to the
// first in taxonomy order.
func topCategory(cats map[string]float64) (string, float64) {
	best, bs := "", 0.0
	for _, c := range registry.Categories {
		if s := cats[c.Code]; s > bs {
			best, bs = c.Code, s
		}
	}
	return best, bs
}

// ruleEvidence is what the terms a situation rule added (search.Term.Rule)
// count for a category they name a keyword of, once per category: as
// much as a keyword typed, where a group's synonyms count half. A rule
// names what answers the situation its conditions describe (孩子 +
// 没人管 => 课后托管), so its words say what the need is about; a group
// only offers other words for a word typed (TUNING.md, tenth pass).
const ruleEvidence = 1.0

// categoryScores scores the taxonomy for a text: keyword hits in the text and
// in the thesaurus expansions of the query, as shares summing to 1.
func categoryScores(text string, q search.Query) map[string]float64 {
	shares, _ := categoryEvidence(text, q)
	return shares
}

// categoryEvidence is categoryScores with the evidence the shares divide.
func categoryEvidence(text string, q search.Query) (map[string]float64, float64) {
	var exp, rules strings.Builder
	for _, t := range q.Terms {
		if t.Kind == search.KindSynonym || t.Kind == search.KindWord {
			exp.WriteString(t.Text)
			exp.WriteByte(' ')
		}
		if t.Kind == search.KindSynonym && t.Rule {
			rules.WriteString(t.Text)
			rules.WriteByte(' ')
		}
	}
	e, re := exp.String(), rules.String()
	out := map[string]float64{}
	var total float64
	for _, c := range registry.Categories {
		var s, x float64
		for _, k := range c.Keywords {
			s += float64(strings.Count(text, k))
			if strings.Contains(e, k) && !slices.Contains(c.People, k) {
				x = max(x, 0.5) // once per category: a large synonym group must not outvote the words typed
			}
			if strings.Contains(re, k) && !slices.Contains(c.People, k) {
				x = ruleEvidence
			}
		}
		for _, k := range c.People {
			s -= 0.5 * float64(strings.Count(text, k)) // whom, not what: half a keyword (registry.Category)
		}
		s += x
		if s > 0 {
			out[c.Code] = s
			total += s
		}
	}
	for k := range out {
		out[k] /= total
	}
	return out, total
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

// AddPlace makes a street and community known (a need's, say) besides
// those of the organizations and projects held: the text fit of a query
// leaves out mentions of known places, and a query naming only a
// community gets its street.
func (m *Matcher) AddPlace(streetID, streetName, communityID, communityName string) {
	m.places.add(streetID, streetName, communityID, communityName)
}

// analyze turns a query's text into the search query of its text fit:
// mentions of known places are left out (新龙城社区 would otherwise make
// everything of 新龙城 look similar, and place is scored on its own), unless
// the text names nothing else (a search for a place).
func (m *Matcher) analyze(text string) search.Query {
	if t, masked := m.places.mask(text); masked {
		if q := m.a.Query(t); !q.Empty() {
			return q
		}
	}
	return m.a.Query(text)
}

// withStreet gives a query that names only a community that community's
// street, when some organization, project or need says which it is.
func (m *Matcher) withStreet(q Query) Query {
	if q.Street == "" && q.Community != "" {
		if ref, ok := m.places.streetOf(q.Community); ok {
			q.Street = ref.id
			if q.Street == "" {
				q.Street = ref.name
			}
		}
	}
	return q
}

// prepared is what both rankings share for one query.
type prepared struct {
	q        search.Query
	words    map[string]bool // the query's whole words, for reasons
	cats     map[string]float64
	staffCat string             // the category staff confirmed (Query.Category), if any
	projText map[string]float64 // normalized project text scores
	projHits map[string]search.Hit
	orgText  map[string]float64 // normalized organization text scores
	orgHits  map[string]search.Hit
}

func (m *Matcher) prepare(q Query) (*prepared, error) {
	sq := m.analyze(q.Text)
	if sq.Empty() {
		return nil, fmt.Errorf("match: the query has no searchable words")
	}
	p := &prepared{q: sq, words: wordSet(sq), cats: categoryScores(sq.Text, sq)}
	if registry.CategoryByCode(q.Category) != nil {
		// Staff said what it is about: that category agrees fully. The
		// text's other categories keep their shares (an ageing-at-home
		// assessment still concerns elder care) but are never named as a
		// reason (orgReasons).
		p.staffCat = q.Category
		p.cats[q.Category] = 1
	}
	pop := m.pop.of(m.a.Thesaurus())
	p.projText, p.projHits = m.fits(m.projIx.Search(sq, search.SearchOptions{K: search.MaxK, Explain: true,
		Facets: m.projFacets}), pop)
	p.orgText, p.orgHits = m.fits(m.orgIx.Search(sq, search.SearchOptions{K: search.MaxK, Explain: true}), pop)
	return p, nil
}

// Organizations returns up to limit organizations for q, best first.
// Organizations on a credit list or failing the query's qualification rules
// never rank among them; with q.IncludeExcluded, those of them that would
// have ranked in the top limit follow the eligible results, best first, with
// Result.Excluded set.
func (m *Matcher) Organizations(ctx context.Context, q Query, limit int) ([]Result, error) {
	q = m.withStreet(q)
	p, err := m.prepare(q)
	if err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	all, reasons, err := m.scoreOrgs(ctx, p, q)
	if err != nil {
		return nil, err
	}
	all = m.withEvidence(all)
	rank(all, 0)
	var out, excluded []Result
	for i, r := range all {
		switch {
		case r.Excluded == "":
			if limit <= 0 || len(out) < limit {
				out = append(out, r)
			}
		case q.IncludeExcluded && (limit <= 0 || i < limit):
			excluded = append(excluded, r)
		}
	}
	out = append(out, excluded...)
	for i := range out {
		out[i].Reasons = reasons[out[i].ID]()
	}
	return out, nil
}

// scoreOrgs scores every candidate organization for the prepared query,
// unsorted, eligible or not, with how to word each one's reasons (asked only
// for the few shown: wording them all was a tenth of a search); m.mu is
// read-locked, and must stay so until the reasons are made.
func (m *Matcher) scoreOrgs(ctx context.Context, p *prepared, q Query) ([]Result, map[string]func() []string, error) {
	w := m.w
	mean := m.globalMean()
	// Candidates: organizations whose text fits, and those with a similar
	// past project (their own text may not mention it).
	cand := make(map[string]bool, len(p.orgText))
	for id := range p.orgText {
		cand[id] = true
	}
	// An organization's similar past projects, in id order as in m.byOrg
	// (so sums add up in the same order every time): one pass over the
	// project hits, not one over every candidate's projects.
	similarOf := map[string][]*Project{}
	for id, t := range p.projText {
		if pr := m.projs[id]; pr != nil && t >= w.SimilarThreshold && id != q.Self {
			cand[pr.OrgID] = true
			similarOf[pr.OrgID] = append(similarOf[pr.OrgID], pr)
		}
	}
	for _, list := range similarOf {
		if len(list) > 1 {
			slices.SortFunc(list, func(a, b *Project) int { return strings.Compare(a.ID, b.ID) })
		}
	}
	var all []Result
	reasons := make(map[string]func() []string, len(cand))
	for id := range cand {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		o := m.orgs[id]
		if o == nil {
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
		similar := similarOf[id]
		var stars float64
		var rated int
		for _, pr := range similar {
			f.Similar += p.projText[pr.ID]
			if pr.Stars > 0 {
				stars += pr.Stars
				rated++
			}
		}
		f.Similar = 1 - math.Exp(-f.Similar) // saturating: the third similar project adds less than the first
		if f.Text == 0 && f.Similar == 0 {
			continue
		}
		bayes := (w.PriorRatings*mean + stars) / (w.PriorRatings + float64(rated))
		f.Satisfaction = (bayes - mean) / 5 * 10
		f.Load = min(float64(max(o.ActiveProjects, 0))/5, 1)
		score := w.Text*f.Text + w.Category*f.Category + w.SameCommunity*f.SameCommunity + w.SameStreet*f.SameStreet +
			w.TrackSimilar*f.Similar + w.Satisfaction*f.Satisfaction + w.Load*f.Load
		r := Result{ID: id, Key: o.Key, Name: o.Name, Score: score, Features: f, Excluded: ineligible(o, q)}
		reasons[id] = func() []string {
			rs := m.orgReasons(o, f, p.orgHits[id], similar, bayes, rated, p)
			if tr := trainedReason(o, q); tr != "" && r.Excluded == "" {
				rs = append(rs, tr)
			}
			return rs
		}
		all = append(all, r)
	}
	return all, reasons, nil
}

// Reasons an organization is not offered for a need's qualification rules.
const (
	ReasonNotRegistered = "不符合资格：仅限民政登记的组织"
	ReasonNotLocal      = "不符合资格：仅限本街道的组织"
)

// ineligible returns why o may not be offered for q, or "". The credit
// lists come first. LocalOnly compares streets; when the query names only a
// community whose street the matcher does not know (withStreet), an
// organization of that community is local and the others are not (their
// street cannot be checked), so the rule never silently lapses.
func ineligible(o *Org, q Query) string {
	if o.Excluded != "" {
		return o.Excluded
	}
	if q.RegisteredOnly && !o.Registered {
		return ReasonNotRegistered
	}
	if q.LocalOnly {
		local := place(o.StreetID, o.StreetName, q.Street) ||
			(q.Street == "" && place(o.CommunityID, o.CommunityName, q.Community))
		if !local {
			return ReasonNotLocal
		}
	}
	if q.Trained != "" && !slices.Contains(o.Trained, q.Trained) {
		return ReasonNotTrained(q.Trained)
	}
	return ""
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

func (m *Matcher) orgReasons(o *Org, f Features, h search.Hit, similar []*Project, bayes float64, rated int, p *prepared) []string {
	var rs []string
	if t := domainTags(o.Domains, h, p.words); len(t) > 0 {
		rs = append(rs, "服务领域匹配："+joinWords(t))
	} else if t := reasonWords(h, p.words, fName, fDesc); len(t) > 0 {
		rs = append(rs, "机构简介提到："+joinWords(t))
	}
	if f.Category > 0.3 {
		best, bs := "", 0.0
		for c := range m.orgCats[o.ID] {
			if p.cats[c] > bs || (p.cats[c] == bs && c < best) { // ties: the same wording every time
				best, bs = c, p.cats[c]
			}
		}
		if p.staffCat == "" || best == p.staffCat {
			rs = append(rs, "服务类别一致："+categoryName(best))
		}
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
	if o.ActiveProjects >= 3 {
		rs = append(rs, fmt.Sprintf("当前在办项目%d个", o.ActiveProjects))
	}
	return rs
}

// Projects returns up to limit past completed projects for q, best first.
func (m *Matcher) Projects(ctx context.Context, q Query, limit int) ([]Result, error) {
	q = m.withStreet(q)
	p, err := m.prepare(q)
	if err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	w := m.w
	mean := m.globalMean()
	var out []Result
	for id, t := range p.projText {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		pr := m.projs[id]
		if pr == nil || id == q.Self {
			continue // deleted since the search; the need itself
		}
		f := Features{Text: t, Category: p.cats[m.projCat[id]], OrgText: p.orgText[pr.OrgID]}
		if place(pr.CommunityID, pr.CommunityName, q.Community) {
			f.SameCommunity = 1
		}
		if place(pr.StreetID, pr.StreetName, q.Street) {
			f.SameStreet = 1
		}
		if pr.Stars > 0 {
			f.Satisfaction = (pr.Stars - mean) / 5 * 10
		}
		score := w.Text*f.Text + w.ProjectCategory*f.Category + w.ProjectOrgText*f.OrgText +
			w.SameCommunity*f.SameCommunity + w.SameStreet*f.SameStreet + w.Satisfaction*f.Satisfaction
		r := Result{ID: id, Key: pr.Key, Name: pr.Title, Score: score, Features: f}
		if tm := reasonWords(p.projHits[id], p.words); len(tm) > 0 {
			r.Reasons = append(r.Reasons, "内容相近："+joinWords(tm))
		}
		if f.Category > 0.3 && (p.staffCat == "" || m.projCat[id] == p.staffCat) {
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

// withEvidence drops, in place, the eligible organizations whose evidence is
// below Weights.MinEvidence of the best excluded one's.
func (m *Matcher) withEvidence(rs []Result) []Result {
	evidence := func(f Features) float64 {
		return m.w.Text*f.Text + m.w.Category*f.Category + m.w.TrackSimilar*f.Similar
	}
	best := 0.0
	for _, r := range rs {
		if r.Excluded != "" {
			best = max(best, evidence(r.Features))
		}
	}
	floor := m.w.MinEvidence * best
	return slices.DeleteFunc(rs, func(r Result) bool { return r.Excluded == "" && evidence(r.Features) < floor })
}
