package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// maxTrialRunes bounds the trial sentence (a query is cut at
// search.MaxQueryRunes anyway; this keeps the page short).
const maxTrialRunes = 200

type thesaurusData struct {
	Text    string                 // what the text area shows when no form was posted
	Stored  bool                   // false: the shipped default is in use
	Current store.ThesaurusVersion // when Stored
	History []store.ThesaurusVersion
	Trial   *thesaurusTrial // the trial box's result, when one was asked for
}

// thesaurusTrial is how a trial sentence reads as a search query.
type thesaurusTrial struct {
	Sentence string
	Text     string   // normalized
	Words    []string // whole words found in it
	// Pieces are the other typed terms: pairs of neighbouring characters
	// and single characters, searched too so wording the thesaurus lacks
	// still finds something (里长, 饭难 are no words: shown apart).
	Pieces   []search.Term
	Synonyms []search.Term // added by a synonym group
	Rules    []search.Term // added by a situation rule
}

var thesaurusResource = accounts.Resource{Kind: accounts.KindThesaurus}

func (a *app) thesaurusPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, thesaurusResource); err != nil {
		return nil, err
	}
	d := &thesaurusData{}
	var err error
	if d.Text, d.Current, d.Stored, err = a.Store.CurrentThesaurus(ctx); err != nil {
		return nil, err
	}
	if d.History, err = a.Store.ThesaurusHistory(ctx, 30); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "thesaurus.title", d), nil
}

func (a *app) adminThesaurus(w http.ResponseWriter, r *http.Request) {
	p, err := a.thesaurusPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_thesaurus.html", http.StatusOK, p)
}

func (a *app) adminThesaurusSave(w http.ResponseWriter, r *http.Request) {
	a.saveThesaurus(w, r, r.PostFormValue("text"), r.PostFormValue("note"))
}

// adminThesaurusRestore saves the shipped thesaurus as a new version.
func (a *app) adminThesaurusRestore(w http.ResponseWriter, r *http.Request) {
	note := strings.TrimSpace(r.PostFormValue("note"))
	if note == "" {
		note = a.Catalog.T(server.Lang(r), "thesaurus.restored_note")
	}
	a.saveThesaurus(w, r, search.DefaultThesaurusText(), note)
}

func (a *app) saveThesaurus(w http.ResponseWriter, r *http.Request, text, note string) {
	ctx := r.Context()
	// Browsers send CRLF from a text area; store what the admin sees.
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if _, err := a.Store.SaveThesaurus(ctx, text, note); err != nil {
		a.formAgain(w, r, "admin_thesaurus.html", a.thesaurusPage, err)
		return
	}
	if err := a.applyThesaurus(ctx, text); err != nil {
		// Saved: the next start uses it. Say so rather than pretend.
		a.Logger.ErrorContext(ctx, "thesaurus apply", "err", err)
		a.redirect(w, r, "/admin/thesaurus", "flash.thesaurus_not_applied")
		return
	}
	a.redirect(w, r, "/admin/thesaurus", "flash.thesaurus_saved")
}

// applyThesaurus puts a saved text to work: the server's analyzers and
// indexes, and the pages' own highlighting.
func (a *app) applyThesaurus(ctx context.Context, text string) error {
	t, err := store.ParseThesaurusText(text)
	if err != nil {
		return err
	}
	a.hl.SetThesaurus(t)
	if a.Thesaurus == nil {
		return nil
	}
	return a.Thesaurus.Apply(ctx, text)
}

// loadThesaurus gives the pages' highlighting the stored thesaurus at start.
func (a *app) loadThesaurus(ctx context.Context) error {
	text, _, ok, err := a.Store.CurrentThesaurus(ctx)
	if err != nil || !ok {
		return err
	}
	t, err := store.ParseThesaurusText(text)
	if err != nil {
		// The analyzers fall back to the default too (cli logs it).
		return nil
	}
	a.hl.SetThesaurus(t)
	return nil
}

// adminThesaurusTry shows how a sentence reads with the text being edited,
// saving nothing.
func (a *app) adminThesaurusTry(w http.ResponseWriter, r *http.Request) {
	p, err := a.thesaurusPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	sentence := strings.TrimSpace(r.PostFormValue("sentence"))
	if rs := []rune(sentence); len(rs) > maxTrialRunes {
		sentence = string(rs[:maxTrialRunes])
	}
	t, err := store.ParseThesaurusText(text)
	if err != nil {
		a.formFailed(w, r, "admin_thesaurus.html", p, err)
		return
	}
	var q search.Query
	if a.Thesaurus != nil {
		q, err = a.Thesaurus.Analyze(text, sentence)
		if err != nil {
			a.formFailed(w, r, "admin_thesaurus.html", p, err)
			return
		}
	} else {
		q = search.NewAnalyzer(search.Options{Thesaurus: t}).Query(sentence)
	}
	p.Data.(*thesaurusData).Trial = trialOf(t, sentence, q)
	p.Form = r.PostForm
	a.render(w, r, "admin_thesaurus.html", http.StatusOK, p)
}

// trialOf sorts a query's terms for the trial box: what was typed, what a
// synonym group added, what a situation rule added (a rule's term is not in
// a group with what fired it).
func trialOf(t *search.Thesaurus, sentence string, q search.Query) *thesaurusTrial {
	tr := &thesaurusTrial{Sentence: sentence, Text: q.Text, Words: q.Words}
	for _, term := range q.Terms {
		switch {
		case term.Kind != search.KindSynonym:
			if !slices.Contains(q.Words, term.Text) {
				tr.Pieces = append(tr.Pieces, term)
			}
		case slices.Contains(t.Synonyms(term.Source), term.Text):
			tr.Synonyms = append(tr.Synonyms, term)
		default:
			tr.Rules = append(tr.Rules, term)
		}
	}
	return tr
}
