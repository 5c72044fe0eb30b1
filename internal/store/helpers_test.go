package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/store"
)

func auditFilter(kind, id string) audit.Filter { return audit.Filter{ObjectKind: kind, ObjectID: id} }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// rawCount runs a COUNT query through the store's own read pool.
func rawCount(t *testing.T, s *store.Store, q string, arg any, dst *int) error {
	t.Helper()
	return s.QueryRowForTest(context.Background(), q, arg).Scan(dst)
}
