package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/sqlite"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

// MustOpenDB opens a fresh, migrated store in a temporary directory.
func MustOpenDB(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "kirjaamo.db")
	db, err := sqlite.Open(path, ring, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open: func(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
			db := MustOpenDB(tb, ring)
			tb.Cleanup(func() {}) // path kept on db for Stored
			return db
		},
		Stored: func(tb testing.TB, db *sqlstore.DB) []byte {
			// The database file and its WAL, as they lie on disk.
			var path string
			if err := db.Writer().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
				tb.Fatal(err)
			}
			var all []byte
			for _, p := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(p)
				if err != nil && !os.IsNotExist(err) {
					tb.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		},
		Tamper: func(tb testing.TB, db *sqlstore.DB, stmts ...string) {
			for _, s := range append([]string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"}, stmts...) {
				if _, err := db.Writer().Exec(s); err != nil {
					tb.Fatalf("%s: %v", s, err)
				}
			}
		},
	})
}
