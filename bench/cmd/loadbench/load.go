package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// defaultMix weighs what visitors mostly do (read the board, needs and
// organizations, search) against what signed-in people do (sign in,
// propose, redeem). Every op of signin, proposal and redeem is two
// requests (a form, then its post; a code, then its redemption).
const defaultMix = "board=25,need=25,search_needs=8,search_orgs=5,org=15,signin=2,proposal=3,redeem=3"

func parseMix(s string) (map[string]int, error) {
	w := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || ops[k] == nil {
			return nil, fmt.Errorf("-mix: %q is not route=weight (routes: %s)", part, strings.Join(opNames(), ", "))
		}
		w[k] = n
	}
	return w, nil
}

func opNames() []string {
	var out []string
	for k := range ops {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ops are the mix's operations by name.
var ops map[string]func(*worker)

func init() {
	ops = map[string]func(*worker){
		"board":        (*worker).board,
		"need":         (*worker).need,
		"search_needs": (*worker).searchNeeds,
		"search_orgs":  (*worker).searchOrgs,
		"org":          (*worker).org,
		"signin":       (*worker).signin,
		"proposal":     (*worker).proposal,
		"redeem":       (*worker).redeem,
		"ceiling":      (*worker).ceiling,
	}
}

// newClient is the one client of every target: a connection per worker
// to each host, kept alive; redirects are answers, not followed.
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4 * conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type outcome int

const (
	ok outcome = iota
	refused
	failed
)

type routeStats struct {
	lat     []float64 // ms
	refused int
	errors  int
}

type worker struct {
	cl      *http.Client
	urls    []string
	rr      *atomic.Uint64
	d       *discovery
	rng     *rand.Rand
	stats   map[string]*routeStats
	errs    map[string]int
	skipped map[string]int
}

func (w *worker) base() string { return w.urls[w.rr.Add(1)%uint64(len(w.urls))] }

func (w *worker) record(route string, start time.Time, o outcome, note string) {
	st := w.stats[route]
	if st == nil {
		st = &routeStats{}
		w.stats[route] = st
	}
	st.lat = append(st.lat, float64(time.Since(start).Microseconds())/1000)
	switch o {
	case refused:
		st.refused++
	case failed:
		st.errors++
		if len(w.errs) < 50 {
			w.errs[route+": "+note]++
		}
	}
}

// get fetches a page and records it: 200 is the only good answer.
func (w *worker) get(route string, c *http.Client, u string) ([]byte, bool) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		w.record(route, start, failed, errNote(err))
		return nil, false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		w.record(route, start, failed, errNote(err))
		return nil, false
	}
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		// The product's back-pressure: a ranked search that waited its
		// longest for a heavy-work turn ("请稍后再试"), nothing changed.
		w.record(route, start, refused, "")
		return body, false
	case resp.StatusCode != http.StatusOK:
		w.record(route, start, failed, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, pageText(body)))
		return body, false
	}
	w.record(route, start, ok, "")
	return body, true
}

var (
	tagRE   = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// pageText is the start of what a page says in its main part, for error
// samples.
func pageText(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	s = strings.TrimSpace(spaceRE.ReplaceAllString(tagRE.ReplaceAllString(s, " "), " "))
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	return s
}

func errNote(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

func (w *worker) pick(xs []string) string { return xs[w.rng.IntN(len(xs))] }

func (w *worker) board() { w.get("board", w.cl, w.base()+"/needs") }

func (w *worker) need() { w.get("need", w.cl, w.base()+"/needs/"+w.pick(w.d.needs)) }

func (w *worker) searchNeeds() {
	w.get("search_needs", w.cl, w.base()+"/needs?q="+url.QueryEscape(w.pick(w.d.terms)))
}

func (w *worker) searchOrgs() {
	w.get("search_orgs", w.cl, w.base()+"/organizations?q="+url.QueryEscape(w.pick(w.d.terms)))
}

func (w *worker) org() { w.get("org", w.cl, w.base()+"/organizations/"+w.pick(w.d.orgs)) }

func (w *worker) ceiling() { w.get("ceiling", w.cl, w.base()+"/") }

// signin: the staff password form of one of the organization logins, in a
// fresh browser (its own cookies), from an address of its own.
func (w *worker) signin() {
	u := w.d.orgUsers[w.rng.IntN(len(w.d.orgUsers))]
	c := &http.Client{Transport: w.cl.Transport, Timeout: w.cl.Timeout, CheckRedirect: w.cl.CheckRedirect}
	c.Jar = newJar()
	from := fmt.Sprintf("10.%d.%d.%d", w.rng.IntN(250), w.rng.IntN(250), 1+w.rng.IntN(250))
	signIn(c, w.base(), u.phone, u.password, from, func(route string, start time.Time, status int, err error) {
		switch {
		case err != nil:
			w.record(route, start, failed, errNote(err))
		case route == "signin" && status == http.StatusServiceUnavailable:
			// The product's back-pressure: more password checks waiting
			// than it allows ("登录人数较多，请稍后再试"), nothing changed.
			w.record(route, start, refused, "")
		case route == "signin_form" && status != http.StatusOK, route == "signin" && status != http.StatusSeeOther:
			w.record(route, start, failed, fmt.Sprintf("HTTP %d", status))
		default:
			w.record(route, start, ok, "")
		}
	})
}

// proposal: an organization login opens an open need it has not proposed
// to, reads the proposal form (CSRF token, idempotency key) and submits.
// When it has proposed to every open need it revises one (the product
// replaces the earlier proposal: route proposal_revise). One time in ten
// it resends a form whose idempotency key it already used on another
// need, which the product refuses (409): expected, counted as refused. A
// need whose rules exclude the organization (403 on a need with
// qualifications) is refused too and not tried again.
func (w *worker) proposal() {
	d := w.d
	u := d.orgUsers[d.next.Add(1)%uint64(len(d.orgUsers))]
	d.mu.Lock()
	var need *openNeed
	route := "proposal"
	off := w.rng.IntN(len(d.open))
	for _, want := range []int{pairUntried, pairSubmitted} {
		for i := range d.open {
			n := &d.open[(off+i)%len(d.open)]
			if d.pairs[[2]string{u.orgID, n.ID}] == want {
				need = n
				break
			}
		}
		if need != nil {
			if want == pairSubmitted {
				route = "proposal_revise"
			}
			break
		}
	}
	staleKey := ""
	if need != nil && w.rng.IntN(10) == 0 && u.lastKey != "" && u.lastNeed != need.ID {
		staleKey = u.lastKey
	}
	if need == nil || u.busy {
		d.mu.Unlock()
		w.skipped["proposal (every pair in use)"]++
		return
	}
	key := [2]string{u.orgID, need.ID}
	was := d.pairs[key]
	d.pairs[key], u.busy = pairBusy, true
	d.mu.Unlock()
	done := func(v int, usedKey string) {
		d.mu.Lock()
		d.pairs[key], u.busy = v, false
		if usedKey != "" {
			u.lastKey, u.lastNeed = usedKey, need.ID
		}
		d.mu.Unlock()
	}

	body, good := w.get("proposal_form", u.client, w.base()+"/needs/"+need.ID)
	if !good {
		done(was, "")
		return
	}
	csrf, idem := csrfRE.FindSubmatch(body), idemRE.FindSubmatch(body)
	if csrf == nil || idem == nil {
		done(pairNoForm, "")
		w.record(route, time.Now(), failed, "no proposal form on an open need (signed out?)")
		return
	}
	idemKey := string(idem[1])
	if staleKey != "" {
		idemKey = staleKey
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	price := max(1, need.BudgetFen/100/2)
	for _, f := range [][2]string{{"csrf_token", string(csrf[1])}, {"idempotency_key", idemKey}, {"org_id", u.orgID},
		{"summary", "我们组织承接本项目，由专职社工带领志愿者按期完成。"},
		{"plan", "第一阶段入户走访摸清需求，第二阶段开展服务并每月公示进展，第三阶段总结评估并接受居民评议。"},
		{"team", "项目负责人一名、专职社工两名、志愿者十名"},
		{"price", strconv.FormatInt(price, 10)}, {"duration_days", "90"}} {
		mw.WriteField(f[0], f[1])
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.base()+"/needs/"+need.ID+"/proposals", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err := u.client.Do(req)
	if err != nil {
		done(was, "")
		w.record(route, start, failed, errNote(err))
		return
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case staleKey != "" && resp.StatusCode == http.StatusConflict:
		done(was, "")
		w.record(route, start, refused, "")
	case staleKey == "" && resp.StatusCode == http.StatusSeeOther:
		done(pairSubmitted, idemKey)
		w.record(route, start, ok, "")
	case staleKey == "" && resp.StatusCode == http.StatusForbidden && need.Qualified:
		done(pairNoForm, "")
		w.record(route, start, refused, "")
	default:
		done(was, "")
		w.record(route, start, failed, fmt.Sprintf("HTTP %d (stale key %v): %s", resp.StatusCode, staleKey != "", pageText(rb)))
	}
}

// redeem: a resident asks for a one-time code for a merchant's good (API),
// the merchant's login confirms it with an idempotency key (API); one time
// in four the merchant's app sends the same confirmation again, which must
// return the same redemption.
func (w *worker) redeem() {
	d := w.d
	var m *merchantLogin
	off := w.rng.IntN(len(d.merchants))
	for i := range d.merchants {
		c := d.merchants[(off+i)%len(d.merchants)]
		if c.used.Add(2) <= redeemBudget {
			m = c
			break
		}
	}
	if m == nil {
		w.skipped["redeem (merchant logins' 60 in 10 minutes used up)"]++
		return
	}
	r := d.residents[w.rng.IntN(len(d.residents))]
	var code struct {
		Code string `json:"code"`
	}
	if !w.api("redeem_code", r.token, "/api/v1/redemption-codes", map[string]string{"good_id": m.goodID}, &code) {
		return
	}
	key := fmt.Sprintf("lb-%d", w.rng.Uint64())
	var red1, red2 struct {
		ID string `json:"id"`
	}
	in := map[string]string{"code": code.Code, "idempotency_key": key}
	if !w.api("redeem", m.token, "/api/v1/redemptions", in, &red1) {
		return
	}
	if w.rng.IntN(4) == 0 {
		start := time.Now()
		if w.api("", m.token, "/api/v1/redemptions", in, &red2) {
			if red2.ID != red1.ID {
				w.record("redeem_replay", start, failed, "a replay made a second redemption")
			} else {
				w.record("redeem_replay", start, ok, "")
			}
		} else {
			w.record("redeem_replay", start, failed, "a replay was refused")
		}
	} else {
		m.used.Add(-1)
	}
}

// api posts JSON with a bearer token and records it under route (unless
// route is ""): 201 is the good answer.
func (w *worker) api(route, token, path string, in, out any) bool {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, w.base()+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := w.cl.Do(req)
	if err != nil {
		if route != "" {
			w.record(route, start, failed, errNote(err))
		}
		return false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode == http.StatusCreated {
		err = json.Unmarshal(body, out)
	}
	if err != nil || resp.StatusCode != http.StatusCreated {
		if route != "" {
			w.record(route, start, failed, fmt.Sprintf("HTTP %d %.80s", resp.StatusCode, body))
		}
		return false
	}
	if route != "" {
		w.record(route, start, ok, "")
	}
	return true
}

type routeReport struct {
	ServerCPUms float64 `json:"server_cpu_ms_per_req,omitempty"` // alone only
	ClientCPUms float64 `json:"client_cpu_ms_per_req,omitempty"` // alone only
	Requests    int     `json:"requests"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Refused     int     `json:"refused,omitempty"` // expected refusals (a second proposal)
	Errors      int     `json:"errors"`
}

type report struct {
	RPS   float64 `json:"rps"`
	P50ms float64 `json:"p50_ms"`
	P99ms float64 `json:"p99_ms"`
	// PagesP99ms: the p99 of the need board's and need pages' requests
	// within the mix (what the targets name).
	PagesP99ms float64                 `json:"pages_p99_ms,omitempty"`
	Requests   int                     `json:"requests"`
	Refused    int                     `json:"refused"`
	Errors     int                     `json:"errors"`
	Routes     map[string]*routeReport `json:"routes"`
	Solo       map[string]*routeReport `json:"solo,omitempty"`
	Skipped    map[string]int          `json:"skipped,omitempty"`
	Samples    map[string]int          `json:"error_samples,omitempty"`
	// CPU per request of the server processes (all nodes; 0 for the
	// ceiling, which runs in this process) and of this process (the
	// client, and the ceiling's server), and the cores each used.
	ServerCPUms float64 `json:"server_cpu_ms_per_req"`
	ClientCPUms float64 `json:"client_cpu_ms_per_req"`
	ServerCores float64 `json:"server_cores"`
	ClientCores float64 `json:"client_cores"`
}

// procsCPU is the user and system CPU time the processes used so far
// (Linux /proc; 0 where it cannot be read).
func procsCPU(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * time.Second / 100 // USER_HZ
	}
	return total
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// drive runs conns workers on the weighted mix: warm (not counted), then
// dur measured. Requests go to the urls round robin.
func drive(ctx context.Context, cl *http.Client, urls []string, pids []int, d *discovery, o options, weights map[string]int, warm, dur time.Duration) *report {
	var names []string
	var cum []int
	total := 0
	for _, k := range opNames() {
		if weights[k] > 0 {
			total += weights[k]
			names, cum = append(names, k), append(cum, total)
		}
	}
	var rr atomic.Uint64
	phase := func(dur time.Duration, seed uint64) ([]*worker, time.Duration) {
		workers := make([]*worker, o.conns)
		end := time.Now().Add(dur)
		start := time.Now()
		var wg sync.WaitGroup
		for i := range workers {
			w := &worker{cl: cl, urls: urls, rr: &rr, d: d, rng: rand.New(rand.NewPCG(seed, uint64(i))),
				stats: map[string]*routeStats{}, errs: map[string]int{}, skipped: map[string]int{}}
			workers[i] = w
			wg.Go(func() {
				for time.Now().Before(end) && ctx.Err() == nil {
					x := w.rng.IntN(total)
					ops[names[sort.SearchInts(cum, x+1)]](w)
				}
			})
		}
		wg.Wait()
		return workers, time.Since(start)
	}
	if warm > 0 {
		phase(warm, uint64(o.seed)+1000)
	}
	srv0, self0 := procsCPU(pids), selfCPU()
	workers, took := phase(dur, uint64(o.seed))
	srv, self := procsCPU(pids)-srv0, selfCPU()-self0

	rep := &report{Routes: map[string]*routeReport{}, Solo: map[string]*routeReport{}, Skipped: map[string]int{}, Samples: map[string]int{}}
	all := map[string]*routeStats{}
	var every []float64
	for _, w := range workers {
		for k, st := range w.stats {
			a := all[k]
			if a == nil {
				a = &routeStats{}
				all[k] = a
			}
			a.lat = append(a.lat, st.lat...)
			a.refused += st.refused
			a.errors += st.errors
		}
		for k, n := range w.errs {
			rep.Samples[k] += n
		}
		for k, n := range w.skipped {
			rep.Skipped[k] += n
		}
	}
	var pages []float64
	for k, a := range all {
		slices.Sort(a.lat)
		every = append(every, a.lat...)
		if k == "board" || k == "need" {
			pages = append(pages, a.lat...)
		}
		rep.Routes[k] = &routeReport{Requests: len(a.lat), RPS: round(float64(len(a.lat))/took.Seconds(), 1),
			P50ms: round(pct(a.lat, 50), 2), P99ms: round(pct(a.lat, 99), 2), Refused: a.refused, Errors: a.errors}
		rep.Requests += len(a.lat)
		rep.Refused += a.refused
		rep.Errors += a.errors
	}
	slices.Sort(every)
	slices.Sort(pages)
	rep.PagesP99ms = round(pct(pages, 99), 2)
	rep.RPS = round(float64(len(every))/took.Seconds(), 1)
	rep.P50ms, rep.P99ms = round(pct(every, 50), 2), round(pct(every, 99), 2)
	if n := float64(len(every)); n > 0 {
		rep.ServerCPUms = round(float64(srv.Microseconds())/1000/n, 3)
		rep.ClientCPUms = round(float64(self.Microseconds())/1000/n, 3)
		rep.ServerCores = round(srv.Seconds()/took.Seconds(), 2)
		rep.ClientCores = round(self.Seconds()/took.Seconds(), 2)
	}
	return rep
}

// pct is the nearest-rank percentile of sorted xs.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(float64(len(xs))*p/100+0.999999) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}

func (r *report) print(name string) {
	fmt.Printf("   %-16s %9s %9s %9s %9s %8s %7s\n", "route", "requests", "req/s", "p50 ms", "p99 ms", "refused", "errors")
	var keys []string
	for k := range r.Routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x := r.Routes[k]
		fmt.Printf("   %-16s %9d %9.1f %9.2f %9.2f %8d %7d\n", k, x.Requests, x.RPS, x.P50ms, x.P99ms, x.Refused, x.Errors)
	}
	fmt.Printf("   %-16s %9d %9.1f %9.2f %9.2f %8d %7d\n", "all ("+name+")", r.Requests, r.RPS, r.P50ms, r.P99ms, r.Refused, r.Errors)
	if r.PagesP99ms > 0 {
		fmt.Printf("   board and need pages in the mix: p99 %.2f ms\n", r.PagesP99ms)
	}
	fmt.Printf("   CPU a request: server %.2f ms (%.2f cores), this process %.2f ms (%.2f cores)\n", r.ServerCPUms, r.ServerCores, r.ClientCPUms, r.ClientCores)
	for _, k := range []string{"board", "need"} {
		if x := r.Solo[k]; x != nil {
			fmt.Printf("   %-16s %9d %9.1f %9.2f %9.2f %8d %7d   server CPU %.2f ms a request\n", k+" alone", x.Requests, x.RPS, x.P50ms, x.P99ms, x.Refused, x.Errors, x.ServerCPUms)
		}
	}
	for k, n := range r.Skipped {
		fmt.Printf("   skipped: %s ×%d\n", k, n)
	}
	for k, n := range r.Samples {
		fmt.Printf("   error: %s ×%d\n", k, n)
	}
}
