package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// nameMatch is what the admins' user search promises, written out here
// without its index: the users whose name key (accounts.NameKey) holds
// the query's key at one of its first 32 characters; first those whose
// name begins with it, by (name key, id), then the others by (their first
// suffix that begins with it, id), strings compared byte by byte.
func nameMatch(byID map[string]string, q string) []string {
	key := accounts.NameKey(q)
	type hit struct {
		id, sort string
		rank     int
	}
	var hits []hit
	for id, n := range byID {
		k := accounts.NameKey(n)
		if strings.HasPrefix(k, key) {
			hits = append(hits, hit{id, k, 0})
			continue
		}
		var first string
		rs := []rune(k)
		for i := range min(len(rs), 32) {
			if s := string(rs[i:]); strings.HasPrefix(s, key) && (first == "" || s < first) {
				first = s
			}
		}
		if first != "" {
			hits = append(hits, hit{id, first, 1})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if c := strings.Compare(a.sort, b.sort); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.id)
	}
	return ids
}

// findAll reads every page of a search and fails on a user listed twice.
func findAll(t *testing.T, s *store.Store, f store.UserFilter) (ids []string, total int) {
	t.Helper()
	seen := map[string]bool{}
	for page := 1; ; page++ {
		f.Page = page
		us, n, err := s.FindUsers(storetest.Admin(), f)
		if err != nil {
			t.Fatal(err)
		}
		total = n
		for _, u := range us {
			if seen[u.ID] {
				t.Errorf("%+v: %s twice", f, u.Name)
			}
			seen[u.ID] = true
			ids = append(ids, u.ID)
		}
		if len(us) < f.PerPage {
			return ids, total
		}
	}
}

// TestFindUsersByNamePart: a name query finds every name that holds it
// (ASCII letters in any case), those beginning with it first, page after
// page at any page size without a user missing or listed twice (a name
// holding it twice is listed once); a phone, digits or written +86 …, finds
// its user.
func TestFindUsersByNamePart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		admin := storetest.Admin()
		long := strings.Repeat("长", 35) + "尾巴" // 尾巴 begins at its 36th character
		names := []string{"王小明", "李小明", "王晓明", "王小红", "王五", "王五", "王五", "小明王", "小明小明", "张小明华",
			"Alice Wang", "alice Smith", "ALICE Jones", "Anna Li", "欧阳修", "王", "汪洋", "王%", "Bob", "桂兰", "李桂兰", long, "李小明小明"}
		byID := map[string]string{}
		for i, n := range names {
			u := newStaff(t, s, fmt.Sprintf("139%08d", 10+i), n)
			byID[u.ID] = n
		}
		names2 := func(ids []string) []string {
			var out []string
			for _, id := range ids {
				out = append(out, byID[id])
			}
			return out
		}
		for _, c := range []struct {
			q    string
			want []string // in order; nil: only count n
			n    int
		}{
			{"小明", []string{"小明小明", "小明王", "王小明", "李小明", "李小明小明", "张小明华"}, 6},
			{"anna", []string{"Anna Li"}, 1},
			{"LI", []string{"Anna Li", "ALICE Jones", "alice Smith", "Alice Wang"}, 4},
			{"桂兰", []string{"桂兰", "李桂兰"}, 2},
			{"王", nil, 9}, {"王小", nil, 2}, {"王五", nil, 3}, {"alice", nil, 3}, {" 王小明 ", nil, 1}, {"王%", nil, 1},
			{"%", nil, 1}, {"阳修", nil, 1}, {"wang", nil, 1}, {"明", nil, 7}, {"长长", nil, 1}, {"尾巴", nil, 0},
			{"赵", nil, 0}, {"小明明", nil, 0},
		} {
			// Counted up to 1,000 (as the page does), up to 3 (past
			// it: 4, "more than 3"), or exactly (0: no bound).
			for _, per := range []int{1, 2, 3, 50} {
				for _, upTo := range []int{1000, 3, 0} {
					got, total := findAll(t, s, store.UserFilter{Query: c.q, PerPage: per, CountUpTo: upTo})
					w, wantTotal := nameMatch(byID, c.q), c.n
					if upTo > 0 && wantTotal > upTo {
						wantTotal = upTo + 1
					}
					if !slices.Equal(got, w) || len(w) != c.n || total != wantTotal {
						t.Errorf("%q by %d up to %d: got %q (total %d), want %q", c.q, per, upTo, names2(got), total, names2(w))
					}
				}
				got, _ := findAll(t, s, store.UserFilter{Query: c.q, PerPage: per, CountUpTo: 1000})
				if c.want != nil && !slices.Equal(names2(got), c.want) {
					t.Errorf("%q by %d: %q, want %q", c.q, per, names2(got), c.want)
				}
			}
		}
		// The bounded count says "more than" past its bound.
		if _, n, err := s.FindUsers(admin, store.UserFilter{Query: "王", PerPage: 2, CountUpTo: 3}); err != nil || n != 4 {
			t.Errorf("王 counted up to 3: %d, %v", n, err)
		}
		// Phones: the digits, or written the way people write them.
		for _, q := range []string{"13900000010", "+86 139-0000-0010"} {
			us, n, err := s.FindUsers(admin, store.UserFilter{Query: q, PerPage: 50})
			if err != nil || n != 1 || len(us) != 1 || us[0].Name != "王小明" {
				t.Errorf("phone %q: %d users, %v", q, n, err)
			}
		}
	})
}

// userParts reads a user's rows of user_name_parts.
func userParts(t *testing.T, s *store.Store, userID string) []string {
	t.Helper()
	rows, err := s.QueryForTest(context.Background(), `SELECT part FROM user_name_parts WHERE user_id = ? ORDER BY part`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// suffixes are the parts a name should have: its key's suffixes from
// each of its first 32 characters, byte order.
func suffixes(name string) []string {
	r := []rune(accounts.NameKey(name))
	var out []string
	for i := range min(len(r), 32) {
		out = append(out, string(r[i:]))
	}
	slices.Sort(out)
	return out
}

// TestUserNamePartsKept: whichever path writes a name (an admin creating
// a user, a resident's first sign-in, a rename, an account's deletion,
// a row deleted), user_name_parts holds that name's suffixes by character
// and nothing of a name no longer there, so the search follows at once.
func TestUserNamePartsKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		found := func(q, id string) bool {
			t.Helper()
			ids, _ := findAll(t, s, store.UserFilter{Query: q, PerPage: 50})
			return slices.Contains(ids, id)
		}
		u := newStaff(t, s, "13900000001", "Anna 王小明")
		if got, want := userParts(t, s, u.ID), suffixes("Anna 王小明"); !slices.Equal(got, want) {
			t.Fatalf("parts %q, want %q", got, want)
		}
		long := newStaff(t, s, "13900000002", strings.Repeat("长", 40)+"尾")
		if got := userParts(t, s, long.ID); len(got) != 32 || !slices.Equal(got, suffixes(strings.Repeat("长", 40)+"尾")) {
			t.Fatalf("a long name: %d parts", len(got))
		}
		// A resident signing in the first time (居民 and the phone's end).
		r, err := s.EnsureResident(ctx, "13800000003")
		if err != nil {
			t.Fatal(err)
		}
		if !found("民0003", r.ID) || !found("居民", r.ID) {
			t.Fatalf("%s not found by a part", r.Name)
		}
		// A rename: the old name's parts go, the new one's come.
		if err := s.RenameMe(as(r), "赵桂兰"); err != nil {
			t.Fatal(err)
		}
		if found("居民", r.ID) || !found("桂兰", r.ID) || !slices.Equal(userParts(t, s, r.ID), suffixes("赵桂兰")) {
			t.Fatalf("after a rename: %q", userParts(t, s, r.ID))
		}
		// Deleting one's account leaves the pseudonym's parts only.
		r, err = s.FindUserByPhone(ctx, "13800000003")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteMe(as(r), portal.DeleteConfirmation); err != nil {
			t.Fatal(err)
		}
		pseudonym, _ := portal.Pseudonym(r.ID)
		if found("桂兰", r.ID) || !slices.Equal(userParts(t, s, r.ID), suffixes(pseudonym)) {
			t.Fatalf("after deleting the account: %q", userParts(t, s, r.ID))
		}
		// A user row deleted takes its parts along.
		if err := s.ExecForTest(ctx, `DELETE FROM grants WHERE user_id = ?`, long.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `DELETE FROM users WHERE id = ?`, long.ID); err != nil {
			t.Fatal(err)
		}
		if got := userParts(t, s, long.ID); len(got) != 0 {
			t.Fatalf("a deleted user's parts: %q", got)
		}
		if !found("小明", u.ID) || !found("ANNA", u.ID) {
			t.Fatal("the other user lost its parts")
		}
	})
}

// TestFindUsersByRole: a role alone lists its holders (a member of two
// organizations once) by id, page after page, from the grants' side; with
// a name, only the holders whose name holds it.
func TestFindUsersByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, c2 := seed(t, s)
		var auditors, streetStaff []string
		for i := range 12 {
			var gs []accounts.Grant
			switch i % 3 {
			case 0:
				gs = []accounts.Grant{{Role: accounts.Auditor}}
			case 1:
				gs = []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}
			default:
				gs = []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: c1.ID}}
			}
			u := newStaff(t, s, fmt.Sprintf("139%08d", 100+i), []string{"王小明", "李桂兰", "张伟", "王桂兰"}[i%4], gs...)
			switch i % 3 {
			case 0:
				auditors = append(auditors, u.ID)
			case 1:
				streetStaff = append(streetStaff, u.ID)
			}
		}
		// Twice community staff: listed once.
		twice := newStaff(t, s, "13900000200", "刘小明", accounts.Grant{Role: accounts.CommunityStaff, ScopeID: c1.ID},
			accounts.Grant{Role: accounts.CommunityStaff, ScopeID: c2.ID})
		slices.Sort(auditors)
		for _, per := range []int{1, 2, 3, 50} {
			got, total := findAll(t, s, store.UserFilter{Role: accounts.Auditor, PerPage: per, CountUpTo: 1000})
			if !slices.Equal(got, auditors) || total != len(auditors) {
				t.Errorf("auditors by %d: %d of %d (total %d)", per, len(got), len(auditors), total)
			}
			got, total = findAll(t, s, store.UserFilter{Role: accounts.CommunityStaff, PerPage: per, CountUpTo: 1000})
			if len(got) != 5 || total != 5 || !slices.Contains(got, twice.ID) || !slices.IsSorted(got) {
				t.Errorf("community staff by %d: %d (total %d)", per, len(got), total)
			}
		}
		if _, n, err := s.FindUsers(storetest.Admin(), store.UserFilter{Role: accounts.Auditor, PerPage: 1, CountUpTo: 2}); err != nil || n != 3 {
			t.Errorf("auditors counted up to 2: %d, %v", n, err)
		}
		// A role and a name: the holders whose name holds it, in the
		// name's order.
		all := map[string]string{}
		for _, id := range streetStaff {
			u, err := s.FindUserByID(storetest.Admin(), id)
			if err != nil {
				t.Fatal(err)
			}
			all[id] = u.Name
		}
		// Both ways: the few holders tested for the name, then (as for a
		// role of many holders) the names tested for the role.
		for _, how := range []string{"few", "many"} {
			if how == "many" {
				s.ManyHoldersForTest()
			}
			for _, q := range []string{"小明", "桂兰", "王", "李", "张伟", "赵"} {
				for _, per := range []int{1, 2, 50} {
					for _, upTo := range []int{1000, 1, 0} {
						got, total := findAll(t, s, store.UserFilter{Query: q, Role: accounts.StreetStaff, PerPage: per, CountUpTo: upTo})
						w := nameMatch(all, q)
						wantTotal := len(w)
						if upTo > 0 && wantTotal > upTo {
							wantTotal = upTo + 1
						}
						if !slices.Equal(got, w) || total != wantTotal {
							t.Errorf("%s: %q among street staff by %d up to %d: %d (total %d), want %d", how, q, per, upTo, len(got), total, len(w))
						}
					}
				}
			}
			got, total := findAll(t, s, store.UserFilter{Query: "刘小", Role: accounts.CommunityStaff, PerPage: 50})
			if !slices.Contains(got, twice.ID) || len(got) != 1 || total != 1 {
				t.Errorf("%s: 刘小 among community staff: %d (total %d)", how, len(got), total)
			}
			// 刘小明 by a part (the second list) once, with 王小明.
			if got, total := findAll(t, s, store.UserFilter{Query: "小明", Role: accounts.CommunityStaff, PerPage: 1}); len(got) != 2 || total != 2 {
				t.Errorf("%s: 小明 among community staff: %d (total %d)", how, len(got), total)
			}
		}
	})
}

// TestUserNamePartsMigration: migration 0027 fills the parts of the users
// who were there before it (applied again here on a database stripped of
// it), and the search finds them by a part.
func TestUserNamePartsMigration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		byID := map[string]string{}
		for i, n := range []string{"王小明", "李小明", "Anna Li", strings.Repeat("长", 40)} {
			byID[newStaff(t, s, fmt.Sprintf("139%08d", 300+i), n).ID] = n
		}
		undo := []string{`DROP TRIGGER user_name_parts_insert`, `DROP TRIGGER user_name_parts_update`,
			`DROP TABLE user_name_parts`, `DROP INDEX grants_role_user`}
		if s.Dialect() == store.Postgres {
			undo = []string{`DROP TRIGGER user_name_parts_insert ON users`, `DROP FUNCTION user_name_parts_insert()`,
				`DROP TRIGGER user_name_parts_update ON users`, `DROP FUNCTION user_name_parts_update()`,
				`DROP TABLE user_name_parts`, `DROP INDEX grants_role_user`}
		}
		undo = append(undo, `DELETE FROM schema_migrations WHERE version = '0027_user_name_parts'`)
		for _, q := range undo {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// A user written while the table is not there.
		byID[newStaff(t, s, "13900000399", "赵桂兰").ID] = "赵桂兰"
		if applied, err := s.Migrate(ctx); err != nil || !slices.Equal(applied, []string{"0027_user_name_parts"}) {
			t.Fatalf("migrate again: %v, %v", applied, err)
		}
		for id, n := range byID {
			if got := userParts(t, s, id); !slices.Equal(got, suffixes(n)) {
				t.Errorf("%s: parts %q", n, got)
			}
		}
		for _, q := range []string{"小明", "li", "桂兰", "长"} {
			if got, _ := findAll(t, s, store.UserFilter{Query: q, PerPage: 2}); !slices.Equal(got, nameMatch(byID, q)) {
				t.Errorf("%q after the migration: %d", q, len(got))
			}
		}
		// The triggers are back: a new user has its parts.
		u := newStaff(t, s, "13900000398", "孙小明")
		if got := userParts(t, s, u.ID); !slices.Equal(got, suffixes("孙小明")) {
			t.Errorf("a user after the migration: %q", got)
		}
	})
}
