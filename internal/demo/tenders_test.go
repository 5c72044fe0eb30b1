package demo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// allNeeds reads every need as a platform admin.
func allNeeds(t *testing.T, s *store.Store) []*procurement.Need {
	t.Helper()
	var out []*procurement.Need
	for page := 1; ; page++ {
		list, total, err := s.FindNeeds(storetest.Admin(), procurement.Filter{Page: page, PerPage: procurement.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
		if len(list) == 0 || len(out) >= total {
			return out
		}
	}
}

// checkTenders checks the seeded needs at the demo's today: every status,
// and the proposals, scores, awards, contracts, reports with documents,
// acceptances and ratings behind them, all made on a clock that never ran
// ahead of today or back in time.
func checkTenders(t *testing.T, s *store.Store, now time.Time, want int) {
	t.Helper()
	ctx := storetest.Admin()
	needs := allNeeds(t, s)
	if len(needs) != want {
		t.Errorf("%d needs, Seed reported %d", len(needs), want)
	}
	seen := map[procurement.Status]int{}
	streets, procs := map[string]bool{}, map[procurement.Procedure]int{}
	var tenders, returned, retenders, answered, objections, reports, docs, ratings, scored, imported int
	for _, n := range needs {
		if n.Deadline.IsZero() && n.Status == procurement.Closed {
			// An imported past project: put out to tender before its award.
			imported++
			if n.PublishedAt.IsZero() || !n.PublishedAt.Before(n.AwardedAt) {
				t.Errorf("%s: imported, published %s, awarded %s", n.Title, n.PublishedAt, n.AwardedAt)
			}
			continue
		}
		if n.Deadline.IsZero() {
			continue // a draft with no deadline yet
		}
		tenders++
		st := n.EffectiveStatus(now)
		seen[st]++
		streets[n.StreetName] = true
		procs[n.Procedure]++
		if n.BudgetFen < 5000*100 || n.BudgetFen > 300000*100 {
			t.Errorf("%s: budget %d fen", n.Title, n.BudgetFen)
		}
		if n.UpdatedAt.After(now) || n.CreatedAt.After(n.UpdatedAt) {
			t.Errorf("%s: created %s, updated %s, today %s", n.Title, n.CreatedAt, n.UpdatedAt, now)
		}
		if n.Procedure == procurement.Direct && n.Justification == "" {
			t.Errorf("%s: direct without a justification", n.Title)
		}
		if st == procurement.Draft && n.ReturnComment != "" {
			returned++
		}
		if n.RetenderOf != "" {
			retenders++
			if p, err := s.FindNeedByID(ctx, n.RetenderOf); err != nil || p.Status != procurement.Failed {
				t.Errorf("%s re-tenders %v (%v)", n.Title, p, err)
			}
		}
		if st == procurement.Published {
			if !n.Deadline.After(now.Add(48 * time.Hour)) {
				t.Errorf("%s: open tender closes %s", n.Title, n.Deadline)
			}
			// Sealed: an administrator sees the count, not the proposals.
			props, count, err := s.FindProposals(ctx, n.ID)
			if err != nil || len(props) != 0 || count != n.Proposals {
				t.Errorf("%s: sealed proposals read as %d of %d (%v)", n.Title, len(props), count, err)
			}
		}
		qs, err := s.FindQuestions(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Answer != "" {
				answered++
			}
		}
		obs, err := s.FindObjections(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range obs {
			if o.Answer == "" {
				t.Errorf("%s: objection unanswered", n.Title)
			}
			objections++
		}
		if st == procurement.Evaluating && n.Procedure != procurement.Direct {
			ranked, err := s.Ranking(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ranked) > 0 && ranked[0].Reviewers > 0 {
				scored++
			}
		}
		if !slices.Contains([]procurement.Status{procurement.Awarded, procurement.Contracted, procurement.InProgress,
			procurement.Delivered, procurement.Accepted, procurement.Closed}, st) {
			continue
		}
		a, err := s.FindAward(ctx, n.ID)
		if err != nil || a.AmountFen > n.BudgetFen || a.OrgID != n.AwardedOrgID || len([]rune(a.Reason)) < 10 {
			t.Errorf("%s: award %+v (%v)", n.Title, a, err)
			continue
		}
		if n.Procedure != procurement.Direct {
			ranked, err := s.Ranking(ctx, n.ID)
			if err != nil || len(ranked) == 0 || ranked[0].Proposal.ID != a.ProposalID || ranked[0].Reviewers == 0 {
				t.Errorf("%s: the award is not the best-scored proposal (%v)", n.Title, err)
			}
		}
		if st == procurement.Awarded {
			continue
		}
		k, err := s.FindContract(ctx, n.ID)
		if err != nil || k.AmountFen != a.AmountFen || len(k.Milestones) < 2 {
			t.Errorf("%s: contract %+v (%v)", n.Title, k, err)
			continue
		}
		if st == procurement.Contracted {
			continue
		}
		rs, err := s.FindReports(ctx, n.ID)
		if err != nil || len(rs) == 0 {
			t.Errorf("%s: no progress report (%v)", n.Title, err)
		}
		for _, r := range rs {
			reports++
			for _, f := range r.Files {
				d, b, err := s.FindDocument(ctx, f.ID)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(b)
				png, pdf := bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(b, []byte("%PDF-1."))
				if hex.EncodeToString(sum[:]) != d.SHA256 || !(png || pdf) || d.Size != int64(len(b)) {
					t.Errorf("%s: document %s (%s, %d bytes)", n.Title, d.Name, d.Type, len(b))
				}
				docs++
			}
		}
		if st != procurement.Accepted && st != procurement.Closed {
			continue
		}
		rt, err := s.FindRatings(ctx, n.ID)
		if err != nil || len(rt) < 3 {
			t.Errorf("%s: %d ratings (%v)", n.Title, len(rt), err)
		}
		ratings += len(rt)
	}
	for _, st := range procurement.Statuses {
		if seen[st] == 0 {
			t.Errorf("no need is %s", st)
		}
	}
	t.Logf("%d tenders %v; %d reports with %d documents, %d ratings", tenders, seen, reports, docs, ratings)
	if tenders < 40 || tenders > 60 || len(streets) != 8 {
		t.Errorf("%d tenders in %d streets", tenders, len(streets))
	}
	if procs[procurement.Direct] < 2 || procs[procurement.Invited] < 2 {
		t.Errorf("procedures: %v", procs)
	}
	if returned == 0 || retenders == 0 || answered == 0 || objections == 0 || scored == 0 {
		t.Errorf("returned %d, re-tenders %d, answers %d, objections %d, scored evaluations %d",
			returned, retenders, answered, objections, scored)
	}
	if seen[procurement.Evaluating] > 0 && scored == seen[procurement.Evaluating] {
		t.Error("every evaluation is scored: none left for the street to start")
	}

	// The audit chain holds and its clock only ran forward, up to today.
	brk, checked, err := s.VerifyAudit(ctx)
	if err != nil || brk != nil || checked < 1000 {
		t.Fatalf("audit: %+v after %d entries (%v)", brk, checked, err)
	}
	var entries []*audit.Entry
	for page := 1; ; page++ {
		list, _, err := s.FindAuditEntries(ctx, audit.Filter{Page: page, PerPage: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		entries = append(entries, list...)
	}
	for i := 1; i < len(entries); i++ { // newest first
		if entries[i].At.After(entries[i-1].At) || entries[i-1].At.After(now) {
			t.Fatalf("audit entry %d at %s follows one at %s", entries[i-1].Seq, entries[i-1].At, entries[i].At)
		}
	}

	// The text messages of the past went out in the past.
	if msgs, err := s.PendingOutbox(ctx, "sms", 10); err != nil || len(msgs) > 0 {
		t.Errorf("%d text messages still queued (%v)", len(msgs), err)
	}

	// The past projects give 惠民社工 a track record before its tenders.
	org, err := s.FindOrganizationByKey(ctx, "demo-o001")
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := s.OrgTrackRecord(ctx, org.ID); err != nil || tr.Completed < 3 || tr.AvgStars < 4 {
		t.Errorf("track record %+v (%v)", tr, err)
	}

	// The dashboard's streets table counts the past projects' contracts:
	// its 已签约 adds up to at least the imported projects.
	o, err := s.Overview(ctx, store.DashboardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	contracted := 0
	for _, m := range o.Streets {
		contracted += m.Contracted
	}
	if imported < 30 || contracted < imported || contracted > o.Awards {
		t.Errorf("streets table: %d contracted, %d imported projects, %d awards", contracted, imported, o.Awards)
	}
}

// checkWork checks the demo logins find work waiting for them.
func checkWork(t *testing.T, s *store.Store, now time.Time) {
	t.Helper()
	user := func(phone string) (*accounts.User, context.Context) {
		u, err := s.FindUserByPhone(context.Background(), phone)
		if err != nil {
			t.Fatal(err)
		}
		return u, accounts.WithActor(context.Background(), u)
	}
	can := func(who string, phone string, want ...procurement.Action) {
		u, ctx := user(phone)
		list, _, err := s.FindNeeds(ctx, procurement.Filter{PerPage: procurement.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		got := map[procurement.Action]bool{}
		for _, n := range list {
			n, err := s.FindNeedByID(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range procurement.Actions(n, u, now) {
				got[a] = true
			}
		}
		for _, a := range want {
			if !got[a] {
				t.Errorf("%s can never %s (can %v)", who, a, got)
			}
		}
	}
	can("community staff", "13800000003", procurement.ActSubmit, procurement.ActAccept, procurement.ActAcceptStone)
	can("street staff", "13800000002", procurement.ActPublish, procurement.ActAward, procurement.ActContract,
		procurement.ActClose)
	can("organization admin", "13800000004", procurement.ActReport)

	// The demo reviewer sits on a panel he has not declared on yet.
	u, ctx := user("13800000006")
	pending := false
	for _, n := range allNeeds(t, s) {
		if n.EffectiveStatus(now) != procurement.Evaluating {
			continue
		}
		panel, err := s.FindPanel(ctx, n.ID)
		if err != nil {
			continue // not on this panel
		}
		for _, m := range panel {
			pending = pending || (m.UserID == u.ID && !m.Declared)
		}
	}
	if !pending {
		t.Error("the demo reviewer has no panel to declare on")
	}
}
