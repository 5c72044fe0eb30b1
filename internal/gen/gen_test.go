package gen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/registry"
)

func testGen(seed uint64, sc Scale) *Gen {
	pl := Places{StreetIDs: make([]string, len(Geography)), CommunityIDs: make([][]string, len(Geography))}
	for s, sp := range Geography {
		pl.StreetIDs[s] = fmt.Sprintf("s%d", s)
		for c := range sp.Communities {
			pl.CommunityIDs[s] = append(pl.CommunityIDs[s], fmt.Sprintf("s%dc%d", s, c))
		}
	}
	return New(seed, sc, time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC), pl, "rule")
}

// The same seed makes the same rows, whichever instance and order.
func TestDeterministic(t *testing.T) {
	sc, _ := ScaleByName("street")
	a, b := testGen(3, sc), testGen(3, sc)
	for _, i := range []int{199, 0, 57} {
		if fmt.Sprint(a.Org(i)) != fmt.Sprint(b.Org(i)) {
			t.Fatalf("org %d differs", i)
		}
		if fmt.Sprint(a.Project(i)) != fmt.Sprint(b.Project(i)) || fmt.Sprint(a.Need(i)) != fmt.Sprint(b.Need(i)) {
			t.Fatalf("project or need %d differs", i)
		}
		if a.Posting(i*97) != b.Posting(i*97) {
			t.Fatalf("posting %d differs", i*97)
		}
	}
	if c := testGen(4, sc); c.Org(5).Name == a.Org(5).Name && c.Org(6).Name == a.Org(6).Name && c.Org(7).Name == a.Org(7).Name {
		t.Fatal("another seed makes the same organizations")
	}
}

// Ids are UUIDv7 and unique across units; credit codes valid and unique;
// phones unique; projects cite existing organizations of their category.
func TestRowsValid(t *testing.T) {
	sc, _ := ScaleByName("street")
	g := testGen(1, sc)
	ids, codes, phones := map[string]bool{}, map[string]bool{}, map[string]bool{}
	addID := func(id string) {
		t.Helper()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %s: not a UUIDv7 (%v)", id, err)
		}
		if ids[id] {
			t.Fatalf("id %s twice", id)
		}
		ids[id] = true
	}
	orgCat := map[string]string{}
	for i := range sc.Orgs {
		o := g.Org(i)
		addID(o.ID)
		orgCat[o.ID] = o.Category
		o.StreetID = "x"
		if err := o.Validate(); err != nil {
			t.Fatalf("org %d %s: %v", i, o.Name, err)
		}
		if o.CreditCode != "" {
			if err := registry.ValidateCreditCode(o.CreditCode); err != nil || codes[o.CreditCode] {
				t.Fatalf("credit code %s: %v (seen %v)", o.CreditCode, err, codes[o.CreditCode])
			}
			codes[o.CreditCode] = true
		}
	}
	for i := range sc.Residents {
		r := g.Resident(i)
		addID(r.ID)
		addID(r.GrantID)
		if phones[r.Phone] || len(r.Phone) != 11 {
			t.Fatalf("phone %s", r.Phone)
		}
		phones[r.Phone] = true
	}
	for i := range sc.Projects {
		p := g.Project(i)
		addID(p.Need.ID)
		addID(p.Proposal.ID)
		if orgCat[p.Need.AwardedOrgID] != p.Need.Category {
			t.Fatalf("project %d: category %s by an organization of %s", i, p.Need.Category, orgCat[p.Need.AwardedOrgID])
		}
		if p.End.After(g.Anchor) || !p.Start.Before(p.End) {
			t.Fatalf("project %d: %s – %s", i, p.Start, p.End)
		}
	}
	for i := range sc.Needs {
		n := g.Need(i)
		addID(n.Need.ID)
		for _, p := range n.Proposals {
			addID(p.ID)
		}
	}
}

// Replaying the postings in order, no resident ever goes below zero, and
// every posting validates.
func TestPostingsNeverOverdraw(t *testing.T) {
	sc, _ := ScaleByName("street")
	g := testGen(9, sc)
	bal := map[string]int64{}
	spent := 0
	for i := range sc.Postings {
		p := g.Posting(i)
		if err := p.Validate(); err != nil {
			t.Fatalf("posting %d: %v", i, err)
		}
		bal[p.From] -= p.Amount
		bal[p.To] += p.Amount
		if k, _, _ := points.SplitAccountID(p.From); k != points.Pool && bal[p.From] < 0 {
			t.Fatalf("posting %d overdraws %s", i, p.From)
		}
		if p.Kind == points.KindRedemption {
			spent++
		}
	}
	if spent < sc.Postings/10 {
		t.Fatalf("only %d redemptions", spent)
	}
}

// TestThemesCurrentWording: the vocabulary has none of the pandemic years'
// words (the health code, PCR tests), which read as stale in 2026 — the
// demo data is held to the same list (internal/demo).
func TestThemesCurrentWording(t *testing.T) {
	outdated := []string{"健康码", "行程码", "核酸", "疫情", "防疫", "新冠"}
	for cat, th := range Themes {
		for _, words := range [][]string{th.Subjects, th.Problems, th.Gripes, th.Actions, th.Places} {
			for _, w := range words {
				for _, o := range outdated {
					if strings.Contains(w, o) {
						t.Errorf("%s: %q says %s", cat, w, o)
					}
				}
			}
		}
	}
}
