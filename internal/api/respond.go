package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
)

// errorBody is the one error shape: {"error":{…}}.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    errs.Code    `json:"code"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	Details []detailJSON `json:"details,omitempty"`
}

type detailJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// codeMethodNotAllowed is the code of every 405 (a method the route does
// not take): a stable code of its own, not the domain's "invalid", since no
// error of the domain becomes a 405.
const codeMethodNotAllowed errs.Code = "method_not_allowed"

// withStatus overrides the HTTP status errs.HTTPStatus would pick, for the
// two cases the error codes do not name: 405 and 413.
type withStatus struct {
	err    error
	status int
}

func (w withStatus) Error() string { return w.err.Error() }
func (w withStatus) Unwrap() error { return w.err }

func tooLarge() error {
	return withStatus{errs.E(errs.Invalid, "error.too_large"), http.StatusRequestEntityTooLarge}
}

// lang is the caller's language from Accept-Language (zh-CN by default).
func lang(r *http.Request) i18n.Lang { return i18n.Parse(r.Header.Get("Accept-Language")) }

// fail writes err as the JSON error body. Internal causes are logged (with
// phone numbers and tokens scrubbed) and replaced by a generic message.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	status := errs.HTTPStatus(e)
	var ws withStatus
	if errors.As(err, &ws) {
		status = ws.status
	}
	l := lang(r)
	body := errorJSON{Code: e.Code}
	if status == http.StatusMethodNotAllowed {
		body.Code = codeMethodNotAllowed
	}
	switch e.Code {
	case errs.Internal:
		cause := error(e)
		if e.Err != nil {
			cause = e.Err
		}
		a.log.ErrorContext(r.Context(), "api: internal error", "method", r.Method, "path", r.URL.Path,
			"request_id", r.Header.Get("X-Request-Id"), "err", redact(cause.Error()))
		body.Message = a.cat.T(l, "error.internal")
	case errs.Unauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="huitian"`)
		body.Message = a.cat.Error(l, e)
	case errs.Busy:
		// Turned away by the heavy-work gate: its default wait is two seconds.
		w.Header().Set("Retry-After", "2")
		body.Message = a.cat.Error(l, e)
	case errs.TooMany:
		// A rate limit: its error carries the seconds until the window resets.
		if len(e.Args) > 0 {
			if s, ok := e.Args[0].(int); ok && s > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(s))
			}
		}
		body.Message = a.cat.Error(l, e)
	default:
		body.Message = a.cat.Error(l, e)
		body.Field = e.Field
		if fields := errs.Fields(err); len(fields) > 1 {
			for _, f := range fields {
				body.Details = append(body.Details, detailJSON{Field: f.Field, Message: a.cat.Error(l, f)})
			}
		}
	}
	if err := writeJSON(w, status, errorBody{body}); err != nil {
		a.log.ErrorContext(r.Context(), "api: writing error", "err", err)
	}
}

// writeJSON encodes v before writing anything, so an encoding failure can
// still become a proper 500.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(err, "encode response")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

var (
	phoneInText = regexp.MustCompile(`1[3-9][0-9]{9}`)
	tokenInText = regexp.MustCompile(`ht_[0-9a-fA-F]+`)
)

// redact keeps phone numbers and API tokens out of log lines even when a
// driver echoes a value back in its error.
func redact(s string) string {
	s = phoneInText.ReplaceAllStringFunc(s, accounts.MaskPhone)
	return tokenInText.ReplaceAllString(s, "ht_[redacted]")
}

var unknownFieldRE = regexp.MustCompile(`unknown (?:field|object member name) "([^"]*)"`)

// decode reads one JSON object into dst: bounded by MaxBodyBytes, unknown
// fields refused, a wrong type reported against its field, nothing after it.
func (a *API) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength > a.maxBody {
		return tooLarge()
	}
	// Read it whole (it is bounded) to refuse text that is not UTF-8:
	// encoding/json would quietly turn it into U+FFFD and store that.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge()
		}
		return &errs.Error{Code: errs.Invalid, Key: "error.bad_request", Err: err}
	}
	if !utf8.Valid(body) {
		return errs.E(errs.Invalid, "api.body_bad_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, dst)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge()
		}
		return errs.E(errs.Invalid, "api.body_trailing")
	}
	// PostgreSQL refuses NUL in text; say which field rather than fail later.
	if f := nulField(dst); f != "" {
		return errs.Field(f, "api.body_nul")
	}
	return nil
}

func decodeError(err error, dst any) error {
	var (
		mb     *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mb):
		return tooLarge()
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "api.body_empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "api.body_incomplete")
	case errors.As(err, &syntax):
		return errs.E(errs.Invalid, "api.body_syntax", syntax.Offset)
	case errors.As(err, &typ):
		field, _, _ := strings.Cut(typ.Field, ".")
		if field == "" {
			return errs.E(errs.Invalid, "api.body_not_object")
		}
		return errs.Field(field, "api.body_wrong_type", jsonTypeOf(dst, field))
	}
	if m := unknownFieldRE.FindStringSubmatch(err.Error()); m != nil {
		return errs.Field(m[1], "api.body_unknown_field", m[1])
	}
	return &errs.Error{Code: errs.Invalid, Key: "error.bad_request", Err: err}
}

// jsonTypeOf names the JSON type the field of dst (a pointer to a struct)
// expects: string, integer, number, boolean, array of …, object.
func jsonTypeOf(dst any, field string) string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "object"
	}
	for i := range t.NumField() {
		if jsonName(t.Field(i)) == field {
			return describe(t.Field(i).Type)
		}
	}
	return "object"
}

func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array of " + describe(t.Elem())
	}
	return "object"
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// nulField returns the JSON name of the first field of *dst holding a NUL
// character, or "".
func nulField(dst any) string {
	v := reflect.ValueOf(dst)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	for i := range v.NumField() {
		if hasNUL(v.Field(i)) {
			return jsonName(v.Type().Field(i))
		}
	}
	return ""
}

func hasNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && hasNUL(v.Elem())
	case reflect.String:
		return strings.ContainsRune(v.String(), 0)
	case reflect.Slice:
		for i := range v.Len() {
			if hasNUL(v.Index(i)) {
				return true
			}
		}
	}
	return false
}
