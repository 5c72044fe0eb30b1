package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
)

// discovery is what the mix acts on, found in the running server and its
// database, and the accounts made for the run.
type discovery struct {
	needs      []string   // need pages: the board's needs, every status
	open       []openNeed // published open tenders, deadline ahead
	orgs       []string
	boardBytes int  // the need board page, uncompressed
	boardGzip  bool // whether it came gzip-compressed

	merchantIDs []string
	orgUsers    []*orgUser
	residents   []*apiUser
	merchants   []*merchantLogin
	terms       []string

	mu    sync.Mutex
	pairs map[[2]string]int // (org, need): pairUntried, pairBusy, pairSubmitted, pairNoForm (refused by its rules)
	next  atomic.Uint64
}

const (
	pairUntried = iota
	pairBusy
	pairSubmitted
	pairNoForm
)

type openNeed struct {
	ID        string
	BudgetFen int64
	Qualified bool // the need has qualification rules (some organizations are refused)
}

type orgUser struct {
	phone, password, orgID string
	client                 *http.Client // its own cookie jar: the session and CSRF cookies
	busy                   bool         // one proposal at a time (guarded by discovery.mu)
	lastKey, lastNeed      string       // the idempotency key of its last proposal, and where
}

type apiUser struct{ phone, token string }

type merchantLogin struct {
	apiUser
	merchantID, goodID string
	used               atomic.Int64 // redemption calls: the product allows a login 60 in 10 minutes
}

// redeemBudget is how many redemption calls a merchant login makes in a
// run: the product's limit (60 in 10 minutes) less a margin.
const redeemBudget = 56

// searchTerms are what people type into the need board's and the
// directory's search boxes.
var searchTerms = []string{"养老", "电梯", "垃圾分类", "助老", "心理", "儿童", "停车", "老旧小区", "志愿者", "楼道",
	"社区食堂", "残疾人", "家门口", "便民服务", "文化活动", "青少年", "环境整治", "独居老人", "充电桩", "社工"}

const benchPassword = "loadbench-pass-2026"

// setup finds needs and organizations through the public API and the
// board, makes the accounts the mix uses with `huitian user add` and
// `huitian token create`, gives the residents points and each merchant a
// good to redeem (through the store, as the street's grant page and the
// merchant's goods form do), and signs the organization logins in.
func setup(ctx context.Context, cl *http.Client, t *target, bin string, o options) (*discovery, error) {
	d := &discovery{pairs: map[[2]string]int{}, terms: searchTerms}
	base := t.urls[0]
	start := time.Now()

	type needItem struct {
		ID        string `json:"id"`
		BudgetFen int64  `json:"budget_fen"`
		Deadline  string `json:"deadline"`
		Procedure string `json:"procedure"`
		Quals     []any  `json:"qualifications"`
	}
	var list struct {
		Items []needItem `json:"items"`
		Total int        `json:"total"`
	}
	for page := 1; page <= 5; page++ {
		if err := getJSON(cl, fmt.Sprintf("%s/api/v1/needs?per_page=100&page=%d", base, page), &list); err != nil {
			return nil, err
		}
		for _, n := range list.Items {
			d.needs = append(d.needs, n.ID)
		}
		if len(list.Items) < 100 {
			break
		}
	}
	soon := time.Now().Add(5 * time.Minute)
	for page := 1; page <= 5; page++ {
		if err := getJSON(cl, fmt.Sprintf("%s/api/v1/needs?status=published&procedure=open&per_page=100&page=%d", base, page), &list); err != nil {
			return nil, err
		}
		for _, n := range list.Items {
			if dl, err := time.Parse(time.RFC3339, n.Deadline); err == nil && dl.After(soon) && n.BudgetFen >= 200 {
				d.open = append(d.open, openNeed{n.ID, n.BudgetFen, len(n.Quals) > 0})
			}
		}
		if len(list.Items) < 100 {
			break
		}
	}
	var orgs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	for page := 1; page <= 5; page++ {
		if err := getJSON(cl, fmt.Sprintf("%s/api/v1/organizations?per_page=100&page=%d", base, page), &orgs); err != nil {
			return nil, err
		}
		for _, x := range orgs.Items {
			d.orgs = append(d.orgs, x.ID)
		}
		if len(orgs.Items) < 100 {
			break
		}
	}
	if len(d.needs) == 0 || len(d.orgs) == 0 || len(d.open) == 0 {
		return nil, fmt.Errorf("the server shows %d needs, %d open to proposals, %d organizations: nothing to load", len(d.needs), len(d.open), len(d.orgs))
	}
	resp, err := cl.Get(base + "/needs")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("need board: %v %d", err, resp.StatusCode)
	}
	d.boardBytes, d.boardGzip = len(body), resp.Uncompressed

	// The database: merchants (no public list of them) and, through the
	// store, the residents' points and each merchant's good.
	s, err := store.Open(ctx, t.dsn)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sys := accounts.WithActor(ctx, accounts.System())
	ms, err := s.FindMerchants(ctx, "")
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no merchants in the database")
	}
	for _, m := range ms {
		d.merchantIDs = append(d.merchantIDs, m.ID)
	}
	streets, err := s.FindStreets(ctx)
	if err != nil || len(streets) == 0 {
		return nil, fmt.Errorf("no streets: %v", err)
	}

	// Accounts, through the CLI an operator uses (two at a time: each is a
	// process and a password hash).
	type job struct {
		args  []string
		stdin string
		out   *string
	}
	var jobs []job
	phone := func(kind, i int) string { return fmt.Sprintf("1990%d%06d", kind, i) }
	for i := range o.orgUsers {
		u := &orgUser{phone: phone(1, i), password: benchPassword, orgID: d.orgs[i*len(d.orgs)/o.orgUsers]}
		d.orgUsers = append(d.orgUsers, u)
		jobs = append(jobs, job{args: []string{"user", "add", "--db", t.dsn, "--phone", u.phone, "--name", fmt.Sprintf("压测组织%d", i+1),
			"--role", "org_admin", "--scope", u.orgID, "--password-stdin"}, stdin: benchPassword + "\n"})
	}
	for i := range o.merchants {
		m := &merchantLogin{apiUser: apiUser{phone: phone(2, i)}, merchantID: ms[i%len(ms)].ID}
		d.merchants = append(d.merchants, m)
		jobs = append(jobs, job{args: []string{"user", "add", "--db", t.dsn, "--phone", m.phone, "--name", fmt.Sprintf("压测收银%d", i+1),
			"--role", "merchant", "--scope", m.merchantID, "--password-stdin"}, stdin: benchPassword + "\n"})
	}
	for i := range o.residents {
		r := &apiUser{phone: phone(3, i)}
		d.residents = append(d.residents, r)
		jobs = append(jobs, job{args: []string{"user", "add", "--db", t.dsn, "--phone", r.phone, "--name", fmt.Sprintf("压测居民%d", i+1),
			"--role", "resident"}})
	}
	if err := runJobs(ctx, bin, jobs, func(j job) (string, []string, *string) { return j.stdin, j.args, j.out }); err != nil {
		return nil, err
	}
	jobs = jobs[:0]
	for _, m := range d.merchants {
		jobs = append(jobs, job{args: []string{"token", "create", "--db", t.dsn, "--phone", m.phone}, out: &m.token})
	}
	for _, r := range d.residents {
		jobs = append(jobs, job{args: []string{"token", "create", "--db", t.dsn, "--phone", r.phone}, out: &r.token})
	}
	if err := runJobs(ctx, bin, jobs, func(j job) (string, []string, *string) { return j.stdin, j.args, j.out }); err != nil {
		return nil, err
	}

	goods := map[string]string{}
	for _, m := range d.merchants {
		if g, ok := goods[m.merchantID]; ok {
			m.goodID = g
			continue
		}
		g := &points.Good{MerchantID: m.merchantID, Name: "压测兑换券", Price: 1, Stock: 1_000_000, Active: true}
		if err := s.CreateGood(sys, g); err != nil {
			return nil, fmt.Errorf("good: %w", err)
		}
		goods[m.merchantID], m.goodID = g.ID, g.ID
	}
	for i, r := range d.residents {
		if _, err := s.GrantPoints(sys, streets[i%len(streets)].ID, r.phone, points.MaxGrant, "压测用积分",
			fmt.Sprintf("loadbench-%d", i)); err != nil {
			return nil, fmt.Errorf("points: %w", err)
		}
	}

	for _, u := range d.orgUsers {
		jar, _ := cookiejar.New(nil)
		u.client = &http.Client{Transport: cl.Transport, Jar: jar, Timeout: cl.Timeout, CheckRedirect: cl.CheckRedirect}
		if status, err := signIn(u.client, base, u.phone, u.password, "10.0.0.1", nil); err != nil || status != http.StatusSeeOther {
			return nil, fmt.Errorf("sign-in of %s: %v (status %d)", u.phone, err, status)
		}
	}
	fmt.Printf("   set up in %.1f s: %d organization logins, %d merchant logins, %d residents with %d points each\n",
		time.Since(start).Seconds(), len(d.orgUsers), len(d.merchants), len(d.residents), points.MaxGrant)
	return d, nil
}

func runJobs[J any](ctx context.Context, bin string, jobs []J, parts func(J) (string, []string, *string)) error {
	sem := make(chan struct{}, 2)
	errc := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			stdin, args, out := parts(j)
			s, err := huitian(ctx, bin, stdin, args...)
			if err != nil {
				errc <- err
				return
			}
			if out != nil {
				*out = strings.TrimSpace(s)
			}
		})
	}
	wg.Wait()
	close(errc)
	return <-errc
}

func getJSON(cl *http.Client, u string, v any) error {
	resp, err := cl.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

var (
	csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	idemRE = regexp.MustCompile(`name="idempotency_key" value="([^"]*)"`)
)

// signIn is the staff password form: the login page (for its CSRF token),
// then the post. rec, if set, records both requests.
func signIn(c *http.Client, base, phone, password, from string, rec func(route string, start time.Time, status int, err error)) (int, error) {
	start := time.Now()
	resp, err := c.Get(base + "/login")
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if rec != nil {
		rec("signin_form", start, status, err)
	}
	if err != nil || status != http.StatusOK {
		return status, err
	}
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("no CSRF token on the login page")
	}
	form := url.Values{"phone": {phone}, "password": {password}, "csrf_token": {string(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login/password", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", from)
	start = time.Now()
	resp, err = c.Do(req)
	status = 0
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	if rec != nil {
		rec("signin", start, status, err)
	}
	return status, err
}
