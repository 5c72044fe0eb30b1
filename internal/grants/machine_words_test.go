package grants_test

import (
	"regexp"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/i18n/i18ntest"
)

// TestRefusedStepsInWords: a step a state does not allow is refused in
// words, never with the codes of the state or the action (当前状态（awarded）
// 下不能执行“award”), in both languages, for every state and action of every
// machine.
func TestRefusedStepsInWords(t *testing.T) {
	t.Parallel()
	staff := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}, {Role: accounts.OrgAdmin, ScopeID: "o1"}}}
	machines := []struct {
		m      grants.Machine
		states []grants.State
	}{
		{grants.ApplicationMachine, []grants.State{grants.AppSubmitted, grants.AppUnderReview, grants.AppAwarded, grants.AppDeclined, grants.AppWithdrawn}},
		{grants.AgreementMachine, []grants.State{grants.AgrActive, grants.AgrCompleted, grants.AgrTerminated}},
		{grants.TrancheMachine, []grants.State{grants.TrPending, grants.TrReported, grants.TrAccepted, grants.TrPaid, grants.TrCancelled}},
		{grants.ExpenseMachine, []grants.State{grants.ExpSubmitted, grants.ExpApproved, grants.ExpRejected}},
	}
	acts := []grants.Action{grants.ActReview, grants.ActWithdraw, grants.ActAward, grants.ActDecline, grants.ActComplete,
		grants.ActTerminate, grants.ActReport, grants.ActAccept, grants.ActReturn, grants.ActPay, grants.ActCancel,
		grants.ActApprove, grants.ActReject, "nonsense"}
	// A code left in the English: a key, or "State paid does not allow pay".
	code := regexp.MustCompile(`grants\.|%!|State [a-z]|allow [a-z]|“[a-z]`)
	for _, x := range machines {
		for _, from := range x.states {
			for _, act := range acts {
				_, err := x.m.Step(staff, grants.Parties{OrgID: "o1"}, from, act)
				i18ntest.RefusalInWords(t, string(from)+" "+string(act), err, code)
			}
		}
	}
	for _, act := range acts {
		i18ntest.RefusalInWords(t, "not a step: "+string(act), grants.BadTransition("", act), code)
	}
}
