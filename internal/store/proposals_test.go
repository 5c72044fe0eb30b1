package store_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func bidGrant(r accounts.Role, scope string) accounts.Grant {
	return accounts.Grant{Role: r, ScopeID: scope}
}

// bidOrg creates an organization in the street: registered ones get a valid
// credit code numbered i.
func bidOrg(t *testing.T, s *store.Store, i int, name string, reg registry.Registration, streetID string) *registry.Organization {
	t.Helper()
	o := &registry.Organization{Name: name, Registration: reg, StreetID: streetID, Category: "property"}
	if reg == registry.Registered {
		first := fmt.Sprintf("521101140%08d", i)
		c, _ := registry.CreditCheckChar(first)
		o.CreditCode = first + string(c)
	}
	if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
		t.Fatalf("org %s: %v", name, err)
	}
	return o
}

// openNeed drafts a need and has the street publish it.
func (tt *tender) openNeed(t *testing.T, edit ...func(*procurement.Need)) *procurement.Need {
	t.Helper()
	n := &procurement.Need{Title: "龙锦苑二区业委会组建指导", Description: "社区希望在专业指导下依法依规组建业主委员会，完成筹备、选举和备案。",
		CommunityID: tt.community.ID, BudgetFen: 8_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(),
		Deadline: tt.now.Add(10 * 24 * time.Hour)}
	for _, e := range edit {
		e(n)
	}
	if err := tt.s.CreateNeed(as(tt.commStaff), n, tt.rules); err != nil {
		t.Fatal(err)
	}
	return tt.publish(t, n)
}

// bidOffer is a valid proposal with the given key and price.
func bidOffer(key string, priceFen int64) *procurement.Proposal {
	return &procurement.Proposal{Summary: "以居民议事会为抓手，分三阶段推进业委会组建", Plan: "第一阶段：入户宣传与意见征集；第二阶段：筹备组组建与培训；第三阶段：选举、备案与交接。",
		Team: "社工 3 名，律师 1 名", PriceFen: priceFen, DurationDays: 120, IdempotencyKey: key}
}

func bidSubmit(t *testing.T, s *store.Store, u *accounts.User, n *procurement.Need, p *procurement.Proposal) *procurement.Proposal {
	t.Helper()
	got, err := s.SubmitProposal(as(u), n.ID, p)
	if err != nil {
		t.Fatalf("submit %s: %v", p.IdempotencyKey, err)
	}
	return got
}

func bidIDs(ps []*procurement.Proposal) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// sameAs reports whether two errors look alike to a client: code, key,
// field and text.
func sameAs(a, b error) bool {
	if a == nil || b == nil {
		return false
	}
	ea, eb := errs.As(a), errs.As(b)
	return ea.Code == eb.Code && ea.Key == eb.Key && ea.Field == eb.Field && a.Error() == b.Error()
}

func TestSealedProposals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		orgB := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		adminB := newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, orgB.ID))
		memberA := newStaff(t, s, "13900000012", "甲组织成员", bidGrant(accounts.OrgMember, tt.org.ID))
		platform := newStaff(t, s, "13900000013", "平台管理员", bidGrant(accounts.PlatformAdmin, ""))
		reviewer := newStaff(t, s, "13900000014", "评审甲", bidGrant(accounts.Reviewer, ""))
		conflicted := newStaff(t, s, "13900000015", "评审乙", bidGrant(accounts.Reviewer, ""))
		auditor := newStaff(t, s, "13900000016", "审计员", bidGrant(accounts.Auditor, ""))

		pa := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("a-1", 6_123_400))
		pb := bidSubmit(t, s, adminB, n, bidOffer("b-1", 5_000_000))
		if len(pa.Receipt) != 64 || pa.Receipt != pa.ComputeReceipt() || !pa.SubmittedAt.Equal(tt.now) || pa.OrgID != tt.org.ID {
			t.Fatalf("submitted: %+v", pa)
		}
		if err := s.AssignPanel(as(tt.streetStaff), n.ID, []string{reviewer.ID, conflicted.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(reviewer), n.ID, false, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(conflicted), n.ID, true, "本人曾在甲组织兼职"); err != nil {
			t.Fatal(err)
		}

		anon := context.Background()
		_, ghost := s.FindProposalByID(anon, "01900000-0000-7000-8000-000000000000")
		wantErr(t, "made-up id", ghost, errs.NotFound, "notfound.proposal", "")
		type reader struct {
			name string
			ctx  context.Context
			want []*procurement.Proposal // before, after the deadline
			post []*procurement.Proposal
		}
		both := []*procurement.Proposal{pa, pb}
		readers := []reader{
			{"org A admin", as(tt.orgAdmin), []*procurement.Proposal{pa}, []*procurement.Proposal{pa}},
			{"org A member", as(memberA), []*procurement.Proposal{pa}, []*procurement.Proposal{pa}},
			{"org B (a bidder, not a buyer)", as(adminB), []*procurement.Proposal{pb}, []*procurement.Proposal{pb}},
			{"buyer: street staff", as(tt.streetStaff), nil, both},
			{"community staff", as(tt.commStaff), nil, both},
			{"platform admin", as(platform), nil, both},
			{"declared reviewer", as(reviewer), nil, both},
			{"conflicted reviewer", as(conflicted), nil, nil},
			{"auditor (oversight, after opening)", as(auditor), nil, both},
			{"other street", as(tt.otherStreet), nil, nil},
			{"anonymous", anon, nil, nil},
		}
		check := func(after bool) {
			t.Helper()
			for _, r := range readers {
				want := r.want
				if after {
					want = r.post
				}
				got, count, err := s.FindProposals(r.ctx, n.ID)
				if err != nil || count != 2 || got == nil || bidIDs(got) != bidIDs(want) {
					t.Fatalf("after=%v %s: %d proposals (count %d) %v, want %d", after, r.name, len(got), count, err, len(want))
				}
				for _, p := range []*procurement.Proposal{pa, pb} {
					may := strings.Contains(bidIDs(want), p.ID)
					got, err := s.FindProposalByID(r.ctx, p.ID)
					switch {
					case may && (err != nil || got.Summary == "" || got.Receipt != p.Receipt):
						t.Fatalf("after=%v %s reads %s: %v", after, r.name, p.OrgName, err)
					case !may && !sameAs(err, ghost):
						t.Fatalf("after=%v %s reads sealed %s: %v, want the made-up id's %v", after, r.name, p.OrgName, err, ghost)
					}
				}
			}
		}
		check(false)

		// The public timeline counts, never names; the audit log keeps ids and the receipt only.
		events, err := s.FindNeedEvents(anon, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, e := range events {
			if e.Action == "proposal_submitted" {
				if e.ActorID != "" || strings.Contains(e.Actor, tt.org.Name) || strings.Contains(e.Actor, orgB.Name) {
					t.Fatalf("sealed event names the bidder: %+v", e)
				}
				notes = append(notes, e.Note)
			}
		}
		if strings.Join(notes, ",") != "1,2" {
			t.Fatalf("sealed event notes: %v", notes)
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "proposal.submit"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
		for _, e := range entries {
			for _, secret := range []string{"6123400", "5000000", "业委会", tt.org.Name, orgB.Name, tt.org.ID, orgB.ID} {
				if strings.Contains(e.Data, secret) {
					t.Fatalf("audit data leaks %q: %s", secret, e.Data)
				}
			}
			// Not even who: the bidder's account is not the entry's actor.
			if e.ActorID == tt.orgAdmin.ID || e.ActorID == adminB.ID || e.ActorName == tt.orgAdmin.Name {
				t.Fatalf("audit entry names the bidder: %+v", e)
			}
			if !strings.Contains(e.Data, pa.Receipt) && !strings.Contains(e.Data, pb.Receipt) {
				t.Fatalf("audit data lacks the receipt: %s", e.Data)
			}
		}

		// The clock passes the deadline; nothing has been written.
		tt.now = n.Deadline.Add(time.Minute)
		check(true)
		got, _, _ := s.FindProposals(as(tt.streetStaff), n.ID)
		for _, p := range got {
			if p.IdempotencyKey != "" || p.SubmittedBy != "" {
				t.Fatalf("the buyer sees the bidder's internals: %+v", p)
			}
		}
		// A draft need's proposals are not even found.
		d := tt.draft(t)
		if _, _, err := s.FindProposals(anon, d.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("proposals of a draft: %v", err)
		}
	})
}

func TestProposalWithdrawResubmit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		orgB := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		adminB := newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, orgB.ID))
		count := func() int {
			_, k, err := s.FindProposals(context.Background(), n.ID)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}

		p1 := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("k1", 6_000_000))
		tt.now = tt.now.Add(time.Hour)
		again := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("k1", 6_000_000)) // a retry: the original, unchanged
		if again.ID != p1.ID || again.Receipt != p1.Receipt || again.PriceFen != 6_000_000 || count() != 1 {
			t.Fatalf("replay: %+v", again)
		}
		// The same key with other content is refused, not silently dropped.
		if _, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("k1", 1_000_000)); errs.CodeOf(err) != errs.Conflict ||
			errs.As(err).Key != "proposal.key_reused_content" {
			t.Fatalf("same key, other price: %v", err)
		}
		p2 := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("k2", 5_500_000)) // a new key replaces it
		own, k, _ := s.FindProposals(as(tt.orgAdmin), n.ID)
		if k != 1 || len(own) != 2 || own[0].Status != procurement.ProposalWithdrawn || own[0].WithdrawnAt.IsZero() ||
			own[1].ID != p2.ID || own[1].Status != procurement.ProposalSubmitted {
			t.Fatalf("resubmit: count %d %+v", k, own)
		}

		// Withdraw: only its own organization, and to anyone else it does not exist.
		for _, u := range []*accounts.User{adminB, tt.streetStaff} {
			if _, err := s.WithdrawProposal(as(u), p2.ID); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("%s withdraws another's proposal: %v", u.Name, err)
			}
		}
		if _, err := s.WithdrawProposal(context.Background(), p2.ID); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous withdraws: %v", err)
		}
		w, err := s.WithdrawProposal(as(tt.orgAdmin), p2.ID)
		if err != nil || w.Status != procurement.ProposalWithdrawn || count() != 0 {
			t.Fatalf("withdraw: %+v %v", w, err)
		}
		_, err = s.WithdrawProposal(as(tt.orgAdmin), p2.ID)
		wantErr(t, "withdraw twice", err, errs.Conflict, "proposal.not_live", "")
		p3 := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("k3", 5_800_000))
		pb := bidSubmit(t, s, adminB, n, bidOffer("k1", 4_000_000)) // keys are per organization
		if count() != 2 || pb.ID == p1.ID {
			t.Fatalf("resubmitted: %d", count())
		}

		// Editing the need asks bidders to re-confirm (and extends the deadline).
		desc := "社区希望在专业指导下依法依规组建业主委员会，完成筹备、选举、备案和首年运行辅导。"
		edited, err := s.UpdateNeed(as(tt.streetStaff), n.ID, store.NeedUpdate{Description: &desc}, tt.rules)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindProposalByID(as(tt.orgAdmin), p3.ID)
		if !got.NeedsReconfirm {
			t.Fatal("needs reconfirm after the edit")
		}
		if _, err := s.ReconfirmProposal(as(adminB), p3.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another org reconfirms: %v", err)
		}
		if r, err := s.ReconfirmProposal(as(tt.orgAdmin), p3.ID); err != nil || r.NeedsReconfirm {
			t.Fatalf("reconfirm: %+v %v", r, err)
		}
		if got, _ := s.FindProposalByID(as(tt.orgAdmin), p3.ID); got.NeedsReconfirm {
			t.Fatal("still needs reconfirm")
		}

		// Missing key; a key used on another need.
		_, err = s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer(" ", 5_000_000))
		if errs.As(err).Field != "idempotency_key" {
			t.Fatalf("no key: %v", err)
		}
		other := tt.openNeed(t)
		_, err = s.SubmitProposal(as(tt.orgAdmin), other.ID, bidOffer("k3", 5_000_000))
		wantErr(t, "key reused on another need", err, errs.Conflict, "proposal.key_reused", "")

		// After the deadline: refused whatever the client says, nothing written.
		var rows int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM proposals WHERE need_id = ?`, n.ID, &rows)
		tt.now = edited.Deadline
		late := bidOffer("k4", 5_000_000)
		late.SubmittedAt = edited.Deadline.Add(-time.Hour) // the client's claim is ignored
		_, err = s.SubmitProposal(as(tt.orgAdmin), n.ID, late)
		wantErr(t, "submit at the deadline", err, errs.Conflict, "proposal.deadline_passed", "")
		_, err = s.WithdrawProposal(as(tt.orgAdmin), p3.ID)
		wantErr(t, "withdraw after the deadline", err, errs.Conflict, "proposal.deadline_passed", "")
		_, err = s.ReconfirmProposal(as(tt.orgAdmin), p3.ID)
		wantErr(t, "reconfirm after the deadline", err, errs.Conflict, "proposal.deadline_passed", "")
		var after int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM proposals WHERE need_id = ?`, n.ID, &after)
		if after != rows {
			t.Fatalf("a late submission was written: %d → %d", rows, after)
		}
		// A retry of an accepted submission still gets its receipt: nothing new is accepted.
		if r, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("k3", 5_800_000)); err != nil || r.ID != p3.ID {
			t.Fatalf("late retry of an accepted key: %+v %v", r, err)
		}
		// The buyer opens the live proposals only, never the withdrawn ones.
		open, _, _ := s.FindProposals(as(tt.streetStaff), n.ID)
		if bidIDs(open) != bidIDs([]*procurement.Proposal{p3, pb}) {
			t.Fatalf("buyer sees %d proposals", len(open))
		}
	})
}

func TestProposalRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		open := tt.openNeed(t)
		filed := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		filedAdmin := newStaff(t, s, "13900000011", "备案组织管理员", bidGrant(accounts.OrgAdmin, filed.ID))
		invited := tt.openNeed(t, func(n *procurement.Need) {
			n.Procedure, n.InvitedOrgIDs = procurement.Invited, []string{tt.org.ID}
		})
		registeredOnly := tt.openNeed(t, func(n *procurement.Need) { n.Qualifications = []procurement.Qualification{procurement.RegisteredOnly} })
		draft := tt.draft(t)
		twoOrgs := newStaff(t, s, "13900000012", "两个组织的人", bidGrant(accounts.OrgMember, tt.org.ID), bidGrant(accounts.OrgMember, filed.ID))
		price := func(fen int64) *procurement.Proposal { return bidOffer(fmt.Sprintf("p%d", fen), fen) }
		withOrg := func(p *procurement.Proposal, org string) *procurement.Proposal { p.OrgID = org; return p }
		cases := []struct {
			name  string
			u     *accounts.User
			need  *procurement.Need
			p     *procurement.Proposal
			code  errs.Code
			key   string
			field string
		}{
			{"over budget", tt.orgAdmin, open, price(8_000_001), errs.Invalid, "proposal.over_budget", "price_fen"},
			{"zero price", tt.orgAdmin, open, price(0), errs.Invalid, "money.positive", "price_fen"},
			{"negative price", tt.orgAdmin, open, price(-100), errs.Invalid, "money.positive", "price_fen"},
			{"no summary", tt.orgAdmin, open, func() *procurement.Proposal { p := price(100); p.Summary = " "; return p }(), errs.Invalid, "field.required", "summary"},
			{"uninvited", filedAdmin, invited, price(100), errs.Forbidden, "proposal.not_invited", ""},
			{"registered only", filedAdmin, registeredOnly, price(100), errs.Forbidden, "proposal.registered_only", ""},
			{"anonymous", nil, open, price(100), errs.Unauthorized, "auth.required", ""},
			{"staff without an organization", tt.streetStaff, open, price(100), errs.Invalid, "procurement.choose_org", "org_id"},
			{"for an organization not one's own", tt.streetStaff, open, withOrg(price(100), tt.org.ID), errs.Forbidden, "auth.forbidden", ""},
			{"two organizations, none chosen", twoOrgs, open, price(100), errs.Invalid, "procurement.choose_org", "org_id"},
			{"a draft need", tt.orgAdmin, draft, price(100), errs.NotFound, "notfound.need", ""},
		}
		for _, c := range cases {
			_, err := s.SubmitProposal(as(c.u), c.need.ID, c.p)
			if errs.CodeOf(err) != c.code || errs.As(err).Key != c.key || errs.As(err).Field != c.field {
				t.Errorf("%s: %v, want %s %s (%s)", c.name, err, c.code, c.key, c.field)
			}
		}
		var rows, audits int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM proposals WHERE id <> ?`, "", &rows)
		_ = rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE action = ?`, "proposal.submit", &audits)
		if rows != 0 || audits != 0 {
			t.Fatalf("refused submissions wrote %d proposals, %d audit entries", rows, audits)
		}
		// The same people succeed where they may.
		bidSubmit(t, s, tt.orgAdmin, invited, bidOffer("invited", 100))
		bidSubmit(t, s, tt.orgAdmin, registeredOnly, bidOffer("registered", 100))
		bidSubmit(t, s, twoOrgs, open, withOrg(bidOffer("chosen", 200), filed.ID))
	})
}

// TestConcurrentProposalSubmissions: 200 goroutines from 20 organizations
// submit around the deadline while the clock crosses it. Every accepted
// proposal is kept with a time before the deadline, every refusal is the
// deadline, no key is accepted twice, each organization ends with exactly
// one live proposal (its last accepted), nothing is lost.
func TestConcurrentProposalSubmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		const orgs, perOrg = 20, 10
		admins := make([]*accounts.User, orgs)
		for i := range admins {
			o := bidOrg(t, s, 100+i, fmt.Sprintf("并发测试组织%02d", i), registry.Filed, tt.street.ID)
			admins[i] = newStaff(t, s, fmt.Sprintf("1370000%04d", i), fmt.Sprintf("管理员%02d", i), bidGrant(accounts.OrgAdmin, o.ID))
		}
		// The clock: the first 100 readings fall before the deadline, the rest
		// after, every reading distinct (so a stored time names its reading).
		deadline := n.Deadline
		var readings atomic.Int64
		s.Now = func() time.Time {
			k := readings.Add(1)
			if k <= 100 {
				return deadline.Add(-time.Duration(101-k) * time.Millisecond)
			}
			return deadline.Add(time.Duration(k) * time.Millisecond)
		}
		type result struct {
			org, key string
			p        *procurement.Proposal
			err      error
			resend   *result // the same request sent again after the first answer
		}
		results := make([]*result, 0, orgs*perOrg)
		for i := 0; i < orgs; i++ {
			for j := 0; j < perOrg; j++ {
				key := fmt.Sprintf("o%d-k%d", i, j)
				if j == perOrg-1 {
					key = fmt.Sprintf("o%d-k%d", i, j-1) // two goroutines send one key at once
				}
				results = append(results, &result{org: admins[i].Grants[0].ScopeID, key: key})
			}
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		began, resends := time.Now(), 0
		for idx, r := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := admins[idx/perOrg]
				<-start
				price := int64(1_000_000 + idx)
				if idx%perOrg == perOrg-1 {
					price-- // the same request as the one with its key
				}
				r.p, r.err = s.SubmitProposal(as(u), n.ID, bidOffer(r.key, price))
				if idx%3 == 0 {
					rs := &result{org: r.org, key: r.key}
					rs.p, rs.err = s.SubmitProposal(as(u), n.ID, bidOffer(r.key, price))
					r.resend = rs
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, r := range results {
			if r.resend != nil {
				resends++
			}
		}
		t.Logf("%d calls, %d clock readings in %v", len(results)+resends, readings.Load(), time.Since(began))

		byKey := map[string]*procurement.Proposal{}
		accepted, refused := 0, 0
		seen := func(r *result) {
			t.Helper()
			if r.err != nil {
				if errs.CodeOf(r.err) != errs.Conflict || errs.As(r.err).Key != "proposal.deadline_passed" {
					t.Fatalf("%s: unexpected error %v", r.key, r.err)
				}
				refused++
				return
			}
			accepted++
			if !r.p.SubmittedAt.Before(deadline) {
				t.Fatalf("%s accepted at %v, deadline %v", r.key, r.p.SubmittedAt, deadline)
			}
			if first, ok := byKey[r.key]; ok && (first.ID != r.p.ID || first.Receipt != r.p.Receipt) {
				t.Fatalf("key %s accepted twice: %s and %s", r.key, first.ID, r.p.ID)
			}
			byKey[r.key] = r.p
		}
		for _, r := range results {
			seen(r)
			if rs := r.resend; rs != nil {
				seen(rs)
				if (r.err == nil) != (rs.err == nil) || (r.err == nil && rs.p.ID != r.p.ID) {
					t.Fatalf("%s: first %v, resent %v", r.key, r.err, rs.err)
				}
			}
		}
		t.Logf("%d answered with a proposal, %d refused at the deadline", accepted, refused)
		if accepted == 0 || refused == 0 {
			t.Fatalf("the clock did not cross the deadline mid-run: %d accepted, %d refused", accepted, refused)
		}
		// Nothing lost, nothing extra: the stored proposals are exactly the
		// accepted ones, with the time and receipt each caller was given.
		var stored, late int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM proposals WHERE need_id = ?`, n.ID, &stored)
		if stored != len(byKey) || stored > 100 {
			t.Fatalf("%d proposals stored, %d keys accepted", stored, len(byKey))
		}
		if err := s.QueryRowForTest(context.Background(), `SELECT COUNT(*) FROM proposals WHERE need_id = ? AND submitted_at >= ?`,
			n.ID, deadline).Scan(&late); err != nil || late != 0 {
			t.Fatalf("%d proposals stored at or after the deadline (%v)", late, err)
		}
		tt.now = deadline.Add(time.Hour)
		s.Now = func() time.Time { return tt.now }
		live := 0
		for i, u := range admins {
			own, _, err := s.FindProposals(as(u), n.ID)
			if err != nil {
				t.Fatal(err)
			}
			var last *procurement.Proposal
			submitted := 0
			for _, p := range own {
				if want := byKey[p.IdempotencyKey]; want == nil || want.ID != p.ID || want.Receipt != p.Receipt ||
					!want.SubmittedAt.Equal(p.SubmittedAt) {
					t.Fatalf("org %d: stored %+v differs from what its caller got", i, p)
				}
				if last == nil || p.SubmittedAt.After(last.SubmittedAt) {
					last = p
				}
				switch p.Status {
				case procurement.ProposalSubmitted:
					submitted++
				case procurement.ProposalWithdrawn:
				default:
					t.Fatalf("org %d: status %s", i, p.Status)
				}
			}
			if len(own) > 0 && (submitted != 1 || last.Status != procurement.ProposalSubmitted) {
				t.Fatalf("org %d: %d live of %d; the last accepted is %s", i, submitted, len(own), last.Status)
			}
			live += submitted
		}
		if _, k, _ := s.FindProposals(context.Background(), n.ID); k != live {
			t.Fatalf("public count %d, live %d", k, live)
		}
	})
}

// A tender cancelled before its deadline is never opened: its bids stay
// their bidders' own, also once the deadline has gone by.
func TestProposalsOfCancelledTenderStaySealed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		p := bidSubmit(t, s, tt.orgAdmin, n, bidOffer("c", 6_000_000))
		tt.step(t, tt.streetStaff, n, procurement.ActCancel, "社区需求已由其他渠道解决")
		tt.now = n.Deadline.Add(time.Hour)
		if got, k, err := s.FindProposals(as(tt.streetStaff), n.ID); err != nil || len(got) != 0 || k != 1 {
			t.Fatalf("the buyer opens a cancelled tender: %d (count %d) %v", len(got), k, err)
		}
		if _, err := s.FindProposalByID(as(tt.streetStaff), p.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("the buyer reads a bid of a cancelled tender: %v", err)
		}
		if got, _, _ := s.FindProposals(as(tt.orgAdmin), n.ID); len(got) != 1 {
			t.Fatal("the bidder lost its own proposal")
		}
		_, err := s.Ranking(as(tt.streetStaff), n.ID)
		wantErr(t, "ranking of a cancelled tender", err, errs.Conflict, "proposal.sealed", "")
	})
}

// TestInvitedAfterPublication: an organization added to a published need's
// invited list is told, as those invited before were at publication; those
// already told are not told again.
func TestInvitedAfterPublication(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		filed := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		filedAdmin := newStaff(t, s, "13900000011", "备案组织管理员", bidGrant(accounts.OrgAdmin, filed.ID))
		n := tt.openNeed(t, func(n *procurement.Need) {
			n.Procedure, n.InvitedOrgIDs = procurement.Invited, []string{tt.org.ID}
		})
		if notes(t, s, tt.orgAdmin.ID, "need_published") != 1 || notes(t, s, filedAdmin.ID, "need_published") != 0 {
			t.Fatal("at publication only the invited organization is told")
		}
		both := []string{tt.org.ID, filed.ID}
		if _, err := s.UpdateNeed(as(tt.streetStaff), n.ID, store.NeedUpdate{InvitedOrgIDs: &both}, tt.rules); err != nil {
			t.Fatal(err)
		}
		if notes(t, s, filedAdmin.ID, "need_published") != 1 || notes(t, s, tt.orgAdmin.ID, "need_published") != 1 {
			t.Fatal("the newly invited organization is told, the other not again")
		}
	})
}
