package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/grants"
)

// Money actions on an agreement: a tranche's milestone reported, accepted,
// returned, cancelled or paid; an expense filed with its receipts and
// approved or rejected by someone other than its author.

// trancheStep takes report, accept, return, cancel or pay on a tranche;
// app is the application whose page to return to.
func (a *app) trancheStep(w http.ResponseWriter, r *http.Request) {
	id, app := r.PathValue("id"), r.PostFormValue("application")
	act := grants.Action(r.PathValue("action"))
	var err error
	if act == grants.ActPay {
		_, err = a.Store.PayTranche(r.Context(), id, r.PostFormValue("key"))
	} else {
		_, err = a.Store.StepTranche(r.Context(), id, act, r.PostFormValue("note"))
	}
	if err != nil {
		a.applicationAgain(w, r, app, "tranche-"+id, err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+app+"#tranche-"+id, "grants.flash_saved")
}

// expenseCreate files an expense with its receipts (multipart).
func (a *app) expenseCreate(w http.ResponseWriter, r *http.Request) {
	files, err := readUploads(w, r)
	app := r.PostFormValue("application")
	if err != nil {
		a.applicationAgain(w, r, app, "expense", err)
		return
	}
	amount, err := grants.ParseAmount("amount", r.PostFormValue("amount"))
	if err != nil {
		a.applicationAgain(w, r, app, "expense", err)
		return
	}
	personal, _ := strconv.ParseBool(r.PostFormValue("payee_personal"))
	e := &grants.Expense{AgreementID: r.PathValue("id"), LineID: r.PostFormValue("line"), Description: r.PostFormValue("description"),
		Payee: r.PostFormValue("payee"), PayeePersonal: personal, Amount: amount, SpentOn: r.PostFormValue("spent_on")}
	if err := a.Store.CreateExpense(r.Context(), e, files, r.PostFormValue("personal_receipt") != ""); err != nil {
		a.applicationAgain(w, r, app, "expense", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+app+"#expenses", "grants.flash_expense")
}

// expenseDecide approves or rejects an expense.
func (a *app) expenseDecide(w http.ResponseWriter, r *http.Request) {
	id, app := r.PathValue("id"), r.PostFormValue("application")
	approve := r.PathValue("decision") == "approve"
	if _, err := a.Store.DecideExpense(r.Context(), id, approve, r.PostFormValue("note")); err != nil {
		a.applicationAgain(w, r, app, "expense-"+id, err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+app+"#expense-"+id, "grants.flash_saved")
}

// grantFile downloads a receipt (a personal one only for those who decide).
func (a *app) grantFile(w http.ResponseWriter, r *http.Request) {
	f, body, err := a.Store.GrantFile(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	disposition := "attachment"
	if strings.HasPrefix(f.Type, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	w.Write(body)
}

// agreementTerminate ends an agreement early (staff, with a reason).
func (a *app) agreementTerminate(w http.ResponseWriter, r *http.Request) {
	app := r.PostFormValue("application")
	if err := a.Store.TerminateAgreement(r.Context(), r.PathValue("id"), r.PostFormValue("reason")); err != nil {
		a.applicationAgain(w, r, app, "terminate", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+app+"#agreement", "grants.flash_saved")
}
