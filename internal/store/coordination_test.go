package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst).UTC() }

func TestMeetingsAndActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		other := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(storetest.Admin(), other); err != nil {
			t.Fatal(err)
		}
		clock := day(2026, 3, 1)
		s.Now = func() time.Time { return clock }
		coord := &accounts.User{Phone: "13700001001", Name: "区协调员", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
		staff := &accounts.User{Phone: "13700001002", Name: "街道干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		outsider := &accounts.User{Phone: "13700001003", Name: "别处干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: other.ID}}}
		cstaff := &accounts.User{Phone: "13700001004", Name: "社区干部", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: c1.ID}}}
		for _, u := range []*accounts.User{coord, staff, outsider, cstaff} {
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()

		// A street's staff may not convene for another street; bad input changes nothing.
		if err := s.CreateMeeting(as(outsider), &coordination.Meeting{Title: "越权", HeldAt: clock, StreetID: st.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street convenes: %v", err)
		}
		if err := s.CreateMeeting(as(coord), &coordination.Meeting{Title: " "}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("no title: %v", err)
		}
		if err := s.CreateMeeting(as(coord), &coordination.Meeting{Title: "年份写错的会", HeldAt: day(2199, 1, 1)}); errs.As(err).Key != "meeting.date_implausible" {
			t.Fatalf("a meeting in 2199: %v", err)
		}
		m := &coordination.Meeting{Title: "2026年第一季度联席会", HeldAt: day(2026, 3, 1).Add(9 * time.Hour), Place: "回天地区党群服务中心",
			Agenda:      []string{"通报社会组织党建情况", "部署养老驿站联建"},
			Departments: []string{"区民政局", "区委社会工委"},
			Parties:     []coordination.Party{{Kind: coordination.OwnerStreet, ID: st.ID}, {Kind: coordination.OwnerCommunity, ID: c1.ID}},
			Minutes:     "内部纪要：联系人 13812345678",
			Resolutions: []*coordination.Resolution{{Text: "各街道三月底前完成社会组织党组织覆盖摸底"}}}
		if err := s.CreateMeeting(as(coord), m); err != nil {
			t.Fatal(err)
		}
		if len(m.Resolutions) != 1 || m.Resolutions[0].Seq != 1 || m.Parties[0].Name != "回龙观街道" {
			t.Fatalf("meeting: %+v %+v", m.Resolutions, m.Parties)
		}
		r2, err := s.AddResolution(as(coord), m.ID, "建立联建活动月报制度")
		if err != nil || r2.Seq != 2 {
			t.Fatalf("resolution: %+v %v", r2, err)
		}
		if _, err := s.AddResolution(as(staff), m.ID, "街道不能改区里的会"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff adds to a district meeting: %v", err)
		}

		// The public sees nothing until the summary is published.
		if _, err := s.FindMeetingByID(ctx, m.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unpublished meeting to the public: %v", err)
		}
		if list, _ := s.FindMeetings(ctx, store.MeetingFilter{}); len(list) != 0 {
			t.Fatalf("public list shows an unpublished meeting: %d", len(list))
		}

		// An action item owned by a street: its staff are notified.
		a := &coordination.Action{MeetingID: m.ID, ResolutionID: m.Resolutions[0].ID, Title: "完成回龙观街道党组织覆盖摸底",
			OwnerKind: coordination.OwnerStreet, OwnerID: st.ID, Due: day(2026, 3, 31)}
		if err := s.AddAction(as(coord), a); err != nil {
			t.Fatal(err)
		}
		if a.OwnerName != "回龙观街道" || a.Status != coordination.Open {
			t.Fatalf("action: %+v", a)
		}
		notes, _, unread, err := s.FindNotifications(as(staff), 1, 10)
		if err != nil || unread != 1 || notes[0].Kind != "action_assigned" || notes[0].Link != "/actions/"+a.ID {
			t.Fatalf("owner notified: %+v %d %v", notes, unread, err)
		}
		// Before migration 0030 the item's id rode as a fourth argument for
		// the link: such a notification gets its link from it.
		dashExec(t, s, `UPDATE notifications SET args = ? WHERE id = ?`,
			`["`+a.Title+`","`+m.Title+`","2026-03-31","`+a.ID+`"]`, notes[0].ID)
		dashExec(t, s, `ALTER TABLE notifications DROP COLUMN link`)
		dashExec(t, s, `DELETE FROM schema_migrations WHERE version = '0030_notification_link'`)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if notes, _, _, err := s.FindNotifications(as(staff), 1, 10); err != nil || notes[0].Link != "/actions/"+a.ID {
			t.Fatalf("migrated link: %+v %v", notes, err)
		}
		if _, _, n, _ := s.FindNotifications(as(outsider), 1, 10); n != 0 {
			t.Fatalf("another street notified: %d", n)
		}
		if err := s.AddAction(as(coord), &coordination.Action{MeetingID: m.ID, Title: "x", OwnerKind: coordination.OwnerCommunity,
			OwnerID: "nope", Due: day(2026, 4, 1)}); errs.As(err).Field != "owner" {
			t.Fatalf("unknown owner: %v", err)
		}
		if err := s.AddAction(as(coord), &coordination.Action{MeetingID: m.ID, Title: "年份写错的事项", OwnerKind: coordination.OwnerStreet,
			OwnerID: st.ID, Due: day(2020, 1, 1)}); errs.As(err).Key != "item.due_before_meeting" {
			t.Fatalf("an item due six years before its meeting: %v", err)
		}
		b := &coordination.Action{MeetingID: m.ID, Title: "社区报送联建活动", OwnerKind: coordination.OwnerCommunity, OwnerID: c1.ID, Due: day(2026, 3, 10)}
		if err := s.AddAction(as(coord), b); err != nil {
			t.Fatal(err)
		}

		// A street's own meeting gives work within its street (or to a
		// party): not to another street nor its staff.
		sm := &coordination.Meeting{Title: "回龙观街道联席会", HeldAt: clock, StreetID: st.ID}
		if err := s.CreateMeeting(as(staff), sm); err != nil {
			t.Fatal(err)
		}
		for _, x := range []*coordination.Action{
			{OwnerKind: coordination.OwnerStreet, OwnerID: other.ID},
			{OwnerKind: coordination.OwnerUser, OwnerID: outsider.ID},
		} {
			x.MeetingID, x.Title, x.Due = sm.ID, "越界交办", day(2026, 4, 1)
			if err := s.AddAction(as(staff), x); errs.As(err).Field != "owner" {
				t.Fatalf("a street's meeting gives work to %s %s: %v", x.OwnerKind, x.OwnerID, err)
			}
		}
		for _, x := range []*coordination.Action{
			{OwnerKind: coordination.OwnerCommunity, OwnerID: c1.ID},
			{OwnerKind: coordination.OwnerUser, OwnerID: cstaff.ID},
		} {
			x.MeetingID, x.Title, x.Due = sm.ID, "本街道交办", day(2026, 4, 1)
			if err := s.AddAction(as(staff), x); err != nil {
				t.Fatalf("a street's meeting gives work to its %s: %v", x.OwnerKind, err)
			}
		}

		// Owners see their items; others do not.
		mine, err := s.FindActions(as(staff), store.ActionFilter{Mine: true})
		if err != nil || len(mine) != 1 || mine[0].ID != a.ID {
			t.Fatalf("street's items: %v %v", mine, err)
		}
		if mine, _ := s.FindActions(as(outsider), store.ActionFilter{Mine: true}); len(mine) != 0 {
			t.Fatalf("other street sees items: %v", mine)
		}
		if _, err := s.UpdateAction(as(outsider), a.ID, coordination.InProgress, "越权"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("outsider updates: %v", err)
		}
		if _, err := s.UpdateAction(ctx, a.ID, coordination.InProgress, ""); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous updates: %v", err)
		}

		// Overdue: the community's item after its due day.
		clock = day(2026, 3, 11)
		over, err := s.FindActions(as(coord), store.ActionFilter{OverdueNow: true})
		if err != nil || len(over) != 1 || over[0].ID != b.ID {
			t.Fatalf("overdue for the coordinator: %v %v", over, err)
		}
		if over, _ := s.FindActions(as(cstaff), store.ActionFilter{Mine: true, OverdueNow: true}); len(over) != 1 {
			t.Fatalf("overdue for the owner: %v", over)
		}
		if over, _ := s.FindActions(as(staff), store.ActionFilter{Mine: true, OverdueNow: true}); len(over) != 0 {
			t.Fatalf("street's item is not overdue yet: %v", over)
		}

		// The owner reports progress, then finishes; may not drop.
		if _, err := s.UpdateAction(as(staff), a.ID, coordination.Dropped, "不想做了"); errs.As(err).Field != "status" {
			t.Fatalf("owner drops: %v", err)
		}
		if _, err := s.UpdateAction(as(staff), a.ID, coordination.InProgress, "已摸底 12 家"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateAction(as(staff), a.ID, coordination.InProgress, " "); errs.As(err).Field != "note" {
			t.Fatalf("empty progress note: %v", err)
		}
		if _, err := s.UpdateAction(as(staff), a.ID, coordination.Status("finished"), "x"); errs.As(err).Field != "status" {
			t.Fatalf("unknown status: %v", err)
		}
		done, err := s.UpdateAction(as(staff), a.ID, coordination.Done, "全部 31 家完成摸底")
		if err != nil || done.Status != coordination.Done {
			t.Fatalf("done: %+v %v", done, err)
		}
		if _, err := s.UpdateAction(as(staff), a.ID, coordination.InProgress, "重开"); errs.As(err).Field != "status" {
			t.Fatalf("owner reopens: %v", err)
		}
		// The coordinator drops the community's item.
		if _, err := s.UpdateAction(as(coord), b.ID, coordination.Dropped, "并入月报"); err != nil {
			t.Fatal(err)
		}
		full, err := s.FindActionByID(as(staff), a.ID)
		if err != nil || len(full.Updates) != 3 || full.Updates[1].Note != "已摸底 12 家" || full.Updates[2].To != coordination.Done ||
			full.Updates[2].ActorName != "街道干部" {
			t.Fatalf("history: %+v %v", full, err)
		}
		if _, err := s.FindActionByID(as(outsider), a.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("outsider reads the item: %v", err)
		}

		// Published: summary and resolutions for everyone, never the minutes or the items.
		sum := "会议部署了社会组织党组织覆盖摸底和联建活动月报。联系人 13812345678"
		pub := true
		if _, err := s.UpdateMeeting(as(staff), m.ID, store.MeetingUpdate{Published: &pub}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street publishes the district's meeting: %v", err)
		}
		if _, err := s.UpdateMeeting(as(coord), m.ID, store.MeetingUpdate{Published: &pub}); errs.As(err).Field != "summary" {
			t.Fatalf("publish without a summary: %v", err)
		}
		if _, err := s.UpdateMeeting(as(coord), m.ID, store.MeetingUpdate{Summary: &sum, Published: &pub}); err != nil {
			t.Fatal(err)
		}
		pm, err := s.FindMeetingByID(ctx, m.ID)
		if err != nil || pm.Minutes != "" || len(pm.Actions) != 0 || len(pm.Resolutions) != 2 || contains(pm.Summary, "13812345678") || !contains(pm.Summary, "138****5678") {
			t.Fatalf("public meeting: %+v %v", pm, err)
		}
		im, err := s.FindMeetingByID(as(coord), m.ID)
		if err != nil || im.Minutes == "" || len(im.Actions) != 2 || len(im.Parties) != 2 {
			t.Fatalf("internal meeting: %+v %v", im, err)
		}
		if list, _ := s.FindMeetings(ctx, store.MeetingFilter{Year: 2026}); len(list) != 1 || list[0].Minutes != "" {
			t.Fatalf("public list: %v", list)
		}

		// Every change is audited.
		entries, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("meeting", m.ID))
		if err != nil || len(entries) < 5 {
			t.Fatalf("meeting audit: %d %v", len(entries), err)
		}
		entries, _, err = s.FindAuditEntries(storetest.Admin(), auditFilter("action", a.ID))
		if err != nil || len(entries) != 2 {
			t.Fatalf("action audit: %d %v", len(entries), err)
		}
	})
}

// TestStreetSupervisesItsActions: a street's staff read (never change) the
// items owned in their street — by the street, a community or an
// organization of it — whatever meeting gave them, and their 督办总览
// counts the same overdue items as their dashboard: those and the items of
// the meetings the street called, overdue once the due day is over.
func TestStreetSupervisesItsActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		other := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(storetest.Admin(), other); err != nil {
			t.Fatal(err)
		}
		clock := day(2026, 3, 1)
		s.Now = func() time.Time { return clock }
		coord := &accounts.User{ID: "coord", Name: "区协调员", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
		staff := &accounts.User{ID: "staff", Name: "街道干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		outsider := &accounts.User{ID: "out", Name: "别处干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: other.ID}}}
		district := &coordination.Meeting{Title: "区联席会", HeldAt: clock}
		if err := s.CreateMeeting(as(coord), district); err != nil {
			t.Fatal(err)
		}
		own := &coordination.Meeting{Title: "街道联席会", HeldAt: clock, StreetID: st.ID}
		if err := s.CreateMeeting(as(staff), own); err != nil {
			t.Fatal(err)
		}
		add := func(u *accounts.User, m *coordination.Meeting, kind coordination.OwnerKind, owner string, due time.Time) *coordination.Action {
			t.Helper()
			a := &coordination.Action{MeetingID: m.ID, Title: "督办 " + owner, OwnerKind: kind, OwnerID: owner, Due: due}
			if err := s.AddAction(as(u), a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		community := add(coord, district, coordination.OwnerCommunity, c1.ID, day(2026, 3, 10))
		elsewhere := add(coord, district, coordination.OwnerStreet, other.ID, day(2026, 3, 10))
		street := add(staff, own, coordination.OwnerStreet, st.ID, day(2026, 3, 10))
		add(coord, district, coordination.OwnerCommunity, c1.ID, day(2026, 4, 1)) // due today: not overdue yet
		clock = day(2026, 4, 1).Add(12 * time.Hour)

		got, err := s.FindActionByID(as(staff), community.ID)
		if err != nil || got.Title != community.Title {
			t.Fatalf("the street reads its community's item from a district meeting: %v", err)
		}
		if store.ActionSide(staff, got) != "" {
			t.Fatalf("the street acts on its community's item: %s", store.ActionSide(staff, got))
		}
		if _, err := s.UpdateAction(as(staff), community.ID, coordination.InProgress, "街道代办"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("the street changes its community's item: %v", err)
		}
		if _, err := s.FindActionByID(as(staff), elsewhere.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("the street reads another street's item: %v", err)
		}
		for _, c := range []struct {
			who     *accounts.User
			street  string
			overdue []string
		}{
			{staff, st.ID, []string{community.ID, street.ID}},
			{outsider, other.ID, []string{elsewhere.ID}},
			{coord, "", []string{community.ID, elsewhere.ID, street.ID}},
		} {
			all, err := s.FindActions(as(c.who), store.ActionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			overdue, _, _ := coordination.Overview(all, clock)
			var ids []string
			for _, a := range overdue {
				ids = append(ids, a.ID)
			}
			want := map[string]bool{}
			for _, id := range c.overdue {
				want[id] = true
			}
			ok := len(ids) == len(want)
			for _, id := range ids {
				ok = ok && want[id]
			}
			if !ok {
				t.Errorf("%s: overview overdue %v, want %v", c.who.Name, ids, c.overdue)
			}
			o, err := s.Overview(as(c.who), store.DashboardFilter{StreetID: c.street})
			if err != nil {
				t.Fatal(err)
			}
			if o.OverdueActions != len(c.overdue) {
				t.Errorf("%s: dashboard overdue %d, want %d", c.who.Name, o.OverdueActions, len(c.overdue))
			}
		}
	})
}
