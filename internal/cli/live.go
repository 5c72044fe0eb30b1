package cli

import (
	"context"
	"log/slog"
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

// newAnalyzer is the analyzer of the matcher and the search boxes — the same
// as huitian eval's, so the API ranks as the evaluation measured.
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
// It is empty until buildLive.
func newLive(s *store.Store, log *slog.Logger) (*match.Live, error) {
	a, err := newAnalyzer()
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
		for _, c := range changes {
			switch c.Kind {
			case store.ChangeOrganization:
				orgs = append(orgs, c.ID)
			case store.ChangeNeed:
				needs = append(needs, c.ID)
			}
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
	return nil
}
