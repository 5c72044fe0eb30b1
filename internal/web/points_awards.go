package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/text"
)

type noticeData struct {
	Awards []*points.Award
	Rules  []*points.Rule
	Failed string // the award whose objection was refused: its form opens again with the text and the reason
}

// pointsNoticePage is the public notice (积分公示): awards on notice and
// held by an objection, names masked, with the rules they cite.
func (a *app) pointsNoticePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	d := &noticeData{}
	var err error
	if d.Awards, err = a.Store.FindAwards(ctx, store.AwardFilter{Statuses: []points.AwardStatus{points.AwardNoticed, points.AwardHeld},
		Limit: 300}); err != nil {
		return nil, err
	}
	if d.Rules, err = a.Store.FindRules(ctx, true); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "points.notice_title", d), nil
}

func (a *app) pointsNotice(w http.ResponseWriter, r *http.Request) {
	p, err := a.pointsNoticePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "points_notice.html", http.StatusOK, p)
}

func (a *app) pointsObject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.ObjectAward(r.Context(), id, r.PostFormValue("objection")); err != nil {
		a.formAgain(w, r, "points_notice.html", func(w http.ResponseWriter, r *http.Request) (*page, error) {
			p, err := a.pointsNoticePage(w, r)
			if err == nil {
				p.Data.(*noticeData).Failed = id
			}
			return p, err
		}, err)
		return
	}
	a.redirect(w, r, "/points/notice", "points.flash_objected")
}

// adminPointsIssue posts the awards whose notice has ended (the actor's
// street's, or all for coordinators).
// mayIssueAwards reports whether u may issue the awards whose notice has
// ended: the platform admin and street staff (the store keeps each to
// their street); not an auditor, who reads the page too.
func mayIssueAwards(u *accounts.User) bool {
	return u.Has(accounts.PlatformAdmin) || u.Has(accounts.StreetStaff)
}

func (a *app) adminPointsIssue(w http.ResponseWriter, r *http.Request) {
	// IssueDueAwards skips what the actor may not issue; refuse outright
	// who may issue nothing, rather than answer them "issued".
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !mayIssueAwards(u) {
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	if _, err := a.Store.IssueDueAwards(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/admin/points", "points.flash_issued")
}

func (a *app) adminAwardDecide(w http.ResponseWriter, r *http.Request) {
	uphold := r.PostFormValue("uphold") == "1"
	if _, err := a.Store.DecideAward(r.Context(), r.PathValue("id"), uphold, r.PostFormValue("decision")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, "/admin/points", "points.flash_decided")
}

type rulesData struct {
	Rules []*points.Rule
	Kinds []points.RuleKind
}

func (a *app) rulesPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	if err := accounts.Can(u, accounts.Create, (&points.Rule{}).Resource()); err != nil {
		return nil, err
	}
	d := &rulesData{Kinds: points.RuleKinds}
	if d.Rules, err = a.Store.FindRules(r.Context(), false); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "points.rules_title", d), nil
}

func (a *app) adminPointsRules(w http.ResponseWriter, r *http.Request) {
	p, err := a.rulesPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_points_rules.html", http.StatusOK, p)
}

// formInt64 reads an optional whole number ("" is 0).
func formInt64(r *http.Request, field string, l *errs.List) int64 {
	v := text.Narrow(strings.TrimSpace(r.PostFormValue(field)))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		l.Add(field, "number.invalid")
	}
	return n
}

func (a *app) adminPointsRuleSave(w http.ResponseWriter, r *http.Request) {
	var l errs.List
	rule := &points.Rule{ID: r.PathValue("id"), Name: r.PostFormValue("name"), Kind: points.RuleKind(r.PostFormValue("kind")),
		ActivityType: r.PostFormValue("activity_type"), PointsPerHour: formInt64(r, "points_per_hour", &l),
		Points: formInt64(r, "points", &l), DailyCap: formInt64(r, "daily_cap", &l), Threshold: formInt64(r, "threshold", &l),
		Active: r.PostFormValue("active") != "0"}
	err := l.Err()
	if err == nil && rule.ID != "" && r.PostFormValue("toggle") == "1" {
		// The list's on/off button changes nothing but the switch.
		var old *points.Rule
		if old, err = a.Store.FindRuleByID(r.Context(), rule.ID); err == nil {
			old.Active = rule.Active
			rule = old
		}
	}
	if err == nil {
		err = a.Store.SaveRule(r.Context(), rule)
	}
	if err != nil {
		a.formAgain(w, r, "admin_points_rules.html", a.rulesPage, err)
		return
	}
	a.redirect(w, r, "/admin/points/rules", "points.flash_rule_saved")
}
