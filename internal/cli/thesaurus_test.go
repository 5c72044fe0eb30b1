package cli

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// The server starts on the stored thesaurus, and a save reaches every
// analyzer at once and rebuilds the indexes behind them.
func TestThesaurusStartAndApply(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		edited := search.DefaultThesaurusText() + "\n暖心饭堂 老年餐桌\n"
		if _, err := s.SaveThesaurus(storetest.Admin(), edited, "加一组"); err != nil {
			t.Fatal(err)
		}
		th, err := loadThesaurus(ctx, s, log)
		if err != nil {
			t.Fatal(err)
		}
		live, err := newLive(s, th, log)
		if err != nil {
			t.Fatal(err)
		}
		sols, err := newSolutions(s, th, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := buildLive(ctx, live, log); err != nil {
			t.Fatal(err)
		}
		if err := buildSolutions(ctx, sols, log); err != nil {
			t.Fatal(err)
		}
		th.serve(live, sols)
		if len(th.analyzers) != 2 {
			t.Fatalf("%d analyzers registered", len(th.analyzers))
		}
		for _, a := range th.analyzers {
			if !a.Thesaurus().Has("暖心饭堂") {
				t.Fatal("the start did not use the stored thesaurus")
			}
		}

		before, _ := live.BuiltAt()
		done := make(chan struct{})
		th.rebuilt = func() { close(done) }
		if err := th.Apply(ctx, search.DefaultThesaurusText()); err != nil {
			t.Fatal(err)
		}
		for _, a := range th.analyzers {
			if a.Thesaurus().Has("暖心饭堂") {
				t.Fatal("Apply did not reach an analyzer at once")
			}
		}
		<-done
		if after, _ := live.BuiltAt(); !after.After(before) {
			t.Fatal("the match index was not rebuilt")
		}
		if !sols.Ready() || !live.Ready() {
			t.Fatal("not ready after the rebuild")
		}

		// The trial analyzes with unsaved text and applies nothing.
		q, err := th.Analyze("暖心饭堂 老年餐桌", "想找暖心饭堂")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, term := range q.Terms {
			found = found || (term.Text == "老年餐桌" && term.Kind == search.KindSynonym)
		}
		if !found || th.analyzers[0].Thesaurus().Has("暖心饭堂") {
			t.Fatalf("trial: %v", q)
		}
		if _, err := th.Analyze("暖心饭堂", "x"); err == nil {
			t.Fatal("a bad trial text was accepted")
		}
	})
}
