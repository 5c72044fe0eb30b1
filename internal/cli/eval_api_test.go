package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestEvalThroughTheAPI: the public match routes of a server on the
// evaluation data rank exactly as huitian eval does — every query of the
// development set (the fixture when it is absent) gives the same nDCG@5
// through GET /api/v1/match/organizations and /projects as in the report,
// with the rate limit lifted (HUITIAN_MATCH_PER_MINUTE=0) as for such a run.
func TestEvalThroughTheAPI(t *testing.T) {
	t.Parallel()
	files := fixtureFiles(t, evalOrgs, evalProjects, evalQueries)
	if d := devSet(); d != "" {
		files = cli.EvalFiles{Orgs: filepath.Join(d, "orgs.jsonl"), Projects: filepath.Join(d, "projects.jsonl"),
			Queries: filepath.Join(d, "queries.jsonl")}
	}
	s := storetest.Open(t, store.SQLite)
	env := cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	rep, err := cli.Evaluate(context.Background(), env, s, files, match.DefaultWeights(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"HUITIAN_MATCH_PER_MINUTE": "0"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	inbox := sms.NewInbox(5)
	h, err := cli.Handler(cfg, s, slog.New(slog.DiscardHandler), inbox, inbox)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	f, err := os.Open(files.Queries)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		var q struct {
			Key              string         `json:"key"`
			Street           string         `json:"street"`
			Community        string         `json:"community"`
			Text             string         `json:"text"`
			RelevantOrgs     map[string]int `json:"relevant_orgs"`
			RelevantProjects map[string]int `json:"relevant_projects"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		want, ok := rep.PerQuery[q.Key]
		if !ok {
			t.Fatalf("%s: not in the report", q.Key)
		}
		for i, route := range []struct {
			path     string
			relevant map[string]int
		}{{"/api/v1/match/organizations", q.RelevantOrgs}, {"/api/v1/match/projects", q.RelevantProjects}} {
			v := url.Values{"text": {q.Text}, "limit": {"5"}}
			if q.Street != "" {
				v.Set("street", q.Street)
			}
			if q.Community != "" {
				v.Set("community", q.Community)
			}
			res, err := http.Get(srv.URL + route.path + "?" + v.Encode())
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || err != nil {
				t.Fatalf("%s %s: %d %v %s", q.Key, route.path, res.StatusCode, err, raw)
			}
			var body struct {
				Items []struct {
					Key string `json:"key"`
				} `json:"items"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, it := range body.Items {
				keys = append(keys, it.Key)
			}
			if got := match.NDCG(keys, route.relevant, 5); strconv.FormatFloat(got, 'f', 9, 64) != strconv.FormatFloat(want[2*i], 'f', 9, 64) {
				t.Errorf("%s %s: nDCG@5 %.4f through the API, %.4f in the report (%v)", q.Key, route.path, got, want[2*i], keys)
			}
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != rep.Queries || n == 0 {
		t.Fatalf("%d queries through the API, %d in the report", n, rep.Queries)
	}
	t.Logf("%d queries: the API agrees with huitian eval (organizations %.4f, projects %.4f)", n, rep.Ours[0], rep.Ours[2])
}

// TestMatchRateFromConfig: a server started with the defaults limits the
// public match API to 60 calls a minute per address; the 61st is a 429.
func TestMatchRateFromConfig(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	inbox := sms.NewInbox(5)
	h, err := cli.Handler(config.Default(), s, slog.New(slog.DiscardHandler), inbox, inbox)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 61; i++ {
		r := httptest.NewRequest("GET", "/api/v1/match/organizations?text="+url.QueryEscape("养老"), nil)
		r.RemoteAddr = "192.0.2.9:1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusTooManyRequests}[i <= 60]; w.Code != want {
			t.Fatalf("call %d: %d, want %d: %s", i, w.Code, want, w.Body.String())
		}
	}
}
