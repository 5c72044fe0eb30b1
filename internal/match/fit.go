package match

import (
	"sync"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
)

// The text fit re-weighs what the index matched (search.Hit.Matches: every
// query term's BM25F contribution to the document) in two ways the index's
// plain sum cannot:
//
//   - who versus what: a term that names a population (老人, 孩子 and their
//     thesaurus groups, from registry.Category.People) says whom a need is
//     for, not what it asks; every elder or children's organization names its
//     population many times, so at full weight those words outvote what is
//     asked for (睡不着, 没意思). They weigh Weights.PeopleWeight.
//   - one typed word, one vote: the thesaurus synonyms of one typed term are
//     alternatives, not separate evidence, so per typed term (Match.Source)
//     the best synonym counts whole and the others Weights.SynonymRest of
//     theirs (1 is the index's sum).

// populations caches the population terms of one thesaurus.
type populations struct {
	mu    sync.Mutex
	th    *search.Thesaurus
	terms map[string]bool
}

// of returns the population terms of th: the registry's People keywords and
// every term of a thesaurus group that contains one of them.
func (p *populations) of(th *search.Thesaurus) map[string]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.th == th && p.terms != nil {
		return p.terms
	}
	people := map[string]bool{}
	for _, c := range registry.Categories {
		for _, k := range c.People {
			people[search.Normalize(k)] = true
		}
	}
	terms := map[string]bool{}
	for k := range people {
		terms[k] = true
	}
	for _, g := range th.Groups() {
		hit := false
		for _, t := range g {
			if people[t] {
				hit = true
				break
			}
		}
		if hit {
			for _, t := range g {
				terms[t] = true
			}
		}
	}
	p.th, p.terms = th, terms
	return terms
}

// fit is a document's text score recomputed from its matches.
func (m *Matcher) fit(h search.Hit, pop map[string]bool) float64 {
	w := m.w
	var s float64
	type group struct{ best, sum float64 }
	var syn map[string]*group
	for _, mt := range h.Matches {
		c := mt.Score
		if pop[mt.Term] || (mt.Kind == search.KindSynonym && pop[mt.Source]) {
			c *= w.PeopleWeight
		}
		if mt.Kind != search.KindSynonym || w.SynonymRest >= 1 {
			s += c
			continue
		}
		if syn == nil {
			syn = map[string]*group{}
		}
		g := syn[mt.Source]
		if g == nil {
			g = &group{}
			syn[mt.Source] = g
		}
		g.best = max(g.best, c)
		g.sum += c
	}
	for _, g := range syn {
		s += g.best + w.SynonymRest*(g.sum-g.best)
	}
	return s
}

// fits scores the hits by fit and normalizes by the best.
func (m *Matcher) fits(hits []search.Hit, pop map[string]bool) (map[string]float64, map[string]search.Hit) {
	text, byID := make(map[string]float64, len(hits)), make(map[string]search.Hit, len(hits))
	best := 0.0
	for _, h := range hits {
		f := m.fit(h, pop)
		text[h.ID] = f
		byID[h.ID] = h
		best = max(best, f)
	}
	for id, f := range text {
		if best > 0 {
			text[id] = f / best
		} else {
			text[id] = 0
		}
	}
	return text, byID
}
