// Package i18n is the one message catalog: zh-CN first, English second.
// Messages are fmt format strings keyed by stable dotted names; a test checks
// both languages define the same keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

//go:embed messages
var files embed.FS

// Lang is a supported language tag.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists supported languages, default first.
var Langs = []Lang{ZH, EN}

// Catalog holds every message in every language.
type Catalog struct {
	msgs map[Lang]map[string]string
	// one holds a language's singular forms: "key#one" in its files is the
	// message of key when its first integer argument is 1 ("1 proposal
	// received", not "1 proposals received"). English needs them; Chinese
	// has no plural and defines none.
	one map[Lang]map[string]string
}

// oneSuffix marks a singular form in the catalog's files.
const oneSuffix = "#one"

// Load reads the embedded catalog.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]string{}, one: map[Lang]map[string]string{}}
	// Each language is a folder of JSON files (one per area of the product),
	// merged; a key defined twice is an error.
	for _, l := range Langs {
		dir := "messages/" + string(l)
		entries, err := files.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		m, one := map[string]string{}, map[string]string{}
		for _, e := range entries {
			b, err := files.ReadFile(dir + "/" + e.Name())
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", dir, e.Name(), err)
			}
			for k, v := range part {
				if base, ok := strings.CutSuffix(k, oneSuffix); ok {
					if _, dup := one[base]; dup {
						return nil, fmt.Errorf("%s/%s: key %q defined twice", dir, e.Name(), k)
					}
					one[base] = v
					continue
				}
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("%s/%s: key %q defined twice", dir, e.Name(), k)
				}
				m[k] = v
			}
		}
		for base := range one {
			if _, ok := m[base]; !ok {
				return nil, fmt.Errorf("%s: %q has no message %q", dir, base+oneSuffix, base)
			}
		}
		c.msgs[l], c.one[l] = m, one
	}
	return c, nil
}

// Keys returns the keys defined for l.
func (c *Catalog) Keys(l Lang) []string {
	out := make([]string, 0, len(c.msgs[l]))
	for k := range c.msgs[l] {
		out = append(out, k)
	}
	return out
}

// T formats message key in l, falling back to Chinese, then to the key.
func (c *Catalog) T(l Lang, key string, args ...any) string {
	m, ok := c.msgs[l][key]
	if !ok {
		m, ok = c.msgs[ZH][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	if v, ok := c.one[l][key]; ok && firstCountIsOne(args) {
		m = v
	}
	cloned := false
	for i, a := range args {
		if k, ok := a.(errs.Msg); ok {
			if !cloned {
				args, cloned = slices.Clone(args), true
			}
			args[i] = c.T(l, string(k))
		}
	}
	return fmt.Sprintf(m, args...)
}

// firstCountIsOne reports whether the first integer among args is 1.
func firstCountIsOne(args []any) bool {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return n == 1
		case int64:
			return n == 1
		case int32:
			return n == 1
		case uint:
			return n == 1
		case uint64:
			return n == 1
		}
	}
	return false
}

// Sentence formats key with exactly as many args as its message has verbs
// (stored args may be fewer or more than a message's wording uses, e.g.
// notifications written before a message changed).
func (c *Catalog) Sentence(l Lang, key string, args []any) string {
	zh := c.T(ZH, key)
	want := strings.Count(zh, "%") - 2*strings.Count(zh, "%%")
	for len(args) < want {
		args = append(args, "")
	}
	return c.T(l, key, args[:want]...)
}

// Has reports whether key exists in the default language.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[ZH][key]; return ok }

// Error renders a user-facing error: the field label (if any) and the message.
func (c *Catalog) Error(l Lang, err error) string {
	e := errs.As(err)
	msg := c.T(l, e.Key, e.Args...)
	if e.Field != "" && c.Has("field."+e.Field) {
		return c.T(l, "field."+e.Field) + l.colon() + msg
	}
	return msg
}

func (l Lang) colon() string {
	if l == ZH {
		return "："
	}
	return ": "
}

// Parse picks a language from a cookie value or Accept-Language header.
func Parse(s string) Lang {
	s = strings.ToLower(s)
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		switch {
		case strings.HasPrefix(part, "zh"):
			return ZH
		case strings.HasPrefix(part, "en"):
			return EN
		}
	}
	return ZH
}
