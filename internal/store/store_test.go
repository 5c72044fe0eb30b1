package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	t.Parallel()
	names := func(d string) []string {
		es, err := os.ReadDir(filepath.Join("migrations", d))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	a, b := names("sqlite"), names("postgres")
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("sqlite %v vs postgres %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("sqlite %v vs postgres %v", a, b)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		again, err := s.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate: %v %v", again, err)
		}
		pending, err := s.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after migrate: %v %v", pending, err)
		}
	})
}

// seed creates one street with two communities and returns them.
func seed(t *testing.T, s *store.Store) (*places.Street, *places.Community, *places.Community) {
	t.Helper()
	ctx := storetest.Admin()
	st := &places.Street{Name: "回龙观街道"}
	if err := s.CreateStreet(ctx, st); err != nil {
		t.Fatal(err)
	}
	c1 := &places.Community{StreetID: st.ID, Name: "龙锦苑二区社区"}
	c2 := &places.Community{StreetID: st.ID, Name: "新龙城社区"}
	for _, c := range []*places.Community{c1, c2} {
		if err := s.CreateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return st, c1, c2
}

func as(u *accounts.User) context.Context { return accounts.WithActor(context.Background(), u) }

func code(t *testing.T, err error) errs.Code {
	t.Helper()
	return errs.CodeOf(err)
}

func TestPlaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		ctx := context.Background()
		streets, err := s.FindStreets(ctx)
		if err != nil || len(streets) != 1 || streets[0].Communities != 2 || streets[0].Kind != "street" {
			t.Fatalf("streets: %+v %v", streets, err)
		}
		if err := s.CreateStreet(storetest.Admin(), &places.Street{Name: "回龙观街道"}); code(t, err) != errs.Conflict {
			t.Fatalf("duplicate street: %v", err)
		}
		if err := s.CreateStreet(storetest.Admin(), &places.Street{Name: "  "}); code(t, err) != errs.Invalid {
			t.Fatalf("empty street: %v", err)
		}
		town := &places.Street{Name: "北七家镇"}
		if err := s.CreateStreet(storetest.Admin(), town); err != nil || town.Kind != "town" {
			t.Fatalf("town: %+v %v", town, err)
		}
		// Street staff manage communities of their own street only.
		staff := &accounts.User{ID: "u1", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		if err := s.CreateCommunity(as(staff), &places.Community{StreetID: st.ID, Name: "流星花园社区"}); err != nil {
			t.Fatalf("own street: %v", err)
		}
		if err := s.CreateCommunity(as(staff), &places.Community{StreetID: town.ID, Name: "森林大第社区"}); code(t, err) != errs.Forbidden {
			t.Fatalf("other street: %v", err)
		}
		if err := s.CreateStreet(as(staff), &places.Street{Name: "霍营街道"}); code(t, err) != errs.Forbidden {
			t.Fatalf("staff creating street: %v", err)
		}
		if err := s.CreateComplex(as(staff), &places.Complex{CommunityID: c1.ID, Name: "龙锦苑二区"}); err != nil {
			t.Fatal(err)
		}
		xs, err := s.FindComplexes(ctx, c1.ID)
		if err != nil || len(xs) != 1 {
			t.Fatalf("complexes: %v %v", xs, err)
		}
		found, err := s.FindCommunityByName(ctx, "", "新龙城社区")
		if err != nil || found.StreetName != "回龙观街道" {
			t.Fatalf("by name: %+v %v", found, err)
		}
		if _, err := s.FindCommunityByID(ctx, "nope"); code(t, err) != errs.NotFound {
			t.Fatalf("missing community: %v", err)
		}
	})
}
