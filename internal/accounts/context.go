package accounts

import "context"

type actorKey struct{}

// WithActor returns a context carrying the signed-in user (nil for none).
func WithActor(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, actorKey{}, u)
}

// ActorFrom returns the user in ctx, or nil when signed out.
func ActorFrom(ctx context.Context) *User {
	u, _ := ctx.Value(actorKey{}).(*User)
	return u
}

// System is the actor for command-line work (imports, user add): a platform
// admin with no account, recorded in the audit log as "system".
func System() *User {
	return &User{ID: "", Name: "system", Grants: []Grant{{Role: PlatformAdmin}}}
}
