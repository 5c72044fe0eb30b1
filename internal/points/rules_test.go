package points

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

func TestCompute(t *testing.T) {
	t.Parallel()
	rules := []*Rule{
		{ID: "h", Name: "志愿服务时长", Kind: PerHour, PointsPerHour: 10, DailyCap: 50, Active: true},
		{ID: "g", Name: "绿地认养", Kind: PerActivity, ActivityType: "greening", Points: 5, Active: true},
		{ID: "off", Name: "停用", Kind: PerActivity, Points: 100, Active: false},
		{ID: "p", Name: "月度参与", Kind: Participation, Points: 20, Threshold: 4, Active: true},
		{ID: "r", Name: "活动丰富度", Kind: Richness, Points: 50, Threshold: 3, Active: true},
	}
	base := Attendance{Key: "a1", ResidentID: "u1", ResidentName: "张桂兰", ActivityType: "greening", Minutes: 150,
		OrgID: "o1", OrgName: "绿地认养队", MonthAttendances: 1, OrgMonthTypes: 1, OrgTypeIsNew: true}
	lines := Compute(rules, base)
	if len(lines) != 2 || lines[0].Amount != 25 || lines[0].Recipient != "resident:u1" || lines[0].Reason != "志愿服务时长：志愿服务 2.5 小时" ||
		lines[1].RuleID != "g" || lines[1].Amount != 5 || lines[1].Reason != "绿地认养：参加活动 1 次" {
		t.Fatalf("basic: %+v", lines)
	}
	// The daily cap counts what was earned today under the rule.
	a := base
	a.EarnedToday = map[string]int64{"h:resident:u1": 40}
	if l := Compute(rules, a); l[0].Amount != 10 {
		t.Fatalf("cap: %+v", l)
	}
	a.EarnedToday = map[string]int64{"h:resident:u1": 50}
	if l := Compute(rules, a); len(l) != 1 || l[0].RuleID != "g" {
		t.Fatalf("cap reached: %+v", l)
	}
	// The fourth attendance of the month earns the participation bonus; the
	// third new activity type of the organization its richness bonus.
	a = base
	a.ActivityType, a.MonthAttendances, a.OrgMonthTypes = "digital", 4, 3
	l := Compute(rules, a)
	if len(l) != 3 || l[1].RuleID != "p" || l[2].RuleID != "r" || l[2].Recipient != "organization:o1" || l[2].Amount != 50 {
		t.Fatalf("bonuses: %+v", l)
	}
	a.OrgTypeIsNew = false
	if l := Compute(rules, a); len(l) != 2 {
		t.Fatalf("richness for a type already run: %+v", l)
	}
	if l := Compute(nil, base); len(l) != 0 {
		t.Fatal("no rules, no points")
	}
	// Confirmed at 0 hours is not taking part: no flat or bonus points either.
	a.Minutes, a.OrgTypeIsNew = 0, true
	if l := Compute(rules, a); len(l) != 0 {
		t.Fatalf("0 hours earned: %+v", l)
	}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()
	ok := &Rule{Name: " 时长 ", Kind: PerHour, PointsPerHour: 10}
	if ok.Validate() != nil || ok.Name != "时长" {
		t.Fatal("valid rule")
	}
	for _, bad := range []*Rule{
		{Name: "", Kind: PerHour, PointsPerHour: 10},
		{Name: "x", Kind: "weird"},
		{Name: "x", Kind: PerHour},
		{Name: "x", Kind: Participation, Points: 5},
		{Name: "x", Kind: PerActivity, Points: 5, DailyCap: -1},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestAwardSteps(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	a := &Award{Status: AwardNoticed, NoticeEnds: now.Add(DefaultNotice)}
	if to, err := a.Step(ActObject, now); err != nil || to != AwardHeld {
		t.Fatalf("object: %v %v", to, err)
	}
	if _, err := a.Step(ActIssue, now); errs.As(err).Key != "points.notice_running" {
		t.Fatalf("issue during notice: %v", err)
	}
	if to, err := a.Step(ActIssue, a.NoticeEnds); err != nil || to != AwardIssued {
		t.Fatalf("issue after: %v %v", to, err)
	}
	if _, err := a.Step(ActObject, a.NoticeEnds); errs.As(err).Key != "points.notice_over" {
		t.Fatalf("object after: %v", err)
	}
	held := &Award{Status: AwardHeld, NoticeEnds: now}
	for act, want := range map[AwardAction]AwardStatus{ActDismiss: AwardNoticed, ActUphold: AwardCancelled} {
		if to, err := held.Step(act, now); err != nil || to != want {
			t.Errorf("%s: %v %v", act, to, err)
		}
	}
	for _, st := range []AwardStatus{AwardIssued, AwardCancelled} {
		for _, act := range []AwardAction{ActObject, ActDismiss, ActUphold, ActIssue} {
			if _, err := (&Award{Status: st}).Step(act, now); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("%s from %s: %v", act, st, err)
			}
		}
	}
	if _, err := held.Step(ActIssue, now.Add(time.Hour)); err == nil {
		t.Fatal("a held award issued")
	}
	// Corrected hours withdraw an award at any stage but the end.
	for _, st := range []AwardStatus{AwardNoticed, AwardHeld, AwardIssued} {
		if to, err := (&Award{Status: st}).Step(ActCorrect, now); err != nil || to != AwardCancelled {
			t.Errorf("correct from %s: %v %v", st, to, err)
		}
	}
	if _, err := (&Award{Status: AwardCancelled}).Step(ActCorrect, now); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("corrected a cancelled award: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	// Earned on 2025-06-01 (Beijing): expires at the end of 2026.
	at := time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)
	if got, want := ExpiresAt(at), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("expires %s, want %s", got, want)
	}
	// 31 December 2025 20:00 Beijing is still 2025.
	late := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	if !ExpiresAt(late).Equal(ExpiryCutoff(2025)) {
		t.Fatal("late December")
	}
	if Expiring(100, 30) != 70 || Expiring(100, 130) != 0 {
		t.Fatal("expiring")
	}
}

func TestHoursAndReasonDetail(t *testing.T) {
	t.Parallel()
	for m, want := range map[int64]string{120: "2", 150: "2.5", 90: "1.5", 0: "0", 100: "1.7"} {
		if got := hoursText(m); got != want {
			t.Errorf("hoursText(%d) = %q, want %q", m, got, want)
		}
	}
	for _, c := range [][3]string{
		{"绿地认养：参加活动 1 次", "绿地认养", "参加活动 1 次"},
		{"志愿服务时长：志愿服务 2 小时", "志愿服务时长", "志愿服务 2 小时"},
		{"绿地认养", "绿地认养", "绿地认养"}, // before reasons had details
		{"手工发放", "", "手工发放"},
	} {
		if got := ReasonDetail(c[0], c[1]); got != c[2] {
			t.Errorf("ReasonDetail(%q, %q) = %q", c[0], c[1], got)
		}
	}
}
