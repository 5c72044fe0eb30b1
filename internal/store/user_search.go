package store

import (
	"cmp"
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/huitian/huitian/internal/accounts"
)

// The platform admins' user search (store.FindUsers) at a city's scale: a
// million residents, a handful of auditors. Every case is a range of an
// index, never a walk of every user:
//   - a phone: users' unique phone;
//   - a name, or any part of one: the names that begin with it from
//     users_name_key (migration 0024), then the names that hold it further
//     in from user_name_parts, one row per suffix of a name (migration 0027):
//     the suffixes that begin with what was typed;
//   - a role with no name: grants_role_user (migration 0027), in user order;
//   - nothing: users_created, oldest first.

// UserFilter selects users in the admin list.
type UserFilter struct {
	Query   string // a full phone, or a name or any part of one
	Role    accounts.Role
	Page    int
	PerPage int
	// CountUpTo, when positive, stops counting there: the total is then
	// CountUpTo+1, "more than CountUpTo" (a city has a million residents).
	CountUpTo int
}

// allDigits reports whether q is a run of ASCII digits (a phone, or part).
func allDigits(q string) bool {
	for _, r := range q {
		if r < '0' || r > '9' {
			return false
		}
	}
	return q != ""
}

// nameKeyTop follows every character a name may hold: key+nameKeyTop
// bounds the names that begin with key (byte-wise, the last code point).
const nameKeyTop = "\U0010FFFF"

const userCols = `u.id, u.phone, u.name, u.password_hash, u.disabled, u.created_at, u.updated_at`

// FindUsers lists users for platform admins. A phone (digits, or written
// +86 138-…) finds its user. A name query (accounts.NameKey: ASCII letters
// in any case) finds the users whose name holds it anywhere: first the
// names that begin with it, in name order, then those that hold it further
// in, in the order of what follows it in the name (小明 finds 小明华 first,
// then 王小明 and 李小明, then 王小明华…), ties by id. A role alone lists
// its holders by account id (ids are UUIDv7: the order they were
// created); no query at all, every user oldest first. A name part that
// begins after a name's 32nd character is not found (migration 0027).
func (s *Store) FindUsers(ctx context.Context, f UserFilter) ([]*accounts.User, int, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser}); err != nil {
		return nil, 0, err
	}
	c := s.read()
	limit, offset := paging(f.Page, f.PerPage, 100)
	var (
		out   []*accounts.User
		total int
		err   error
	)
	phone, perr := accounts.NormalizePhone(f.Query)
	if allDigits(f.Query) {
		phone, perr = f.Query, nil
	}
	switch key := accounts.NameKey(f.Query); {
	case perr == nil: // a phone: its unique index, not every name
		where, args := `u.phone = ?`, []any{phone}
		where, args = withRole(where, args, "u.id", f.Role)
		if total, err = countUpTo(ctx, c, `FROM users u WHERE `+where, args, f.CountUpTo); err == nil {
			out, err = scanUsers(ctx, c, `SELECT `+userCols+` FROM users u WHERE `+where+` ORDER BY u.id LIMIT ? OFFSET ?`,
				append(args, limit, offset))
		}
	case key != "":
		out, total, err = findUsersByName(ctx, c, key, f.Role, limit, offset, f.CountUpTo, cmp.Or(s.fewHolders, fewHolders))
	case f.Role != "":
		// The role's holders from grants_role_user, once each (a member
		// of two organizations holds org_member twice), in user order.
		holders := `SELECT DISTINCT g.user_id FROM grants g WHERE g.role = ?`
		if total, err = countUpTo(ctx, c, `FROM (`+holders+`) h`, valued(c, f.Role), f.CountUpTo); err == nil {
			out, err = scanUsers(ctx, c, `SELECT `+userCols+` FROM (`+holders+` ORDER BY g.user_id LIMIT ? OFFSET ?) h
				JOIN users u ON u.id = h.user_id ORDER BY u.id`, valued(c, f.Role, limit, offset))
		}
	default:
		if total, err = countUpTo(ctx, c, `FROM users u`, nil, f.CountUpTo); err == nil {
			out, err = scanUsers(ctx, c, `SELECT `+userCols+` FROM users u ORDER BY u.created_at, u.id LIMIT ? OFFSET ?`,
				[]any{limit, offset})
		}
	}
	if err == nil {
		err = userGrants(ctx, c, out)
	}
	if err != nil {
		return nil, 0, s.translate(err)
	}
	return out, total, nil
}

// withRole narrows where to the users (their id in column user) holding
// role (none: everyone), by the grants' unique index (user_id, role,
// scope_id).
func withRole(where string, args []any, user string, role accounts.Role) (string, []any) {
	if role == "" {
		return where, args
	}
	return where + ` AND EXISTS (SELECT 1 FROM grants g WHERE g.user_id = ` + user + ` AND g.role = ?)`, append(args, role)
}

// fewHolders is as many grants of a role as a name search with that role
// reads from the role's side (an auditor, a street's staff): it tests each
// holder's name, instead of testing each name that holds the query for
// the role (a common character is in 60,000 names of a city).
const fewHolders = 2000

// findUsersByName pages through the users whose name key holds key: the
// list of the names that begin with it (users_name_key, in name_key order),
// followed by the list of the others that hold it (user_name_parts, in the
// order of their first suffix that begins with key). A page may take the
// end of the first list and the start of the second; where the second
// starts is known from the first list's length, counted only as far as the
// page's offset. With a role, the names are tested for it, or, when it
// has few holders, its holders are tested for the name.
func findUsersByName(ctx context.Context, c conn, key string, role accounts.Role, limit, offset, countTo, fewAt int) ([]*accounts.User, int, error) {
	top := key + nameKeyTop
	// A user's parts are all the suffixes of its name: it is counted (and
	// listed) at its first part in the range, the one with no smaller part
	// of the same user in the range (user_name_parts_user).
	inRange := `p.part >= ? AND p.part < ? AND NOT EXISTS (SELECT 1 FROM user_name_parts p2
		WHERE p2.user_id = p.user_id AND p2.part >= ? AND p2.part < p.part)`
	// begins: the users whose name begins with key; parts: their first
	// parts that do; partsUsers: those parts with their users (FROM … WHERE …).
	var begins, parts, partsUsers string
	var bargs, pargs []any
	few := false
	if role != "" && fewAt > 0 {
		n, err := countUpTo(ctx, c, `FROM grants g WHERE g.role = ?`, valued(c, role), fewAt)
		if err != nil {
			return nil, 0, err
		}
		few = n <= fewAt
	}
	switch {
	case few:
		// From the holders (CROSS JOIN: SQLite keeps them the outer loop)
		// to their names and parts (user_name_parts_user).
		holders := `FROM (SELECT DISTINCT g.user_id FROM grants g WHERE g.role = ?) h CROSS JOIN `
		begins = holders + `users u WHERE u.id = h.user_id AND u.name_key >= ? AND u.name_key < ?`
		parts = holders + `user_name_parts p WHERE p.user_id = h.user_id AND ` + inRange
		partsUsers = holders + `user_name_parts p CROSS JOIN users u WHERE p.user_id = h.user_id AND u.id = p.user_id AND ` + inRange
		bargs, pargs = []any{role, key, top}, []any{role, key, top, key}
	default:
		begins, bargs = withRole(`FROM users u WHERE u.name_key >= ? AND u.name_key < ?`, []any{key, top}, "u.id", role)
		where, args := withRole(inRange, []any{key, top, key}, "p.user_id", role)
		parts, pargs = `FROM user_name_parts p WHERE `+where, args
		partsUsers = `FROM user_name_parts p JOIN users u ON u.id = p.user_id WHERE ` + where
	}
	bargs, pargs = valued(c, bargs...), valued(c, pargs...)
	// The names that begin with key, counted as far as the bound: past
	// it the total is "more than the bound" at once, from users_name_key
	// alone (a surname); short of it, that is the first list's length.
	total, first := 0, -1
	if countTo > 0 {
		n, err := countUpTo(ctx, c, begins, bargs, countTo)
		if err != nil {
			return nil, 0, err
		}
		if n > countTo {
			total = n
		} else {
			first = n
		}
	}
	if total == 0 {
		var err error
		if total, err = countUpTo(ctx, c, parts, pargs, countTo); err != nil {
			return nil, 0, err
		}
	}
	// The page's ids from users_name_key alone, then their rows: PostgreSQL
	// guesses a dozen names for a surname's range (10,000 in a city) and
	// would read them all from the table to sort them.
	out, err := scanUsers(ctx, c, `SELECT `+userCols+` FROM (SELECT u.id AS bid, u.name_key AS bkey `+begins+`
		ORDER BY u.name_key, u.id LIMIT ? OFFSET ?) b JOIN users u ON u.id = b.bid ORDER BY b.bkey, b.bid`,
		append(slices.Clip(bargs), limit, offset))
	if err != nil || len(out) == limit {
		return out, total, err
	}
	// The first list ended on this page (the second starts right after
	// it) or before it: the second then starts at the offset less the
	// first list's length.
	skip := 0
	if len(out) == 0 && offset > 0 {
		if first < 0 {
			if err := c.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 `+begins+` LIMIT ?) b`,
				append(slices.Clip(bargs), offset)...).Scan(&first); err != nil {
				return nil, 0, err
			}
		}
		skip = offset - first
	}
	more, err := scanUsers(ctx, c, `SELECT `+userCols+` `+partsUsers+` AND NOT (u.name_key >= ? AND u.name_key < ?)
		ORDER BY p.part, p.user_id LIMIT ? OFFSET ?`, append(slices.Clip(pargs), key, top, limit-len(out), skip))
	return append(out, more...), total, err
}

// valued are a statement's arguments such that PostgreSQL plans it for
// these values (pgx's unnamed statement, described then run), not with
// the generic plan a cached statement comes to after five runs: that plan
// cannot tell the range of a name that is not there from the range of a
// character in 60,000 names, guesses 0.5 % of 3 million parts for both,
// and reads them by a bitmap and two parallel workers (10–60 ms of which
// the workers' start is most; planned for the values, under 1 ms for a
// name that is not there). SQLite plans the same way whatever the values.
func valued(c conn, args ...any) []any {
	if c.d != Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeDescribeExec}, args...)
}

// scanUsers runs q, which selects userCols.
func scanUsers(ctx context.Context, c conn, q string, args []any) ([]*accounts.User, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*accounts.User
	for rows.Next() {
		u := &accounts.User{}
		if err := rows.Scan(&u.ID, &u.Phone, &u.Name, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// userGrants fills the grants of a page of users in one query, not one
// per user.
func userGrants(ctx context.Context, c conn, us []*accounts.User) error {
	if len(us) == 0 {
		return nil
	}
	byID := map[string]*accounts.User{}
	ids := make([]any, 0, len(us))
	for _, u := range us {
		byID[u.ID] = u
		ids = append(ids, u.ID)
	}
	rows, err := c.query(ctx, grantSelect+` WHERE g.user_id IN (`+placeholders(len(ids))+`) ORDER BY g.created_at, g.id`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g accounts.Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.Role, &g.ScopeID, &g.CreatedAt, &g.ScopeName); err != nil {
			return err
		}
		byID[g.UserID].Grants = append(byID[g.UserID].Grants, g)
	}
	return rows.Err()
}
