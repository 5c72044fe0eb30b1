package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// needScoresData is a reviewer's score sheet: every live proposal scored on
// every criterion, 0–100.
type needScoresData struct {
	Need      *procurement.Need
	Proposals []*procurement.Proposal
}

// scoreField names the form field of one cell of the sheet.
func scoreField(proposalID, criterionID string) string { return "s_" + proposalID + "_" + criterionID }

func (a *app) scoresPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	panel, err := a.Store.FindPanel(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	if err := procurement.CanReview(n, panel, accounts.ActorFrom(ctx), a.Store.Now()); err != nil {
		return nil, err
	}
	props, _, err := a.Store.FindProposals(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	d := &needScoresData{Need: n}
	for _, p := range props {
		if p.Status == procurement.ProposalSubmitted {
			d.Proposals = append(d.Proposals, p)
		}
	}
	p := a.newPage(w, r, "score.title", d)
	p.Title = a.Catalog.T(p.Lang, "score.title") + " · " + n.Title
	return p, nil
}

// scoresShow shows the sheet, filled with the reviewer's earlier scores.
func (a *app) scoresShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.scoresPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mine, err := a.Store.FindOwnScores(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p.Form = url.Values{}
	for _, s := range mine {
		p.Form.Set(scoreField(s.ProposalID, s.CriterionID), strconv.Itoa(s.Points))
		if s.Comment != "" {
			p.Form.Set("c_"+s.ProposalID, s.Comment)
		}
	}
	a.render(w, r, "need_scores.html", http.StatusOK, p)
}

// scoresSubmit saves the reviewer's whole sheet. A cell that is not a whole
// number 0–100 is marked where it is; nothing is saved until all are right.
func (a *app) scoresSubmit(w http.ResponseWriter, r *http.Request) {
	p, err := a.scoresPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*needScoresData)
	var l errs.List
	var sheet []procurement.Score
	for _, pr := range d.Proposals {
		// The proposal's comment rides on its first criterion's score.
		comment := strings.TrimSpace(r.PostFormValue("c_" + pr.ID))
		for i, c := range d.Need.Criteria {
			field := scoreField(pr.ID, c.ID)
			points, err := procurement.ParsePoints(field, r.PostFormValue(field))
			if err != nil {
				l = append(l, errs.As(err))
				continue
			}
			s := procurement.Score{NeedID: d.Need.ID, ProposalID: pr.ID, CriterionID: c.ID, Points: points}
			if i == 0 {
				s.Comment = comment
			}
			sheet = append(sheet, s)
		}
	}
	err = l.Err()
	if err == nil {
		err = a.Store.SubmitScores(r.Context(), d.Need.ID, sheet)
	}
	if err != nil {
		a.formFailed(w, r, "need_scores.html", p, err)
		return
	}
	a.redirect(w, r, "/needs/"+d.Need.ID+"#evaluation", "flash.scores_saved")
}
