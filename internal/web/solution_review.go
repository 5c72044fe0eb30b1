package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

// The review of a solution: its authors submit a draft, a coordinator
// publishes it or sends it back with a note; a published solution is
// revised as a new draft version. The store checks who may (catalog.Step).

func (a *app) solutionSubmit(w http.ResponseWriter, r *http.Request) {
	a.solutionStep(w, r, "flash.solution_submitted", func(ctx context.Context, id string) error {
		_, err := a.Store.SubmitSolution(ctx, id)
		return err
	})
}

func (a *app) solutionPublish(w http.ResponseWriter, r *http.Request) {
	a.solutionStep(w, r, "flash.solution_published", func(ctx context.Context, id string) error {
		_, err := a.Store.PublishSolution(ctx, id)
		return err
	})
}

func (a *app) solutionReturn(w http.ResponseWriter, r *http.Request) {
	a.solutionStep(w, r, "flash.solution_returned", func(ctx context.Context, id string) error {
		note := strings.TrimSpace(r.PostFormValue("note"))
		if note == "" {
			return errs.Field("note", "field.required")
		}
		_, err := a.Store.ReturnSolution(ctx, id, note)
		return err
	})
}

func (a *app) solutionArchive(w http.ResponseWriter, r *http.Request) {
	a.solutionStep(w, r, "flash.solution_archived", func(ctx context.Context, id string) error {
		_, err := a.Store.ArchiveSolution(ctx, id, r.PostFormValue("reason"))
		return err
	})
}

func (a *app) solutionRevise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Store.ReviseSolution(ctx, id, ""); err != nil {
		a.formAgain(w, r, "solution_show.html", a.solutionPageAgain, err)
		return
	}
	a.redirect(w, r, "/solutions/"+id+"/edit", "flash.solution_revised")
}

// solutionStep runs one review action and goes back to the solution's page;
// a refusal is shown on the page (a missing note beside its field).
func (a *app) solutionStep(w http.ResponseWriter, r *http.Request, flash string, do func(context.Context, string) error) {
	id := r.PathValue("id")
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := do(r.Context(), id); err != nil {
		a.formAgain(w, r, "solution_show.html", a.solutionPageAgain, err)
		return
	}
	a.redirect(w, r, "/solutions/"+id, flash)
}

// solutionPageAgain rebuilds the solution page after a refused action.
func (a *app) solutionPageAgain(w http.ResponseWriter, r *http.Request) (*page, error) {
	p, err := a.solutionPage(w, r)
	if err == nil && p == nil {
		err = errs.E(errs.NotFound, "error.not_found_page")
	}
	return p, err
}
