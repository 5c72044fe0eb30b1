package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestQuestionsAndAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		orgB := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		adminB := newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, orgB.ID))

		// Who may ask: members of the asking organization, before the cut-off.
		refusals := []struct {
			name       string
			ctx        context.Context
			org, text  string
			code       errs.Code
			key, field string
		}{
			{"anonymous", context.Background(), "", "预算是否包含场地费用？", errs.Unauthorized, "auth.required", ""},
			{"staff without an organization", as(tt.streetStaff), "", "预算是否包含场地费用？", errs.Invalid, "procurement.choose_org", "org_id"},
			{"for another organization", as(adminB), tt.org.ID, "预算是否包含场地费用？", errs.Forbidden, "auth.forbidden", ""},
			{"too short", as(tt.orgAdmin), "", "费用？", errs.Invalid, "field.too_short", "text"},
		}
		for _, r := range refusals {
			_, err := s.AskQuestion(r.ctx, n.ID, r.org, r.text)
			wantErr(t, r.name, err, r.code, r.key, r.field)
		}
		q1, err := s.AskQuestion(as(tt.orgAdmin), n.ID, "", "预算是否包含场地费用？")
		if err != nil || q1.OrgID != tt.org.ID || q1.OrgName != tt.org.Name || !q1.AskedAt.Equal(tt.now) {
			t.Fatalf("ask: %+v %v", q1, err)
		}
		q2, err := s.AskQuestion(as(adminB), n.ID, orgB.ID, "是否接受联合体参与？")
		if err != nil {
			t.Fatal(err)
		}
		tt.now = n.QACutoff.Add(-time.Minute)
		q4, err := s.AskQuestion(as(tt.orgAdmin), n.ID, "", "最后一个问题：结项材料有哪些？")
		if err != nil {
			t.Fatalf("ask just before the cut-off: %v", err)
		}
		for _, u := range []*accounts.User{tt.commStaff, tt.streetStaff} {
			var k int
			_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'question_asked' AND user_id = ?`, u.ID, &k)
			if k != 3 {
				t.Fatalf("%s told of %d questions", u.Name, k)
			}
		}

		// Who may answer: the need's street or community staff, once.
		for _, u := range []*accounts.User{tt.orgAdmin, tt.otherStreet} {
			_, err := s.AnswerQuestion(as(u), q1.ID, "包含。")
			wantErr(t, "answer by "+u.Name, err, errs.Forbidden, "auth.forbidden", "")
		}
		_, err = s.AnswerQuestion(as(tt.streetStaff), q1.ID, "  ")
		wantErr(t, "empty answer", err, errs.Invalid, "field.required", "answer")
		a1, err := s.AnswerQuestion(as(tt.streetStaff), q1.ID, "包含，场地由社区提供的部分除外。")
		if err != nil || a1.AnsweredAt.IsZero() {
			t.Fatalf("answer: %+v %v", a1, err)
		}
		_, err = s.AnswerQuestion(as(tt.commStaff), q1.ID, "再答一次")
		wantErr(t, "answer twice", err, errs.Conflict, "question.answered", "")
		var told int
		_ = rawCount(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'question_answered' AND user_id = ?`, tt.orgAdmin.ID, &told)
		if told != 1 {
			t.Fatalf("asking org told %d times", told)
		}

		// The listing is public: answered and unanswered; the asking
		// organization stays sealed until the deadline (see below).
		qs, err := s.FindQuestions(context.Background(), n.ID)
		if err != nil || len(qs) != 3 || qs[0].ID != q1.ID || qs[0].Answer == "" || qs[1].ID != q2.ID || qs[1].Answer != "" ||
			qs[1].OrgName != "" || !qs[1].Withheld {
			t.Fatalf("questions: %+v %v", qs, err)
		}

		// After the Q&A cut-off nobody asks; the buyer still answers until the deadline.
		tt.now = n.QACutoff
		_, err = s.AskQuestion(as(tt.orgAdmin), n.ID, "", "还可以提问吗？")
		wantErr(t, "ask after the cut-off", err, errs.Conflict, "question.closed", "")
		if _, err := s.AnswerQuestion(as(tt.commStaff), q2.ID, "不接受联合体。"); err != nil {
			t.Fatalf("answer after the cut-off: %v", err)
		}
		// Past the deadline nothing is answered any more.
		tt.now = n.Deadline
		_, err = s.AnswerQuestion(as(tt.streetStaff), q4.ID, "结项报告与经费明细。")
		wantErr(t, "answer after the deadline", err, errs.Conflict, "question.answer_closed", "")
		if _, err := s.FindQuestions(context.Background(), tt.draft(t).ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("questions of a draft: %v", err)
		}
	})
}

// Asking a question shows an interest in bidding: until the deadline the
// asker is sealed like the proposals, named only to the need's staff and to
// the asking organization's own people — in the questions, on the timeline
// and in the OCDS output alike.
func TestQuestionAskerSealedUntilDeadline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		orgB := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		adminB := newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, orgB.ID))
		memberA := newStaff(t, s, "13900000012", "甲组织成员", bidGrant(accounts.OrgMember, tt.org.ID))
		q, err := s.AskQuestion(as(tt.orgAdmin), n.ID, "", "预算是否包含场地费用？")
		if err != nil {
			t.Fatal(err)
		}
		bidSubmit(t, s, tt.orgAdmin, n, bidOffer("sealed-asker", 7_000_000))

		// named reports what the reader in ctx learns of the asker.
		named := func(who string, ctx context.Context) bool {
			t.Helper()
			qs, err := s.FindQuestions(ctx, n.ID)
			if err != nil || len(qs) != 1 || qs[0].ID != q.ID {
				t.Fatalf("%s: questions %+v %v", who, qs, err)
			}
			inList := qs[0].OrgName == tt.org.Name && qs[0].OrgID == tt.org.ID && !qs[0].Withheld
			if !inList && (qs[0].OrgName != "" || qs[0].OrgID != "" || !qs[0].Withheld) {
				t.Fatalf("%s: half a withheld asker: %+v", who, qs[0])
			}
			events, err := s.FindNeedEvents(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			onTimeline, asked := false, false
			for _, e := range events {
				if e.Action == "question_asked" {
					asked = true
					if e.Withheld != (e.Actor == "" && e.Note == "") {
						t.Fatalf("%s: withheld line %+v", who, e)
					}
				}
				if strings.Contains(e.Actor+e.Note+e.ActorID, tt.org.Name) || strings.Contains(e.Actor+e.Note, tt.org.ID) {
					onTimeline = true
				}
			}
			if !asked {
				t.Fatalf("%s: no question on the timeline: %+v", who, events)
			}
			if inList != onTimeline {
				t.Fatalf("%s: named in the questions %v, on the timeline %v", who, inList, onTimeline)
			}
			return inList
		}
		admin := storetest.Admin()
		before := []struct {
			who  string
			ctx  context.Context
			want bool
		}{
			{"anonymous", context.Background(), false},
			{"another bidder", as(adminB), false},
			{"a resident", as(newStaff(t, s, "13900000013", "居民", bidGrant(accounts.Resident, ""))), false},
			{"the asker", as(tt.orgAdmin), true},
			{"a member of the asking organization", as(memberA), true},
			{"the community", as(tt.commStaff), true},
			{"the street", as(tt.streetStaff), true},
			{"a platform admin", admin, true},
		}
		for _, c := range before {
			if got := named(c.who, c.ctx); got != c.want {
				t.Errorf("before the deadline, %s sees the asker: %v, want %v", c.who, got, c.want)
			}
		}
		newOCDSWatch(t, s, tt.org.Name, tt.org.ID).check(t, n.ID)

		// Once the proposals are opened, the asker is public like the tenderers.
		tt.now = n.Deadline
		for _, c := range before {
			if !named(c.who, c.ctx) {
				t.Errorf("after the deadline %s does not see the asker", c.who)
			}
		}
	})
}
