package demo_test

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSeedGrants: the foundation has funds with donations (some
// anonymous), a finished round with paid tranches and approved expenses, a
// grant under way and an open round; every figure equals its postings.
func TestSeedGrants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = func() time.Time { return now }
		if _, err := demo.Seed(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		funds, err := s.FindFunds(ctx)
		if err != nil || len(funds) != 3 {
			t.Fatalf("funds: %v %v", funds, err)
		}
		anonymous := 0
		for _, f := range funds {
			if f.Donations == 0 {
				t.Errorf("%s has no donations", f.Name)
			}
			ds, _ := s.FindDonations(ctx, f.ID, 0)
			for _, d := range ds {
				if d.DonorName == "" {
					anonymous++
				}
			}
		}
		if anonymous == 0 {
			t.Error("no anonymous donor on the public lists")
		}
		rounds, err := s.FindRounds(ctx)
		if err != nil || len(rounds) != 3 {
			t.Fatalf("rounds: %v %v", rounds, err)
		}
		status := map[grants.RoundStatus]*grants.RoundRecord{}
		for _, r := range rounds {
			status[r.Status] = r
			// A round is named by the year (and season) it opened in.
			m := roundName.FindStringSubmatch(r.Name)
			opens, err := grants.ParseDay(r.OpensOn)
			if m == nil || err != nil {
				t.Errorf("round %q opening %q: no year", r.Name, r.OpensOn)
				continue
			}
			y, mo := opens.Year(), int(opens.Month())
			season := []string{"冬", "春", "夏", "秋"}[mo%12/3]
			if season == "冬" && mo <= 2 {
				y-- // a winter is named by the year it begins in
			}
			if m[1] != strconv.Itoa(y) || m[2] != "" && m[2] != season {
				t.Errorf("round %q opened on %s", r.Name, r.OpensOn)
			}
		}
		fin, open := status[grants.RoundFinished], status[grants.RoundOpen]
		if fin == nil || open == nil || !open.AcceptsOn(now) {
			t.Fatalf("no finished and open round: %+v", rounds)
		}
		if fin.Awarded != 9_000_000 || fin.Disbursed != 9_000_000 || fin.Spent == 0 || fin.Available != 0 {
			t.Errorf("finished round: awarded %d disbursed %d spent %d left %d", fin.Awarded, fin.Disbursed, fin.Spent, fin.Available)
		}
		led, err := s.FindRoundLedger(ctx, fin.ID)
		if err != nil || len(led.Agreements) != 2 || led.ByCategory["personnel"] == 0 {
			t.Fatalf("ledger: %+v %v", led, err)
		}
		rejected, twoEyes := 0, 0
		for _, ex := range led.Expenses {
			for _, e := range ex {
				if e.Status == grants.ExpRejected {
					rejected++
				}
				if len(e.Approvals) == 2 {
					twoEyes++
				}
			}
		}
		if rejected == 0 || twoEyes == 0 {
			t.Errorf("expenses: %d rejected, %d with two approvers", rejected, twoEyes)
		}
		// The two funded projects spent ¥10,500 each, on their own things:
		// no expense of one repeats in the other's list.
		if fin.Spent != 2_100_000 {
			t.Errorf("finished round spent %d fen, want ¥21,000", fin.Spent)
		}
		seen := map[string]string{}
		for id, ex := range led.Expenses {
			for _, e := range ex {
				if other, ok := seen[e.Description]; ok && other != id {
					t.Errorf("both funded projects spent on %q", e.Description)
				}
				seen[e.Description] = id
			}
		}
		if topics, _ := s.FindTopics(ctx, open.ID); len(topics) != 2 {
			t.Errorf("topics: %d", len(topics))
		}
		if problems, n, err := s.VerifyGrants(ctx); err != nil || len(problems) != 0 || n.Awards != 3 {
			t.Fatalf("verify: %+v %+v %v", problems, n, err)
		}
	})
}

// roundName is a round's year and season: "2026 年春季…", "2026 年为老…".
var roundName = regexp.MustCompile(`^(\d{4}) 年(?:([春夏秋冬])季)?`)
