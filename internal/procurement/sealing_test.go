package procurement

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

func TestAskerSealedLikeTheProposals(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	before, after := deadline.Add(-time.Nanosecond), deadline
	actors := machineActors()
	actors["asker"] = &accounts.User{ID: "m1", Grants: []accounts.Grant{{Role: accounts.OrgMember, ScopeID: "o9"}}}
	actors["auditor"] = &accounts.User{ID: "a1", Grants: []accounts.Grant{{Role: accounts.Auditor}}}
	// Before the deadline: the need's staff (and the oversight that reads
	// its internal parts) and the asking organization.
	shown := map[string]bool{"community": true, "street": true, "platform_admin": true, "auditor": true, "asker": true}
	for name, actor := range actors {
		n := &Need{StreetID: "s1", CommunityID: "c1", Status: Published, Deadline: deadline}
		if got := AskerShown(n, "o9", actor, before); got != shown[name] {
			t.Errorf("before the deadline %s sees the asker: %v", name, got)
		}
		if !AskerShown(n, "o9", actor, after) {
			t.Errorf("after the deadline %s does not see the asker", name)
		}
		if AskerShown(n, "", actor, before) != (shown[name] && name != "asker") {
			t.Errorf("an unknown asker is shown to %s", name)
		}
		// A tender cancelled before its deadline never opens: its bidders,
		// and its askers, stay sealed.
		n.Status, n.UpdatedAt = Cancelled, before
		if got := AskerShown(n, "o9", actor, after.AddDate(0, 1, 0)); got != shown[name] {
			t.Errorf("cancelled before the deadline, %s sees the asker: %v", name, got)
		}
	}
}
