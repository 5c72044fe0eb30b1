package api

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/places"
)

// maxParamRunes bounds every query value (a long q would become hundreds of
// LIKE clauses) but those of paramMaxRunes.
const maxParamRunes = 200

// paramMaxRunes are the query values allowed longer: a need's text to match
// (the match routes cut it to match.MaxTextRunes with match.CapText and say
// so; a text beyond four times that is refused, not read).
var paramMaxRunes = map[string]int{"text": 4 * match.MaxTextRunes}

// maxPage bounds page so the offset can never overflow.
const maxPage = 100000

// params reads query parameters, refusing names not in the allowlist and
// values that are not clean text. Problems accumulate in l.
type params struct {
	v url.Values
	l errs.List
}

func readParams(u *url.URL, allowed ...string) *params {
	p := &params{v: u.Query()}
	// Sorted, so the first error (the top-level "field") is always the same.
	for _, name := range slices.Sorted(maps.Keys(p.v)) {
		if !slices.Contains(allowed, name) {
			p.l.Add(name, "api.param_unknown", name)
			p.v.Del(name)
			continue
		}
		for _, v := range p.v[name] {
			if key, args := textProblem(name, v); key != "" {
				p.l.Add(name, key, args...)
				p.v.Del(name) // later lookups see it as absent
				break
			}
		}
	}
	return p
}

// textProblem names what is wrong with a query value, or "" when nothing.
func textProblem(name, v string) (string, []any) {
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return "api.param_bad_text", []any{name}
	case paramMaxRunes[name] > 0:
		if utf8.RuneCountInString(v) > paramMaxRunes[name] {
			return "api.param_too_long", []any{name, paramMaxRunes[name]}
		}
	case utf8.RuneCountInString(v) > maxParamRunes:
		return "api.param_too_long", []any{name, maxParamRunes}
	}
	return "", nil
}

// str returns the trimmed value of name ("" when absent).
func (p *params) str(name string) string { return strings.TrimSpace(p.v.Get(name)) }

// int returns the value of name within [lo, hi], or def when absent.
func (p *params) int(name string, def, lo, hi int, rangeKey string) int {
	s := p.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		p.l.Add(name, "api.param_integer", name)
		return def
	}
	if n < lo || n > hi {
		p.l.Add(name, rangeKey, lo, hi)
		return def
	}
	return n
}

// add records err in the list if it is a field error and returns any other.
func (p *params) add(err error) error { return addField(&p.l, err) }

// addField appends a field error to l and returns any other error.
func addField(l *errs.List, err error) error {
	if err == nil {
		return nil
	}
	if e := errs.As(err); e.Code == errs.Invalid && e.Field != "" {
		*l = append(*l, e)
		return nil
	}
	return err
}

// resolveStreet finds a street by id or exact name; unknown is an invalid
// "street" field.
func (a *API) resolveStreet(ctx context.Context, v string) (*places.Street, error) {
	v = strings.TrimSpace(v)
	st, err := a.store.FindStreetByID(ctx, v)
	if errs.Is(err, errs.NotFound) {
		st, err = a.store.FindStreetByName(ctx, v)
	}
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("street", "invalid.reference_street")
	}
	return st, err
}

// resolveCommunity finds a community by id, or by exact name within
// streetID when that is set; unknown or ambiguous is an invalid "community".
func (a *API) resolveCommunity(ctx context.Context, streetID, v string) (*places.Community, error) {
	v = strings.TrimSpace(v)
	cm, err := a.store.FindCommunityByID(ctx, v)
	if errs.Is(err, errs.NotFound) {
		cm, err = a.store.FindCommunityByName(ctx, streetID, v)
	}
	switch errs.CodeOf(err) {
	case errs.NotFound:
		return nil, errs.Field("community", "invalid.reference_community")
	case errs.Conflict:
		return nil, errs.Field("community", "ambiguous.community")
	}
	return cm, err
}

// cleanID reports whether a path id can be looked up at all; anything else
// is simply not found.
func cleanID(id string) bool {
	return id != "" && len(id) <= 100 && utf8.ValidString(id) && !strings.ContainsRune(id, 0)
}
