// Package errs is Huitian's one error type. Every layer returns *Error for
// anything a user or client should see; the web and API layers map Code to a
// page or an HTTP status in one table and never leak Err.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is a stable, machine-readable error class (used verbatim in the API).
type Code string

const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	TooMany      Code = "rate_limited"
	Internal     Code = "internal"
	// Busy: the server turned the request away to protect everyone else
	// (too many sign-ins waiting for a password check); nothing changed,
	// try again in a moment.
	Busy Code = "busy"
)

// Error is a user-facing error. Key names a message in the i18n catalog
// (so the text is Chinese in the UI and can be English in the API); Args fill
// its placeholders; Field names the offending input field, if any.
type Error struct {
	Code  Code
	Key   string
	Args  []any
	Field string
	Err   error // internal cause, never shown to users
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Msg is an argument that is itself a catalog key: it is shown translated
// (a status or an action's name, not its code).
type Msg string

// E builds an error of the given code with a catalog key.
func E(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Field builds an Invalid error about one input field.
func Field(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Key: key, Args: args, Field: field}
}

// Wrap records an unexpected cause as an internal error.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Key: "error.internal", Err: fmt.Errorf(format+": %w", append(args, err)...)}
}

// CodeOf returns the code of err, Internal for foreign errors and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error, turning foreign errors into an internal one.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Key: "error.internal", Err: err}
}

// Is reports whether err has the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// List collects several field errors (a form with more than one mistake).
type List []*Error

// Add appends a field error.
func (l *List) Add(field, key string, args ...any) { *l = append(*l, Field(field, key, args...)) }

// Err returns nil when empty, else the first error with the rest attached.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	first := *l[0]
	if len(l) > 1 {
		first.Err = &Multi{All: l}
	}
	return &first
}

// Multi carries every field error of a form so a page can mark each field.
type Multi struct{ All List }

func (m *Multi) Error() string { return fmt.Sprintf("%d field errors", len(m.All)) }

// Fields returns all field errors carried by err (at least err itself).
func Fields(err error) List {
	var m *Multi
	if errors.As(err, &m) {
		return m.All
	}
	if e := As(err); e.Field != "" {
		return List{e}
	}
	return nil
}

// httpStatus is the one table from error code to HTTP status.
var httpStatus = map[Code]int{
	Invalid:      http.StatusBadRequest,
	NotFound:     http.StatusNotFound,
	Conflict:     http.StatusConflict,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	TooMany:      http.StatusTooManyRequests,
	Internal:     http.StatusInternalServerError,
	Busy:         http.StatusServiceUnavailable,
}

// HTTPStatus returns the HTTP status for err's code.
func HTTPStatus(err error) int {
	if s, ok := httpStatus[CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Merge combines the field errors of several errors into one (nil if none);
// a non-field error wins outright.
func Merge(all ...error) error {
	var l List
	for _, err := range all {
		if err == nil {
			continue
		}
		fs := Fields(err)
		if len(fs) == 0 {
			return err
		}
		l = append(l, fs...)
	}
	return l.Err()
}

// Unparsed answers a change whose form had input that could not be read (a
// date or an amount that is not one): the handler passes the store the zero
// value instead, which the store refuses as a field error once it has
// checked who may act on the object, and this puts the reading errors in
// place of the store's for the same fields. A refusal, a conflict or any
// other error that is not about fields wins outright, so someone who may not
// act learns nothing from their input. The zero value must be one the store
// refuses: with a reading error and no error from the store, Unparsed
// reports an internal error rather than success.
func Unparsed(stored error, parsing ...error) error {
	var l List
	seen := map[string]bool{}
	for _, err := range parsing {
		for _, e := range Fields(err) {
			l = append(l, e)
			seen[e.Field] = true
		}
	}
	switch {
	case len(l) == 0:
		return stored
	case stored == nil:
		return Wrap(errors.New("a change was accepted with input that could not be read"), "errs.Unparsed")
	case CodeOf(stored) != Invalid || len(Fields(stored)) == 0:
		return stored
	}
	for _, e := range Fields(stored) {
		if !seen[e.Field] {
			l = append(l, e)
		}
	}
	return l.Err()
}
