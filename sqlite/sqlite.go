// Package sqlite opens Kirjaamo's embedded default store: one SQLite file in
// the data directory, through the pure-Go modernc driver (no C toolchain).
//
// Writes go through a pool of exactly one connection, so concurrent writers
// queue in Go instead of failing with SQLITE_BUSY; reads use a separate pool
// that WAL lets run beside the writer. Pragmas are in the DSN so every pooled
// connection gets them.
package sqlite

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"time"

	"database/sql"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune the store.
type Options struct {
	// Synchronous is SQLite's synchronous pragma. NORMAL (the default) in
	// WAL mode survives a crash of the process — every committed write is in
	// the WAL — but an OS crash or power loss can lose the last commits;
	// FULL survives those too, at a cost per commit.
	Synchronous string
}

type connMode int

const (
	writeMode connMode = iota
	readMode
	checkpointMode
)

func dsn(path string, o Options, mode connMode) string {
	q := url.Values{}
	sync := o.Synchronous
	if sync == "" {
		sync = "NORMAL"
	}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(" + sync + ")", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	switch mode {
	case readMode:
		q.Add("_pragma", "query_only(1)")
	case checkpointMode:
	case writeMode:
		// Checkpoints run on their own connection (sqlstore checkpointer),
		// so their fsyncs never stall the writer.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// Deleted content is overwritten, not left in free pages, and freed
		// pages go back to the file system after a sweep (incremental
		// vacuum; it takes effect on databases created with it).
		q.Add("_pragma", "secure_delete(1)")
		q.Add("_pragma", "auto_vacuum(INCREMENTAL)")
		// BEGIN IMMEDIATE: a write transaction takes the write lock at once,
		// so another process (a CLI command) waits on busy_timeout instead
		// of failing midway with SQLITE_BUSY on lock upgrade.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the SQLite store at path.
func Open(path string, k *keys.Ring, o Options) (*sqlstore.DB, error) {
	w, err := sql.Open("sqlite", dsn(path, o, writeMode))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, o, readMode))
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	ck, err := sql.Open("sqlite", dsn(path, o, checkpointMode))
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	ck.SetMaxOpenConns(1)
	mig, _ := fs.Sub(migrations, "migrations")
	return sqlstore.New(w, r, sqlstore.Dialect{
		Name:            "sqlite",
		PrepareCached:   true,
		GroupCommit:     true,
		Checkpoint:      ck,
		CheckpointEvery: 250 * time.Millisecond,
		AfterSweep:      "PRAGMA incremental_vacuum",
		SweepBatch:      250,
		Migrations:      mig,
		Translate:       translate,
	}, k), nil
}

func translate(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &kirjaamo.Error{Code: kirjaamo.ECONFLICT, Message: "record already exists"}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Message: "referenced record not found"}
	}
	return err
}
