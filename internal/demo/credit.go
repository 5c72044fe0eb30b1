package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// abnormalNotes are the reasons civil affairs gives for the demo's entries
// on the abnormal-activity list (活动异常名录), one per organization put
// there, on the demo's today day0: the annual report missed is the last
// one due (a year's report is due by May 31 of the next).
func abnormalNotes(day0 time.Time) []string {
	y := day0.In(beijing).Year() - 1
	if day0.In(beijing).Month() <= time.May {
		y--
	}
	return []string{
		fmt.Sprintf("未按规定报送%d年度工作报告", y),
		"通过登记的住所无法联系",
		"连续两年未开展业务活动",
	}
}

// markAbnormal puts a few organizations on the abnormal-activity list, so
// staff see on the needs' matching panels that a fitting organization is
// left out and why. It picks organizations of the categories of tenders
// still open, that take part in no demo story (no invitation, proposal or
// past project: a supplier on the list would raise questions the demo does
// not answer). Deterministic, like the rest of the demo.
func (w *world) markAbnormal(ctx context.Context) error {
	involved := map[string]bool{orgAdminKey: true}
	for _, p := range pastProjects {
		involved[p.org] = true
	}
	for _, t := range w.tenders {
		for _, k := range append(append([]string{t.winner}, t.invite...), t.bidders...) {
			involved[k] = true
		}
	}
	open, _, err := w.s.FindNeeds(ctx, procurement.Filter{Status: procurement.Published, PerPage: procurement.MaxPerPage})
	if err != nil {
		return fmt.Errorf("demo: open needs: %w", err)
	}
	all, err := w.s.AllOrganizations(ctx)
	if err != nil {
		return fmt.Errorf("demo: organizations: %w", err)
	}
	// For each open need, the closest uninvolved organization of its
	// category (same community, else same street, else anywhere), so it
	// ranks high enough on that need's panel to be seen left out.
	notes := abnormalNotes(w.day0)
	picked := map[string]bool{}
	var chosen []*registry.Organization
	for _, n := range open {
		if len(chosen) == len(notes) {
			break
		}
		var best *registry.Organization
		bestRank := 0
		for _, o := range all {
			if o.Category != n.Category || n.Category == "" || involved[o.Key] || picked[o.Key] {
				continue
			}
			rank := 1
			switch {
			case n.CommunityID != "" && o.CommunityID == n.CommunityID:
				rank = 3
			case o.StreetID == n.StreetID:
				rank = 2
			}
			if rank > bestRank {
				best, bestRank = o, rank
			}
		}
		if best != nil {
			picked[best.Key] = true
			chosen = append(chosen, best)
		}
	}
	for i, o := range chosen {
		if _, err := w.s.SetOrganizationCredit(ctx, o.ID, store.CreditAbnormal, notes[i]); err != nil {
			return fmt.Errorf("demo: credit of %s: %w", o.Name, err)
		}
	}
	return nil
}
