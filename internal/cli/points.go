package cli

import (
	"context"
	"fmt"
)

// runPointsVerify checks that every points balance equals the sum of its
// postings: exit 0 when all do, 1 naming the first account that differs.
func runPointsVerify(ctx context.Context, args []string, env Env) error {
	fs := flags("points verify", env)
	db := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	m, n, err := s.VerifyPoints(ctx)
	if err != nil {
		return err
	}
	if m != nil {
		fmt.Fprintf(env.Stdout, "积分余额与流水不符 / points balance MISMATCH at account %s: balance %d, postings sum %d\n",
			m.AccountID, m.Balance, m.Sum)
		return exitError(1)
	}
	fmt.Fprintf(env.Stdout, "积分余额与流水一致 / points balances match their postings: %d accounts\n", n)
	return nil
}
