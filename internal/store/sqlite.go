package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/huitian/huitian/internal/errs"
)

// openSQLite opens a write pool of one connection (SQLite has one writer;
// queuing in Go beats SQLITE_BUSY) and a read pool beside it, both in WAL
// mode with foreign keys on and a busy timeout.
//
// PATH?synchronous=full makes every commit durable across power loss
// (fsync at each commit) instead of across application crashes only.
func openSQLite(ctx context.Context, path string) (*Store, error) {
	sync := "NORMAL"
	if p, ok := strings.CutSuffix(path, "?synchronous=full"); ok {
		path, sync = p, "FULL"
	}
	memory := path == ":memory:"
	if memory {
		// A shared in-memory database needs a name so both pools see it.
		path = fmt.Sprintf("file:mem%s?mode=memory&cache=shared", randomToken(8))
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, errs.Wrap(err, "create data folder")
		}
		path = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(" + sync + ")&_time_format=sqlite"
	if !memory {
		pragmas += "&_pragma=journal_mode(WAL)"
	}
	sep := "?"
	if memory {
		sep = "&"
	}
	w, err := sql.Open("sqlite", path+sep+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, errs.Wrap(err, "open sqlite")
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, errs.Wrap(err, "open sqlite %s", path)
	}
	r := w
	if !memory {
		r, err = sql.Open("sqlite", path+sep+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, errs.Wrap(err, "open sqlite")
		}
		r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
		// Keep every read connection (the default keeps 2 and closes the
		// rest after each use): a connection reopened under load loses
		// its prepared statements (stmtcache.go) and runs the pragmas again.
		r.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	}
	return &Store{dialect: SQLite, db: w, rdb: r}, nil
}

// translateSQLite maps SQLite constraint errors to domain errors.
func translateSQLite(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &errs.Error{Code: errs.Conflict, Key: "conflict.duplicate", Err: err}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &errs.Error{Code: errs.Invalid, Key: "invalid.reference", Err: err}
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return &errs.Error{Code: errs.Invalid, Key: "invalid.value", Err: err}
	}
	return nil
}
