package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// A street's meeting's title and agenda are corrected by its street's
// staff (or the coordinators), audited with what they were.
func TestEditMeeting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		other := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(storetest.Admin(), other); err != nil {
			t.Fatal(err)
		}
		staff := &accounts.User{Phone: "13700001002", Name: "街道干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		outsider := &accounts.User{Phone: "13700001003", Name: "别处干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: other.ID}}}
		for _, u := range []*accounts.User{staff, outsider} {
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
		}
		m := &coordination.Meeting{Title: "回龙观街道联席会", HeldAt: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), StreetID: st.ID,
			Agenda: []string{"通报党建情况"}}
		if err := s.CreateMeeting(as(staff), m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditMeeting(as(outsider), m.ID, "越权", nil); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("another street edited: %v", err)
		}
		if _, err := s.EditMeeting(as(staff), m.ID, " ", nil); errs.As(err).Field != "title" {
			t.Fatalf("blank title: %v", err)
		}
		if _, err := s.EditMeeting(as(staff), m.ID, "x", []string{strings.Repeat("长", 201)}); errs.As(err).Field != "agenda" {
			t.Fatalf("long agenda item: %v", err)
		}
		got, err := s.EditMeeting(as(staff), m.ID, "2026年3月回龙观街道联席会", []string{"通报党建情况", " ", "部署养老驿站联建"})
		if err != nil || got.Title != "2026年3月回龙观街道联席会" {
			t.Fatalf("edit: %+v %v", got, err)
		}
		back, _ := s.FindMeetingByID(storetest.Admin(), m.ID)
		if back.Title != got.Title || !slices.Equal(back.Agenda, []string{"通报党建情况", "部署养老驿站联建"}) {
			t.Fatalf("read back: %q %v", back.Title, back.Agenda)
		}
		// Saving the same again records nothing.
		if _, err := s.EditMeeting(as(staff), m.ID, got.Title, back.Agenda); err != nil {
			t.Fatal(err)
		}
		entries, n, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "meeting.edit"})
		if err != nil || n != 1 || !strings.Contains(entries[0].Data, "回龙观街道联席会") || entries[0].ActorName != staff.Name {
			t.Fatalf("audit: %d %+v %v", n, entries, err)
		}
		if _, err := s.EditMeeting(as(staff), "nope", "x", nil); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unknown meeting: %v", err)
		}
	})
}
