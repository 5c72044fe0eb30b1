package store_test

import (
	"strings"

	"github.com/huitian/huitian/internal/audit"
)

func auditFilter(kind, id string) audit.Filter { return audit.Filter{ObjectKind: kind, ObjectID: id} }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
