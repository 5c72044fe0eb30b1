package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/bench/internal/corpus"
	"github.com/huitian/huitian/internal/registry"
)

// counts are what a load wrote that the index must hold.
type counts struct {
	Orgs     int // organizations
	Projects int // completed projects: accepted or closed, with a supplier
	Board    int // needs on the public board: anything past drafting
	Ratings  int // residents' ratings rows
}

// batch accumulates the rows of one table and writes them as multi-row
// INSERTs.
type batch struct {
	table string
	cols  []string
	args  []any
}

// loader writes generated rows with plain SQL in large transactions, parents
// before children (every batch is flushed in table order).
type loader struct {
	ctx       context.Context
	db        *sql.DB
	tx        *sql.Tx
	pg        bool
	maxParams int
	batches   []*batch // in dependency order
	rows      int      // rows since the last commit
	total     int
	stmts     map[string]string
}

func newLoader(ctx context.Context, db *sql.DB, pg bool) *loader {
	l := &loader{ctx: ctx, db: db, pg: pg, maxParams: 30000, stmts: map[string]string{}}
	if pg {
		l.maxParams = 60000
	}
	for _, t := range []struct {
		name string
		cols string
	}{
		{"streets", "id, name, kind, district, created_at"},
		{"communities", "id, street_id, name, created_at"},
		{"organizations", "id, source_key, name, name_sort, registration, credit_code, category, street_id, community_id, " +
			"description, founded, party_form, staff, volunteers, contact_name, contact_phone, created_at, updated_at, " +
			"credit_status, credit_note, credit_updated_at"},
		{"organization_domains", "organization_id, position, domain"},
		{"needs", "id, source_key, title, description, street_id, community_id, category, category_source, " +
			"category_confidence, budget_fen, deadline, qa_cutoff, procedure, qualifications, status, awarded_at, " +
			"awarded_org_id, created_by, created_at, updated_at, published_at"},
		{"need_invites", "need_id, org_id"},
		{"acceptances", "need_id, result, comment, by_user, at, imported_rating"},
		{"ratings", "need_id, user_id, stars, comment, at"},
	} {
		l.batches = append(l.batches, &batch{table: t.name, cols: strings.Split(t.cols, ", ")})
	}
	return l
}

func (l *loader) add(table string, vals ...any) error {
	for _, b := range l.batches {
		if b.table != table {
			continue
		}
		if len(vals) != len(b.cols) {
			return fmt.Errorf("%s: %d values for %d columns", table, len(vals), len(b.cols))
		}
		b.args = append(b.args, vals...)
		l.rows++
		if len(b.args)+len(b.cols) > l.maxParams {
			return l.flush()
		}
		return nil
	}
	return fmt.Errorf("no table %s", table)
}

// flush writes every pending row, parents first, and commits once the
// transaction holds enough rows.
func (l *loader) flush() error {
	if l.tx == nil {
		var err error
		if l.tx, err = l.db.BeginTx(l.ctx, nil); err != nil {
			return err
		}
	}
	for _, b := range l.batches {
		if len(b.args) == 0 {
			continue
		}
		n := len(b.args) / len(b.cols)
		if _, err := l.tx.ExecContext(l.ctx, l.insert(b, n), b.args...); err != nil {
			return fmt.Errorf("insert into %s: %w", b.table, err)
		}
		b.args = b.args[:0]
	}
	if l.rows >= 200000 {
		return l.commit()
	}
	return nil
}

func (l *loader) commit() error {
	if l.tx == nil {
		return nil
	}
	err := l.tx.Commit()
	l.tx = nil
	l.total += l.rows
	l.rows = 0
	return err
}

// finish writes what is left and commits.
func (l *loader) finish() error {
	if err := l.flush(); err != nil {
		return err
	}
	return l.commit()
}

// insert returns the INSERT statement for n rows of b.
func (l *loader) insert(b *batch, n int) string {
	key := b.table + "/" + strconv.Itoa(n)
	if s, ok := l.stmts[key]; ok {
		return s
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for j := range b.cols {
			if j > 0 {
				sb.WriteByte(',')
			}
			p++
			if l.pg {
				sb.WriteString("$" + strconv.Itoa(p))
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	s := sb.String()
	l.stmts[key] = s
	return s
}

// uid returns a UUIDv7-shaped id (36 characters, time-ordered like the
// store's), unique per kind and i.
func uid(kind, i int, at time.Time) string {
	ms := uint64(at.UnixMilli())
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", ms>>16, ms&0xffff, kind&0xfff, 0x8000|(i>>32)&0x3fff, i&0xffffffffffff)
}

// Suffixes of organization names.
var orgSuffixes = []string{"社会工作服务中心", "志愿服务协会", "公益发展中心", "社区服务中心", "互助会", "服务社", "促进会", "社会工作事务所"}

// Comments residents leave with a rating.
var rateComments = []string{"", "", "服务很好", "老人们都说好", "希望继续做下去", "工作人员很耐心", "效果一般", "时间安排再灵活些就好了", "孩子很喜欢"}

// generate loads a database of docs needs (most of them completed projects)
// and about docs/200 organizations, seeded.
func generate(ctx context.Context, db *sql.DB, pg bool, docs int, seed uint64) (counts, error) {
	var c counts
	l := newLoader(ctx, db, pg)
	g := corpus.New(seed)
	r := rand.New(rand.NewPCG(seed, 7))
	now := time.Now().UTC().Truncate(time.Second)
	start := now.AddDate(-3, 0, 0)

	// Streets and their communities (those the corpus names, added as met).
	streetID := map[string]string{}
	for i, name := range corpus.Streets {
		kind := "street"
		if strings.HasSuffix(name, "镇") {
			kind = "town"
		}
		streetID[name] = uid(1, i, start)
		if err := l.add("streets", streetID[name], name, kind, "昌平区", start); err != nil {
			return c, err
		}
	}
	commID := map[string]string{}
	community := func(street, name string) (string, error) {
		key := street + "/" + name
		if id, ok := commID[key]; ok {
			return id, nil
		}
		id := uid(2, len(commID), start)
		commID[key] = id
		return id, l.add("communities", id, streetID[street], name, start)
	}

	// Organizations: their category, place and profile from a project-style
	// document of the corpus.
	type org struct {
		id, street string
		registered bool
	}
	nOrgs := max(10, docs/200)
	orgs := make([]org, nOrgs)
	byCat := map[string][]int{}
	for i := range orgs {
		d := g.Doc(3 * i)
		cid, err := community(d.Street, d.Community)
		if err != nil {
			return c, err
		}
		cat := registry.CategoryByCode(d.Category)
		prefix := strings.TrimSuffix(d.Community, "社区")
		if r.IntN(3) == 0 {
			prefix = strings.TrimSuffix(strings.TrimSuffix(d.Street, "街道"), "镇")
		}
		name := fmt.Sprintf("%s%s%s", prefix, cat.Name, orgSuffixes[r.IntN(len(orgSuffixes))])
		if r.IntN(2) == 0 {
			name = fmt.Sprintf("北京市昌平区%s%s%s", prefix, cat.Keywords[r.IntN(len(cat.Keywords))], orgSuffixes[r.IntN(len(orgSuffixes))])
		}
		o := org{id: uid(3, i, start.Add(time.Duration(i)*time.Second)), street: d.Street, registered: r.IntN(10) < 6}
		orgs[i] = o
		byCat[d.Category] = append(byCat[d.Category], i)
		reg, code := "filed", any(nil)
		if o.registered {
			reg, code = "registered", fmt.Sprintf("52110114%010d", i)
		}
		var comm any = cid
		if r.IntN(4) == 0 {
			comm = nil
		}
		var key any
		if r.IntN(2) == 0 {
			key = fmt.Sprintf("ORG-%07d", i)
		}
		credit, note := "normal", ""
		var creditAt any
		switch x := r.IntN(200); {
		case x < 4:
			credit, note, creditAt = "abnormal", "未按时提交年度报告", now
		case x < 5:
			credit, note, creditAt = "serious", "虚假材料骗取项目资金", now
		}
		desc := "机构成立于" + strconv.Itoa(2008+r.IntN(16)) + "年，主要服务" + d.Tags + "领域。" + d.Description
		if err := l.add("organizations", o.id, key, name, registry.SortKey(name), reg, code, d.Category, streetID[d.Street],
			comm, desc, strconv.Itoa(2008+r.IntN(16)), "none", r.IntN(40), r.IntN(300), "联系人", fmt.Sprintf("1390000%04d", i%10000),
			start, start, credit, note, creditAt); err != nil {
			return c, err
		}
		seen := map[string]bool{}
		for _, dom := range append([]string{cat.Name}, cat.Keywords[r.IntN(len(cat.Keywords))], cat.Keywords[r.IntN(len(cat.Keywords))]) {
			if seen[dom] {
				continue
			}
			seen[dom] = true
			if err := l.add("organization_domains", o.id, len(seen)-1, dom); err != nil {
				return c, err
			}
		}
	}
	c.Orgs = nOrgs
	// A supplier: usually of the need's category, often of its street.
	supplier := func(cat, street string) org {
		list := byCat[cat]
		if len(list) == 0 || r.IntN(10) == 0 {
			return orgs[r.IntN(len(orgs))]
		}
		best := orgs[list[r.IntN(len(list))]]
		for range 3 {
			if best.street == street {
				break
			}
			best = orgs[list[r.IntN(len(list))]]
		}
		return best
	}

	// Needs: 84% completed projects, the rest at every other stage.
	span := now.Sub(start)
	for i := range docs {
		created := start.Add(time.Duration(float64(span) * float64(i) / float64(docs)))
		id := uid(4, i, created)
		x := r.IntN(100)
		status := "failed"
		for _, m := range statusMix {
			if x < m.below {
				status = m.status
				break
			}
		}
		done := status == "closed" || status == "accepted"
		var d corpus.Doc
		if done {
			d = g.Doc(3 * i) // project text
		} else {
			d = g.Doc(3*i + 1) // need text, as residents and staff write it
		}
		cid, err := community(d.Street, d.Community)
		if err != nil {
			return c, err
		}
		var comm any = cid
		if r.IntN(10) == 0 {
			comm = nil // the whole street
		}
		procedure, quals := "open", ""
		switch y := r.IntN(100); {
		case y < 12:
			procedure = "invited"
		case y < 15:
			procedure = "direct"
		}
		switch y := r.IntN(100); {
		case y < 20:
			quals = "registered_only"
		case y < 28:
			quals = "local_only"
		case y < 32:
			quals = "registered_only,local_only"
		}
		var key, deadline, qaCutoff, awardedAt, awardedOrg, published any
		if done && r.IntN(2) == 0 {
			key = fmt.Sprintf("PRJ-%08d", i)
		}
		if status != "draft" && status != "submitted" {
			published = created.Add(48 * time.Hour)
			dl := created.Add(time.Duration(10+r.IntN(20)) * 24 * time.Hour)
			if status == "published" {
				dl = now.Add(time.Duration(1+r.IntN(30)) * 24 * time.Hour)
			}
			deadline, qaCutoff = dl, dl.Add(-72*time.Hour)
		}
		var sup org
		switch status {
		case "closed", "accepted", "awarded", "contracted", "in_progress", "delivered":
			sup = supplier(d.Category, d.Street)
			awardedOrg, awardedAt = sup.id, created.Add(40*24*time.Hour)
		}
		title := d.Title
		if r.IntN(5) == 0 {
			title = strconv.Itoa(created.Year()) + "年" + title
		}
		if err := l.add("needs", id, key, title, d.Description, streetID[d.Street], comm, d.Category, "auto",
			50+r.IntN(51), int64(5000+r.IntN(295000))*100, deadline, qaCutoff, procedure, quals, status, awardedAt,
			awardedOrg, "", created, created, published); err != nil {
			return c, err
		}
		if procedure != "open" {
			k := 1
			if procedure == "invited" {
				k = 2 + r.IntN(3)
			}
			inv := map[string]bool{}
			for range k {
				o := supplier(d.Category, d.Street)
				if sup.id != "" && len(inv) == 0 {
					o = sup // the supplier was invited
				}
				if inv[o.id] {
					continue
				}
				inv[o.id] = true
				if err := l.add("need_invites", id, o.id); err != nil {
					return c, err
				}
			}
		}
		if status != "draft" && status != "submitted" {
			c.Board++
		}
		if !done {
			continue
		}
		c.Projects++
		at := created.Add(200 * 24 * time.Hour)
		var imported any
		if key != nil && r.IntN(10) < 8 {
			imported = float64(30+r.IntN(21)) / 10
		}
		if err := l.add("acceptances", id, "passed", "", "u-staff", at, imported); err != nil {
			return c, err
		}
		if key == nil && r.IntN(10) < 6 {
			for j := range 1 + r.IntN(3) {
				stars := 5 - r.IntN(3)
				if r.IntN(20) == 0 {
					stars = 1 + r.IntN(2)
				}
				if err := l.add("ratings", id, fmt.Sprintf("u-res-%d", j), stars, rateComments[r.IntN(len(rateComments))], at); err != nil {
					return c, err
				}
				c.Ratings++
			}
		}
	}
	return c, l.finish()
}

// statusMix is the share of needs in each status, as cumulative percentages
// (the rest are failed): most are completed projects, as in a district with
// years of history.
var statusMix = []struct {
	below  int
	status string
}{{60, "closed"}, {84, "accepted"}, {90, "published"}, {92, "evaluating"}, {93, "awarded"}, {94, "contracted"},
	{95, "in_progress"}, {96, "delivered"}, {97, "draft"}, {98, "submitted"}, {99, "cancelled"}}
