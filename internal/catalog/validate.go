package catalog

import (
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/text"
)

// Limits of a solution's content.
const (
	MaxTags        = 12
	MaxSteps       = 20
	MaxOutcomes    = 10
	MaxRisks       = 10
	MaxMaterials   = 30
	MaxAttachments = 20
	MaxProviders   = 20
	MaxDays        = 3650
	// MaxBudgetFen is a sanity bound on a typical budget (the procurement
	// rules' own bound is larger; no solution costs more than this).
	MaxBudgetFen = 10_000_000 * 100
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkText trims *s and checks its length: required when min > 0.
func checkText(l *errs.List, field string, s *string, min, max int) {
	*s = strings.TrimSpace(*s)
	switch c := runes(*s); {
	case c == 0 && min > 0:
		l.Add(field, "field.required")
	case c > 0 && text.Len(*s) < min:
		l.Add(field, "field.too_short", min)
	case c > max:
		l.Add(field, "field.too_long", max)
	}
}

// Validate normalizes a version's content and reports every problem, each
// against its field. The same rules hold for every save, drafts included,
// so a coordinator reviews substance, never missing fields.
func (v *Version) Validate() error {
	var l errs.List
	checkText(&l, "title", &v.Title, 4, 60)
	checkText(&l, "problem", &v.Problem, 10, 2000)
	checkText(&l, "summary", &v.Summary, 0, 2000)
	checkText(&l, "note", &v.Note, 0, 500)
	v.Category = strings.TrimSpace(v.Category)
	if v.Category == "" {
		l.Add("category", "field.required")
	} else if registry.CategoryByCode(v.Category) == nil {
		l.Add("category", "category.invalid")
	}
	v.Tags = cleanWords(v.Tags)
	if len(v.Tags) > MaxTags {
		l.Add("tags", "solution.too_many", MaxTags)
	}
	for _, t := range v.Tags {
		if runes(t) > 20 {
			l.Add("tags", "solution.tag_too_long", 20)
			break
		}
	}
	v.Suits.CommunityTypes = cleanWords(v.Suits.CommunityTypes)
	for _, ct := range v.Suits.CommunityTypes {
		if CommunityTypeName(ct) == "" {
			l.Add("community_types", "solution.community_type_invalid", ct)
			break
		}
	}
	v.Suits.Population = cleanWords(v.Suits.Population)
	if len(v.Suits.Population) > MaxTags {
		l.Add("population", "solution.too_many", MaxTags)
	}
	switch {
	case len(v.Steps) == 0:
		l.Add("steps", "solution.steps_required")
	case len(v.Steps) > MaxSteps:
		l.Add("steps", "solution.too_many", MaxSteps)
	}
	for i := range v.Steps {
		st := &v.Steps[i]
		st.Title, st.Detail = strings.TrimSpace(st.Title), strings.TrimSpace(st.Detail)
		if st.Title == "" || runes(st.Title) > 60 || runes(st.Detail) > 1000 || st.Days < 0 || st.Days > MaxDays {
			l.Add("steps", "solution.step_invalid", i+1)
			break
		}
	}
	if v.Inputs.Staff < 0 || v.Inputs.Staff > 10000 {
		l.Add("staff", "number.range", 0, 10000)
	}
	if v.Inputs.Volunteers < 0 || v.Inputs.Volunteers > 10000 {
		l.Add("volunteers", "number.range", 0, 10000)
	}
	v.Inputs.Materials = cleanWords(v.Inputs.Materials)
	if len(v.Inputs.Materials) > MaxMaterials {
		l.Add("materials", "solution.too_many", MaxMaterials)
	}
	switch {
	case v.BudgetMinFen <= 0 || v.BudgetMaxFen <= 0:
		l.Add("budget", "money.positive")
	case v.BudgetMinFen > v.BudgetMaxFen:
		l.Add("budget", "solution.range_order")
	case v.BudgetMaxFen > MaxBudgetFen:
		l.Add("budget", "money.too_large")
	}
	switch {
	case v.DurationMinDays <= 0 || v.DurationMaxDays <= 0:
		l.Add("duration", "solution.duration_positive")
	case v.DurationMinDays > v.DurationMaxDays:
		l.Add("duration", "solution.range_order")
	case v.DurationMaxDays > MaxDays:
		l.Add("duration", "number.range", 1, MaxDays)
	}
	switch {
	case len(v.Outcomes) == 0:
		l.Add("outcomes", "solution.outcomes_required")
	case len(v.Outcomes) > MaxOutcomes:
		l.Add("outcomes", "solution.too_many", MaxOutcomes)
	}
	for i := range v.Outcomes {
		o := &v.Outcomes[i]
		o.Text, o.Indicator, o.Target = strings.TrimSpace(o.Text), strings.TrimSpace(o.Indicator), strings.TrimSpace(o.Target)
		if o.Text == "" || o.Indicator == "" || runes(o.Text) > 200 || runes(o.Indicator) > 200 || runes(o.Target) > 50 {
			l.Add("outcomes", "solution.outcome_invalid", i+1)
			break
		}
	}
	if len(v.Risks) > MaxRisks {
		l.Add("risks", "solution.too_many", MaxRisks)
	}
	for i := range v.Risks {
		r := &v.Risks[i]
		r.Text, r.Mitigation = strings.TrimSpace(r.Text), strings.TrimSpace(r.Mitigation)
		if r.Text == "" || runes(r.Text) > 300 || runes(r.Mitigation) > 300 {
			l.Add("risks", "solution.risk_invalid", i+1)
			break
		}
	}
	if len(v.Attachments) > MaxAttachments {
		l.Add("attachments", "solution.too_many", MaxAttachments)
	}
	for _, a := range v.Attachments {
		if a.DocumentID == "" { // the store fills the rest from the document
			l.Add("attachments", "solution.attachment_invalid")
			break
		}
	}
	v.ProviderIDs = cleanWords(v.ProviderIDs)
	switch {
	case len(v.ProviderIDs) == 0:
		l.Add("providers", "solution.providers_required")
	case len(v.ProviderIDs) > MaxProviders:
		l.Add("providers", "solution.too_many", MaxProviders)
	}
	return l.Err()
}

// cleanWords trims, drops empty entries and repeats, keeping order.
func cleanWords(ws []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range ws {
		w = strings.TrimSpace(w)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// SplitWords splits a typed list of words (spaces, commas, 、, ；, newlines).
func SplitWords(s string) []string {
	return cleanWords(strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；', '\n', '\r', '\t', ' ', '\u3000':
			return true
		}
		return false
	}))
}
