package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/gen"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// The bulk insert path of `huitian gen`: generated rows go in with
// multi-row INSERTs, one transaction per batch that also records the batch
// in gen_progress, so a run killed at any point resumes at the first batch
// not committed and never writes a row twice. Each unit's last batch writes
// one audit entry (gen.load) through the ordinary chain, and points
// balances move with their postings in the same transaction, so `huitian
// audit verify` and `points verify` hold after every batch.

// GenRun is the generation run a database holds.
type GenRun struct {
	Scale   string
	Seed    int64
	Anchor  time.Time
	Batches map[gen.Unit]int64 // batches committed per unit
	Rows    map[gen.Unit]int64
}

// StartGen returns the database's run, starting one with this scale and
// seed when there is none; a database holding another scale or seed is
// refused (its rows would not be the ones a resume expects).
func (s *Store) StartGen(ctx context.Context, scale string, seed int64) (*GenRun, error) {
	run := &GenRun{Batches: map[gen.Unit]int64{}, Rows: map[gen.Unit]int64{}}
	if s.dialect == SQLite {
		// A large page cache on the one write connection for this process:
		// with the default 2 MB, inserts into big indexes thrash.
		if _, err := s.db.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return nil, s.translate(err)
		}
	}
	err := s.tx(ctx, func(c conn) error {
		err := c.row(ctx, `SELECT scale, seed, anchor FROM gen_runs WHERE id = 1`).Scan(&run.Scale, &run.Seed, &run.Anchor)
		if errors.Is(err, sql.ErrNoRows) {
			run.Scale, run.Seed, run.Anchor = scale, seed, c.now.Truncate(time.Second)
			_, err = c.exec(ctx, `INSERT INTO gen_runs (id, scale, seed, anchor, started_at) VALUES (1, ?, ?, ?, ?)`,
				scale, seed, run.Anchor, c.now)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	run.Anchor = run.Anchor.UTC()
	if run.Scale != scale || run.Seed != seed {
		return nil, fmt.Errorf("这个数据库已有 --scale %s --seed %d 生成的数据，只能以同样的参数续做\n"+
			"this database holds data of --scale %s --seed %d; resume with the same flags", run.Scale, run.Seed, run.Scale, run.Seed)
	}
	rows, err := s.read().query(ctx, `SELECT unit, batches, rows_done FROM gen_progress`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		var b, n int64
		if err := rows.Scan(&u, &b, &n); err != nil {
			return nil, s.translate(err)
		}
		run.Batches[gen.Unit(u)], run.Rows[gen.Unit(u)] = b, n
	}
	return run, s.translate(rows.Err())
}

// GenRuleName is the points rule generated awards cite.
const GenRuleName = "志愿服务积分"

// GenSetup makes sure the streets and communities of plan exist (created
// ones audited as an import creates them), that every street has its
// points pool and that the rule awards cite exists, and returns their ids.
func (s *Store) GenSetup(ctx context.Context, plan []gen.StreetPlan) (gen.Places, string, error) {
	pl := gen.Places{StreetIDs: make([]string, len(plan)), CommunityIDs: make([][]string, len(plan))}
	var ruleID string
	err := s.tx(ctx, func(c conn) error {
		for i, sp := range plan {
			err := c.row(ctx, `SELECT id FROM streets WHERE name = ?`, sp.Name).Scan(&pl.StreetIDs[i])
			if errors.Is(err, sql.ErrNoRows) {
				id := newID()
				if _, err := c.exec(ctx, `INSERT INTO streets (id, name, kind, district, created_at) VALUES (?, ?, ?, ?, ?)`,
					id, sp.Name, streetKind(sp.Name), "昌平区", c.now); err != nil {
					return err
				}
				pl.StreetIDs[i] = id
				if err := record(ctx, c, "street.create", accounts.Resource{Kind: accounts.KindStreet, ID: id, StreetID: id},
					map[string]any{"name": sp.Name, "by": "gen"}); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			sid := pl.StreetIDs[i]
			for _, name := range sp.Communities {
				var id string
				err := c.row(ctx, `SELECT id FROM communities WHERE street_id = ? AND name = ?`, sid, name).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					id = newID()
					if _, err := c.exec(ctx, `INSERT INTO communities (id, street_id, name, created_at) VALUES (?, ?, ?, ?)`,
						id, sid, name, c.now); err != nil {
						return err
					}
					res := accounts.Resource{Kind: accounts.KindCommunity, ID: id, StreetID: sid, CommunityID: id}
					if err := record(ctx, c, "community.create", res, map[string]any{"name": name, "by": "gen"}); err != nil {
						return err
					}
				} else if err != nil {
					return err
				}
				pl.CommunityIDs[i] = append(pl.CommunityIDs[i], id)
			}
			if err := ensureAccount(ctx, c, accountOf(points.AccountID(points.Pool, sid), sid)); err != nil {
				return err
			}
		}
		err := c.row(ctx, `SELECT id FROM points_rules WHERE name = ?`, GenRuleName).Scan(&ruleID)
		if errors.Is(err, sql.ErrNoRows) {
			r := &points.Rule{ID: newID(), Name: GenRuleName, Kind: points.PerHour, PointsPerHour: 10, DailyCap: 60, Active: true}
			if _, err := c.exec(ctx, `INSERT INTO points_rules (id, name, kind, activity_type, points_per_hour, points, daily_cap,
				threshold, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Name, string(r.Kind),
				r.ActivityType, r.PointsPerHour, r.Points, r.DailyCap, r.Threshold, r.Active, c.now, c.now); err != nil {
				return err
			}
			ruleID = r.ID
			return record(ctx, c, "points_rule.create", r.Resource(), r)
		}
		return err
	})
	return pl, ruleID, err
}

func streetKind(name string) string {
	if strings.HasSuffix(name, "镇") || strings.HasSuffix(name, "乡") {
		return "town"
	}
	return "street"
}

// GenBatch is one batch of one unit: the rows of that unit (the other
// slices empty) and where it stands.
type GenBatch struct {
	Unit  gen.Unit
	Start int64 // the batch's first row: the rows before it are committed
	Rows  int64 // rows of the unit in this batch
	Total int64 // rows of the unit in the run
	Final bool  // the unit's last batch: audit the load
	Scale string
	Seed  int64

	Orgs       []registry.Organization
	Residents  []gen.Resident
	Merchants  []gen.Merchant
	Projects   []gen.Project
	Needs      []gen.OpenNeed
	Activities []gen.Activity
	Postings   []points.Posting
}

// WriteGenBatch writes b in one transaction with its progress and returns
// how many table rows it wrote; a batch that does not start at the unit's
// first row not committed (another process got there first) is refused
// before anything is written.
func (s *Store) WriteGenBatch(ctx context.Context, b *GenBatch) (int, error) {
	var written int
	err := s.tx(ctx, func(c conn) error {
		var batches, rowsDone int64
		err := c.row(ctx, `SELECT batches, rows_done FROM gen_progress WHERE unit = ?`, string(b.Unit)).Scan(&batches, &rowsDone)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if rowsDone != b.Start {
			return fmt.Errorf("gen: %s from row %d is not the next batch (%d rows committed)", b.Unit, b.Start, rowsDone)
		}
		w := &bulkWriter{c: c}
		w.orgs(ctx, b.Orgs)
		w.residents(ctx, b.Residents)
		w.merchants(ctx, b.Merchants)
		w.projects(ctx, b.Projects)
		w.needs(ctx, b.Needs)
		w.activities(ctx, b.Activities)
		w.postings(ctx, b.Postings)
		if w.err != nil {
			return w.err
		}
		for _, n := range w.tables {
			written += n
		}
		if _, err := c.exec(ctx, `INSERT INTO gen_progress (unit, batches, rows_done, total, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (unit) DO UPDATE SET batches = excluded.batches, rows_done = excluded.rows_done,
			total = excluded.total, updated_at = excluded.updated_at`,
			string(b.Unit), batches+1, rowsDone+b.Rows, b.Total, c.now); err != nil {
			return err
		}
		if !b.Final {
			return nil
		}
		switch b.Unit {
		case gen.Orgs, gen.Projects, gen.Needs:
			c.changed(ChangeEverything, "gen") // running nodes rebuild their indexes
		}
		return record(ctx, c, "gen.load", accounts.Resource{Kind: "gen", ID: string(b.Unit)},
			map[string]any{"unit": string(b.Unit), "rows": rowsDone + b.Rows, "scale": b.Scale, "seed": b.Seed})
	})
	return written, err
}

// bulkWriter inserts rows table by table with multi-row statements; the
// first error sticks and stops the rest.
type bulkWriter struct {
	c      conn
	err    error
	tables map[string]int // rows written per table, for the audit entry
}

// maxVars keeps a statement under SQLite's 32766 variables (PostgreSQL
// allows 65535) and its text reasonable.
const maxVars = 30000

// insert writes rows (each len(cols) values) into table.
func (w *bulkWriter) insert(ctx context.Context, table, cols string, rows [][]any) {
	if w.err != nil || len(rows) == 0 {
		return
	}
	if w.tables == nil {
		w.tables = map[string]int{}
	}
	w.tables[table] += len(rows)
	n := len(rows[0])
	group := "(" + placeholders(n) + ")"
	per := min(maxVars/n, 1000)
	for len(rows) > 0 {
		k := min(per, len(rows))
		args := make([]any, 0, k*n)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		if _, err := w.c.exec(ctx, `INSERT INTO `+table+` (`+cols+`) VALUES `+valuesList(k, group), args...); err != nil {
			w.err = fmt.Errorf("gen: insert into %s: %w", table, err)
			return
		}
		rows = rows[k:]
	}
}

func (w *bulkWriter) orgs(ctx context.Context, os []registry.Organization) {
	var orgs, domains [][]any
	for i := range os {
		o := &os[i]
		orgs = append(orgs, []any{o.ID, o.Name, registry.SortKey(o.Name), o.Registration, nullStr(o.CreditCode), o.Category,
			o.StreetID, nullStr(o.CommunityID), o.Description, o.Founded, o.PartyForm, o.Staff, o.Volunteers, o.ContactName,
			o.ContactPhone, o.CreatedAt, o.UpdatedAt, o.Kind})
		for k, d := range o.Domains {
			domains = append(domains, []any{o.ID, k, d})
		}
	}
	w.insert(ctx, "organizations", `id, name, name_sort, registration, credit_code, category, street_id, community_id,
		description, founded, party_form, staff, volunteers, contact_name, contact_phone, created_at, updated_at, kind`, orgs)
	w.insert(ctx, "organization_domains", `organization_id, position, domain`, domains)
}

func (w *bulkWriter) residents(ctx context.Context, rs []gen.Resident) {
	var users, grants, homes, accts [][]any
	for _, r := range rs {
		users = append(users, []any{r.ID, r.Phone, r.Name, "", false, r.CreatedAt, r.CreatedAt})
		grants = append(grants, []any{r.GrantID, r.ID, string(accounts.Resident), "", r.CreatedAt})
		homes = append(homes, []any{r.ID, r.CommunityID, r.CreatedAt})
		accts = append(accts, []any{points.AccountID(points.Resident, r.ID), string(points.Resident), r.ID, r.StreetID, 0, r.CreatedAt})
	}
	w.insert(ctx, "users", `id, phone, name, password_hash, disabled, created_at, updated_at`, users)
	w.insert(ctx, "grants", `id, user_id, role, scope_id, created_at`, grants)
	w.insert(ctx, "resident_homes", `user_id, community_id, updated_at`, homes)
	w.insert(ctx, "points_accounts", `id, kind, owner_id, street_id, balance, created_at`, accts)
}

func (w *bulkWriter) merchants(ctx context.Context, ms []gen.Merchant) {
	var rows, accts [][]any
	for _, m := range ms {
		rows = append(rows, []any{m.ID, m.Name, m.StreetID, nullStr(m.CommunityID), m.Address, m.Kind, m.CreatedAt})
		accts = append(accts, []any{points.AccountID(points.MerchantAcct, m.ID), string(points.MerchantAcct), m.ID, m.StreetID, 0, m.CreatedAt})
	}
	w.insert(ctx, "merchants", `id, name, street_id, community_id, address, kind, created_at`, rows)
	w.insert(ctx, "points_accounts", `id, kind, owner_id, street_id, balance, created_at`, accts)
}

const (
	genNeedCols = `id, title, description, street_id, community_id, category, category_source, category_confidence,
		budget_fen, deadline, qa_cutoff, procedure, status, objection_days, awarded_at, awarded_org_id, awarded_proposal_id,
		created_by, created_at, updated_at, published_at`
	genProposalCols = `id, need_id, org_id, summary, plan, team, price_fen, duration_days, status, needs_reconfirm, receipt,
		idempotency_key, submitted_by, submitted_at`
	genMilestoneCols = `id, need_id, position, title, due, amount_fen, status, comment`
	genEventCols     = `id, need_id, at, action, from_status, to_status, actor_id, actor_name, note`
)

func genNeedRow(n *procurement.Need) []any {
	return []any{n.ID, n.Title, n.Description, n.StreetID, nullStr(n.CommunityID), n.Category, n.CategorySource,
		n.CategoryConfidence, n.BudgetFen, nullTime(n.Deadline), nullTime(n.QACutoff), n.Procedure, n.Status, n.ObjectionDays,
		nullTime(n.AwardedAt), nullStr(n.AwardedOrgID), nullStr(n.AwardedProposalID), "", n.CreatedAt, n.UpdatedAt,
		nullTime(n.PublishedAt)}
}

func genProposalRow(p *procurement.Proposal) []any {
	return []any{p.ID, p.NeedID, p.OrgID, p.Summary, p.Plan, p.Team, p.PriceFen, p.DurationDays, p.Status, false,
		p.ComputeReceipt(), "gen:" + p.ID, "", p.SubmittedAt}
}

func genMilestoneRow(m *procurement.Milestone) []any {
	return []any{m.ID, m.NeedID, m.Position, m.Title, m.Due, m.AmountFen, m.Status, m.Comment}
}

func (w *bulkWriter) projects(ctx context.Context, ps []gen.Project) {
	var needs, props, awards, contracts, stones, accepts, events, ratings [][]any
	for i := range ps {
		p := &ps[i]
		n := &p.Need
		needs = append(needs, genNeedRow(n))
		props = append(props, genProposalRow(&p.Proposal))
		awards = append(awards, []any{n.ID, p.Proposal.ID, n.AwardedOrgID, n.BudgetFen, "", "", p.Start})
		contracts = append(contracts, []any{n.ID, n.BudgetFen, p.Start, p.End, "", "", p.Start})
		stones = append(stones, genMilestoneRow(&p.Milestone))
		accepts = append(accepts, []any{n.ID, "passed", p.AcceptComment, "", p.End, p.Beneficiaries})
		events = append(events, []any{p.EventID, n.ID, p.End, "close", string(procurement.Accepted), string(procurement.Closed),
			"", "system", ""})
		for _, r := range p.Ratings {
			ratings = append(ratings, []any{n.ID, r.UserID, r.Stars, r.Comment, r.At})
		}
	}
	w.insert(ctx, "needs", genNeedCols, needs)
	w.insert(ctx, "proposals", genProposalCols, props)
	w.insert(ctx, "awards", `need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at`, awards)
	w.insert(ctx, "contracts", `need_id, amount_fen, start_at, end_at, amendment, signed_by, signed_at`, contracts)
	w.insert(ctx, "milestones", genMilestoneCols, stones)
	w.insert(ctx, "acceptances", `need_id, result, comment, by_user, at, beneficiaries`, accepts)
	w.insert(ctx, "need_events", genEventCols, events)
	w.insert(ctx, "ratings", `need_id, user_id, stars, comment, at`, ratings)
}

func (w *bulkWriter) needs(ctx context.Context, ns []gen.OpenNeed) {
	var needs, crits, props, awards, contracts, stones, events [][]any
	for i := range ns {
		on := &ns[i]
		n := &on.Need
		needs = append(needs, genNeedRow(n))
		for k, cr := range on.Criteria {
			crits = append(crits, []any{cr.ID, n.ID, k + 1, cr.Name, cr.Weight})
		}
		for k := range on.Proposals {
			props = append(props, genProposalRow(&on.Proposals[k]))
			if on.Proposals[k].Status == procurement.ProposalAwarded {
				awards = append(awards, []any{n.ID, on.Proposals[k].ID, n.AwardedOrgID, on.Proposals[k].PriceFen,
					"综合评分最高", "", n.AwardedAt})
				if on.Contract {
					contracts = append(contracts, []any{n.ID, on.Proposals[k].PriceFen, on.Start, on.End, "", "", on.Start})
				}
			}
		}
		for k := range on.Milestones {
			stones = append(stones, genMilestoneRow(&on.Milestones[k]))
		}
		events = append(events, []any{on.EventID, n.ID, n.CreatedAt, "create", "", string(procurement.Draft), "", "system", ""})
	}
	w.insert(ctx, "needs", genNeedCols, needs)
	w.insert(ctx, "need_criteria", `id, need_id, position, name, weight`, crits)
	w.insert(ctx, "proposals", genProposalCols, props)
	w.insert(ctx, "awards", `need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at`, awards)
	w.insert(ctx, "contracts", `need_id, amount_fen, start_at, end_at, amendment, signed_by, signed_at`, contracts)
	w.insert(ctx, "milestones", genMilestoneCols, stones)
	w.insert(ctx, "need_events", genEventCols, events)
}

func (w *bulkWriter) activities(ctx context.Context, as []gen.Activity) {
	var rows [][]any
	for _, a := range as {
		rows = append(rows, []any{a.ID, a.Title, string(a.Type), a.Description, a.OrgID, a.StreetID, nullStr(a.CommunityID),
			a.Address, a.Starts, a.Ends, a.Capacity, "anyone", a.Status, a.Secret, a.Created, a.Created})
	}
	w.insert(ctx, "activities", `id, title, type, description, org_id, street_id, community_id, address, starts_at,
		ends_at, capacity, eligibility, status, secret, created_at, updated_at`, rows)
}

// postings inserts the postings and moves every account they touch by its
// net change in one statement per thousand accounts. The generator never
// lets a resident's running balance go below zero, so neither does the
// net change of a batch.
func (w *bulkWriter) postings(ctx context.Context, ps []points.Posting) {
	if len(ps) == 0 {
		return
	}
	var rows [][]any
	net := map[string]int64{}
	for _, p := range ps {
		rows = append(rows, []any{p.ID, p.Key, string(p.Kind), p.From, p.To, p.Amount, p.Reason, p.RuleID, "", "", p.CreatedAt})
		net[p.From] -= p.Amount
		net[p.To] += p.Amount
	}
	w.insert(ctx, "points_postings", `id, idem_key, kind, from_id, to_id, amount, reason, rule_id, reverses, actor_id,
		created_at`, rows)
	if w.err != nil {
		return
	}
	ids := make([]string, 0, len(net))
	for id, d := range net {
		if d != 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids) // PostgreSQL locks rows in id order, like the ledger
	for len(ids) > 0 {
		k := min(1000, len(ids))
		args := make([]any, 0, 2*k)
		for _, id := range ids[:k] {
			args = append(args, id, net[id])
		}
		res, err := w.c.exec(ctx, `UPDATE points_accounts SET balance = balance + v.column2
			FROM (VALUES (?, CAST(? AS BIGINT))`+strings.Repeat(", (?, ?)", k-1)+`) AS v
			WHERE points_accounts.id = v.column1`, args...)
		if err != nil {
			w.err = fmt.Errorf("gen: balances: %w", err)
			return
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(k) {
			w.err = fmt.Errorf("gen: balances: %d of %d accounts moved (%v)", n, k, err)
			return
		}
		ids = ids[k:]
	}
}
