package cli

import (
	"context"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/search/gseseg"
	"github.com/huitian/huitian/internal/store"
)

// segmenter loads gse's dictionary once per process (about 1.5 s and 135 MB):
// every server and test in the process shares it.
var segmenter = sync.OnceValues(gseseg.New)

// newAnalyzer is huitian eval's analyzer, the same as the matcher's and the
// search boxes' (thesaurus.analyzer: the same options and segmenter, its
// dictionary loaded later), so the API ranks as the evaluation measured.
func newAnalyzer() (*search.Analyzer, error) {
	seg, err := segmenter()
	if err != nil {
		return nil, err
	}
	return search.NewAnalyzer(search.Options{Segmenter: seg}), nil
}

// rebuildAbove is how many changes of one transaction make the listener
// rebuild the whole index (two reads of the database) instead of re-reading
// each object (two small queries each).
const rebuildAbove = 2000

// newLive returns the live matcher over s, registered as s's change listener
// so every committed change reaches it before the writing call returns.
// It is empty until buildLive. Its analyzer reads th.
func newLive(s *store.Store, th *thesaurus, log *slog.Logger) (*match.Live, error) {
	a, err := th.analyzer()
	if err != nil {
		return nil, err
	}
	live, err := match.NewLive(s, a, match.DefaultWeights())
	if err != nil {
		return nil, err
	}
	// Needs saved without a category get the matcher's guess: the same
	// thesaurus-aware reading of the text that ranks organizations for them.
	s.Categorize = func(text string) (string, int) {
		code, conf := live.Categorize(text)
		return code, int(conf*100 + 0.5)
	}
	s.OnChange(func(ctx context.Context, changes []store.Change) {
		var orgs, needs []string
		everything := false
		for _, c := range changes {
			switch c.Kind {
			case store.ChangeOrganization:
				orgs = append(orgs, c.ID)
			case store.ChangeNeed:
				needs = append(needs, c.ID)
			case store.ChangeEverything: // another node's bulk import
				everything = true
			}
		}
		if everything && live.Ready() && live.Build(ctx) == nil {
			return
		}
		// The change is committed whatever happens here; a failure leaves
		// the index behind until the next change of the object or restart.
		// A bulk import is cheaper to rebuild than to apply row by row.
		// (While a build runs, Apply queues the changes for it instead.)
		if len(orgs)+len(needs) > rebuildAbove && live.Ready() && live.Build(ctx) == nil {
			return
		}
		if err := live.Apply(ctx, orgs, needs); err != nil {
			log.ErrorContext(ctx, "匹配索引更新失败 / match index update failed", "err", err)
		}
	})
	return live, nil
}

// buildLive reads the database into live and logs the figures.
func buildLive(ctx context.Context, live *match.Live, log *slog.Logger) error {
	if err := live.Build(ctx); err != nil {
		log.Error("匹配索引建立失败 / match index build failed", "err", err)
		return err
	}
	orgs, projects, needs := live.Len()
	_, took := live.BuiltAt()
	log.Info("匹配索引就绪", "orgs", orgs, "projects", projects, "needs", needs, "took", took.Round(time.Millisecond))
	if _, err := segmenter(); err != nil {
		log.Error("分词词典加载失败，查询不分词 / segmenter dictionary failed to load, queries are not segmented", "err", err)
	}
	// The build's garbage (rows, documents, postings buffers) is about as
	// large as what it keeps: give it back to the system now rather than
	// over the next minutes (a city-scale node holds gigabytes more).
	debug.FreeOSMemory()
	return nil
}

// thesaurus is the governance thesaurus of a running server: the version
// admins last saved (the shipped one when none), shared by the analyzers of
// the matcher and of the solution catalog. Apply replaces it when an admin
// saves another; it is what web.Deps.Thesaurus holds.
type thesaurus struct {
	log       *slog.Logger
	mu        sync.Mutex
	cur       *search.Thesaurus
	analyzers []*search.Analyzer
	live      *match.Live
	sols      *match.Solutions
	// A save while the indexes rebuild asks for one more rebuild after it
	// (Live.Build refuses to run twice at once), so the last save wins.
	rebuilding, again bool
	rebuilt           func() // tests: called when a rebuild has finished
}

// loadThesaurus reads the current thesaurus from s. A stored text that no
// longer parses (a newer rule in the parser) falls back to the shipped one
// with an error in the log: search must not stop over the synonym list.
func loadThesaurus(ctx context.Context, s *store.Store, log *slog.Logger) (*thesaurus, error) {
	th := &thesaurus{log: log, cur: search.DefaultThesaurus()}
	text, v, ok, err := s.CurrentThesaurus(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return th, nil
	}
	t, err := search.ParseThesaurus(strings.NewReader(text))
	if err != nil {
		log.Error("同义词表无法解析，改用默认 / stored thesaurus does not parse, using the default", "version", v.ID, "err", err)
		return th, nil
	}
	th.cur = t
	return th, nil
}

// lateSegmenter is the segmenter of a server's analyzers: gse's dictionary
// loads in the background, beside the database reads of the start-up
// rebuild (indexing never cuts, only queries do), instead of before them on
// the way to ready. A query that comes earlier waits for it. The dictionary
// is embedded: should it ever fail to load, buildLive logs why and queries
// go on without word boundaries (bigrams still find every word).
type lateSegmenter struct{}

func (lateSegmenter) Cut(run string) []string {
	seg, err := segmenter()
	if err != nil {
		return []string{run}
	}
	return seg.Cut(run)
}

// analyzer returns a new analyzer on the current thesaurus that later
// Applies reach. Its segmenter's dictionary starts loading now and is ready
// long before the indexes are (see lateSegmenter).
func (th *thesaurus) analyzer() (*search.Analyzer, error) {
	go segmenter()
	a := search.NewAnalyzer(search.Options{Segmenter: lateSegmenter{}})
	th.mu.Lock()
	defer th.mu.Unlock()
	a.SetThesaurus(th.cur)
	th.analyzers = append(th.analyzers, a)
	return a, nil
}

// serve names the indexes Apply rebuilds.
func (th *thesaurus) serve(live *match.Live, sols *match.Solutions) {
	th.mu.Lock()
	defer th.mu.Unlock()
	th.live, th.sols = live, sols
}

// Apply makes text (saved already) the thesaurus of every analyzer: queries
// expand with it at once. The indexes, which hold the thesaurus's long terms
// as words, are rebuilt in the background; the old ones answer until the new
// ones replace them.
func (th *thesaurus) Apply(ctx context.Context, text string) error {
	t, err := search.ParseThesaurus(strings.NewReader(text))
	if err != nil {
		return err
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	th.cur = t
	for _, a := range th.analyzers {
		a.SetThesaurus(t)
	}
	if th.rebuilding {
		th.again = true
		return nil
	}
	th.rebuilding = true
	go th.rebuild(context.WithoutCancel(ctx))
	return nil
}

func (th *thesaurus) rebuild(ctx context.Context) {
	for {
		th.mu.Lock()
		live, sols := th.live, th.sols
		th.mu.Unlock()
		start := time.Now()
		if live != nil {
			if err := live.Build(ctx); err != nil {
				th.log.Error("同义词表更新后匹配索引重建失败 / match index rebuild after a thesaurus change failed", "err", err)
			}
		}
		if sols != nil {
			if err := sols.Build(ctx); err != nil {
				th.log.Error("同义词表更新后方案索引重建失败 / solution index rebuild after a thesaurus change failed", "err", err)
			}
		}
		th.mu.Lock()
		if !th.again {
			th.rebuilding = false
			done := th.rebuilt
			th.mu.Unlock()
			th.log.Info("同义词表已生效，索引已重建", "took", time.Since(start).Round(time.Millisecond))
			if done != nil {
				done()
			}
			return
		}
		th.again = false
		th.mu.Unlock()
	}
}

// Analyze analyzes sentence as a search query with text as the thesaurus,
// applying nothing: the admin page's trial box.
func (th *thesaurus) Analyze(text, sentence string) (search.Query, error) {
	t, err := store.ParseThesaurusText(text)
	if err != nil {
		return search.Query{}, err
	}
	seg, err := segmenter()
	if err != nil {
		return search.Query{}, err
	}
	return search.NewAnalyzer(search.Options{Thesaurus: t, Segmenter: seg}).Query(sentence), nil
}
