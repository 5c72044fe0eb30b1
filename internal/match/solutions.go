package match

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
)

// SolutionDoc is a listed solution (同款方案: published, not archived or
// merged) as the catalog's search box sees its current published version.
type SolutionDoc struct {
	ID         string
	Title      string
	Problem    string
	Summary    string
	Category   string // taxonomy code
	Tags       []string
	Population []string // whom it suits
	Steps      []string // step titles, in order
	Providers  []string // organization names
}

// SolutionSource is where Solutions reads what it indexes: the store
// satisfies it. MatchSolution returns an error for which
// errs.Is(err, errs.NotFound) holds when the solution is gone or no longer
// listed.
type SolutionSource interface {
	MatchSolutions(ctx context.Context) ([]SolutionDoc, error)
	MatchSolution(ctx context.Context, id string) (SolutionDoc, error)
}

// SolutionHit is one solution found by Solutions.Search.
type SolutionHit struct {
	SolutionDoc
	Score float64
	// Terms are the query terms that matched (normalized), for highlighting.
	Terms []string
}

// Solutions is the live search index of the solution catalog: built from
// the database at start-up (Build) and kept current by Apply, which the
// store's change listener calls with the ids of changed solutions. It
// searches everyday Chinese with the matcher's analyzer (thesaurus,
// segmenter), so "老人吃饭难" finds a 助餐 solution. Safe for concurrent use.
type Solutions struct {
	src SolutionSource
	a   *search.Analyzer
	ix  *search.Index

	wmu      sync.Mutex // serializes Build and Apply
	building bool
	pending  []string

	mu   sync.RWMutex
	docs map[string]*SolutionDoc

	ready atomic.Bool
}

// NewSolutions returns an empty index reading from src; it is not Ready
// until Build, and an Apply before that is replayed after the build.
func NewSolutions(src SolutionSource, a *search.Analyzer) (*Solutions, error) {
	ix, err := search.NewIndex(a, search.DefaultSchema())
	if err != nil {
		return nil, err
	}
	return &Solutions{src: src, a: a, ix: ix, docs: map[string]*SolutionDoc{}}, nil
}

// Build reads every listed solution and replaces the index with them, then
// applies the changes heard meanwhile.
func (s *Solutions) Build(ctx context.Context) error {
	s.wmu.Lock()
	if s.building {
		s.wmu.Unlock()
		return fmt.Errorf("match: a solutions build is already running")
	}
	s.building = true
	s.wmu.Unlock()
	list, err := s.src.MatchSolutions(ctx)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.building = false
	if err != nil {
		return fmt.Errorf("match: reading solutions: %w", err)
	}
	docs := make([]search.Doc, len(list))
	byID := make(map[string]*SolutionDoc, len(list))
	for i := range list {
		docs[i] = solutionDoc(&list[i])
		byID[list[i].ID] = &list[i]
	}
	if err := s.ix.Build(docs); err != nil {
		return err
	}
	s.mu.Lock()
	s.docs = byID
	s.mu.Unlock()
	s.ready.Store(true)
	pending := s.pending
	s.pending = nil
	return s.applyLocked(ctx, pending)
}

// Apply re-reads the solutions with these ids and puts or deletes each.
func (s *Solutions) Apply(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.building {
		s.pending = append(s.pending, ids...)
		return nil
	}
	return s.applyLocked(ctx, ids)
}

func (s *Solutions) applyLocked(ctx context.Context, ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		d, err := s.src.MatchSolution(ctx, id)
		switch {
		case errs.Is(err, errs.NotFound):
			s.ix.Delete(id)
			s.mu.Lock()
			delete(s.docs, id)
			s.mu.Unlock()
		case err != nil:
			return fmt.Errorf("match: reading solution %s: %w", id, err)
		default:
			if err := s.ix.Put(solutionDoc(&d)); err != nil {
				return err
			}
			s.mu.Lock()
			s.docs[id] = &d
			s.mu.Unlock()
		}
	}
	return nil
}

// solutionDoc is what is searched: the title; tags, category name,
// population and providers as tags; problem, summary and steps as text.
func solutionDoc(d *SolutionDoc) search.Doc {
	tags := append([]string(nil), d.Tags...)
	if c := registry.CategoryByCode(d.Category); c != nil {
		tags = append(tags, c.Name)
	}
	tags = append(tags, d.Population...)
	tags = append(tags, d.Providers...)
	desc := d.Problem + "\n" + d.Summary + "\n" + strings.Join(d.Steps, "\n")
	return search.Doc{ID: d.ID, Fields: map[string]string{search.FieldTitle: d.Title,
		search.FieldTags: strings.Join(tags, " "), search.FieldDescription: desc},
		Facets: []string{FacetCategory + d.Category}}
}

// Ready reports whether the first Build has finished.
func (s *Solutions) Ready() bool { return s.ready.Load() }

// Len returns how many solutions are indexed.
func (s *Solutions) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.docs)
}

// Has reports whether a solution is indexed (listed).
func (s *Solutions) Has(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.docs[id] != nil
}

// CheckText validates a search text as Live.CheckText does, reporting
// errors on the "q" field.
func (s *Solutions) CheckText(text string) (string, error) { return checkText(s.a, "q", text) }

// Search ranks listed solutions for text, best first: at most limit
// (DefaultLimit when zero or less, search.MaxK at most, so a catalog can
// page through a whole ranking); category, when set, keeps one taxonomy
// code. A text CheckText refuses is an Invalid error on field "q".
func (s *Solutions) Search(ctx context.Context, text, category string, limit int) ([]SolutionHit, error) {
	text, err := s.CheckText(text)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, search.MaxK)
	// A large index is searched economically, as the need board is.
	o := search.SearchOptions{K: limit, Explain: true, Economy: s.ix.Len() >= search.EconomyMinDocs}
	if category != "" {
		o.Facets = []string{FacetCategory + category}
	}
	hits := s.ix.Search(s.a.Query(text), o)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]SolutionHit, 0, len(hits))
	for _, h := range hits {
		d := s.docs[h.ID]
		if d == nil {
			continue
		}
		out = append(out, SolutionHit{SolutionDoc: *d, Score: h.Score, Terms: hitTerms(h)})
	}
	return out, nil
}
