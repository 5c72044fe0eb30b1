package catalog

import (
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

func validVersion() Version {
	return Version{Title: "老旧小区业委会组建全流程陪伴", Problem: "老旧小区长期没有业委会，物业问题无人牵头协商解决",
		Category: "property", Tags: []string{"业委会", " 物业 ", "业委会"},
		Suits:        Suits{CommunityTypes: []string{"old_estate"}, Population: []string{"业主"}},
		Steps:        []Step{{Title: "摸底与宣传", Days: 20}, {Title: "筹备组成立"}, {Title: "选举与备案"}},
		Inputs:       Inputs{Staff: 2, Volunteers: 10, Materials: []string{"选票箱"}},
		BudgetMinFen: 3_000_000, BudgetMaxFen: 6_000_000, DurationMinDays: 90, DurationMaxDays: 180,
		Outcomes:    []Outcome{{Text: "业委会依法成立", Indicator: "备案完成", Target: "1个"}},
		Risks:       []Risk{{Text: "业主参与率低", Mitigation: "楼门长逐户动员"}},
		ProviderIDs: []string{"o1"}}
}

func TestValidateAcceptsAndNormalizes(t *testing.T) {
	t.Parallel()
	v := validVersion()
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(v.Tags, ",") != "业委会,物业" {
		t.Fatalf("tags not cleaned: %q", v.Tags)
	}
}

func TestValidateFieldErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(v *Version)
		field string
		key   string
	}{
		{"no title", func(v *Version) { v.Title = "  " }, "title", "field.required"},
		{"short title", func(v *Version) { v.Title = "业委会" }, "title", "field.too_short"},
		{"long title", func(v *Version) { v.Title = strings.Repeat("长", 61) }, "title", "field.too_long"},
		{"short problem", func(v *Version) { v.Problem = "没有业委会" }, "problem", "field.too_short"},
		{"no category", func(v *Version) { v.Category = "" }, "category", "field.required"},
		{"bad category", func(v *Version) { v.Category = "cooking" }, "category", "category.invalid"},
		{"too many tags", func(v *Version) {
			v.Tags = nil
			for i := 0; i < MaxTags+1; i++ {
				v.Tags = append(v.Tags, strings.Repeat("标", i+1))
			}
		}, "tags", "solution.too_many"},
		{"bad community type", func(v *Version) { v.Suits.CommunityTypes = []string{"castle"} }, "community_types", "solution.community_type_invalid"},
		{"no steps", func(v *Version) { v.Steps = nil }, "steps", "solution.steps_required"},
		{"blank step", func(v *Version) { v.Steps[1].Title = " " }, "steps", "solution.step_invalid"},
		{"negative staff", func(v *Version) { v.Inputs.Staff = -1 }, "staff", "number.range"},
		{"zero budget", func(v *Version) { v.BudgetMinFen = 0 }, "budget", "money.positive"},
		{"budget order", func(v *Version) { v.BudgetMinFen = 7_000_000 }, "budget", "solution.range_order"},
		{"budget too large", func(v *Version) { v.BudgetMaxFen = MaxBudgetFen + 1 }, "budget", "money.too_large"},
		{"zero duration", func(v *Version) { v.DurationMinDays = 0 }, "duration", "solution.duration_positive"},
		{"duration order", func(v *Version) { v.DurationMinDays = 200 }, "duration", "solution.range_order"},
		{"no outcomes", func(v *Version) { v.Outcomes = nil }, "outcomes", "solution.outcomes_required"},
		{"outcome without indicator", func(v *Version) { v.Outcomes[0].Indicator = "" }, "outcomes", "solution.outcome_invalid"},
		{"blank risk", func(v *Version) { v.Risks[0].Text = "" }, "risks", "solution.risk_invalid"},
		{"attachment without document", func(v *Version) { v.Attachments = []Attachment{{NeedID: "n1"}} }, "attachments", "solution.attachment_invalid"},
		{"no providers", func(v *Version) { v.ProviderIDs = []string{" "} }, "providers", "solution.providers_required"},
	}
	for _, c := range cases {
		v := validVersion()
		c.edit(&v)
		err := v.Validate()
		found := false
		for _, f := range errs.Fields(err) {
			found = found || (f.Field == c.field && f.Key == c.key)
		}
		if !found {
			t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
		}
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	t.Parallel()
	var v Version
	fields := map[string]bool{}
	for _, f := range errs.Fields(v.Validate()) {
		fields[f.Field] = true
	}
	for _, want := range []string{"title", "problem", "category", "steps", "budget", "duration", "outcomes", "providers"} {
		if !fields[want] {
			t.Errorf("empty version: no error on %s (got %v)", want, fields)
		}
	}
}

func TestSplitWords(t *testing.T) {
	t.Parallel()
	if got := strings.Join(SplitWords(" 独居老人，空巢老人、独居老人 \n 残障人士"), "|"); got != "独居老人|空巢老人|残障人士" {
		t.Fatalf("SplitWords: %q", got)
	}
}
