package store

import (
	"context"
	"fmt"
	"os"

	"github.com/huitian/huitian/internal/errs"
)

// BackupSQLite writes a consistent copy of a SQLite database to path while
// it keeps serving (VACUUM INTO reads one snapshot; writers go on in the
// WAL). PostgreSQL is backed up with pg_dump (cli), not here.
func (s *Store) BackupSQLite(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errs.Wrap(fmt.Errorf("not a SQLite database"), "backup")
	}
	if _, err := os.Stat(path); err == nil {
		return errs.Field("to", "backup.exists")
	}
	_, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path)
	return errs.Wrap(err, "backup")
}

// Verification is what a restored (or any) database proves about itself.
type Verification struct {
	AuditEntries   int64
	PointsAccounts int
	Grants         GrantsCheck
}

// VerifyAll checks the audit chain and every ledger (points, the grants'
// money); the first failure is
// returned as an error naming it.
func (s *Store) VerifyAll(ctx context.Context) (Verification, error) {
	var v Verification
	brk, n, err := s.VerifyAudit(ctx)
	if err != nil {
		return v, err
	}
	if brk != nil {
		return v, errs.Wrap(fmt.Errorf("audit chain broken at entry %d (%s)", brk.Seq, brk.Reason), "verify")
	}
	v.AuditEntries = n
	m, accts, err := s.VerifyPoints(ctx)
	if err != nil {
		return v, err
	}
	if m != nil {
		return v, errs.Wrap(fmt.Errorf("points account %s: balance %d, postings sum %d", m.AccountID, m.Balance, m.Sum), "verify")
	}
	v.PointsAccounts = accts
	problems, g, err := s.VerifyGrants(ctx)
	if err != nil {
		return v, err
	}
	if len(problems) > 0 {
		p := problems[0]
		return v, errs.Wrap(fmt.Errorf("grants %s %s: %s", p.Kind, p.ID, p.Detail), "verify")
	}
	v.Grants = g
	return v, nil
}
