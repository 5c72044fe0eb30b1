package audit

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
)

// MaskPersonal hides the personal data of an entry from a reader who may
// read the trail but not personal data (an auditor): the actor's name when
// the actor is a private person (a resident, not acting as staff), the
// name in the data of an entry about a user account, the name of a person
// a task was given to (owner with owner_kind "user"), and every mainland
// mobile number anywhere in the data. The hash is left as stored, so the
// masked entry no longer verifies: verification reads the stored rows.
func (e *Entry) MaskPersonal(actorIsPerson bool) {
	if actorIsPerson {
		e.ActorName = accounts.MaskName(e.ActorName)
	}
	var data any
	dec := json.NewDecoder(strings.NewReader(e.Data))
	dec.UseNumber() // amounts stay as written
	if e.Data == "" || dec.Decode(&data) != nil {
		e.Data = maskPhones(e.Data)
		return
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(maskValue(data, e.ObjectKind == "user")) == nil {
		e.Data = strings.TrimSuffix(b.String(), "\n")
	} else {
		e.Data = maskPhones(e.Data)
	}
}

// phoneInData finds mainland mobile numbers not inside a longer number.
var phoneInData = regexp.MustCompile(`(?:^|[^0-9])1[3-9][0-9]{9}(?:$|[^0-9])`)

func maskPhones(s string) string {
	return phoneInData.ReplaceAllStringFunc(s, func(m string) string {
		i := 0
		for m[i] < '0' || m[i] > '9' {
			i++
		}
		return m[:i] + accounts.MaskPhone(m[i:i+11]) + m[i+11:]
	})
}

// maskValue masks personal values in decoded JSON: in an object, "name"
// when the entry is about a user account, "owner" when "owner_kind" is
// "user", and phone numbers in every string.
func maskValue(v any, aboutUser bool) any {
	switch v := v.(type) {
	case string:
		return maskPhones(v)
	case []any:
		for i := range v {
			v[i] = maskValue(v[i], aboutUser)
		}
	case map[string]any:
		for k, x := range v {
			s, isString := x.(string)
			switch {
			case isString && k == "name" && aboutUser,
				isString && k == "owner" && v["owner_kind"] == "user":
				v[k] = accounts.MaskName(s)
			default:
				v[k] = maskValue(x, aboutUser)
			}
		}
	}
	return v
}
