package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/search"
)

// MaxThesaurusBytes bounds one thesaurus version: the shipped file is about
// 22 KB, so this leaves room to grow twentyfold and still fits a form post.
const MaxThesaurusBytes = 512 << 10

// maxThesaurusNote bounds the note an admin writes with a version.
const maxThesaurusNote = 200

// ThesaurusVersion is one saved version of the governance thesaurus, without
// its text (CurrentThesaurus returns that).
type ThesaurusVersion struct {
	ID            string
	Note          string
	CreatedBy     string // user id; empty for the system
	CreatedByName string
	CreatedAt     time.Time
	Lines         int // lines of the text, comments and blanks included
	Groups        int // synonym groups
	Rules         int // situation rules
}

var thesaurusResource = accounts.Resource{Kind: accounts.KindThesaurus}

const thesaurusColumns = `id, note, created_by, created_by_name, created_at, lines, groups_count, rules_count`

func scanThesaurusVersion(sc interface{ Scan(...any) error }, extra ...any) (ThesaurusVersion, error) {
	var v ThesaurusVersion
	err := sc.Scan(append([]any{&v.ID, &v.Note, &v.CreatedBy, &v.CreatedByName, &v.CreatedAt, &v.Lines, &v.Groups,
		&v.Rules}, extra...)...)
	v.CreatedAt = v.CreatedAt.UTC()
	return v, err
}

// CurrentThesaurus returns the newest saved thesaurus. Without one, ok is
// false and text is the shipped default (search.DefaultThesaurusText). The
// thesaurus shapes public search, so anyone may read it.
func (s *Store) CurrentThesaurus(ctx context.Context) (text string, version ThesaurusVersion, ok bool, err error) {
	version, err = scanThesaurusVersion(s.read().row(ctx, `SELECT `+thesaurusColumns+`, text FROM thesaurus_versions
		ORDER BY created_at DESC, id DESC LIMIT 1`), &text)
	if errors.Is(err, sql.ErrNoRows) {
		return search.DefaultThesaurusText(), ThesaurusVersion{}, false, nil
	}
	if err != nil {
		return "", ThesaurusVersion{}, false, s.translate(err)
	}
	return text, version, true, nil
}

// SaveThesaurus stores text as the new current thesaurus (platform admins).
// The text is parsed first: a bad one writes nothing and returns an Invalid
// error on field "text" naming the line (see ThesaurusErrorKey). The audit
// entry records the counts and the note, not the text, which the version
// row keeps.
func (s *Store) SaveThesaurus(ctx context.Context, text, note string) (ThesaurusVersion, error) {
	actor := accounts.ActorFrom(ctx)
	if err := accounts.Can(actor, accounts.Update, thesaurusResource); err != nil {
		return ThesaurusVersion{}, err
	}
	t, err := ParseThesaurusText(text)
	if err != nil {
		return ThesaurusVersion{}, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxThesaurusNote {
		return ThesaurusVersion{}, errs.Field("note", "thesaurus.err_note_long", maxThesaurusNote)
	}
	v := ThesaurusVersion{ID: newID(), Note: note, CreatedBy: actor.ID, CreatedByName: actor.Name,
		Lines: strings.Count(text, "\n") + 1, Groups: len(t.Groups()), Rules: len(t.Rules())}
	if strings.HasSuffix(text, "\n") {
		v.Lines--
	}
	err = s.tx(ctx, func(c conn) error {
		v.CreatedAt = c.now
		if _, err := c.exec(ctx, `INSERT INTO thesaurus_versions (id, text, note, created_by, created_by_name, created_at,
			lines, groups_count, rules_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, text, v.Note, v.CreatedBy, v.CreatedByName, c.now, v.Lines, v.Groups, v.Rules); err != nil {
			return err
		}
		res := thesaurusResource
		res.ID = v.ID
		return record(ctx, c, "thesaurus.save", res, map[string]any{"note": v.Note, "lines": v.Lines,
			"groups": v.Groups, "rules": v.Rules, "bytes": len(text)})
	})
	if err != nil {
		return ThesaurusVersion{}, err
	}
	return v, nil
}

// ThesaurusHistory lists saved versions, newest first, at most limit
// (50 when zero or less; platform admins).
func (s *Store) ThesaurusHistory(ctx context.Context, limit int) ([]ThesaurusVersion, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, thesaurusResource); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.read().query(ctx, `SELECT `+thesaurusColumns+` FROM thesaurus_versions
		ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []ThesaurusVersion
	for rows.Next() {
		v, err := scanThesaurusVersion(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, v)
	}
	return out, s.translate(rows.Err())
}

// ParseThesaurusText parses an edited thesaurus as SaveThesaurus does,
// turning a search.ThesaurusError into an Invalid error on field "text"
// whose key says what is wrong and whose arguments are the line and the
// term. The admin page's trial box uses it on text not yet saved.
func ParseThesaurusText(text string) (*search.Thesaurus, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errs.Field("text", "thesaurus.err_empty")
	}
	if len(text) > MaxThesaurusBytes {
		return nil, errs.Field("text", "thesaurus.err_too_big", MaxThesaurusBytes>>10)
	}
	t, err := search.ParseThesaurus(strings.NewReader(text))
	var te *search.ThesaurusError
	if errors.As(err, &te) {
		return nil, errs.Field("text", ThesaurusErrorKey(te), te.Line, te.Term)
	}
	if err != nil {
		return nil, errs.Wrap(err, "thesaurus")
	}
	if len(t.Groups())+len(t.Rules()) == 0 {
		return nil, errs.Field("text", "thesaurus.err_empty")
	}
	return t, nil
}

// ThesaurusErrorKey names the message for what a thesaurus line got wrong.
// The search package words its reasons in English for logs; pages say them
// in the reader's language.
func ThesaurusErrorKey(e *search.ThesaurusError) string {
	if e.Code == "" {
		return "thesaurus.err_line"
	}
	return "thesaurus.err_" + e.Code
}
