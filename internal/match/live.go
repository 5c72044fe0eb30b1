package match

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
)

// Need is a need on the public board, as the search box and the
// recommendations for organizations see it.
type Need struct {
	ID, Key, Title, Description string
	Category                    string // taxonomy code
	StreetID, StreetName        string
	CommunityID, CommunityName  string
	Status                      string    // as stored: published, evaluating, awarded …
	Procedure                   string    // open, invited, direct
	Deadline                    time.Time // proposals close (zero: none)
	BudgetFen                   int64
	RegisteredOnly              bool     // only organizations registered with civil affairs
	LocalOnly                   bool     // only organizations of the need's street
	InvitedOrgIDs               []string // invited and direct procedures
	// Completed says the need is a completed project (accepted or closed,
	// with a supplier): the matcher ranks it as past work too.
	Completed bool
}

// TakesProposals reports whether the need is open for proposals at now.
func (n *Need) TakesProposals(now time.Time) bool {
	return n.Status == "published" && now.Before(n.Deadline)
}

// Admits reports whether o may propose for n: invited when the procedure
// is not open, and meeting the qualification rules. Credit exclusion is
// not a qualification: an excluded organization is never recommended at all.
func (n *Need) Admits(o *Org) bool {
	if n.Procedure != "" && n.Procedure != "open" {
		invited := false
		for _, id := range n.InvitedOrgIDs {
			invited = invited || id == o.ID
		}
		if !invited {
			return false
		}
	}
	if n.RegisteredOnly && !o.Registered {
		return false
	}
	if n.LocalOnly && o.StreetID != n.StreetID {
		return false
	}
	return true
}

// Source is where a Live reads what it indexes: the store satisfies it.
// The single-object reads return an error for which
// errs.Is(err, errs.NotFound) holds when the object is gone (or, for
// needs, is no longer on the public board).
type Source interface {
	MatchOrganizations(ctx context.Context) ([]Org, error)
	// MatchBoard returns every need on the public board and, among them,
	// the completed projects, in one read.
	MatchBoard(ctx context.Context) ([]Need, []Project, error)
	MatchOrganization(ctx context.Context, id string) (Org, error)
	MatchProject(ctx context.Context, id string) (Project, error)
	MatchNeed(ctx context.Context, id string) (Need, error)
}

// NeedHit is one need found by SearchNeeds or RecommendNeeds.
type NeedHit struct {
	Need
	Score float64
	// Terms are the query terms that matched (normalized), for highlighting.
	Terms []string
	// Reasons say in Chinese why RecommendNeeds recommends the need (whole
	// words only, as Result.Reasons); SearchNeeds leaves them empty.
	Reasons []string
	// Words are the whole words of the organization's profile the need's
	// text matched, for RecommendNeeds (a page words its own reasons).
	Words []string

	matches []search.Match
}

// OrgHit is one organization found by SearchOrganizations.
type OrgHit struct {
	Org
	Score float64
}

// MaxTextRunes bounds the text of a match or search query. CheckText refuses
// longer text; the match API first cuts it with CapText and says so in its
// answer, so a caller never ranks on part of a text without knowing.
const MaxTextRunes = 500

// CapText cuts text longer than MaxTextRunes characters (after trimming) to
// at most that many, at the last clause break (，。；！？、 or a space) of
// the final 50 characters when there is one, so no word is cut in half;
// cut reports whether anything was dropped. A need pasted whole from a
// document usually says what it is about at its start.
func CapText(text string) (capped string, cut bool) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= MaxTextRunes {
		return text, false
	}
	end, n := 0, 0
	for i := range text {
		if n == MaxTextRunes {
			end = i
			break
		}
		n++
	}
	head := text[:end]
	if i := strings.LastIndexAny(head, "，。；！？、,.;!? \n\t"); i >= 0 && utf8.RuneCountInString(head[i:]) <= 50 {
		head = head[:i]
	}
	return strings.TrimSpace(head), true
}

// Need index facets: "status:<status>", "street:<id>", "community:<id>",
// "category:<code>", and FacetProject on completed projects.
const (
	FacetStatus    = "status:"
	FacetStreet    = "street:"
	FacetCommunity = "community:"
	FacetCategory  = "category:"
	FacetProject   = "kind:project"
)

// Live is the matcher and the need search index of a running platform:
// built from the database at start-up (Build) and kept current by Apply,
// which the store's change listener calls after every committed write. It
// is safe for concurrent use; a query waits at most for the one object an
// Apply is putting. Result counts (limit) are clamped to [1, MaxLimit],
// DefaultLimit when zero or less.
type Live struct {
	// Now is the clock deciding which needs still take proposals; tests
	// replace it (before any query).
	Now func() time.Time
	// Work, when set, bounds the ranked queries (Organizations, Projects,
	// SearchOrganizations): each waits for a turn, shared with the
	// process's password hashes (see package heavy). Set before any query.
	Work *heavy.Gate

	src Source
	a   *search.Analyzer
	w   Weights

	m     atomic.Pointer[Matcher]
	needs *search.Index
	// economyMin is how many board needs make the board large enough to be
	// searched with search.SearchOptions.Economy (search.EconomyMinDocs;
	// tests lower it).
	economyMin int

	wmu      sync.Mutex // serializes Build and Apply
	building bool       // a Build is reading the source
	pending  []change   // changes heard while building, replayed after
	changed  int        // changes applied since the indexes were last built or compacted

	mu       sync.RWMutex // guards the maps below
	orgs     map[string]*Org
	projects map[string]*Project
	byOrg    map[string]map[string]*Project
	board    map[string]*Need

	ready   atomic.Bool
	builtAt time.Time
	took    time.Duration
}

type change struct {
	org bool
	id  string
}

// NewLive returns a Live that reads from src. It is empty and not Ready
// until Build; an Apply before that is replayed after the build.
func NewLive(src Source, a *search.Analyzer, w Weights) (*Live, error) {
	ix, err := search.NewIndex(a, needSchema())
	if err != nil {
		return nil, err
	}
	l := &Live{Now: time.Now, src: src, a: a, w: w, needs: ix, economyMin: search.EconomyMinDocs, orgs: map[string]*Org{},
		projects: map[string]*Project{}, byOrg: map[string]map[string]*Project{}, board: map[string]*Need{}}
	m, err := newMatcher(a, nil, nil, w, ix)
	if err != nil {
		return nil, err
	}
	l.m.Store(m)
	return l, nil
}

// Build reads every organization, completed project and public need from
// the source and replaces the indexes with them, then applies the changes
// heard meanwhile. It may run again (a full rebuild).
func (l *Live) Build(ctx context.Context) error {
	start := time.Now()
	l.wmu.Lock()
	if l.building {
		l.wmu.Unlock()
		return fmt.Errorf("match: a build is already running")
	}
	l.building = true
	l.wmu.Unlock()
	m, err := l.read(ctx)
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.building = false
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.orgs, l.projects, l.byOrg, l.board = m.orgs, m.projects, m.byOrg, m.board
	l.mu.Unlock()
	l.m.Store(m.Matcher)
	pending := l.pending
	l.pending, l.changed = nil, 0
	l.builtAt, l.took = time.Now(), time.Since(start)
	l.ready.Store(true)
	return l.applyLocked(ctx, pending)
}

// built is what a Build read: the new matcher and the Live's maps of what
// it indexed.
type built struct {
	*Matcher
	orgs     map[string]*Org
	projects map[string]*Project
	byOrg    map[string]map[string]*Project
	board    map[string]*Need
}

// read loads everything from the source, builds a matcher on it and
// rebuilds the need board's index (searches meanwhile see the old content;
// writers queue their changes while l.building). The reads run at once, and
// so do the matcher and the board: a start-up at city scale is bound by the
// CPUs, not by one of them. A completed project and its board need share
// their texts (one read), so they are held once.
func (l *Live) read(ctx context.Context) (*built, error) {
	var (
		orgs          []Org
		projects      []Project
		needs         []Need
		eOrgs, eBoard error
		wg            sync.WaitGroup
	)
	wg.Go(func() { orgs, eOrgs = l.src.MatchOrganizations(ctx) })
	wg.Go(func() { needs, projects, eBoard = l.src.MatchBoard(ctx) })
	wg.Wait()
	switch {
	case eOrgs != nil:
		return nil, fmt.Errorf("match: reading organizations: %w", eOrgs)
	case eBoard != nil:
		return nil, fmt.Errorf("match: reading the board: %w", eBoard)
	}
	// Three tasks at once: the matcher (then the board's places, in the
	// order a sequential build adds them), the board's index, and the
	// Live's own maps (no serial tail after the indexes).
	b := &built{}
	var eM error
	wg.Go(func() {
		if b.Matcher, eM = newMatcher(l.a, orgs, projects, l.w, l.needs); eM != nil {
			return
		}
		for i := range needs {
			n := &needs[i]
			b.AddPlace(n.StreetID, n.StreetName, n.CommunityID, n.CommunityName)
		}
	})
	wg.Go(func() {
		docs := make([]search.Doc, len(needs))
		in := facetStrings{}
		for i := range needs {
			docs[i] = needDocIn(&needs[i], in)
		}
		eBoard = l.needs.Build(docs)
	})
	wg.Go(func() {
		b.orgs = make(map[string]*Org, len(orgs))
		for i := range orgs {
			b.orgs[orgs[i].ID] = &orgs[i]
		}
		b.projects, b.byOrg = make(map[string]*Project, len(projects)), map[string]map[string]*Project{}
		for i := range projects {
			putProject(b.projects, b.byOrg, &projects[i])
		}
		b.board = make(map[string]*Need, len(needs))
		for i := range needs {
			b.board[needs[i].ID] = &needs[i]
		}
	})
	wg.Wait()
	if eM != nil {
		return nil, eM
	}
	if eBoard != nil {
		return nil, eBoard
	}
	return b, nil
}

// Ready reports whether the first Build has finished.
func (l *Live) Ready() bool { return l.ready.Load() }

// BuiltAt returns when the last Build finished and how long it took.
func (l *Live) BuiltAt() (time.Time, time.Duration) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return l.builtAt, l.took
}

// Len returns how many organizations, projects and board needs are indexed.
func (l *Live) Len() (orgs, projects, needs int) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.orgs), len(l.projects), len(l.board)
}

// Matcher returns the current matcher (replaced by every Build).
func (l *Live) Matcher() *Matcher { return l.m.Load() }

// Apply re-reads the changed organizations and needs from the source and
// updates the indexes: a need is re-read both as a completed project and as
// a board need, and each is put or, when the source no longer has it,
// deleted. The store's change listener calls it after every commit.
func (l *Live) Apply(ctx context.Context, orgIDs, needIDs []string) error {
	var cs []change
	for _, id := range orgIDs {
		cs = append(cs, change{org: true, id: id})
	}
	for _, id := range needIDs {
		cs = append(cs, change{id: id})
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.building || !l.ready.Load() {
		l.pending = append(l.pending, cs...)
		return nil
	}
	return l.applyLocked(ctx, cs)
}

func (l *Live) applyLocked(ctx context.Context, cs []change) error {
	m := l.m.Load()
	var errList []error
	// Needs first: a project's change can move an organization's track record.
	for _, c := range cs {
		if c.org {
			continue
		}
		if err := l.applyNeed(ctx, m, c.id); err != nil {
			errList = append(errList, err)
		}
	}
	for _, c := range cs {
		if !c.org {
			continue
		}
		if err := l.applyOrg(ctx, m, c.id); err != nil {
			errList = append(errList, err)
		}
	}
	l.changed += len(cs)
	l.compactIfDrifted(m)
	if len(errList) > 0 {
		return fmt.Errorf("match: applying changes: %v", errList)
	}
	return nil
}

// compactMin is the fewest changes after which the indexes are compacted.
const compactMin = 64

// compactIfDrifted compacts the indexes once the changes applied since they
// were built or last compacted reach a tenth of what they hold (compactMin
// at least): an update leaves the replaced document in its segment, counted
// in the BM25 statistics, until the segment is rewritten, so a bulk of
// changes (one large transaction, the changes replayed after a Build) or a
// long trickle of them would let scores drift. A compaction rewrites each
// index (a tenth of the changes keeps its cost proportional to them);
// searches go on meanwhile, and the next Apply waits. l.wmu is held.
func (l *Live) compactIfDrifted(m *Matcher) {
	orgs, projects := m.Len()
	if l.changed < max(compactMin, (orgs+projects+l.needs.Len())/10) {
		return
	}
	m.Compact()
	l.needs.Compact()
	l.changed = 0
}

// IndexStats describes the organization, project and need indexes, for
// monitoring.
func (l *Live) IndexStats() (orgs, projects, needs search.Stats) {
	orgs, projects = l.m.Load().IndexStats()
	return orgs, projects, l.needs.Stats()
}

func (l *Live) applyOrg(ctx context.Context, m *Matcher, id string) error {
	o, err := l.src.MatchOrganization(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		m.DeleteOrg(id)
		l.mu.Lock()
		delete(l.orgs, id)
		l.mu.Unlock()
		return nil
	case err != nil:
		return err
	}
	if err := m.PutOrg(o); err != nil {
		return err
	}
	l.mu.Lock()
	l.orgs[id] = &o
	l.mu.Unlock()
	return nil
}

func (l *Live) applyNeed(ctx context.Context, m *Matcher, id string) error {
	p, err := l.src.MatchProject(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		m.DeleteProject(id)
		l.mu.Lock()
		l.deleteProjectLocked(id)
		l.mu.Unlock()
	case err != nil:
		return err
	default:
		if err := m.PutProject(p); err != nil {
			return err
		}
		l.mu.Lock()
		l.deleteProjectLocked(id)
		l.putProjectLocked(&p)
		l.mu.Unlock()
	}
	n, err := l.src.MatchNeed(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		l.needs.Delete(id)
		l.mu.Lock()
		delete(l.board, id)
		l.mu.Unlock()
		return nil
	case err != nil:
		return err
	}
	m.AddPlace(n.StreetID, n.StreetName, n.CommunityID, n.CommunityName)
	if err := l.needs.Put(needDoc(&n)); err != nil {
		return err
	}
	l.mu.Lock()
	l.board[id] = &n
	l.mu.Unlock()
	return nil
}

func (l *Live) putProjectLocked(p *Project) { putProject(l.projects, l.byOrg, p) }

// putProject records p in the Live's maps of projects.
func putProject(projects map[string]*Project, byOrg map[string]map[string]*Project, p *Project) {
	projects[p.ID] = p
	if byOrg[p.OrgID] == nil {
		byOrg[p.OrgID] = map[string]*Project{}
	}
	byOrg[p.OrgID][p.ID] = p
}

func (l *Live) deleteProjectLocked(id string) {
	if old := l.projects[id]; old != nil {
		delete(l.byOrg[old.OrgID], id)
		delete(l.projects, id)
	}
}

// needDoc is a need's search document. Places are facets, not text: a
// shared "社区" or street name says nothing about fit.
func needDoc(n *Need) search.Doc { return needDocIn(n, nil) }

// facetStrings hands out one string per facet (prefix, then value): a
// build's million documents share a few hundred facets instead of
// allocating each anew. Not safe for concurrent use.
type facetStrings map[string]map[string]string

// needDocIn is needDoc with the facets taken from in (nil: allocated).
func needDocIn(n *Need, in facetStrings) search.Doc {
	facet := func(prefix, v string) string {
		if in == nil {
			return prefix + v
		}
		m := in[prefix]
		if m == nil {
			m = map[string]string{}
			in[prefix] = m
		}
		f, ok := m[v]
		if !ok {
			f = prefix + v
			m[v] = f
		}
		return f
	}
	facets := []string{facet(FacetStatus, n.Status), facet(FacetStreet, n.StreetID)}
	if n.CommunityID != "" {
		facets = append(facets, facet(FacetCommunity, n.CommunityID))
	}
	if n.Category != "" {
		facets = append(facets, facet(FacetCategory, n.Category))
	}
	if n.Completed {
		facets = append(facets, FacetProject)
	}
	return search.Doc{ID: n.ID, Fields: textFields(n.Title, n.Description, n.Category), Facets: facets}
}

// needSchema is the need board's fields (textFields), which the matcher
// also searches for past projects: the title weighs twice the description,
// the category's name half of it (as much as the title, it moved project
// nDCG@5 by -0.007 on the development set and -0.008 on the held-out one;
// at half, +0.001 and -0.001, and organizations +0.003 held out).
func needSchema() search.Schema {
	return search.Schema{K1: 1.2, Fields: []search.Field{
		{Name: search.FieldTitle, Weight: 2, B: 0.5},
		{Name: search.FieldDescription, Weight: 1, B: 0.75},
		{Name: search.FieldTags, Weight: 0.5, B: 0.3},
	}}
}

// textFields are the searched fields of a need or project: its title, its
// description, and its category's name as a tag.
func textFields(title, description, category string) map[string]string {
	tags := ""
	if c := registry.CategoryByCode(category); c != nil {
		tags = c.Name
	}
	return map[string]string{search.FieldTitle: title, search.FieldDescription: description, search.FieldTags: tags}
}

// CheckText cleans the text of a match or search query: it trims it and
// refuses, as an invalid "text" field, an empty text, one longer than
// MaxTextRunes, one with control characters, and one with nothing to
// search for (only emoji, punctuation or stop words).
func (l *Live) CheckText(text string) (string, error) { return checkText(l.a, "text", text) }

// checkText is CheckText for the analyzer a, reporting errors on field.
func checkText(a *search.Analyzer, field, text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", errs.Field(field, "match.text_empty")
	case !utf8.ValidString(text):
		return "", errs.Field(field, "match.text_control")
	case utf8.RuneCountInString(text) > MaxTextRunes:
		return "", errs.Field(field, "match.text_too_long", MaxTextRunes)
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "", errs.Field(field, "match.text_control")
		}
	}
	if q := a.Query(text); q.Empty() || lettersOnly(q) {
		return "", errs.Field(field, "match.text_no_words")
	}
	return text, nil
}

// lettersOnly reports whether every term of q is a lone Latin letter or
// digit ("b", "e 3"): they match any "B区" or "3号楼" and say nothing of
// a need, so such a text gets the same answer as one of only punctuation
// (a tester's text=b listed a fire-safety team for its B区, no reason).
func lettersOnly(q search.Query) bool {
	for _, t := range q.Terms {
		if len(t.Text) != 1 || t.Text[0] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// clampLimit bounds a result count to [1, MaxLimit], DefaultLimit when zero.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// Result counts of the Live queries.
const (
	DefaultLimit = 10
	MaxLimit     = 50
)

// Organizations ranks organizations for q (see Matcher.Organizations).
func (l *Live) Organizations(ctx context.Context, q Query, limit int) ([]Result, error) {
	done, err := l.turn(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return l.m.Load().Organizations(ctx, q, clampLimit(limit))
}

// Projects ranks past completed projects for q (see Matcher.Projects).
func (l *Live) Projects(ctx context.Context, q Query, limit int) ([]Result, error) {
	done, err := l.turn(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return l.m.Load().Projects(ctx, q, clampLimit(limit))
}

// turn waits for a turn at l.Work (at once without one) and returns what
// ends it; a refusal is a Busy error with key match.busy.
func (l *Live) turn(ctx context.Context) (done func(), err error) {
	if l.Work == nil {
		return func() {}, nil
	}
	t, err := l.Work.Wait(ctx)
	if errs.Is(err, errs.Busy) {
		return nil, errs.E(errs.Busy, "match.busy")
	}
	if err != nil {
		return nil, err
	}
	return t.Done, nil
}

// Categorize guesses the category of a need's text (see Matcher.Categorize).
func (l *Live) Categorize(text string) (code string, confidence float64) {
	return l.m.Load().Categorize(text)
}

// Organization returns an indexed organization by id.
func (l *Live) Organization(id string) (Org, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	o := l.orgs[id]
	if o == nil {
		return Org{}, false
	}
	return *o, true
}

// SearchNeeds searches the needs on the public board for text, restricted
// to those carrying every facet (FacetStatus+"published" …), best first.
// Text is checked with CheckText.
func (l *Live) SearchNeeds(ctx context.Context, text string, facets []string, limit int) ([]NeedHit, error) {
	text, err := l.CheckText(text)
	if err != nil {
		return nil, err
	}
	return l.searchNeeds(l.a.Query(text), search.SearchOptions{K: clampLimit(limit), Facets: facets, Explain: true}), nil
}

// searchNeeds searches the board, with search.SearchOptions.Economy once it
// holds economyMin needs (a city's board: a long query's minor terms dropped).
func (l *Live) searchNeeds(q search.Query, o search.SearchOptions) []NeedHit {
	o.Economy = l.needs.Len() >= l.economyMin
	hits := l.needs.Search(q, o)
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]NeedHit, 0, len(hits))
	for _, h := range hits {
		n := l.board[h.ID]
		if n == nil {
			continue
		}
		out = append(out, NeedHit{Need: *n, Score: h.Score, Terms: hitTerms(h), matches: h.Matches})
	}
	return out
}

func hitTerms(h search.Hit) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range h.Matches {
		if !seen[m.Term] {
			seen[m.Term] = true
			out = append(out, m.Term)
		}
	}
	return out
}

// SearchOrganizations is the directory's search box: organizations ranked
// for text by the matcher, excluded ones included (the directory lists
// everyone; Result.Excluded says who is on a credit list).
func (l *Live) SearchOrganizations(ctx context.Context, text string, limit int) ([]Result, error) {
	text, err := l.CheckText(text)
	if err != nil {
		return nil, err
	}
	done, err := l.turn(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	rs, err := l.m.Load().Organizations(ctx, Query{Text: text, IncludeExcluded: true}, clampLimit(limit))
	if err != nil {
		return nil, err
	}
	return namesFirst(rs, text), nil
}

// namesFirst puts the organizations whose name contains the whole query
// first, shortest name first: someone who types an organization's name in
// the directory is looking for that organization, whatever its track record.
func namesFirst(rs []Result, text string) []Result {
	q := search.Normalize(strings.TrimSpace(text))
	if utf8.RuneCountInString(q) < 2 {
		return rs
	}
	contains := func(r Result) bool { return strings.Contains(search.Normalize(r.Name), q) }
	sort.SliceStable(rs, func(i, j int) bool {
		ci, cj := contains(rs[i]), contains(rs[j])
		if ci != cj {
			return ci
		}
		return ci && utf8.RuneCountInString(rs[i].Name) < utf8.RuneCountInString(rs[j].Name)
	})
	return rs
}

// RecommendNeeds is "为您推荐的需求": needs still taking proposals that the
// organization may answer (invited where the procedure requires it, and
// meeting the qualification rules), ranked by how well they fit its
// profile — domains, category, description and the titles of its past
// projects. An organization on a credit list gets none; an unknown one is
// not found.
func (l *Live) RecommendNeeds(ctx context.Context, orgID string, limit int) ([]NeedHit, error) {
	l.mu.RLock()
	o := l.orgs[orgID]
	var titles []string
	if o != nil {
		for _, p := range l.byOrg[orgID] {
			titles = append(titles, p.Title)
		}
	}
	l.mu.RUnlock()
	if o == nil {
		return nil, errs.E(errs.NotFound, "notfound.organization")
	}
	if o.Excluded != "" {
		return []NeedHit{}, nil
	}
	sort.Strings(titles)
	// Most telling first: the query is cut at search.MaxQueryRunes.
	parts := append([]string{}, o.Domains...)
	if c := registry.CategoryByCode(o.Category); c != nil {
		parts = append(parts, c.Name)
	}
	parts = append(parts, titles...)
	parts = append(parts, o.Description)
	// Where the organization works is not what it does: its own place
	// names (扎根回龙观地区) are left out of the text, as in a match query.
	q := l.m.Load().analyze(strings.Join(parts, "，"))
	if q.Empty() {
		return []NeedHit{}, nil
	}
	now := l.Now()
	limit = clampLimit(limit)
	accept := func(id string) bool {
		l.mu.RLock()
		n := l.board[id]
		l.mu.RUnlock()
		return n != nil && n.TakesProposals(now) && n.Admits(o)
	}
	// A wider net, then the organization's own category first among
	// comparable fits.
	hits := l.searchNeeds(q, search.SearchOptions{K: limit * 3, Facets: []string{FacetStatus + "published"},
		Accept: accept, Explain: true})
	if len(hits) == 0 {
		return hits, nil
	}
	// One shared term alone (社区, 服务) is chance, not fit, unless the
	// categories agree.
	hits = slices.DeleteFunc(hits, func(h NeedHit) bool {
		return len(h.Terms) < 2 && (o.Category == "" || h.Category != o.Category)
	})
	if len(hits) == 0 {
		return hits, nil
	}
	top := hits[0].Score
	for i := range hits {
		if o.Category != "" && hits[i].Category == o.Category {
			hits[i].Score += 0.3 * top
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	words := wordSet(q)
	for i := range hits {
		terms := reasonWords(search.Hit{Matches: hits[i].matches}, words)
		for _, t := range terms {
			hits[i].Words = append(hits[i].Words, t.text)
		}
		hits[i].Reasons = needReasons(o, &hits[i], terms)
	}
	return hits, nil
}

// needReasons says why a need suits an organization: an invitation, the
// words of its profile the need's text matched (whole words; a thesaurus
// term says which word of the profile it stands for), the category, the
// place.
func needReasons(o *Org, h *NeedHit, terms []wordTerm) []string {
	var rs []string
	if h.Procedure != "" && h.Procedure != "open" && slices.Contains(h.InvitedOrgIDs, o.ID) {
		rs = append(rs, "已邀请贵机构")
	}
	if len(terms) > 0 {
		rs = append(rs, "需求提到："+joinWords(terms))
	}
	if h.Category != "" && h.Category == o.Category {
		rs = append(rs, "服务类别一致："+categoryName(h.Category))
	}
	switch {
	case o.CommunityID != "" && h.CommunityID == o.CommunityID:
		rs = append(rs, "同一社区："+h.CommunityName)
	case o.StreetID != "" && h.StreetID == o.StreetID:
		rs = append(rs, "同一街道："+h.StreetName)
	}
	return rs
}
