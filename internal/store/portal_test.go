package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestRememberedSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := setClock(s)
		ctx := storetest.Admin()
		u, err := s.EnsureResident(ctx, "13700009001")
		if err != nil {
			t.Fatal(err)
		}
		p := store.SessionPolicy{Idle: 2 * time.Hour, Absolute: 7 * 24 * time.Hour, Remember: 30 * 24 * time.Hour}
		short, _ := s.StartSession(ctx, u.ID, p, false)
		long, _ := s.StartSession(ctx, u.ID, p, true)
		clock.advance(3 * time.Hour)
		if _, err := s.SessionUser(ctx, short, p); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("a short session survived 3 idle hours: %v", err)
		}
		// Another sign-in's housekeeping must not sweep the remembered one.
		if _, err := s.StartSession(ctx, u.ID, p, false); err != nil {
			t.Fatal(err)
		}
		clock.advance(25 * 24 * time.Hour)
		if _, err := s.SessionUser(ctx, long, p); err != nil {
			t.Fatalf("a remembered session ended after 25 idle days: %v", err)
		}
		clock.advance(6 * 24 * time.Hour)
		if _, err := s.SessionUser(ctx, long, p); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("a remembered session outlived 30 days: %v", err)
		}
	})
}

func TestSuggestionsMergeConvertAndScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, c2 := seed(t, s)
		ctx := storetest.Admin()
		res := func(phone, community string) *accounts.User {
			u, err := s.EnsureResident(ctx, phone)
			if err != nil {
				t.Fatal(err)
			}
			if community != "" {
				if err := s.SetHome(as(u), community); err != nil {
					t.Fatal(err)
				}
			}
			return u
		}
		a, b, c, far := res("13700009101", c1.ID), res("13700009102", c1.ID), res("13700009103", c1.ID), res("13700009104", c2.ID)
		staff := newStaff(t, s, "13700009105", "社区干部", accounts.Grant{Role: accounts.CommunityStaff, ScopeID: c1.ID})
		other := newStaff(t, s, "13700009106", "别的社区", accounts.Grant{Role: accounts.CommunityStaff, ScopeID: c2.ID})
		street := newStaff(t, s, "13700009107", "街道干部", accounts.Grant{Role: accounts.StreetStaff, ScopeID: st.ID})

		// No home yet: refused with the field named.
		nohome := res("13700009108", "")
		err := s.CreateSuggestion(as(nohome), &portal.Suggestion{Body: "路灯坏了很久了"}, nil, "")
		wantErr(t, "no home", err, errs.Invalid, "portal.home_needed", "community")
		// A photo that is not a picture is refused.
		err = s.CreateSuggestion(as(a), &portal.Suggestion{Body: "路灯坏了很久了"}, []byte("%PDF-1.4"), "application/pdf")
		wantErr(t, "pdf photo", err, errs.Invalid, "suggestion.photo_type", "photo")

		g1 := &portal.Suggestion{Body: "3号楼路灯坏了很久了"}
		g2 := &portal.Suggestion{Body: "5号楼的路灯也不亮"}
		if err := s.CreateSuggestion(as(a), g1, []byte("\x89PNG\r\n\x1a\n"), "image/png"); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSuggestion(as(b), g2, nil, ""); err != nil {
			t.Fatal(err)
		}
		if g1.CommunityID != c1.ID || g1.Status != portal.Open {
			t.Fatalf("suggestion %+v", g1)
		}
		// 我也遇到: once per resident, never one's own, only in one's community.
		if err := s.SupportSuggestion(as(c), g2.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "own", s.SupportSuggestion(as(b), g2.ID), errs.Conflict, "suggestion.own", "")
		wantErr(t, "other community", s.SupportSuggestion(as(far), g2.ID), errs.Forbidden, "suggestion.other_community", "")
		// The photo: author and staff only.
		if _, _, err := s.SuggestionPhoto(as(a), g1.ID); err != nil {
			t.Fatalf("author's photo: %v", err)
		}
		if _, _, err := s.SuggestionPhoto(as(b), g1.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("neighbour saw the photo: %v", err)
		}
		// Masked for neighbours, in full for staff.
		if got, _ := s.FindSuggestionByID(as(b), g1.ID); got.UserName == a.Name {
			t.Fatal("neighbour sees the full name")
		}
		if got, _ := s.FindSuggestionByID(as(staff), g1.ID); got.UserName != a.Name {
			t.Fatalf("staff see %q", got.UserName)
		}
		// Another community's staff may not act; the street's may.
		_, err = s.StepSuggestion(as(other), g2.ID, store.SuggestionStep{Action: portal.ActReply, Note: "好的"}, procurement.DefaultRules())
		wantErr(t, "other community's staff", err, errs.Forbidden, "", "")
		_, err = s.StepSuggestion(as(staff), g2.ID, store.SuggestionStep{Action: portal.ActReply}, procurement.DefaultRules())
		wantErr(t, "empty reply", err, errs.Invalid, "suggestion.reply_required", "note")
		// Merge g2 into g1: its author and supporters now back g1.
		if _, err := s.StepSuggestion(as(street), g2.ID, store.SuggestionStep{Action: portal.ActMerge, Into: g1.ID},
			procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindSuggestionByID(ctx, g1.ID)
		if got.Supports != 2 {
			t.Fatalf("after the merge g1 has %d supporters, want 2 (b and c)", got.Supports)
		}
		_, err = s.StepSuggestion(as(staff), g2.ID, store.SuggestionStep{Action: portal.ActClose}, procurement.DefaultRules())
		wantErr(t, "step on a merged one", err, errs.Conflict, "suggestion.step_not_allowed", "")
		// Convert: bad budget changes nothing; a good one makes a draft need.
		_, err = s.StepSuggestion(as(staff), g1.ID, store.SuggestionStep{Action: portal.ActConvert, Title: "路灯维修"},
			procurement.DefaultRules())
		wantErr(t, "no budget", err, errs.Invalid, "", "")
		if got, _ := s.FindSuggestionByID(ctx, g1.ID); got.Status != portal.Open || got.NeedID != "" {
			t.Fatalf("a failed conversion changed the suggestion: %+v", got)
		}
		done, err := s.StepSuggestion(as(staff), g1.ID, store.SuggestionStep{Action: portal.ActConvert, Title: "龙锦苑二区路灯维修",
			BudgetFen: 500_000}, procurement.DefaultRules())
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.FindNeedByID(as(staff), done.NeedID)
		if err != nil || n.Status != procurement.Draft || n.CommunityID != c1.ID {
			t.Fatalf("draft need %v %+v", err, n)
		}
		// Each author heard of each step.
		ns, _, _, _ := s.FindNotifications(as(a), 1, 10)
		if len(ns) != 1 || ns[0].Kind != "suggestion_converted" {
			t.Fatalf("author's notifications %+v", ns)
		}
		var texts int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM outbox WHERE kind = 'suggestion_converted' AND user_id = ?`, a.ID, &texts); err != nil || texts != 1 {
			t.Fatalf("text messages to the author: %d %v", texts, err)
		}
		ns, _, _, _ = s.FindNotifications(as(b), 1, 10)
		if len(ns) != 1 || ns[0].Kind != "suggestion_merged" {
			t.Fatalf("merged author's notifications %+v", ns)
		}
		// Withdrawing consent hides even the masked name from neighbours, not from staff.
		if err := s.SetPrefs(as(a), portal.Prefs{PublishName: false}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindSuggestionByID(as(c), g1.ID); got.UserName != portal.AnonymousName {
			t.Fatalf("after withdrawal a neighbour sees %q", got.UserName)
		}
		if got, _ := s.FindSuggestionByID(as(staff), g1.ID); got.UserName != a.Name {
			t.Fatalf("after withdrawal staff see %q", got.UserName)
		}
	})
}

func TestPortalVisitsOnTheDashboard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Admin()
		for _, b := range []struct {
			day      string
			views    int64
			visitors []string
		}{
			{"2026-03-01", 10, []string{"v1", "v2"}},
			{"2026-03-01", 5, []string{"v2", "v3"}}, // v2 again the same day: once
			{"2026-03-02", 7, []string{"v1"}},       // v1 on another day: again
			{"2026-04-01", 99, []string{"v9"}},      // outside the period
		} {
			if err := s.RecordVisits(ctx, b.day, map[string]int64{"/portal": b.views}, b.visitors); err != nil {
				t.Fatal(err)
			}
		}
		o, err := s.Overview(ctx, store.DashboardFilter{From: time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC),
			To: time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)}) // 3 月 1 日至 2 日, Beijing time
		if err != nil {
			t.Fatal(err)
		}
		if o.PortalViews != 22 || o.PortalVisitors != 4 {
			t.Fatalf("views %d visitors %d, want 22 and 4", o.PortalViews, o.PortalVisitors)
		}
	})
}

// TestVisitorSalt: the day's salt is the same for every caller (every
// node), another day's is another, and a day's salt is gone once a later
// day's is asked for.
func TestVisitorSalt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.VisitorSalt(ctx, "2026-03-01")
		if err != nil || len(a) != 32 {
			t.Fatalf("salt %x %v", a, err)
		}
		b, err := s.VisitorSalt(ctx, "2026-03-01")
		if err != nil || string(a) != string(b) {
			t.Fatalf("a second node got another salt for the same day: %v", err)
		}
		c, err := s.VisitorSalt(ctx, "2026-03-02")
		if err != nil || string(c) == string(a) {
			t.Fatalf("the next day kept the salt: %v", err)
		}
		again, err := s.VisitorSalt(ctx, "2026-03-01")
		if err != nil || string(again) == string(a) {
			t.Fatalf("a past day's salt was kept: %v", err)
		}
	})
}
