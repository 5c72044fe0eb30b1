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

// SystemName is the name of the System actor, in the audit log and on a
// need's timeline. Only an entry without a user id under this name is the
// system's: a person may call themself anything.
const SystemName = "system"

// System is the actor for command-line work (imports, user add): a platform
// admin with no account, recorded in the audit log as SystemName.
func System() *User {
	return &User{ID: "", Name: SystemName, Grants: []Grant{{Role: PlatformAdmin}}}
}
