package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
)

// BenchmarkFindUsersAtScale times the admins' user search as /admin/users
// asks it (50 a page, counted up to 1,000) on a real database, such as a
// city's million residents of `huitian gen --scale city` (bench/README.md,
// "The admins' user search by any part of a name"). Skipped unless
// HUITIAN_USER_SEARCH_DB names the database (a path or a postgres:// URL);
// it only reads:
//
//	HUITIAN_USER_SEARCH_DB=/tmp/city.db go test ./internal/store -run '^$' -bench FindUsersAtScale
func BenchmarkFindUsersAtScale(b *testing.B) {
	dsn := os.Getenv("HUITIAN_USER_SEARCH_DB")
	if dsn == "" {
		b.Skip("HUITIAN_USER_SEARCH_DB is not set")
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	admin := accounts.WithActor(context.Background(), accounts.System())
	for _, c := range []struct {
		name string
		f    store.UserFilter
	}{
		{"surname_王", store.UserFilter{Query: "王"}},
		{"given_name_桂兰", store.UserFilter{Query: "桂兰"}},
		{"given_name_桂兰_page20", store.UserFilter{Query: "桂兰", Page: 20}},
		{"full_name_王桂兰", store.UserFilter{Query: "王桂兰"}},
		{"common_char_建", store.UserFilter{Query: "建"}},
		{"missing_欧阳不存在", store.UserFilter{Query: "欧阳不存在"}},
		{"role_auditor", store.UserFilter{Role: accounts.Auditor}},
		{"role_auditor_name_明", store.UserFilter{Role: accounts.Auditor, Query: "明"}},
		{"role_resident_name_建", store.UserFilter{Role: accounts.Resident, Query: "建"}},
		{"role_resident_page20", store.UserFilter{Role: accounts.Resident, Page: 20}},
		{"all_page20", store.UserFilter{Page: 20}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f
			f.PerPage, f.CountUpTo = 50, 1000
			var n, total int
			for b.Loop() {
				us, t, err := s.FindUsers(admin, f)
				if err != nil {
					b.Fatal(err)
				}
				n, total = len(us), t
			}
			b.ReportMetric(float64(n), "users")
			b.ReportMetric(float64(total), "total")
		})
	}
}
