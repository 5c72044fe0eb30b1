package search

import (
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Doc is a document to index: an organization, a past project, a need.
type Doc struct {
	ID string // the caller's identifier (a database id); unique in the index
	// Fields maps schema field names to text. Missing fields are empty.
	Fields map[string]string
	// Facets are exact labels for filtering, not searched as text:
	// "kind:org", "street:<id>", "community:<id>".
	Facets []string
}

const (
	maxIDBytes    = 256
	maxFacetBytes = 256
	maxFacets     = 32
	mergeFactor   = 8 // merge this many segments of one size tier into one
)

// Index is an in-memory inverted index. It is a cache of the database: build
// it from the database at start-up (Build) and apply each committed change
// (Put, Delete).
//
// Concurrency: searches never lock. Every published state is an immutable
// snapshot (segments, which never change once built, plus copy-on-write
// deletion bitsets) behind an atomic pointer; a search works on the snapshot
// it loaded, whatever writers do meanwhile. Writers are serialized by a mutex;
// a write analyzes its documents and builds their segment before taking it,
// then marks replaced documents deleted in fresh bitsets, merges small
// segments (tiers of mergeFactor) and publishes a new snapshot. A writer that
// triggers a large merge holds the others back for its duration; searches go
// on.
//
// Scores use statistics over all documents physically present, including
// replaced or deleted ones whose segment has not been rewritten yet (as
// Lucene does); a segment is rewritten once half its documents are gone, so
// the drift stays small.
type Index struct {
	a        *Analyzer
	schema   Schema
	fieldIdx map[string]int
	fp       fieldParams
	// parallelMin is parallelMinPostings; tests lower it.
	parallelMin int
	// economyTerms is EconomyTerms; tests lower it.
	economyTerms int

	snap atomic.Pointer[snapshot]

	mu    sync.Mutex
	where map[string]docRef // writers only, under mu
}

type docRef struct {
	seg *segment
	ord uint32
}

// snapshot is one published state of the index. Nothing in it changes.
type snapshot struct {
	segs   []*segment
	dels   []bitset // parallel to segs; nil when the segment has none
	ndel   []int
	maxDoc int // documents in segments, deleted included
	live   int
	sumLen [MaxFields]uint64

	tablesOnce sync.Once
	tables     *normTables
	segTables  []*codeTables // parallel to segs
}

// normTables returns the snapshot's normalization tables, and its segments'
// by length code, computing them with sc (whose constants are the
// snapshot's) on first use.
func (sn *snapshot) normTables(sc *scorer) (*normTables, []*codeTables) {
	sn.tablesOnce.Do(func() {
		sn.tables = newNormTables(sc)
		own := *sc
		own.useTables(sn.tables)
		sn.segTables = make([]*codeTables, len(sn.segs))
		for i, s := range sn.segs {
			sn.segTables[i] = newCodeTables(&own, &s.lens)
		}
	})
	return sn.tables, sn.segTables
}

// NewIndex returns an empty index over the schema's fields.
func NewIndex(a *Analyzer, s Schema) (*Index, error) {
	if a == nil {
		return nil, fmt.Errorf("search: nil analyzer")
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	s.Fields = slices.Clone(s.Fields)
	ix := &Index{a: a, schema: s, fieldIdx: map[string]int{}, where: map[string]docRef{}, parallelMin: parallelMinPostings, economyTerms: EconomyTerms}
	for i, f := range s.Fields {
		ix.fieldIdx[f.Name] = i
	}
	ix.fp = newFieldParams(s)
	ix.snap.Store(newSnapshot(nil, nil))
	return ix, nil
}

// Analyzer returns the index's analyzer (queries must use the same one).
func (ix *Index) Analyzer() *Analyzer { return ix.a }

// Schema returns the index's schema.
func (ix *Index) Schema() Schema {
	s := ix.schema
	s.Fields = slices.Clone(s.Fields)
	return s
}

// Len returns the number of live documents.
func (ix *Index) Len() int { return ix.snap.Load().live }

func newSnapshot(segs []*segment, dels []bitset) *snapshot {
	sn := &snapshot{segs: segs, dels: dels, ndel: make([]int, len(segs))}
	for i, s := range segs {
		sn.maxDoc += s.n
		for f := range sn.sumLen {
			sn.sumLen[f] += s.sumLen[f]
		}
		if dels[i] != nil {
			for _, w := range dels[i] {
				sn.ndel[i] += bits.OnesCount64(w)
			}
		}
		sn.live += s.n - sn.ndel[i]
	}
	return sn
}

func (ix *Index) validate(d *Doc) error {
	if d.ID == "" || len(d.ID) > maxIDBytes {
		return fmt.Errorf("search: document id must be 1 to %d bytes", maxIDBytes)
	}
	for name := range d.Fields {
		if _, ok := ix.fieldIdx[name]; !ok {
			return fmt.Errorf("search: document %s: unknown field %q", d.ID, name)
		}
	}
	if len(d.Facets) > maxFacets {
		return fmt.Errorf("search: document %s: more than %d facets", d.ID, maxFacets)
	}
	for _, f := range d.Facets {
		if f == "" || len(f) > maxFacetBytes {
			return fmt.Errorf("search: document %s: facet must be 1 to %d bytes", d.ID, maxFacetBytes)
		}
	}
	return nil
}

// analyzeInto analyzes d and adds it to b.
func (ix *Index) analyzeInto(b *segBuilder, d *Doc, ft *fieldTokens, lens []uint16) {
	ft.reset()
	clear(lens)
	for name, text := range d.Fields {
		f := ix.fieldIdx[name]
		n := ix.a.analyzeField(text, uint8(f), ft)
		lens[f] = uint16(min(n, maxLen))
	}
	facets := d.Facets
	if len(facets) > 1 {
		facets = slices.Clone(facets)
		slices.Sort(facets)
	}
	b.addAnalyzed(d.ID, ft, lens, facets)
}

// buildSegments analyzes docs and builds segments, in parallel for large
// inputs: one contiguous chunk per CPU.
func (ix *Index) buildSegments(docs []Doc) []*segment {
	if len(docs) == 0 {
		return nil
	}
	chunks := 1
	if len(docs) >= 4096 {
		chunks = min(runtime.GOMAXPROCS(0), len(docs)/2048)
	}
	segs := make([]*segment, chunks)
	var wg sync.WaitGroup
	per := (len(docs) + chunks - 1) / chunks
	for c := 0; c < chunks; c++ {
		lo, hi := c*per, min((c+1)*per, len(docs))
		wg.Go(func() {
			nf := len(ix.schema.Fields)
			b := newSegBuilder(&ix.fp)
			var ft fieldTokens
			lens := make([]uint16, nf)
			for i := lo; i < hi; i++ {
				ix.analyzeInto(b, &docs[i], &ft, lens)
			}
			segs[c] = b.finish()
		})
	}
	wg.Wait()
	return segs
}

// Build replaces the whole content of the index with docs (the rebuild from
// the database at start-up). When an id repeats, the last document wins.
// Analysis runs on all CPUs. Writers wait for it; searches see the old content
// until it is done.
func (ix *Index) Build(docs []Doc) error {
	for i := range docs {
		if err := ix.validate(&docs[i]); err != nil {
			return err
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	segs := ix.buildSegments(docs)
	dels := make([]bitset, len(segs))
	where := make(map[string]docRef, len(docs))
	for _, s := range segs {
		for d, id := range s.ids {
			if old, ok := where[id]; ok {
				markDeleted(segs, dels, old)
			}
			where[id] = docRef{s, uint32(d)}
		}
	}
	ix.where = where
	ix.publish(segs, dels)
	return nil
}

// markDeleted sets ref's bit in dels, which must be this write's own copy.
func markDeleted(segs []*segment, dels []bitset, ref docRef) {
	i := slices.Index(segs, ref.seg)
	if dels[i] == nil {
		dels[i] = newBitset(ref.seg.n)
	}
	dels[i].set(ref.ord)
}

// Put adds documents or replaces those with the same ids (an update is a
// Put). Within one call the last document with an id wins.
func (ix *Index) Put(docs ...Doc) error {
	if len(docs) == 0 {
		return nil
	}
	last := make(map[string]int, len(docs))
	for i := range docs {
		if err := ix.validate(&docs[i]); err != nil {
			return err
		}
		last[docs[i].ID] = i
	}
	if len(last) < len(docs) {
		kept := make([]Doc, 0, len(last))
		for i := range docs {
			if last[docs[i].ID] == i {
				kept = append(kept, docs[i])
			}
		}
		docs = kept
	}
	newSegs := ix.buildSegments(docs)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.snap.Load()
	segs := append(slices.Clone(cur.segs), newSegs...)
	dels := append(slices.Clone(cur.dels), make([]bitset, len(newSegs))...)
	owned := make([]bool, len(segs))
	for _, s := range newSegs {
		for d, id := range s.ids {
			if old, ok := ix.where[id]; ok {
				markDeletedCOW(segs, dels, owned, old)
			}
			ix.where[id] = docRef{s, uint32(d)}
		}
	}
	segs, dels = ix.maintain(segs, dels)
	ix.publish(segs, dels)
	return nil
}

// Delete removes documents by id and returns how many were present.
func (ix *Index) Delete(ids ...string) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.snap.Load()
	segs := slices.Clone(cur.segs)
	dels := slices.Clone(cur.dels)
	owned := make([]bool, len(segs))
	n := 0
	for _, id := range ids {
		old, ok := ix.where[id]
		if !ok {
			continue
		}
		markDeletedCOW(segs, dels, owned, old)
		delete(ix.where, id)
		n++
	}
	if n > 0 {
		segs, dels = ix.maintain(segs, dels)
		ix.publish(segs, dels)
	}
	return n
}

// markDeletedCOW marks ref deleted in dels. The bitsets may be shared with
// the published snapshot, so the first change a write makes to a segment's
// bitset goes to a copy (owned tracks which are this write's own).
func markDeletedCOW(segs []*segment, dels []bitset, owned []bool, ref docRef) {
	i := slices.Index(segs, ref.seg)
	if !owned[i] {
		if dels[i] == nil {
			dels[i] = newBitset(ref.seg.n)
		} else {
			dels[i] = slices.Clone(dels[i])
		}
		owned[i] = true
	}
	dels[i].set(ref.ord)
}

// maintain drops empty segments, rewrites segments that lost half their
// documents, and merges mergeFactor segments of one size tier into one (so a
// stream of single-document writes leaves O(log n) segments).
func (ix *Index) maintain(segs []*segment, dels []bitset) ([]*segment, []bitset) {
	live := func(i int) int {
		n := segs[i].n
		if dels[i] != nil {
			for _, w := range dels[i] {
				n -= bits.OnesCount64(w)
			}
		}
		return n
	}
	for i := 0; i < len(segs); i++ {
		l := live(i)
		switch {
		case l == 0:
			segs = slices.Delete(segs, i, i+1)
			dels = slices.Delete(dels, i, i+1)
			i--
		case 2*l < segs[i].n:
			segs, dels = ix.replace(segs, dels, i, i+1, mergeSegments(&ix.fp, segs[i:i+1], dels[i:i+1]))
		}
	}
	for {
		m := len(segs)
		if m < mergeFactor {
			break
		}
		t := tier(live(m - 1))
		j := m - 1
		for j > 0 && tier(live(j-1)) <= t {
			j--
		}
		if m-j < mergeFactor {
			break
		}
		merged := mergeSegments(&ix.fp, segs[j:m], dels[j:m])
		segs, dels = ix.replace(segs, dels, j, m, merged)
	}
	return segs, dels
}

// replace puts merged in place of segs[i:j], updating the writers' id map.
func (ix *Index) replace(segs []*segment, dels []bitset, i, j int, merged *segment) ([]*segment, []bitset) {
	for d, id := range merged.ids {
		ix.where[id] = docRef{merged, uint32(d)}
	}
	segs = slices.Replace(segs, i, j, merged)
	dels = slices.Replace(dels, i, j, nil)
	return segs, dels
}

// Compact rewrites the index into one segment without deleted documents, so
// its statistics are exact again (after a bulk of updates). Writers wait for
// it; searches go on.
func (ix *Index) Compact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.snap.Load()
	if len(cur.segs) == 0 || len(cur.segs) == 1 && cur.ndel[0] == 0 {
		return
	}
	merged := mergeSegments(&ix.fp, cur.segs, cur.dels)
	if merged.n == 0 {
		ix.publish(nil, nil)
		return
	}
	segs, dels := ix.replace(slices.Clone(cur.segs), slices.Clone(cur.dels), 0, len(cur.segs), merged)
	ix.publish(segs, dels)
}

// tier groups segment sizes by powers of mergeFactor.
func tier(n int) int {
	t := 0
	for n >= mergeFactor {
		n /= mergeFactor
		t++
	}
	return t
}

func (ix *Index) publish(segs []*segment, dels []bitset) {
	ix.snap.Store(newSnapshot(segs, dels))
}

// Stats describes the index for monitoring and benchmarks.
type Stats struct {
	Docs         int   // live documents
	Deleted      int   // deleted documents still in segments
	Segments     int   //
	Terms        int   // distinct terms summed over segments
	PostingBytes int64 // postings, skips and bounds
}

// Stats returns the current figures.
func (ix *Index) Stats() Stats {
	sn := ix.snap.Load()
	st := Stats{Docs: sn.live, Deleted: sn.maxDoc - sn.live, Segments: len(sn.segs)}
	for _, s := range sn.segs {
		st.Terms += len(s.terms)
		st.PostingBytes += int64(len(s.data)) + 4*int64(len(s.skips)+len(s.fronts)+len(s.bmax))
	}
	return st
}
