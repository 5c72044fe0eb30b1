package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestGrantsReviewNeedsAScore: a reviewer who leaves the score empty is
// told so, with the comment kept, and nothing is saved (an empty score was
// once saved as 0 for good); a score typed in full-width digits (８５) is
// read; a declared conflict needs none; someone who may not review is
// refused before their input is read.
func TestGrantsReviewNeedsAScore(t *testing.T) {
	t.Parallel()
	d := newDemoSite(t)
	ctx := storetest.Admin()
	rounds, err := d.s.FindRounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var appID string
	for _, r := range rounds {
		apps, err := d.s.FindApplications(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps {
			if a.Status == grants.AppSubmitted {
				appID = a.ID
			}
		}
	}
	if appID == "" {
		t.Fatal("demo: no submitted application")
	}
	path := "/grants/applications/" + appID + "/reviews"
	if code, body, _ := d.as(t, demoAuditor).post(path, url.Values{"score": {""}, "comment": {"看过了"}}); code != http.StatusForbidden ||
		strings.Contains(body, "必须填写") {
		t.Errorf("the auditor reviews: %d", code)
	}
	rv := d.as(t, demoReviewer)
	for _, score := range []string{"", "  ", "八十五", "101"} {
		code, body, _ := rv.post(path, url.Values{"score": {score}, "comment": {"方案扎实，预算合理"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "评分") || !strings.Contains(body, "方案扎实，预算合理") {
			t.Errorf("score %q: %d, want the form again with the comment kept", score, code)
		}
	}
	if rs, err := d.s.FindReviews(ctx, appID); err != nil || len(rs) != 0 {
		t.Fatalf("a refused review was saved: %v %v", rs, err)
	}
	if code, body, _ := rv.post(path, url.Values{"score": {""}, "comment": {"方案扎实"}}); !strings.Contains(body, "必须填写") {
		t.Errorf("an empty score: %d, no “必须填写”", code)
	}
	if code, _, _ := rv.post(path, url.Values{"score": {"８５"}, "comment": {"方案扎实，预算合理"}}); code != http.StatusSeeOther {
		t.Fatalf("score ８５: %d", code)
	}
	rs, err := d.s.FindReviews(ctx, appID)
	if err != nil || len(rs) != 1 || rs[0].Score != 85 {
		t.Fatalf("reviews after ８５: %+v %v", rs, err)
	}
	// A conflict needs no score (the foundation's staff review too).
	if code, _, _ := d.as(t, "13800000008").post(path, url.Values{"conflict": {"1"}, "conflict_note": {"曾为该组织做顾问"}}); code != http.StatusSeeOther {
		t.Errorf("a declared conflict without a score: %d", code)
	}
}
