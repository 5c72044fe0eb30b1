package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// allAudit returns every entry oldest first.
func allAudit(t *testing.T, s *store.Store) []*audit.Entry {
	t.Helper()
	entries, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries
}

func TestAuditChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if b, n, err := s.VerifyAudit(ctx); b != nil || n != 0 || err != nil {
			t.Fatalf("empty log: %+v %d %v", b, n, err)
		}
		st, c1, _ := seed(t, s)
		o := &registry.Organization{Name: "龙锦苑舞蹈队", StreetID: st.ID, CommunityID: c1.ID, ContactPhone: "13812345678"}
		if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
			t.Fatal(err)
		}
		entries := allAudit(t, s)
		wantActions := []string{"street.create", "community.create", "community.create", "organization.create"}
		if len(entries) != len(wantActions) {
			t.Fatalf("%d entries, want %d", len(entries), len(wantActions))
		}
		prev := audit.GenesisHash
		for i, e := range entries {
			if e.Seq != int64(i+1) || e.Action != wantActions[i] || e.PrevHash != prev || e.Hash != e.ComputeHash() {
				t.Fatalf("entry %d: %+v (prev %s)", i+1, e, prev)
			}
			if e.ActorName != "system" || strings.Contains(e.Data, "13812345678") {
				t.Fatalf("entry %d: actor %q data %s", i+1, e.ActorName, e.Data)
			}
			prev = e.Hash
		}
		if entries[3].ObjectID != o.ID || entries[3].StreetID != st.ID {
			t.Fatalf("organization entry: %+v", entries[3])
		}
		if b, n, err := s.VerifyAudit(ctx); b != nil || n != 4 || err != nil {
			t.Fatalf("intact chain: %+v %d %v", b, n, err)
		}
	})
}

// tamperStore opens a fresh migrated store and a second, raw connection to
// the same database, as someone with database access would have.
func tamperStore(t *testing.T, d store.Dialect) (*store.Store, func(query string, args ...any)) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	driver, rawDSN := "pgx", dsn
	if d == store.SQLite {
		driver, rawDSN = "sqlite", "file:"+(&url.URL{Path: dsn}).EscapedPath()+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, rawDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	exec := func(query string, args ...any) {
		t.Helper()
		if d == store.Postgres {
			for i := 1; strings.Contains(query, "?"); i++ {
				query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
			}
		}
		res, err := raw.ExecContext(ctx, query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s: %d rows affected", query, n)
		}
	}
	return s, exec
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(exec func(string, ...any), entries []*audit.Entry)
		seq    int64
		reason string
	}{
		{"changed data", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`UPDATE audit_entries SET data = ? WHERE seq = 3`, `{"name":"改过的名字"}`)
		}, 3, "hash"},
		{"changed actor", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`UPDATE audit_entries SET actor_id = 'someone' WHERE seq = 2`)
		}, 2, "hash"},
		{"changed prev hash", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`UPDATE audit_entries SET prev_hash = ? WHERE seq = 4`, audit.GenesisHash)
		}, 4, "link"},
		{"deleted middle entry", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`DELETE FROM audit_entries WHERE seq = 3`)
		}, 3, "gap"},
		{"deleted first entry", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`DELETE FROM audit_entries WHERE seq = 1`)
		}, 1, "gap"},
		{"deleted last entry", func(exec func(string, ...any), _ []*audit.Entry) {
			exec(`DELETE FROM audit_entries WHERE seq = 5`)
		}, 5, "gap"},
		{"last entry rewritten with a recomputed hash", func(exec func(string, ...any), entries []*audit.Entry) {
			e := *entries[4]
			e.Data = `{"name":"伪造"}`
			e.Hash = e.ComputeHash()
			exec(`UPDATE audit_entries SET data = ?, hash = ? WHERE seq = 5`, e.Data, e.Hash)
		}, 5, "hash"},
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					s, exec := tamperStore(t, d)
					// Entries 1-3 from seed, 4-5 from two more streets.
					seed(t, s)
					for _, name := range []string{"霍营街道", "龙泽园街道"} {
						if err := s.CreateStreet(storetest.Admin(), &places.Street{Name: name}); err != nil {
							t.Fatal(err)
						}
					}
					ctx := context.Background()
					if b, n, err := s.VerifyAudit(ctx); b != nil || n != 5 || err != nil {
						t.Fatalf("before tampering: %+v %d %v", b, n, err)
					}
					c.tamper(exec, allAudit(t, s))
					b, _, err := s.VerifyAudit(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if b == nil || b.Seq != c.seq || b.Reason != c.reason {
						t.Fatalf("break %+v, want seq %d %s", b, c.seq, c.reason)
					}
				})
			}
		})
	}
}

func TestAuditConcurrentWriters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const writers = 20
		var wg sync.WaitGroup
		errc := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errc <- s.CreateStreet(storetest.Admin(), &places.Street{Name: fmt.Sprintf("并发测试街道%02d", i)})
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		b, n, err := s.VerifyAudit(context.Background())
		if err != nil || b != nil || n != writers {
			t.Fatalf("after %d concurrent writers: break %+v, checked %d, %v", writers, b, n, err)
		}
		entries := allAudit(t, s)
		if len(entries) != writers || entries[writers-1].Seq != writers {
			t.Fatalf("%d entries", len(entries))
		}
	})
}

func TestFindAuditEntriesAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		cases := []struct {
			name  string
			actor *accounts.User
			want  errs.Code
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"street staff", &accounts.User{ID: "u1", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}, errs.Forbidden},
			{"community staff", &accounts.User{ID: "u2", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: c1.ID}}}, errs.Forbidden},
			{"resident", &accounts.User{ID: "u3", Grants: []accounts.Grant{{Role: accounts.Resident}}}, errs.Forbidden},
			{"auditor", &accounts.User{ID: "u4", Grants: []accounts.Grant{{Role: accounts.Auditor}}}, ""},
			{"platform admin", &accounts.User{ID: "u5", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}, ""},
		}
		for _, c := range cases {
			entries, n, err := s.FindAuditEntries(accounts.WithActor(context.Background(), c.actor), audit.Filter{StreetID: st.ID})
			if code(t, err) != c.want {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
			if c.want == "" && (n != 3 || len(entries) != 3) {
				t.Errorf("%s: %d entries (%d)", c.name, len(entries), n)
			}
			if c.want != "" && (entries != nil || n != 0) {
				t.Errorf("%s: refused but got %d entries", c.name, n)
			}
		}
		// Filters and paging.
		entries, n, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "community.create", PerPage: 1, Page: 2})
		if err != nil || n != 2 || len(entries) != 1 || entries[0].Seq != 2 {
			t.Fatalf("filtered page: %+v %d %v", entries, n, err)
		}
	})
}

// TestAuditMaskedForAuditors: an auditor reads the trail with residents'
// names masked (as actors and in user entries' data); staff act under
// their names; a platform admin sees everything as stored.
func TestAuditMaskedForAuditors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		res, err := s.EnsureResident(context.Background(), "13912345678")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RenameMe(accounts.WithActor(context.Background(), res), "张桂兰"); err != nil {
			t.Fatal(err)
		}
		if res, err = s.FindUserByPhone(context.Background(), "13912345678"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetHome(accounts.WithActor(context.Background(), res), c1.ID); err != nil {
			t.Fatal(err)
		}
		staff := newStaff(t, s, "13712345678", "李晓燕", accounts.Grant{Role: accounts.StreetStaff, ScopeID: st.ID})
		if err := s.RenameMe(accounts.WithActor(context.Background(), staff), "李晓燕"); err != nil {
			t.Fatal(err)
		}
		newStaff(t, s, "13812345678", "王芳", accounts.Grant{Role: accounts.Auditor})
		auditor := accounts.WithActor(context.Background(), &accounts.User{ID: "a1", Name: "审计", Grants: []accounts.Grant{{Role: accounts.Auditor}}})
		read := func(ctx context.Context) string {
			entries, _, err := s.FindAuditEntries(ctx, audit.Filter{PerPage: 200})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, e := range entries {
				fmt.Fprintf(&b, "%s|%s|%s\n", e.ActorName, e.Action, e.Data)
			}
			return b.String()
		}
		masked := read(auditor)
		for _, leak := range []string{"张桂兰", "王芳", "13912345678", "13812345678"} {
			if strings.Contains(masked, leak) {
				t.Errorf("the auditor reads %q:\n%s", leak, masked)
			}
		}
		for _, want := range []string{"张**|resident.home|", `"name":"王*"`, "system|user.create|", "李晓燕|user.rename|"} {
			if !strings.Contains(masked, want) {
				t.Errorf("the auditor's trail lacks %q:\n%s", want, masked)
			}
		}
		whole := read(storetest.Admin())
		for _, want := range []string{"张桂兰|resident.home|", `"name":"王芳"`} {
			if !strings.Contains(whole, want) {
				t.Errorf("the admin's trail lacks %q:\n%s", want, whole)
			}
		}
	})
}
