package web

import (
	"net/http"
	"strings"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// proposalSubmit hands in an organization's sealed proposal, with its
// files (multipart). The form carries an idempotency key made when it was
// rendered: a second press of the button (or a resent form) returns the
// same proposal, never a copy.
func (a *app) proposalSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	files, ferr := readUploads(w, r)
	if ferr != nil && errs.CodeOf(ferr) != errs.Invalid {
		a.fail(w, r, ferr)
		return
	}
	f := r.PostForm
	in := &procurement.Proposal{OrgID: f.Get("org_id"), Summary: f.Get("summary"), Plan: f.Get("plan"), Team: f.Get("team"),
		IdempotencyKey: f.Get("idempotency_key")}
	var l errs.List
	price, err := procurement.ParseYuan("price_fen", f.Get("price"))
	if err != nil {
		l = append(l, errs.As(err))
	}
	in.PriceFen = price
	days, ok := atoi(f.Get("duration_days"))
	if !ok {
		l.Add("duration_days", "number.invalid")
	}
	in.DurationDays = days
	if ferr != nil {
		l = append(l, errs.As(ferr))
	}
	if perr := l.Err(); perr != nil {
		// Show the parse problems with the domain's own, all at once.
		n, err := a.Store.FindNeedByID(ctx, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		probe := *in
		a.formAgain(w, r, "need_show.html", a.needPageFor("proposal"), errs.Merge(perr, probe.Validate(n)))
		return
	}
	p, err := a.Store.SubmitProposal(ctx, id, in, files...)
	if err != nil {
		if errs.As(err).Key == "proposal.key_reused_content" {
			// The form was already sent with other content (back button,
			// then edited): show it again with a fresh key, so the next
			// press submits the changed proposal.
			r.PostForm.Del("idempotency_key")
			// The key is a hidden field: say it for the whole form.
			err = errs.E(errs.Conflict, "proposal.key_reused_content")
		}
		a.formAgain(w, r, "need_show.html", a.needPageFor("proposal"), err)
		return
	}
	a.redirect(w, r, "/needs/"+p.NeedID+"#proposal-"+strings.TrimSpace(p.ID), "flash.proposal_submitted")
}
