package catalog

import (
	"fmt"
	"strings"

	"github.com/huitian/huitian/internal/procurement"
)

// Adoption is what a community chooses when it adopts a solution (采用同款).
type Adoption struct {
	CommunityID string
	// Procedure: open (default), invited (the solution's providers, or the
	// ones in OrgIDs) or direct (one provider, below the direct-commission
	// threshold, with the solution cited as justification).
	Procedure procurement.Procedure
	OrgIDs    []string // providers to invite or commission; empty: all providers (invited)
	// BudgetFen overrides the typical budget the draft starts from.
	BudgetFen int64
}

// AdoptionCriteria are the evaluation criteria of an adopting need: the
// default ones, with fit to the solution and to the community first.
func AdoptionCriteria() []procurement.Criterion {
	return []procurement.Criterion{{Name: "与同款方案的一致性及本社区适配", Weight: 40}, {Name: "团队经验与过往业绩", Weight: 30},
		{Name: "报价合理性", Weight: 20}, {Name: "居民参与与可持续性", Weight: 10}}
}

// TypicalBudgetFen is the budget an adopting need starts from: the middle of
// the solution's range, rounded to 100 yuan, within the range.
func (v *Version) TypicalBudgetFen() int64 {
	mid := (v.BudgetMinFen + v.BudgetMaxFen) / 2
	mid = (mid + 5000) / 10000 * 10000
	return min(max(mid, v.BudgetMinFen), v.BudgetMaxFen)
}

// maxDescription leaves room in a need's description (5000 characters).
const maxDescription = 4800

// AdoptionDraft returns the draft need an adoption starts from: the
// solution's title, its problem, steps (as deliverables), outcomes and
// inputs in the description, its typical budget, the adoption criteria and
// the procedure chosen. It does not validate: the caller saves it through
// the ordinary need-creation path, which applies every procurement rule
// (scope, the direct-commission threshold, a justification).
func AdoptionDraft(s *Solution, f Figures, a Adoption) *procurement.Need {
	v := &s.Version
	n := &procurement.Need{Title: v.Title, CommunityID: a.CommunityID, Category: v.Category,
		CategorySource: procurement.CategoryStaff, CategoryConfidence: 100, BudgetFen: v.TypicalBudgetFen(),
		Procedure: a.Procedure, Criteria: AdoptionCriteria()}
	if a.BudgetFen > 0 {
		n.BudgetFen = a.BudgetFen
	}
	if n.Procedure == "" {
		n.Procedure = procurement.Open
	}
	orgs := a.OrgIDs
	if len(orgs) == 0 {
		orgs = v.ProviderIDs
	}
	switch n.Procedure {
	case procurement.Invited:
		n.InvitedOrgIDs = append([]string(nil), orgs...)
	case procurement.Direct:
		if len(orgs) > 0 {
			n.InvitedOrgIDs = []string{orgs[0]}
		}
		n.Justification = Justification(s, f)
	}
	n.Description = AdoptionDescription(s, f)
	return n
}

// Justification is the written reason of a direct commission that adopts
// a solution: the solution and its record, cited.
func Justification(s *Solution, f Figures) string {
	j := fmt.Sprintf("采用平台已发布的同款方案《%s》（第%d版），委托其提供方直接实施", s.Version.Title, s.Version.Number)
	if f.Deliveries > 0 {
		j += fmt.Sprintf("；该方案已交付%d次", f.Deliveries)
		if f.Rated > 0 {
			j += fmt.Sprintf("，平均满意度%.1f分", f.AvgRating)
		}
	}
	return j + "。"
}

// AdoptionDescription writes a need's description from a solution.
func AdoptionDescription(s *Solution, f Figures) string {
	v := &s.Version
	var b strings.Builder
	fmt.Fprintf(&b, "本需求采用同款方案《%s》（第%d版）。\n\n", v.Title, v.Number)
	fmt.Fprintf(&b, "【问题】%s\n", v.Problem)
	if v.Summary != "" {
		fmt.Fprintf(&b, "\n【方案概述】%s\n", v.Summary)
	}
	b.WriteString("\n【实施步骤与交付内容】\n")
	for i, st := range v.Steps {
		fmt.Fprintf(&b, "%d. %s", i+1, st.Title)
		if st.Detail != "" {
			fmt.Fprintf(&b, "：%s", st.Detail)
		}
		if st.Days > 0 {
			fmt.Fprintf(&b, "（约%d天）", st.Days)
		}
		b.WriteString("\n")
	}
	if len(v.Outcomes) > 0 {
		b.WriteString("\n【预期成效与验收指标】\n")
		for _, o := range v.Outcomes {
			fmt.Fprintf(&b, "- %s（指标：%s", o.Text, o.Indicator)
			if o.Target != "" {
				fmt.Fprintf(&b, "，目标%s", o.Target)
			}
			b.WriteString("）\n")
		}
	}
	in := v.Inputs
	if in.Staff > 0 || in.Volunteers > 0 || len(in.Materials) > 0 {
		fmt.Fprintf(&b, "\n【投入】专业人员%d人，志愿者%d人", in.Staff, in.Volunteers)
		if len(in.Materials) > 0 {
			fmt.Fprintf(&b, "；物资：%s", strings.Join(in.Materials, "、"))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n【周期】%d–%d天", v.DurationMinDays, v.DurationMaxDays)
	if f.Deliveries > 0 {
		fmt.Fprintf(&b, "\n【参考】该方案已交付%d次", f.Deliveries)
		if f.Rated > 0 {
			fmt.Fprintf(&b, "，平均满意度%.1f分", f.AvgRating)
		}
		b.WriteString("。")
	}
	out := b.String()
	if r := []rune(out); len(r) > maxDescription {
		out = string(r[:maxDescription]) + "…"
	}
	return out
}
