package web

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/search"
)

// The search boxes of the need board and the directory.
const (
	// maxSearchRunes is how much of a search box is used; longer text is
	// cut and the page says so.
	maxSearchRunes = 100
	// searchHits is how many ranked results a search shows at most (pages
	// of the listing's size).
	searchHits = 50
	// snippetRunes is the length of a result's highlighted excerpt.
	snippetRunes = 80
)

// searchText is a search box's text made fit to search: control characters
// become spaces, the ends are trimmed, and text past maxSearchRunes is cut
// (cut reports it). Whether anything searchable is left is the analyzer's
// call (Query.Empty).
func searchText(raw string) (text string, cut bool) {
	raw = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, raw)
	text = strings.TrimSpace(raw)
	if utf8.RuneCountInString(text) > maxSearchRunes {
		text = strings.TrimSpace(string([]rune(text)[:maxSearchRunes]))
		cut = true
	}
	return text, cut
}

// readSearchBox makes a search box's raw text fit to search and says what
// the page should tell about it: cut past maxSearchRunes, or nothing left to
// search for (emoji, punctuation) — then ok is false and nothing is searched.
func (a *app) readSearchBox(l i18n.Lang, raw string) (st searchState, ok bool) {
	text, cut := searchText(raw)
	st = searchState{Text: text, Ranked: true}
	if cut {
		st.Notice = a.Catalog.T(l, "searchbox.too_long", maxSearchRunes)
	}
	if a.hl.Query(text).Empty() {
		st.Notice, st.Ranked = a.Catalog.T(l, "searchbox.empty"), false
		return st, false
	}
	return st, true
}

// listSort is the order a listing is in, for its sort select: "relevance"
// for a search the index ranked (best first, whatever sort was asked for),
// else sort. A select that shows another order beside "按相关程度排序"
// tells the reader the list is in an order it is not.
func listSort(sort string, st searchState) string {
	if st.Ranked {
		return "relevance"
	}
	return sort
}

// searchState is what a listing page shows of its search box.
type searchState struct {
	Text   string // what is searched for ("" when the box is empty)
	Ranked bool   // results come from the search index, best first
	Notice string // a message about the text (cut, nothing to search for)
	Capped int    // the index gave its most results (this many): there may be more
	Busy   bool   // the server turned the search away for now (heavy work)
}

// MaxRunes is the search box's maxlength: as much as is searched.
func (searchState) MaxRunes() int { return maxSearchRunes }

// phoneInText finds mainland mobile numbers in free text.
var phoneInText = regexp.MustCompile(`1[3-9][0-9]{9}`)

// maskPhones masks the mobile numbers in text typed by staff (a
// description may hold a contact's number): public pages never show one.
func maskPhones(s string) string {
	return phoneInText.ReplaceAllStringFunc(s, accounts.MaskPhone)
}

// highlight is the template function: text's best excerpt of at most max
// characters (0: all of it) with the query's terms marked, phone numbers
// masked first.
func (a *app) highlight(text, query string, max int) []search.Fragment {
	text = maskPhones(text)
	if strings.TrimSpace(query) == "" {
		return a.hl.Highlight(text, search.Query{}, max)
	}
	return a.hl.HighlightText(text, query, max)
}
