package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAdminDisableAccount: an admin disables an account from its page with
// a reason (required; audited); its sessions end and it cannot sign in;
// street staff cannot; enabling it lets its person sign in again.
func TestAdminDisableAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin, staff, other := f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		staff.login(f.staff)
		other.login(f.outsid)
		u, err := s.FindUserByPhone(context.Background(), f.staff)
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/users/" + u.ID
		if code, _, _ := other.post(path+"/disable", url.Values{"reason": {"已离职"}}); code != http.StatusForbidden {
			t.Fatalf("street staff disables someone: %d", code)
		}
		if code, body, _ := admin.post(path+"/disable", url.Values{"reason": {" "}}); code != 400 || !strings.Contains(body, "请写明停用原因") {
			t.Fatalf("no reason: %d", code)
		}
		if code, _, _ := staff.get("/me"); code != http.StatusOK {
			t.Fatalf("a refused disabling ended the session: %d", code)
		}
		if code, _, _ := admin.post(path+"/disable", url.Values{"reason": {"手机丢失"}}); code != http.StatusSeeOther {
			t.Fatalf("disable: %d", code)
		}
		if _, body, _ := admin.get(path); !strings.Contains(body, "已停用") || !strings.Contains(body, "重新启用") {
			t.Fatal("the page does not show the account disabled")
		}
		if code, _, _ := staff.get("/me"); code != http.StatusSeeOther {
			t.Fatalf("the session survived: %d", code)
		}
		if code, _, _ := staff.post("/login/password", url.Values{"phone": {f.staff}, "password": {password}}); code == http.StatusSeeOther {
			t.Fatal("a disabled account signed in")
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "user.disable"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Data, "手机丢失") {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
		if code, _, _ := admin.post(path+"/enable", nil); code != http.StatusSeeOther {
			t.Fatalf("enable: %d", code)
		}
		if code, _, _ := admin.post(path+"/enable", nil); code != http.StatusConflict {
			t.Fatalf("enable an active account: %d", code)
		}
		if code, _, _ := staff.post("/login/password", url.Values{"phone": {f.staff}, "password": {password}}); code != http.StatusSeeOther {
			t.Fatalf("sign in after enabling: %d", code)
		}
	})
}
