package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestGrantsVerify(t *testing.T) {
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
			f := &grants.FundRecord{Name: "回天社区治理基金", Kind: grants.General}
			if err := s.CreateFund(storetest.Admin(), f); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordDonation(storetest.Admin(), &grants.Donation{FundID: f.ID, DonorName: "某公司", Amount: 100000,
				Channel: "bank", DonatedOn: "2026-11-19"}, "d1"); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "grants", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "2 accounts, 1 funds") {
				t.Fatalf("verify: %d %s", code, out)
			}
			if _, err := rawDB(t, d, dsn).Exec(`UPDATE grant_donations SET amount = 100001`); err != nil {
				t.Fatal(err)
			}
			if code, out, _ := run(t, "", "grants", "verify", "--db", dsn); code != 1 || !strings.Contains(out, "fund "+f.ID) {
				t.Fatalf("verify after tampering: %d %s", code, out)
			}
		})
	}
}
