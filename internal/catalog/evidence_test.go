package catalog

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/procurement"
)

func TestComputeFigures(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	ds := []Delivery{
		{NeedID: "a", StreetID: "s1", CommunityID: "c1", AmountFen: 4_000_000, DurationDays: 90, Rating: 4.5, AcceptedAt: day},
		{NeedID: "b", StreetID: "s1", CommunityID: "c2", AmountFen: 6_000_000, DurationDays: 120, Rating: 3.5, Rejections: 1,
			AcceptedAt: day.AddDate(0, 1, 0), Source: SourceAdopted},
		{NeedID: "c", StreetID: "s2", AmountFen: 5_000_000, DurationDays: 60, AcceptedAt: day.AddDate(0, -1, 0)},
	}
	ev := NewEvidence(ds)
	f := ev.Figures
	if ev.Projects[0].NeedID != "b" || ev.Projects[2].NeedID != "c" {
		t.Fatalf("not newest first: %v", ev.Projects)
	}
	if f.Deliveries != 3 || f.Adopted != 1 || f.Rated != 2 || f.AvgRating != 4 || f.Streets != 2 || f.Communities != 2 {
		t.Fatalf("figures: %+v", f)
	}
	if math.Abs(f.AcceptanceRate-2.0/3) > 1e-9 {
		t.Fatalf("acceptance rate %v", f.AcceptanceRate)
	}
	if f.BudgetMinFen != 4_000_000 || f.BudgetMaxFen != 6_000_000 || f.MedianBudgetFen != 5_000_000 ||
		f.DurationMinDays != 60 || f.DurationMaxDays != 120 {
		t.Fatalf("ranges: %+v", f)
	}
	if f.HasCostPerBeneficiary() {
		t.Fatal("cost per beneficiary without beneficiaries")
	}
	ds[0].Beneficiaries, ds[1].Beneficiaries = 100, 300
	if got := ComputeFigures(ds).CostPerBeneficiaryFen; got != 25_000 {
		t.Fatalf("cost per beneficiary %d, want 25000 (100,000 yuan / 400)", got)
	}
	if z := ComputeFigures(nil); z.Deliveries != 0 || z.AcceptanceRate != 0 {
		t.Fatalf("empty: %+v", z)
	}
}

func TestLeadTime(t *testing.T) {
	t.Parallel()
	p := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	lt := LeadTimeOf([]Span{{p, p.AddDate(0, 0, 10)}, {p, p.AddDate(0, 0, 20)}, {p, time.Time{}}, {p, p.AddDate(0, 0, -1)}})
	if lt.Needs != 2 || lt.AvgDays != 15 {
		t.Fatalf("lead time %+v", lt)
	}
}

func TestAdoptionDraft(t *testing.T) {
	t.Parallel()
	v := validVersion()
	v.Number = 2
	v.ProviderIDs = []string{"o1", "o2"}
	s := &Solution{ID: "s1", Status: Published, PublishedVersion: 2, Version: v}
	f := Figures{Deliveries: 3, Rated: 2, AvgRating: 4.5}
	n := AdoptionDraft(s, f, Adoption{CommunityID: "c9"})
	if n.Title != v.Title || n.CommunityID != "c9" || n.Category != "property" || n.Procedure != procurement.Open ||
		len(n.InvitedOrgIDs) != 0 || n.BudgetFen != 4_500_000 {
		t.Fatalf("open draft: %+v", n)
	}
	for _, want := range []string{"第2版", "摸底与宣传", "（约20天）", "业委会依法成立", "指标：备案完成", "已交付3次"} {
		if !strings.Contains(n.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, n.Description)
		}
	}
	if err := n.Validate(procurement.DefaultRules()); err != nil {
		t.Fatalf("open draft invalid: %v", err)
	}
	inv := AdoptionDraft(s, f, Adoption{CommunityID: "c9", Procedure: procurement.Invited})
	if strings.Join(inv.InvitedOrgIDs, ",") != "o1,o2" {
		t.Fatalf("invited: %v", inv.InvitedOrgIDs)
	}
	dir := AdoptionDraft(s, f, Adoption{CommunityID: "c9", Procedure: procurement.Direct, OrgIDs: []string{"o2"}})
	if strings.Join(dir.InvitedOrgIDs, ",") != "o2" || !strings.Contains(dir.Justification, "同款方案") {
		t.Fatalf("direct: %+v", dir)
	}
	if err := dir.Validate(procurement.DefaultRules()); err != nil {
		t.Fatalf("direct draft below the threshold invalid: %v", err)
	}
	// Over the threshold the ordinary rules refuse a direct commission.
	big := AdoptionDraft(s, f, Adoption{CommunityID: "c9", Procedure: procurement.Direct, BudgetFen: 6_000_000})
	if err := big.Validate(procurement.DefaultRules()); err == nil {
		t.Fatal("direct commission over the threshold accepted")
	}
}

func TestTypicalBudget(t *testing.T) {
	t.Parallel()
	v := Version{BudgetMinFen: 1_234_500, BudgetMaxFen: 1_234_500}
	if got := v.TypicalBudgetFen(); got != 1_234_500 {
		t.Fatalf("single value moved: %d", got)
	}
	v = Version{BudgetMinFen: 3_000_000, BudgetMaxFen: 5_030_000}
	if got := v.TypicalBudgetFen(); got != 4_020_000 {
		t.Fatalf("typical %d", got)
	}
}
