package match

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/search"
)

// boardSource is a board of needs and nothing else.
type boardSource []Need

func (boardSource) MatchOrganizations(context.Context) ([]Org, error)       { return nil, nil }
func (b boardSource) MatchBoard(context.Context) ([]Need, []Project, error) { return b, nil, nil }
func (boardSource) MatchOrganization(context.Context, string) (Org, error)  { return Org{}, nil }
func (boardSource) MatchProject(context.Context, string) (Project, error)   { return Project{}, nil }
func (b boardSource) MatchNeed(_ context.Context, id string) (Need, error) {
	for _, n := range b {
		if n.ID == id {
			return n, nil
		}
	}
	return Need{}, nil
}

// A board of economyMin needs or more is searched with Economy: a long
// query keeps its search.EconomyTerms weightiest terms, so a need that only
// its commonest term finds is no longer found; a smaller board is searched
// exactly.
func TestBoardSearchEconomyWhenLarge(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(48 * time.Hour)
	words := strings.Fields("甲乙 丙丁 戊己 庚辛 壬癸 子丑 寅卯 辰巳 午未 申酉 戌亥 春夏 秋冬 东西 南北 上下 左右 前后 里外 高低")
	all := strings.Join(words, "，")
	// Every filler has every word; the lone need only the first, which is
	// thus the commonest (the lowest idf) and the first Economy drops.
	board := boardSource{{ID: "n-lone", Title: words[0], Description: "说明", Status: "published", Deadline: deadline}}
	for _, id := range []string{"n-a", "n-b", "n-c"} {
		board = append(board, Need{ID: id, Title: "标题", Description: all, Status: "published", Deadline: deadline})
	}
	l, err := NewLive(board, search.NewAnalyzer(search.Options{}), DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(l.a.Query(all).Terms); n <= search.EconomyTerms {
		t.Fatalf("the query has %d terms, too few for Economy to drop any", n)
	}
	found := func() []string {
		hits, err := l.SearchNeeds(context.Background(), all, []string{FacetStatus + "published"}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		return ids
	}
	if got := found(); !slices.Equal(got, []string{"n-a", "n-b", "n-c", "n-lone"}) {
		t.Fatalf("small board, exact search: %v", got)
	}
	l.economyMin = len(board)
	if got := found(); !slices.Equal(got, []string{"n-a", "n-b", "n-c"}) {
		t.Fatalf("large board, economical search: %v", got)
	}
}
