package store

import (
	"errors"

	"github.com/huitian/huitian/internal/errs"
)

// translate turns driver errors into domain errors; domain errors pass through.
func (s *Store) translate(err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	var t error
	if s.dialect == Postgres {
		t = translatePostgres(err)
	} else {
		t = translateSQLite(err)
	}
	if t != nil {
		return t
	}
	return &errs.Error{Code: errs.Internal, Key: "error.internal", Err: err}
}
