package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/orgfile"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// evalQuery is one line of the queries file (DESIGN.md).
type evalQuery struct {
	Key              string         `json:"key"`
	Street           string         `json:"street"`
	Community        string         `json:"community"`
	Text             string         `json:"text"`
	RelevantOrgs     map[string]int `json:"relevant_orgs"`
	RelevantProjects map[string]int `json:"relevant_projects"`
}

// evalK is the cut-off of the measures (the top five a staff member reads).
const evalK = 5

// EvalReport holds the means over the queries of one evaluation run.
type EvalReport struct {
	Queries, Orgs, Projects int
	// Ours and FTS5: organizations nDCG@5, recall@5, then projects the same.
	Ours, FTS5 [4]float64
	// PerQuery holds, per query key, ours then FTS5 as above.
	PerQuery map[string][8]float64
}

// EvalFiles names the three evaluation files (DESIGN.md), and how to read
// the queries.
type EvalFiles struct {
	Orgs, Projects, Queries string
	// PlaceInText writes each query's community (else street) name before
	// its text, as staff title needs ("龙禧苑社区独居老人探访"): text fit
	// should be about the problem, not the address, so the figures should
	// barely move.
	PlaceInText bool
}

// runEval imports the evaluation files into a database (a temporary SQLite
// file, or --db) through the real importers, ranks every query with the
// matcher and with an SQLite FTS5 bm25() baseline over unigram+bigram
// tokens, and prints nDCG@5 and recall@5 for both.
func runEval(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	orgsPath := fs.String("orgs", "", "organizations file (.jsonl .csv .xlsx)")
	projPath := fs.String("projects", "", "completed projects file (.jsonl)")
	qPath := fs.String("queries", "", "queries with graded relevance (.jsonl)")
	verbose := fs.Bool("v", false, "print per-query results")
	weightsPath := fs.String("weights", "", "weights JSON overriding the embedded ones (for tuning)")
	placeInText := fs.Bool("place-in-text", false, "write each query's community (else street) before its text, as need titles do")
	dbDSN := fs.String("db", "", "an empty database to import into (SQLite path or postgres://…); default a temporary SQLite file")
	if err := fs.Parse(args); err != nil {
		return exitError(2)
	}
	if *orgsPath == "" || *projPath == "" || *qPath == "" {
		fmt.Fprintln(env.Stderr, "用法 / usage: huitian eval --orgs F --projects F --queries F [--db DSN] [--weights F] [--place-in-text] [-v]")
		return exitError(2)
	}
	weights := match.DefaultWeights()
	if *weightsPath != "" {
		data, err := os.ReadFile(*weightsPath)
		if err != nil {
			return err
		}
		if weights, err = match.ParseWeights(data); err != nil {
			return err
		}
	}
	dsn := *dbDSN
	if dsn == "" {
		dir, err := os.MkdirTemp("", "huitian-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "eval.db")
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	var vw io.Writer
	if *verbose {
		vw = env.Stdout
	}
	rep, err := Evaluate(ctx, env, s, EvalFiles{Orgs: *orgsPath, Projects: *projPath, Queries: *qPath, PlaceInText: *placeInText}, weights, vw)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "queries: %d, organizations: %d, projects: %d\n", rep.Queries, rep.Orgs, rep.Projects)
	fmt.Fprintf(env.Stdout, "%-14s %10s %10s %12s %12s\n", "", "nDCG@5", "recall@5", "FTS5 nDCG@5", "FTS5 recall@5")
	fmt.Fprintf(env.Stdout, "%-14s %10.4f %10.4f %12.4f %12.4f\n", "organizations", rep.Ours[0], rep.Ours[1], rep.FTS5[0], rep.FTS5[1])
	fmt.Fprintf(env.Stdout, "%-14s %10.4f %10.4f %12.4f %12.4f\n", "projects", rep.Ours[2], rep.Ours[3], rep.FTS5[2], rep.FTS5[3])
	// How much of the gain a set of this size can tell from chance.
	fmt.Fprintln(env.Stdout, "nDCG@5 over FTS5, 95% interval (bootstrap over the queries); queries better / worse / equal:")
	for _, kind := range []struct {
		name string
		i    int
	}{{"organizations", 0}, {"projects", 2}} {
		g := rep.Gain(kind.i)
		fmt.Fprintf(env.Stdout, "%-14s %+10.4f  [%+.4f, %+.4f]  %d / %d / %d\n", kind.name, g.Mean, g.Low, g.High, g.Better, g.Worse, g.Ties)
	}
	return nil
}

// Gain is the per-query difference of metric i (0 organizations' nDCG@5,
// 2 projects') between ours and FTS5, summarized (match.GainOf).
func (r *EvalReport) Gain(i int) match.Gain {
	diffs := make([]float64, 0, len(r.PerQuery))
	for _, v := range r.PerQuery {
		diffs = append(diffs, v[i]-v[4+i])
	}
	slices.Sort(diffs) // the map's order is random; the resamples are not
	return match.GainOf(diffs, 10000)
}

// Evaluate imports the files into s (migrated, empty), builds the matcher
// from the store as the server does (match.Live, the server's analyzer), and
// measures it beside the FTS5 baseline (always in a temporary SQLite file of
// its own). With verbose set,
// per-query rankings are written to it.
func Evaluate(ctx context.Context, env Env, s *store.Store, files EvalFiles, weights match.Weights, verbose io.Writer) (*EvalReport, error) {
	queries, err := readEvalQueries(files.Queries)
	if err != nil {
		return nil, err
	}
	if err := evalImport(ctx, env, s, files.Orgs, files.Projects); err != nil {
		return nil, err
	}
	// The matcher as the server runs it: match.Live built from the store's
	// reads, with the server's analyzer.
	a, err := newAnalyzer()
	if err != nil {
		return nil, err
	}
	live, err := match.NewLive(s, a, weights)
	if err != nil {
		return nil, err
	}
	if err := live.Build(system(ctx)); err != nil {
		return nil, err
	}
	orgs, err := s.MatchOrganizations(system(ctx))
	if err != nil {
		return nil, err
	}
	projects, err := s.MatchProjects(system(ctx))
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "huitian-eval-fts-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	base, err := newFTSBaseline(ctx, filepath.Join(dir, "fts.db"), orgs, projects)
	if err != nil {
		return nil, err
	}
	defer base.db.Close()

	rep := &EvalReport{Queries: len(queries), Orgs: len(orgs), Projects: len(projects), PerQuery: map[string][8]float64{}}
	var sums [8]float64 // ours org nDCG, recall, proj nDCG, recall; then FTS5 the same
	for _, q := range queries {
		if files.PlaceInText {
			if p := cmp.Or(q.Community, q.Street); p != "" {
				q.Text = p + q.Text
			}
		}
		var or, pr []match.Result
		// A long text is cut as the API cuts it; a text the API refuses
		// (empty, control characters, nothing to search: 400 there) ranks
		// nothing here either, and the run goes on.
		capped, _ := match.CapText(q.Text)
		if text, err := live.CheckText(capped); err != nil {
			fmt.Fprintf(env.Stderr, "%s: 接口会拒绝这条查询，计为没有结果 / the API refuses this query, counted as no results (%s)\n",
				q.Key, errs.As(err).Key)
		} else {
			mq := match.Query{Text: text, Community: q.Community, Street: q.Street}
			if or, err = live.Organizations(ctx, mq, evalK); err != nil {
				return nil, fmt.Errorf("query %s: %w", q.Key, err)
			}
			if pr, err = live.Projects(ctx, mq, evalK); err != nil {
				return nil, fmt.Errorf("query %s: %w", q.Key, err)
			}
		}
		bo, err := base.search(ctx, "orgs", q.Text)
		if err != nil {
			return nil, fmt.Errorf("query %s: fts5: %w", q.Key, err)
		}
		bp, err := base.search(ctx, "projects", q.Text)
		if err != nil {
			return nil, fmt.Errorf("query %s: fts5: %w", q.Key, err)
		}
		ok, pk := resultKeys(or), resultKeys(pr)
		vals := [8]float64{
			match.NDCG(ok, q.RelevantOrgs, evalK), match.Recall(ok, q.RelevantOrgs, evalK),
			match.NDCG(pk, q.RelevantProjects, evalK), match.Recall(pk, q.RelevantProjects, evalK),
			match.NDCG(bo, q.RelevantOrgs, evalK), match.Recall(bo, q.RelevantOrgs, evalK),
			match.NDCG(bp, q.RelevantProjects, evalK), match.Recall(bp, q.RelevantProjects, evalK),
		}
		for i, v := range vals {
			sums[i] += v
		}
		rep.PerQuery[q.Key] = vals
		if verbose != nil {
			fmt.Fprintf(verbose, "%s %s\n", q.Key, q.Text)
			printRanked(verbose, "  organizations", or, q.RelevantOrgs, vals[0], bo, vals[4])
			printRanked(verbose, "  projects     ", pr, q.RelevantProjects, vals[2], bp, vals[6])
		}
	}
	n := float64(max(len(queries), 1))
	for i := range 4 {
		rep.Ours[i], rep.FTS5[i] = sums[i]/n, sums[4+i]/n
	}
	return rep, nil
}

func resultKeys(rs []match.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	return out
}

func marked(keys []string, rel map[string]int) string {
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s", k)
		switch rel[k] {
		case 2:
			b.WriteString("**")
		case 1:
			b.WriteString("*")
		}
	}
	return b.String()
}

func printRanked(w io.Writer, label string, rs []match.Result, rel map[string]int, ndcg float64, base []string, bndcg float64) {
	fmt.Fprintf(w, "%s ours %.3f:%s | fts5 %.3f:%s\n", label, ndcg, marked(resultKeys(rs), rel), bndcg, marked(base, rel))
	for _, r := range rs {
		if rel[r.Key] == 0 {
			fmt.Fprintf(w, "      ✗ %s %s %.3f %s\n", r.Key, r.Name, r.Score, strings.Join(r.Reasons, "；"))
		}
	}
}

func readEvalQueries(path string) ([]evalQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []evalQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuery
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff")) // a BOM, as Windows editors write one
		}
		if err := json.Unmarshal(b, &q); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", filepath.Base(path), line, err)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

func evalImport(ctx context.Context, env Env, s *store.Store, orgsPath, projPath string) error {
	format, err := orgfile.FormatFromName(orgsPath)
	if err != nil {
		return err
	}
	f, err := os.Open(orgsPath)
	if err != nil {
		return err
	}
	rows, err := orgfile.Read(f, format)
	f.Close()
	if err != nil {
		return err
	}
	if n := withoutBadCreditCodes(rows); n > 0 {
		fmt.Fprintf(env.Stderr, "%s: %d 个组织的统一社会信用代码缺失或校验不通过，按备案组织导入（匹配不用它）/ "+
			"%d organizations with a missing or invalid credit code imported as filed (matching does not use it)\n",
			filepath.Base(orgsPath), n, n)
	}
	if rep, err := s.ImportOrganizations(system(ctx), rows, false, nil); err != nil {
		if rep != nil {
			printReport(env, rep, filepath.Base(orgsPath))
		}
		return fmt.Errorf("import %s: %w", orgsPath, err)
	}
	f, err = os.Open(projPath)
	if err != nil {
		return err
	}
	prows, err := projectfile.Read(f)
	f.Close()
	if err != nil {
		return err
	}
	if rep, err := s.ImportProjects(system(ctx), prows, false); err != nil {
		if rep != nil {
			printReport(env, rep, filepath.Base(projPath))
		}
		return fmt.Errorf("import %s: %w", projPath, err)
	}
	return nil
}

// ftsBaseline is SQLite FTS5 bm25() over the same text as the matcher's
// documents, pre-tokenized into Chinese unigrams and bigrams (and
// letter/digit words), queries tokenized alike and OR-ed.
type ftsBaseline struct{ db *sql.DB }

func newFTSBaseline(ctx context.Context, dsn string, orgs []match.Org, projects []match.Project) (*ftsBaseline, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	b := &ftsBaseline{db: db}
	stmts := []string{`CREATE VIRTUAL TABLE eval_orgs USING fts5(key UNINDEXED, body)`,
		`CREATE VIRTUAL TABLE eval_projects USING fts5(key UNINDEXED, body)`}
	for _, st := range stmts {
		if _, err := db.ExecContext(ctx, st); err != nil {
			db.Close()
			return nil, err
		}
	}
	byOrg := map[string][]string{}
	for _, p := range projects {
		byOrg[p.OrgID] = append(byOrg[p.OrgID], p.Title, p.Description)
		if _, err := db.ExecContext(ctx, `INSERT INTO eval_projects(key, body) VALUES (?, ?)`, p.Key,
			gramTokens(p.Title+"\n"+p.Description)); err != nil {
			db.Close()
			return nil, err
		}
	}
	for _, o := range orgs {
		text := o.Name + "\n" + strings.Join(o.Domains, "、") + "\n" + o.Description + "\n" + strings.Join(byOrg[o.ID], "\n")
		if _, err := db.ExecContext(ctx, `INSERT INTO eval_orgs(key, body) VALUES (?, ?)`, o.Key, gramTokens(text)); err != nil {
			db.Close()
			return nil, err
		}
	}
	return b, nil
}

func (b *ftsBaseline) search(ctx context.Context, table, text string) ([]string, error) {
	toks := strings.Fields(gramTokens(text))
	if len(toks) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	var terms []string
	for _, t := range toks {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, `"`+t+`"`)
		}
	}
	rows, err := b.db.QueryContext(ctx, `SELECT key FROM eval_`+table+` WHERE eval_`+table+` MATCH ? ORDER BY bm25(eval_`+table+`) LIMIT ?`,
		strings.Join(terms, " OR "), evalK)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// gramTokens spells text as space-separated tokens: every Chinese character
// and every pair of adjacent ones, and lower-cased letter/digit words.
func gramTokens(text string) string {
	var out []string
	var han, word []rune
	flushHan := func() {
		for i, r := range han {
			out = append(out, string(r))
			if i+1 < len(han) {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	flushWord := func() {
		if len(word) > 0 {
			out = append(out, strings.ToLower(string(word)))
			word = word[:0]
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushHan()
			word = append(word, r)
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return strings.Join(out, " ")
}

// withoutBadCreditCodes files, for a measurement only, the organizations
// whose unified social credit code is missing or fails its check as
// 备案 without a code, and returns how many. The registry's import refuses
// such rows (a registry must not hold a wrong code); matching never reads
// the code, and an evaluation file written by hand should not fail on a
// checksum.
func withoutBadCreditCodes(rows []registry.ImportRow) int {
	n := 0
	for i := range rows {
		o := &rows[i].Org
		code := registry.NormalizeCreditCode(o.CreditCode)
		if (code == "" && o.Registration == registry.Registered) || (code != "" && registry.ValidateCreditCode(code) != nil) {
			o.CreditCode, o.Registration = "", registry.Filed
			n++
		}
	}
	return n
}
