package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

// GrantTodo is one step of a grant waiting for the signed-in person: an
// application to take up, score or decide, a milestone to check, pay or
// report, an expense to approve.
type GrantTodo struct {
	Kind          string // todo_take_up, todo_score, todo_decide, todo_check, todo_pay, todo_approve, todo_report
	ApplicationID string // the page where the step is taken
	Title         string // the application's
	OrgName       string
	RoundName     string
	Detail        string // the milestone or the expense
	Note          string // why a milestone came back (todo_report)
	Due           string // a milestone's due day (todo_report)
	Amount        int64  // fen: the tranche or the expense
	Since         time.Time
}

// MaxGrantTodos bounds each kind of step listed.
const MaxGrantTodos = 50

// FindGrantTodos lists the grant steps waiting for the signed-in person,
// oldest first within each kind: a street's staff act on their street's
// rounds, the foundation's staff and platform admins on the foundation's
// own (as notifications go); reviewers score what is open and not yet
// theirs, never their own organization's; an organization's people report
// its milestones.
func (s *Store) FindGrantTodos(ctx context.Context) ([]GrantTodo, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil || u.ID == "" || u.Disabled {
		return nil, nil
	}
	c := s.read()
	var out []GrantTodo
	add := func(kind, q string, args ...any) error {
		rows, err := c.query(ctx, q+` LIMIT `+strconv.Itoa(MaxGrantTodos), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t := GrantTodo{Kind: kind}
			var status string
			if err := rows.Scan(&t.ApplicationID, &t.Title, &t.OrgName, &t.RoundName, &t.Detail, &t.Note, &t.Due, &t.Amount,
				&t.Since, &status); err != nil {
				return err
			}
			t.Since = t.Since.UTC()
			switch {
			case kind == "todo_take_up" && status == "under_review":
				t.Kind = "todo_decide"
			case kind == "todo_check" && status == "accepted":
				t.Kind = "todo_pay"
			}
			out = append(out, t)
		}
		return rows.Err()
	}
	const app = `FROM grant_applications a JOIN grant_rounds r ON r.id = a.round_id JOIN organizations o ON o.id = a.org_id`
	const tranche = `FROM grant_tranches t JOIN grant_agreements g ON g.id = t.agreement_id
		JOIN grant_applications a ON a.id = g.application_id JOIN grant_rounds r ON r.id = g.round_id
		JOIN organizations o ON o.id = g.org_id`

	// The rounds this person manages, as a condition on r.
	var managed []string
	var margs []any
	if streets := u.StreetScopes(accounts.StreetStaff); len(streets) > 0 {
		managed = append(managed, `r.street_id IN (`+placeholders(len(streets))+`)`)
		margs = append(margs, idArgs(streets)...)
	}
	if u.Has(accounts.FoundationStaff) || u.Has(accounts.PlatformAdmin) {
		managed = append(managed, `r.street_id IS NULL`)
	}
	if len(managed) > 0 {
		mine := `(` + strings.Join(managed, ` OR `) + `)`
		steps := []struct {
			kind, q string
			args    []any
		}{
			{"todo_take_up", `SELECT a.id, a.title, o.name, r.name, '', '', '', a.request, a.updated_at, a.status ` + app + `
				WHERE a.status IN ('submitted', 'under_review') AND ` + mine + ` ORDER BY a.updated_at, a.id`, margs},
			{"todo_check", `SELECT a.id, a.title, o.name, r.name, t.milestone, '', t.due_on, t.amount, t.updated_at, t.status ` + tranche + `
				WHERE g.status = 'active' AND t.status IN ('reported', 'accepted') AND ` + mine + ` ORDER BY t.updated_at, t.id`, margs},
			{"todo_approve", `SELECT a.id, a.title, o.name, r.name, e.description, '', '', e.amount, e.created_at, e.status
				FROM grant_expenses e JOIN grant_agreements g ON g.id = e.agreement_id
				JOIN grant_applications a ON a.id = g.application_id JOIN grant_rounds r ON r.id = g.round_id
				JOIN organizations o ON o.id = g.org_id
				WHERE e.status = 'submitted' AND e.author_id <> ? AND ` + mine + `
				AND NOT EXISTS (SELECT 1 FROM grant_expense_decisions d WHERE d.expense_id = e.id AND d.approver_id = ?)
				ORDER BY e.created_at, e.id`, append(append([]any{u.ID}, margs...), u.ID)},
		}
		for _, st := range steps {
			if err := add(st.kind, st.q, st.args...); err != nil {
				return nil, s.translate(err)
			}
		}
	}
	if u.Has(accounts.Reviewer) {
		own := u.OrgIDs()
		q := `SELECT a.id, a.title, o.name, r.name, '', '', '', a.request, a.updated_at, a.status ` + app + `
			WHERE a.status IN ('submitted', 'under_review')
			AND NOT EXISTS (SELECT 1 FROM grant_reviews v WHERE v.application_id = a.id AND v.reviewer_id = ?)`
		args := []any{u.ID}
		if len(own) > 0 {
			q += ` AND a.org_id NOT IN (` + placeholders(len(own)) + `)`
			args = append(args, idArgs(own)...)
		}
		if err := add("todo_score", q+` ORDER BY a.updated_at, a.id`, args...); err != nil {
			return nil, s.translate(err)
		}
	}
	if orgs := u.OrgIDs(); len(orgs) > 0 {
		if err := add("todo_report", `SELECT a.id, a.title, o.name, r.name, t.milestone, t.note, t.due_on, t.amount, t.updated_at, t.status `+
			tranche+` WHERE g.status = 'active' AND t.status = 'pending' AND g.org_id IN (`+placeholders(len(orgs))+`)
			ORDER BY t.due_on, t.position, t.id`, idArgs(orgs)...); err != nil {
			return nil, s.translate(err)
		}
	}
	return out, nil
}
