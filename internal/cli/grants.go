package cli

import (
	"context"
	"fmt"
)

// runGrantsVerify checks the money ledger of grants: every account's
// balance equals its postings, every fund's donations, round's budget and
// award match their postings, nothing paid exceeds its award, every paid
// tranche and approved expense has its posting. Exit 0 when all hold, 1
// listing what does not.
func runGrantsVerify(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "grants verify", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	problems, n, err := s.VerifyGrants(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stdout, "资金账目不符 / grants MISMATCH: %s %s: %s\n", p.Kind, p.ID, p.Detail)
	}
	if len(problems) > 0 {
		return exitError(1)
	}
	fmt.Fprintf(env.Stdout, "资金账目与流水一致 / grants match their postings: %d accounts, %d funds, %d rounds, %d awards\n",
		n.Accounts, n.Funds, n.Rounds, n.Awards)
	return nil
}
