package store

import (
	"context"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
)

// Grant notifications tell whoever acts next on an application, a
// milestone or an expense, and lead to the application's page, where its
// agreement, milestones and expenses are.

// grantManagers act on a round's applications: the street's staff for a
// street's round, the foundation's staff for the foundation's own.
func grantManagers(ctx context.Context, c conn, streetID string) ([]string, error) {
	if streetID != "" {
		return usersWithRole(ctx, c, accounts.StreetStaff, streetID)
	}
	return usersWithRole(ctx, c, accounts.FoundationStaff, "")
}

// notifyGrantManagers notifies the managers of a round of streetID.
func notifyGrantManagers(ctx context.Context, c conn, streetID, appID, kind string, args ...any) error {
	ids, err := grantManagers(ctx, c, streetID)
	if err != nil {
		return err
	}
	return notifyAt(ctx, c, ids, applicationLink(appID), kind, args...)
}

// notifyGrantee notifies the admins of the organization an application is
// of (they answer for it; members see it on the same page).
func notifyGrantee(ctx context.Context, c conn, orgID, appID, kind string, args ...any) error {
	ids, err := orgAdmins(ctx, c, orgID)
	if err != nil {
		return err
	}
	return notifyAt(ctx, c, ids, applicationLink(appID), kind, args...)
}

// notifyReviewers asks the panel to score an application now under review.
func notifyReviewers(ctx context.Context, c conn, a *grants.Application) error {
	ids, err := usersWithRole(ctx, c, accounts.Reviewer, "")
	if err != nil {
		return err
	}
	return notifyAt(ctx, c, ids, applicationLink(a.ID), "grant_review_requested", a.Title, a.RoundName)
}

func applicationLink(id string) string { return "/grants/applications/" + id }
