package cli_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestPointsVerify(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			st := &places.Street{Name: "霍营街道"}
			if err := s.CreateStreet(storetest.Admin(), st); err != nil {
				t.Fatal(err)
			}
			res := points.AccountID(points.Resident, "u1")
			if _, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: "g1", Kind: points.KindGrant,
				From: points.AccountID(points.Pool, st.ID), To: res, Amount: 30, Reason: "开户"}); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "points", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "2 accounts") {
				t.Fatalf("verify: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "points", "issue", "--db", dsn); code != 0 || !strings.Contains(out, "issued 0 awards") {
				t.Fatalf("issue: %d %s", code, out)
			}
			// The points earned this year expire at the end of next year: not yet.
			if code, _, stderr := run(t, "", "points", "expire", "--db", dsn, "--year", strconv.Itoa(time.Now().Year())); code != 1 || !strings.Contains(stderr, "还没到") {
				t.Fatalf("expire early: %d %s", code, stderr)
			}
			if code, _, _ := run(t, "", "points", "expire", "--db", dsn); code != 1 {
				t.Fatalf("expire without a year: %d", code)
			}
			if _, err := rawDB(t, d, dsn).Exec(`UPDATE points_accounts SET balance = 31 WHERE id = '` + res + `'`); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "points", "verify", "--db", dsn); code != 1 || !strings.Contains(out, res) {
				t.Fatalf("verify after tampering: %d %s", code, out)
			}
		})
	}
}
