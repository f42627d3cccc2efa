package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlite"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// config is what every command needs to reach the store.
type config struct {
	data        string
	databaseURL string
	migrate     bool
	// skipMigrations leaves the schema alone (the migrate command).
	skipMigrations bool
	// blobs is the blob store, set by open: under the data directory, or
	// in S3 (blobConfig).
	blobs blob.Store
	blob  blobConfig
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// storeFlags registers the flags that locate the store.
func (c *config) storeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", env("KIRJAAMO_DATA", "kirjaamo-data"), "data directory: SQLite database, key files, blobs (env KIRJAAMO_DATA)")
	fs.StringVar(&c.databaseURL, "database-url", env("KIRJAAMO_DATABASE_URL", ""), "PostgreSQL URL postgres://…; empty for the embedded SQLite (env KIRJAAMO_DATABASE_URL)")
	c.blob.flags(fs)
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kirjaamo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// open opens the store and its keys and brings the schema up to date (or,
// without migrate, refuses a schema that is behind).
//
// Keys: the embedded default creates its key files on first start. With
// PostgreSQL the keys must already exist (kirjaamo keys generate, or the
// KIRJAAMO_*_KEY variables): several servers share one database and must
// share its keys, so a server never invents its own.
func (c *config) open(ctx context.Context) (*sqlstore.DB, *keys.Ring, error) {
	sqliteMode := c.databaseURL == ""
	if sqliteMode {
		if err := os.MkdirAll(c.data, 0o700); err != nil {
			return nil, nil, err
		}
	}
	ring, err := keys.Load(filepath.Join(c.data, "keys"), sqliteMode)
	if err != nil {
		return nil, nil, err
	}
	var db *sqlstore.DB
	if sqliteMode {
		db, err = sqlite.Open(filepath.Join(c.data, "kirjaamo.db"), ring, sqlite.Options{Synchronous: os.Getenv("KIRJAAMO_SQLITE_SYNCHRONOUS")})
	} else {
		db, err = postgres.Open(c.databaseURL, ring, 0)
	}
	if err != nil {
		return nil, nil, err
	}
	blobs, err := c.blob.open(ctx, c.data)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	db.SetBlobs(blobs)
	db.SetLedgerFile(filepath.Join(c.data, "erasure-ledger.jsonl"))
	c.blobs = blobs
	if c.skipMigrations {
		return db, ring, nil
	}
	if c.migrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
	} else if pending, err := db.Pending(ctx); err != nil || len(pending) > 0 {
		db.Close()
		if err == nil {
			err = fmt.Errorf("database schema is behind (%d migrations pending): run 'kirjaamo migrate'", len(pending))
		}
		return nil, nil, err
	}
	if _, err := db.DataKeys(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, ring, nil
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "kirjaamo: %v\n", err)
	return 1
}

var errUsage = errors.New("usage")

// parse parses flags; -h prints the usage and returns errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 && fs.Name() != "kirjaamo policy check" && fs.Name() != "kirjaamo scan" {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}
