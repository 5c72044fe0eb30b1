package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

type flakySender struct{ fail bool }

func (f *flakySender) Send(context.Context, string, string) error {
	if f.fail {
		return errors.New("gateway down")
	}
	return nil
}

// A returned need queues a text to the community staff; the outbox sends it
// once, in Chinese, and retries after a gateway failure.
func TestOutboxDrain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Admin()
		st := &places.Street{Name: "回龙观街道"}
		if err := s.CreateStreet(ctx, st); err != nil {
			t.Fatal(err)
		}
		cm := &places.Community{StreetID: st.ID, Name: "龙锦苑二区社区"}
		if err := s.CreateCommunity(ctx, cm); err != nil {
			t.Fatal(err)
		}
		mk := func(phone string, r accounts.Role, scope string) *accounts.User {
			u := &accounts.User{Phone: phone, Name: string(r), Grants: []accounts.Grant{{Role: r, ScopeID: scope}}}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			got, _ := s.FindUserByPhone(context.Background(), phone)
			return got
		}
		comm := mk("13900000001", accounts.CommunityStaff, cm.ID)
		street := mk("13900000002", accounts.StreetStaff, st.ID)
		rules := procurement.DefaultRules()
		n := &procurement.Need{Title: "龙锦苑二区业委会组建指导", Description: "社区希望组建业主委员会。", CommunityID: cm.ID,
			BudgetFen: 100_000, Criteria: procurement.DefaultCriteria()}
		if err := s.CreateNeed(accounts.WithActor(ctx, comm), n, rules); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransitionNeed(accounts.WithActor(ctx, comm), n.ID, procurement.ActSubmit, "", rules); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransitionNeed(accounts.WithActor(ctx, street), n.ID, procurement.ActReturn, "请补充服务对象人数", rules); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		flaky := &flakySender{fail: true}
		if sent, err := sendPending(context.Background(), s, flaky, cat, log); err != nil || sent != 0 {
			t.Fatalf("sent %d through a broken gateway", sent)
		}
		inbox := sms.NewInbox(10)
		// Street staff were told of the submission, community staff of the return.
		if sent, err := sendPending(context.Background(), s, inbox, cat, log); err != nil || sent != 2 {
			t.Fatalf("sent %d, want 2", sent)
		}
		if text := inbox.Last("13900000001"); !strings.HasPrefix(text, "【回天社区】") || !strings.Contains(text, "龙锦苑二区业委会组建指导") {
			t.Fatalf("text: %q", text)
		}
		if sent, err := sendPending(context.Background(), s, inbox, cat, log); err != nil || sent != 0 {
			t.Fatalf("sent again: %d", sent)
		}
	})
}
