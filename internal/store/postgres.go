package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/huitian/huitian/internal/errs"
)

// openPostgres opens one pool used for reads and writes.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, errs.Wrap(err, "open postgres")
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, &errs.Error{Code: errs.Internal, Key: "db.unreachable", Err: err}
	}
	return &Store{dialect: Postgres, db: db, rdb: db}, nil
}

// translatePostgres maps PostgreSQL constraint errors to domain errors.
func translatePostgres(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case "23505":
		return &errs.Error{Code: errs.Conflict, Key: "conflict.duplicate", Err: err}
	case "23503":
		return &errs.Error{Code: errs.Invalid, Key: "invalid.reference", Err: err}
	case "23514", "23502", "22001":
		return &errs.Error{Code: errs.Invalid, Key: "invalid.value", Err: err}
	case "40001", "40P01":
		return &errs.Error{Code: errs.Conflict, Key: "conflict.retry", Err: err}
	}
	return nil
}
