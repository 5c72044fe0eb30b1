package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// contractRows is how many milestone rows the contract form offers.
const contractRows = 6

const formDate = "2006-01-02"

type needContractData struct {
	Need  *procurement.Need
	Award *procurement.Award
	Rows  []int
	// Ends is when the objection period ends: the contract waits for it.
	Ends time.Time
}

func (a *app) contractPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := procurement.Step(n, procurement.ActContract, accounts.ActorFrom(ctx), a.Store.Now()); err != nil {
		return nil, err
	}
	award, err := a.Store.FindAward(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	d := &needContractData{Need: n, Award: award, Ends: n.ObjectionEnds()}
	for i := 0; i < contractRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	p := a.newPage(w, r, "contract.title", d)
	p.Title = a.Catalog.T(p.Lang, "contract.title") + " · " + n.Title
	return p, nil
}

// contractShow offers the contract form, filled with the award's amount and
// a term starting today.
func (a *app) contractShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.contractPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*needContractData)
	start := a.Store.Now().In(a.loc)
	if d.Ends.After(start) {
		start = d.Ends.In(a.loc)
	}
	p.Form = url.Values{}
	p.Form.Set("amount", strings.ReplaceAll(procurement.FormatFen(d.Award.AmountFen), ",", ""))
	p.Form.Set("start", start.Format(formDate))
	p.Form.Set("end", start.AddDate(0, 6, 0).Format(formDate))
	a.render(w, r, "need_contract.html", http.StatusOK, p)
}

// contractSign publishes the contract (the street).
func (a *app) contractSign(w http.ResponseWriter, r *http.Request) {
	p, err := a.contractPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*needContractData)
	k, perr := a.contractFromForm(r.PostForm)
	if perr != nil {
		probe := *k
		probe.Milestones = append([]procurement.Milestone(nil), k.Milestones...)
		a.formFailed(w, r, "need_contract.html", p, errs.Merge(perr, procurement.CheckContract(d.Need, d.Award, &probe)))
		return
	}
	if err := a.Store.SignContract(r.Context(), d.Need.ID, k); err != nil {
		a.formFailed(w, r, "need_contract.html", p, err)
		return
	}
	a.redirect(w, r, "/needs/"+d.Need.ID+"#contract", "flash.contract_signed")
}

// contractFromForm reads the contract form: amounts in yuan, dates as
// 2026-12-01 in China time, and the milestone rows that were filled in.
func (a *app) contractFromForm(f url.Values) (*procurement.Contract, error) {
	var l errs.List
	k := &procurement.Contract{Amendment: f.Get("amendment")}
	amount, err := procurement.ParseYuan("amount_fen", f.Get("amount"))
	if err != nil {
		l = append(l, errs.As(err))
	}
	k.AmountFen = amount
	date := func(field, v string) time.Time {
		t, err := time.ParseInLocation(formDate, strings.TrimSpace(v), a.loc)
		if err != nil {
			l.Add(field, "date.invalid")
		} else if !timeInRange(t) {
			l.Add(field, "date.out_of_range", minYear, maxYear)
		}
		return t
	}
	k.Start = date("start", f.Get("start"))
	k.End = date("end", f.Get("end"))
	for i := 0; i < contractRows; i++ {
		s := strconv.Itoa(i)
		title, due, yuan := strings.TrimSpace(f.Get("m_title_"+s)), strings.TrimSpace(f.Get("m_due_"+s)), strings.TrimSpace(f.Get("m_amount_"+s))
		if title == "" && due == "" && yuan == "" {
			continue
		}
		m := procurement.Milestone{Title: title}
		if t, err := time.ParseInLocation(formDate, due, a.loc); err == nil && timeInRange(t) {
			m.Due = t
		} else {
			l.Add("milestones", "contract.milestone_due", i+1)
		}
		if yuan != "" {
			fen, err := procurement.ParseYuan("milestones", yuan)
			if err != nil {
				l.Add("milestones", "contract.milestone_amount", i+1)
			}
			m.AmountFen = fen
		}
		k.Milestones = append(k.Milestones, m)
	}
	return k, l.Err()
}
