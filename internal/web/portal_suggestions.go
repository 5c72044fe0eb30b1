package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/portal"
)

// Resident-raised needs (居民提需求): raise one, follow it, say "我也遇到".

type suggestionFormData struct {
	Home *places.Community
}

func (a *app) suggestionFormPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	if _, err := actor(r); err != nil {
		return nil, err
	}
	d := &suggestionFormData{}
	home, err := a.Store.FindHomeCommunity(r.Context())
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	d.Home = home
	return a.newPage(w, r, "suggestion.new_title", d), nil
}

// suggestionNew is the form: what, where, a photo.
func (a *app) suggestionNew(w http.ResponseWriter, r *http.Request) {
	p, err := a.suggestionFormPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if p.Data.(*suggestionFormData).Home == nil {
		a.redirect(w, r, "/portal#home-pick", "portal.home_first")
		return
	}
	a.render(w, r, "portal_suggestion_form.html", http.StatusOK, p)
}

// readPhoto reads the optional photo of a suggestion form.
func readPhoto(r *http.Request) ([]byte, string, error) {
	f, _, err := r.FormFile("photo")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", errs.Field("photo", "suggestion.photo_unreadable")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, portal.MaxPhotoBytes+1))
	if err != nil {
		return nil, "", errs.Field("photo", "suggestion.photo_unreadable")
	}
	if len(b) == 0 {
		return nil, "", nil
	}
	return b, http.DetectContentType(b), nil
}

// suggestionCreate saves a new suggestion.
func (a *app) suggestionCreate(w http.ResponseWriter, r *http.Request) {
	photo, typ, err := readPhoto(r)
	g := &portal.Suggestion{Body: r.PostFormValue("body"), Place: r.PostFormValue("place")}
	if err == nil {
		err = a.Store.CreateSuggestion(r.Context(), g, photo, typ)
	}
	if err != nil {
		a.formAgain(w, r, "portal_suggestion_form.html", a.suggestionFormPage, err)
		return
	}
	a.redirect(w, r, "/portal/suggestions/"+g.ID, "suggestion.flash_created")
}

type suggestionShowData struct {
	S      *portal.Suggestion
	Into   *portal.Suggestion // what it was merged into
	Staff  bool               // the reader may act on it (the community inbox)
	Others []*portal.Suggestion
}

func (a *app) suggestionShowPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	g, err := a.Store.FindSuggestionByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "suggestion.title", nil)
	d := &suggestionShowData{S: g, Staff: p.Can("update", g.Resource())}
	if g.MergedInto != "" {
		if d.Into, err = a.Store.FindSuggestionByID(r.Context(), g.MergedInto); err != nil {
			return nil, err
		}
	}
	if d.Staff {
		if d.Others, _, err = a.Store.FindSuggestions(r.Context(), portal.Filter{CommunityID: g.CommunityID, PerPage: 50}); err != nil {
			return nil, err
		}
	}
	p.Data = d
	return p, nil
}

// suggestionShow is one suggestion with its status and the community's reply.
func (a *app) suggestionShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.suggestionShowPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "portal_suggestion.html", http.StatusOK, p)
}

// suggestionSupport is "我也遇到".
func (a *app) suggestionSupport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.SupportSuggestion(r.Context(), id); err != nil {
		a.formAgain(w, r, "portal_suggestion.html", a.suggestionShowPage, err)
		return
	}
	a.redirect(w, r, "/portal/suggestions/"+id, "suggestion.flash_supported")
}

// suggestionPhoto sends the photo to the author and the community's staff.
func (a *app) suggestionPhoto(w http.ResponseWriter, r *http.Request) {
	b, typ, err := a.Store.SuggestionPhoto(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A photo is never a page, even opened directly.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	w.Write(b)
}
