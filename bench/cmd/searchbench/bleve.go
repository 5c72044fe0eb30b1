package main

import (
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/huitian/huitian/bench/internal/corpus"
)

// bleveEngine is bleve v2 with its default (scorch) index on disk, its CJK
// analyzer (bigrams, width folding, lower case) and BM25 scoring, fields
// indexed without stored values, term vectors or the composite _all field,
// which the queries do not use.
type bleveEngine struct {
	path   string
	idx    bleve.Index
	settle time.Duration
}

func (*bleveEngine) name() string { return "bleve" }

type bleveDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Tags        string `json:"tags"`
}

const bleveBatch = 5000

func (b *bleveEngine) index(docs []corpus.Doc) (time.Duration, error) {
	os.RemoveAll(b.path)
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = cjk.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	dm := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"title", "description", "tags"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = cjk.AnalyzerName
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		dm.AddFieldMappingsAt(name, fm)
	}
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	t0 := time.Now()
	idx, err := bleve.New(b.path, im)
	if err != nil {
		return 0, err
	}
	b.idx = idx
	batch := idx.NewBatch()
	for i, d := range docs {
		if err := batch.Index(d.ID, bleveDoc{d.Title, d.Description, d.Tags}); err != nil {
			return 0, err
		}
		if batch.Size() == bleveBatch || i == len(docs)-1 {
			if err := idx.Batch(batch); err != nil {
				return 0, err
			}
			batch.Reset()
		}
	}
	took := time.Since(t0)
	// Let scorch persist and merge what it has in the background, so queries
	// are timed on a settled index rather than beside its merges.
	t1 := time.Now()
	for time.Since(t1) < 15*time.Minute {
		m, _ := idx.StatsMap()["index"].(map[string]any)
		if active, ok := m["index_bgthreads_active"].(bool); ok && !active {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.settle = time.Since(t1)
	m, _ := idx.StatsMap()["index"].(map[string]any)
	fmt.Printf("bleve  batches %v; background persist/merge settled in %v; %v file segments, %v MB on disk\n",
		took.Round(time.Millisecond), b.settle.Round(time.Millisecond), m["num_root_filesegments"], toMB(m["num_bytes_used_disk"]))
	return took, nil
}

func toMB(v any) string {
	if n, ok := v.(uint64); ok {
		return fmt.Sprintf("%.1f", float64(n)/(1<<20))
	}
	return "?"
}

// search asks each field with bleve's match query (analyzed by the field's
// CJK analyzer, terms ORed), boosted by our schema's field weights.
func (b *bleveEngine) search(q string) ([]string, error) {
	var qs []query.Query
	for _, f := range []struct {
		name  string
		boost float64
	}{{"title", 3}, {"description", 1}, {"tags", 2}} {
		mq := bleve.NewMatchQuery(q)
		mq.SetField(f.name)
		mq.SetBoost(f.boost)
		qs = append(qs, mq)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), k, 0, false)
	res, err := b.idx.Search(req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func (b *bleveEngine) close() {
	if b.idx != nil {
		b.idx.Close()
	}
	os.RemoveAll(b.path)
}
