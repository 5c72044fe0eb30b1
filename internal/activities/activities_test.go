package activities

import (
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

var t0 = time.Date(2025, 6, 7, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing

func act() *Activity {
	return &Activity{Title: "周末绿地认养", Type: "greening", OrgID: "o", StreetID: "s", CommunityID: "c",
		Address: "龙锦苑二区中心花园", StartsAt: t0, EndsAt: t0.Add(3 * time.Hour), Capacity: 10,
		Eligibility: OpenToCommunity, Status: Published}
}

func TestCodeRotatesAndAcceptsThePreviousWindow(t *testing.T) {
	secret := NewSecret()
	at := time.Date(2025, 6, 7, 1, 0, 10, 0, time.UTC)
	c, until := Code(secret, at)
	if len(c) != 6 || until != time.Date(2025, 6, 7, 1, 0, 30, 0, time.UTC) {
		t.Fatalf("code %q until %s", c, until)
	}
	if !CheckCode(secret, c, at) || !CheckCode(secret, c, at.Add(30*time.Second)) {
		t.Fatal("current or previous window refused")
	}
	if CheckCode(secret, c, at.Add(60*time.Second)) {
		t.Fatal("a code two windows old accepted")
	}
	next, _ := Code(secret, at.Add(30*time.Second))
	if next == c {
		t.Fatal("code did not rotate")
	}
	if CheckCode(NewSecret(), c, at) {
		t.Fatal("another activity's secret accepted the code")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if CheckCode(secret, bad, at) {
			t.Fatalf("%q accepted", bad)
		}
	}
	// The same secret and window give the same code (what the organizer
	// shows is what the server checks).
	if again, _ := Code(secret, at); again != c {
		t.Fatal("not deterministic")
	}
}

func TestMinutesRoundToHalfHoursWithinTheActivity(t *testing.T) {
	a := act()
	cases := []struct {
		in, out time.Duration
		want    int
	}{
		{0, 3 * time.Hour, 180},
		{-time.Hour, 5 * time.Hour, 180}, // early and late do not count
		{0, 44 * time.Minute, 30},
		{0, 45 * time.Minute, 60}, // a quarter rounds up
		{0, 14 * time.Minute, 0},
		{time.Hour, 30 * time.Minute, 0}, // out before in
		{10 * time.Minute, 100 * time.Minute, 90},
	}
	for _, c := range cases {
		if got := a.Minutes(t0.Add(c.in), t0.Add(c.out)); got != c.want {
			t.Errorf("in %s out %s: %d, want %d", c.in, c.out, got, c.want)
		}
	}
	b := act()
	b.EndsAt = t0.Add(100 * time.Minute) // 1h40: at most 1.5 h
	if got := b.Minutes(t0, b.EndsAt); got != 90 {
		t.Errorf("capped: %d", got)
	}
}

func TestParseHours(t *testing.T) {
	for in, want := range map[string]int{"2": 120, "1.5": 90, " 2.5小时 ": 150, "0": 0, "3": 180} {
		if got, err := ParseHours(in, 180); err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	for _, in := range []string{"", "两小时", "-1", "3.5", "1.2", "NaN"} {
		if _, err := ParseHours(in, 180); errs.As(err).Field != "hours" {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
	if FormatHours(90) != "1.5" || FormatHours(120) != "2" {
		t.Error("format")
	}
}

func TestTransitions(t *testing.T) {
	all := []Action{ActPublish, ActCancel, ActFinish}
	want := map[Status]map[Action]Status{
		Draft:     {ActPublish: Published, ActCancel: Cancelled},
		Published: {ActCancel: Cancelled, ActFinish: Finished},
		Cancelled: {},
		Finished:  {},
	}
	for _, s := range Statuses {
		for _, a := range all {
			got, err := Next(s, a)
			if to, ok := want[s][a]; ok {
				if err != nil || got != to {
					t.Errorf("%s %s: %s %v, want %s", s, a, got, err, to)
				}
			} else if errs.CodeOf(err) != errs.Conflict {
				t.Errorf("%s %s allowed", s, a)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	if err := act().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := &Activity{Title: "读", Type: "nope", Capacity: 0, Eligibility: OpenToCommunity,
		StartsAt: t0, EndsAt: t0, PointsRule: "a b"}
	fields := map[string]bool{}
	for _, f := range errs.Fields(bad.Validate()) {
		fields[f.Field] = true
	}
	for _, f := range []string{"title", "type", "org", "street", "address", "ends_at", "capacity", "eligibility", "points_rule"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, fields)
		}
	}
	long := act()
	long.EndsAt = t0.Add(13 * time.Hour)
	if errs.As(long.Validate()).Field != "ends_at" {
		t.Error("13-hour activity accepted")
	}
}

func TestEligible(t *testing.T) {
	a := act()
	if a.Eligible("s", "c") != nil || a.Eligible("s", "c2") == nil {
		t.Error("community rule")
	}
	a.Eligibility = OpenToStreet
	if a.Eligible("s", "c2") != nil || a.Eligible("s2", "x") == nil {
		t.Error("street rule")
	}
	a.Eligibility = OpenToAnyone
	if a.Eligible("", "") != nil {
		t.Error("anyone")
	}
}

func TestRunning(t *testing.T) {
	a := act()
	if a.Running(t0.Add(-time.Minute)) || !a.Running(t0) || a.Running(a.EndsAt) {
		t.Error("running window")
	}
	a.Status = Cancelled
	if a.Running(t0) {
		t.Error("a cancelled activity runs")
	}
}

func TestCodeOpen(t *testing.T) {
	a := act()
	if a.CodeOpen(t0.Add(-61*time.Minute)) || !a.CodeOpen(t0.Add(-59*time.Minute)) ||
		!a.CodeOpen(a.EndsAt.Add(119*time.Minute)) || a.CodeOpen(a.EndsAt.Add(2*time.Hour)) {
		t.Error("window")
	}
	a.Status = Draft
	if a.CodeOpen(t0) {
		t.Error("draft open")
	}
}

func TestFlags(t *testing.T) {
	now := t0.Add(10 * time.Hour)
	p := func(user, act, addr string, in time.Duration, out time.Duration) Presence {
		pr := Presence{UserID: user, UserName: user, ActivityID: act, Address: addr, In: now.Add(in)}
		if out != 0 {
			pr.Out = now.Add(out)
		}
		return pr
	}
	ps := []Presence{
		// u1: at two places at once.
		p("u1", "a1", "甲地", -5*time.Hour, -2*time.Hour),
		p("u1", "a2", "乙地", -3*time.Hour, -1*time.Hour),
		// u2: one after the other, no overlap; the same place twice is fine.
		p("u2", "a1", "甲地", -5*time.Hour, -4*time.Hour),
		p("u2", "a2", "乙地", -4*time.Hour, -3*time.Hour),
		p("u2", "a3", "甲地", -5*time.Hour+time.Minute, -4*time.Hour),
		// u4: never checked out of a1, checked in elsewhere an hour later.
		p("u4", "a1", "甲地", -5*time.Hour, 0),
		p("u4", "a2", "乙地", -4*time.Hour, -3*time.Hour),
	}
	// u3: six check-ins this week, one a week before: far above the norm.
	for i := range 6 {
		ps = append(ps, p("u3", "w"+string(rune('a'+i)), string(rune('A'+i)), -time.Duration(i*24+1)*time.Hour, -time.Duration(i*24)*time.Hour))
	}
	ps = append(ps, p("u3", "old", "旧地", -10*24*time.Hour, -10*24*time.Hour+time.Hour))
	// u5: six this week but six a week for eight weeks before: normal.
	for i := range 6 + 6*NormWeeks {
		d := time.Duration(i) * 28 * time.Hour / 2
		ps = append(ps, p("u5", "x", "同一地", -d-time.Hour, -d))
	}
	got := map[string]FlagKind{}
	n := 0
	for _, f := range Flags(ps, now) {
		got[f.UserID+"/"+string(f.Kind)] = f.Kind
		n++
	}
	for _, want := range []string{"u1/overlap", "u4/overlap", "u3/above_norm"} {
		if _, ok := got[want]; !ok {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if n != 3 {
		t.Errorf("%d flags: %v", n, got)
	}
}

// TestScanProof: a code scanned in time is good for ScanGrace on the phone
// that scanned it, for that activity only, and cannot be forged.
func TestScanProof(t *testing.T) {
	secret := NewSecret()
	at := time.Date(2025, 6, 7, 1, 0, 10, 0, time.UTC)
	p := ScanProof(secret, at)
	if !CheckScanProof(secret, p, at) || !CheckScanProof(secret, p, at.Add(ScanGrace-CodeWindow)) {
		t.Fatal("a fresh scan refused")
	}
	if CheckScanProof(secret, p, at.Add(ScanGrace+CodeWindow)) {
		t.Fatal("a scan older than the grace accepted")
	}
	if CheckScanProof(secret, p, at.Add(-time.Minute)) {
		t.Fatal("a scan from the future accepted")
	}
	if CheckScanProof(NewSecret(), p, at) {
		t.Fatal("another activity's secret accepted the scan")
	}
	forged := ScanProof("guess", at)
	for _, bad := range []string{"", "x", forged, p + "0", "99999999999.abc", strings.Repeat("1", 80)} {
		if CheckScanProof(secret, bad, at) {
			t.Fatalf("%q accepted", bad)
		}
	}
}
