package sqlite_test

import (
	"os"
	"testing"

	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open: storetest.OpenSQLite,
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
