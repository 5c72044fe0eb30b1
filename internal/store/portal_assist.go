package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/portal"
)

// Assisted mode (代办): community staff act for a resident of their
// community who is present and consents, e.g. signing an elder up for an
// activity at the front desk. The action runs as the resident (their
// eligibility, their record), every audit entry it writes names the staff
// member (assisted_by), and the resident is told who acted.

type assistantKey struct{}

// withAssistant marks ctx as an assisted action by staff.
func withAssistant(ctx context.Context, staff *accounts.User) context.Context {
	return context.WithValue(ctx, assistantKey{}, staff)
}

func assistantFrom(ctx context.Context) *accounts.User {
	u, _ := ctx.Value(assistantKey{}).(*accounts.User)
	return u
}

// AssistTarget finds the resident staff act for: a resident whose home is
// communityID, by their full phone number (typed at the desk). The actor
// must hold assisted mode for that community.
func (s *Store) AssistTarget(ctx context.Context, communityID, phone string) (*accounts.User, error) {
	staff, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	c := s.read()
	cm, err := findCommunity(ctx, c, communityID)
	if err != nil {
		return nil, s.translate(fieldErr("community", err))
	}
	if err := accounts.Can(staff, accounts.Create, accounts.Resource{Kind: accounts.KindAssisted, StreetID: cm.StreetID, CommunityID: cm.ID}); err != nil {
		return nil, err
	}
	phone, err = accounts.NormalizePhone(phone)
	if err != nil {
		return nil, errs.Field("phone", "phone.invalid")
	}
	u, err := findUser(ctx, c, `phone = ?`, phone)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("phone", "assist.no_resident")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	var home string
	if err := c.row(ctx, `SELECT community_id FROM resident_homes WHERE user_id = ?`, u.ID).Scan(&home); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.translate(err)
	}
	if !u.Has(accounts.Resident) || u.Disabled || home != cm.ID || u.ID == staff.ID {
		return nil, errs.Field("phone", "assist.no_resident")
	}
	return u, nil
}

// AssistedSignup signs a consenting resident up for an activity.
func (s *Store) AssistedSignup(ctx context.Context, communityID, phone, activityID string, consent bool) (*activities.Signup, error) {
	if !consent {
		return nil, errs.Field("consent", "assist.consent_required")
	}
	staff := accounts.ActorFrom(ctx)
	u, err := s.AssistTarget(ctx, communityID, phone)
	if err != nil {
		return nil, err
	}
	actx := withAssistant(accounts.WithActor(ctx, u), staff)
	g, err := s.Signup(actx, activityID, "")
	if err != nil {
		return nil, err
	}
	a, err := s.FindActivityByID(ctx, activityID)
	if err != nil {
		return nil, err
	}
	err = s.tx(actx, func(c conn) error {
		return notify(actx, c, []string{u.ID}, "", "assisted_signup", staff.Name, a.Title)
	})
	return g, err
}

// AssistedSuggestion raises a need for a consenting resident (told by
// phone or at the desk); the suggestion shows who wrote it down.
func (s *Store) AssistedSuggestion(ctx context.Context, communityID, phone string, g *portal.Suggestion, consent bool) error {
	if !consent {
		return errs.Field("consent", "assist.consent_required")
	}
	staff := accounts.ActorFrom(ctx)
	u, err := s.AssistTarget(ctx, communityID, phone)
	if err != nil {
		return err
	}
	g.AssistedBy = staff.Name
	return s.CreateSuggestion(withAssistant(accounts.WithActor(ctx, u), staff), g, nil, "")
}
