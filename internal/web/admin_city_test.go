package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestMerchantsPaged: the merchants' list shows a page of 50 with a pager,
// filters by street (only a street the actor enrols in) and by a part of
// the name.
func TestMerchantsPaged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for i := range 60 {
			street := f.street.ID
			if i%4 == 0 {
				street = f.other.ID
			}
			if err := s.CreateMerchant(storetest.Admin(), &merchants.Merchant{Name: fmt.Sprintf("便民商店%02d", i), StreetID: street}); err != nil {
				t.Fatal(err)
			}
		}
		admin := f.browser(t)
		admin.login(f.admin)
		rows := func(body string) int { return strings.Count(body, `<td><a href="/merchant/`) }
		code, body, _ := admin.get("/admin/merchants")
		if code != 200 || rows(body) != 50 || !strings.Contains(body, "共 60 家商户") || !strings.Contains(body, `href="?page=2"`) {
			t.Fatalf("page 1: %d, %d rows", code, rows(body))
		}
		if _, body, _ = admin.get("/admin/merchants?page=2"); rows(body) != 10 {
			t.Fatalf("page 2: %d rows", rows(body))
		}
		if _, body, _ = admin.get("/admin/merchants?street=" + f.other.ID); rows(body) != 15 || !strings.Contains(body, "共 15 家商户") {
			t.Fatalf("other street: %d rows", rows(body))
		}
		if _, body, _ = admin.get("/admin/merchants?q=" + url.QueryEscape("商店0")); rows(body) != 10 || strings.Contains(body, "便民商店10") {
			t.Fatalf("by name: %d rows", rows(body))
		}
		// Street staff see their street's only, and may not ask for another.
		staff := f.browser(t)
		staff.login(f.staff)
		if _, body, _ = staff.get("/admin/merchants"); !strings.Contains(body, "共 45 家商户") || strings.Contains(body, `id="fstreet"`) {
			t.Fatalf("street staff: %d rows", rows(body))
		}
		if code, body, _ := staff.get("/admin/merchants?street=" + f.other.ID); code != 200 || !strings.Contains(body, "共 45 家商户") {
			t.Fatalf("street staff naming another street: %d", code)
		}
		if code, _, _ := admin.get("/admin/merchants?street=nowhere"); code != 403 {
			t.Fatalf("an unknown street: %d", code)
		}
	})
}
