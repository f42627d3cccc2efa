package postgres_test

import (
	"testing"

	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open:          storetest.OpenPostgres,
		ExclusiveLock: true,
		Stored: func(tb testing.TB, db *sqlstore.DB) []byte {
			return storetest.RowBytes(tb, db.Writer(), "subjects", "subject_keys", "contacts", "contact_subjects", "audit_events", "users", "tokens")
		},
		Tamper: func(tb testing.TB, db *sqlstore.DB, stmts ...string) {
			for _, s := range append([]string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}, stmts...) {
				if _, err := db.Writer().Exec(s); err != nil {
					tb.Fatalf("%s: %v", s, err)
				}
			}
		},
	})
}
