package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// eventNoteCodes are timeline notes that are codes, not text, each with its
// own sentence (event_note.<code>).
var eventNoteCodes = map[string]bool{"deadline_extended": true, "no_conflict": true, "conflicted": true, "retender": true}

// tenderFuncs are the template functions of the need pages.
func (a *app) tenderFuncs() template.FuncMap {
	return template.FuncMap{
		// eventActor names who acted on the timeline: a unit, the platform
		// for the clock and for sealed steps, "an organization" for an asker
		// still sealed.
		"eventActor": func(l i18n.Lang, e procurement.Event) string {
			if e.Withheld { // an asker before the deadline: procurement.AskerShown
				return a.Catalog.T(l, "qa.an_org")
			}
			if e.Actor == "" || e.Actor == accounts.SystemName {
				return a.Catalog.T(l, "timeline.platform")
			}
			return e.Actor
		},
		// eventNote turns a timeline note into words: codes get their
		// sentence, counts and names their action's frame (event_note.<action>).
		"eventNote": func(l i18n.Lang, e procurement.Event) string {
			switch {
			case e.Note == "", e.Note == e.Actor: // the actor already says it
				return ""
			case eventNoteCodes[e.Note]:
				return a.Catalog.T(l, "event_note."+e.Note)
			case strings.HasPrefix(e.Note, "adopt:"): // a draft from a same-style solution (the page links the solution)
				return a.Catalog.T(l, "review.adopted_note")
			case a.Catalog.Has("event_note." + e.Action):
				return a.Catalog.T(l, "event_note."+e.Action, e.Note)
			}
			return e.Note
		},
		// notice is a notification as a sentence.
		"notice": func(l i18n.Lang, n store.Notification) string {
			key := "notification." + n.Kind
			if !a.Catalog.Has(key) {
				return a.Catalog.T(l, "notification.unknown")
			}
			// The same sentence as the text message the outbox sends.
			return a.Catalog.Sentence(l, key, n.Args)
		},
		// ferr is the message of field on the need page when form is the one that failed.
		"ferr": func(p *page, form, field string) string {
			if d, ok := p.Data.(*needShowData); ok && d.Failed == form {
				return p.Fields[field]
			}
			return ""
		},
		// ferror is the whole-form message when form is the one that failed.
		"ferror": func(p *page, form string) string {
			if d, ok := p.Data.(*needShowData); ok && d.Failed == form {
				return p.Error
			}
			return ""
		},
		// fval is what was typed into field of form, when that form failed.
		"fval": func(p *page, form, field string) string {
			if d, ok := p.Data.(*needShowData); ok && d.Failed == form {
				return p.Form.Get(field)
			}
			return ""
		},
		"priceExample": priceExample,
		"fileSize":     fileSize,
		"isImage":      func(typ string) bool { return strings.HasPrefix(typ, "image/") },
		"stars":        func(k int) string { return strings.Repeat("★", k) + strings.Repeat("☆", max(0, 5-k)) },
		"roundStars":   func(f float64) int { return int(math.Round(f)) },
		"oneDecimal": func(f float64) string {
			return fmt.Sprintf("%.1f", f)
		},
		"hasAction": func(acts []procurement.Action, name string) bool {
			for _, x := range acts {
				if string(x) == name {
					return true
				}
			}
			return false
		},
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"critScore": func(r procurement.Ranked, critID string) string {
			v, ok := r.ByCrit[critID]
			if !ok {
				return "—"
			}
			return fmt.Sprintf("%.1f", v)
		},
	}
}

// pricePattern is an example price for a proposal form: Yuan as typed
// in plain yuan, Wan the same in 万 (when it is at least 1万).
type pricePattern struct{ Yuan, Wan string }

// priceExample derives the proposal form's example price from the need's
// budget, so the example is never a price the form would refuse: the
// budget cut down to two significant figures (¥55,000 → 55000 or 5.5万,
// ¥123,456.78 → 120000 or 12万). Under one yuan it gives none.
func priceExample(budgetFen int64) pricePattern {
	y := budgetFen / 100
	if y <= 0 {
		return pricePattern{}
	}
	unit := int64(1)
	for y/unit >= 100 {
		unit *= 10
	}
	y = y / unit * unit
	p := pricePattern{Yuan: strconv.FormatInt(y, 10)}
	if y >= 10000 {
		p.Wan = strconv.FormatFloat(float64(y)/10000, 'f', -1, 64) + "万"
	}
	return p
}

// fileSize shows a byte count the way people read it.
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
