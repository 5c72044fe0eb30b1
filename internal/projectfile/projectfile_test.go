package projectfile

import (
	"strings"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	t.Parallel()
	in := "\ufeff" + `{"key":"p1","title":"龙锦苑二区困境老人帮扶","description":"逐户评估，一人一档。","street":"回龙观街道","community":"龙锦苑二区社区","org":"o01","budget_fen":12000000,"duration_days":365,"rating":4.7,"completed":"2024-06-30","published":"2023-06-01"}

{"key":"p2","title":"暑期托管","street":"回龙观街道","community":"金域华府社区","org":"o01","budget_fen":"4500000","duration_days":42.0,"rating":null,"completed":"2023-08-25","extra":true}
not json
{"key":"p1","budget_fen":12.5,"duration_days":0,"rating":6,"completed":"2024/06/30","title":["x"]}
{"key":"p4","rating":"很好","completed":"2024-02-30","published":"2023-13-01"}`
	rows, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("rows: %d", len(rows))
	}
	p := rows[0]
	want := time.Date(2024, 6, 30, 0, 0, 0, 0, beijing)
	if p.Line != 1 || p.Key != "p1" || p.Org != "o01" || p.BudgetFen != 12_000_000 || p.DurationDays != 365 || p.Rating != 4.7 ||
		!p.Completed.Equal(want) || p.Completed.UTC().Format(time.RFC3339) != "2024-06-29T16:00:00Z" || len(p.Problems) != 0 ||
		!p.Published.Equal(time.Date(2023, 6, 1, 0, 0, 0, 0, beijing)) {
		t.Fatalf("row 1: %+v", p)
	}
	if p := rows[1]; p.Line != 3 || p.BudgetFen != 4_500_000 || p.DurationDays != 42 || p.Rating != 0 || p.Description != "" || len(p.Problems) != 0 ||
		!p.Published.IsZero() {
		t.Fatalf("row 3: %+v", p)
	}
	if p := rows[2]; p.Line != 4 || len(p.Problems) != 1 || p.Problems[0].Key != "import.bad_json" {
		t.Fatalf("line 4: %+v", p)
	}
	got := map[string]string{}
	for _, pr := range rows[3].Problems {
		if pr.Line != 5 {
			t.Fatalf("problem line: %+v", pr)
		}
		got[pr.Field] = pr.Key
	}
	for f, k := range map[string]string{"key": "project.duplicate_key", "budget_fen": "number.invalid", "duration_days": "number.range",
		"rating": "number.range", "completed": "date.invalid", "title": "invalid.value"} {
		if got[f] != k {
			t.Errorf("line 5 %s: %q, want %q (all: %v)", f, got[f], k, got)
		}
	}
	if rows[3].Problems[len(rows[3].Problems)-1].Args[0] != 1 {
		t.Errorf("duplicate names the first line: %+v", rows[3].Problems)
	}
	got = map[string]string{}
	for _, pr := range rows[4].Problems {
		got[pr.Field] = pr.Key
	}
	if got["rating"] != "invalid.value" || got["completed"] != "date.invalid" || got["published"] != "date.invalid" {
		t.Errorf("line 6: %v", got)
	}
	if rows, err := Read(strings.NewReader("{\"key\":\"\xff\"}\n")); err != nil || rows[0].Problems[0].Key != "project.not_utf8" {
		t.Errorf("not utf-8: %+v %v", rows, err)
	}
}
