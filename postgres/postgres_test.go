package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

// MustOpenDB opens a fresh, migrated store in its own schema of the test
// database named by KIRJAAMO_TEST_POSTGRES_URL, dropped when the test ends.
// Without the variable the test is skipped (CI always sets it).
func MustOpenDB(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
	tb.Helper()
	base := os.Getenv("KIRJAAMO_TEST_POSTGRES_URL")
	if base == "" {
		tb.Skip("KIRJAAMO_TEST_POSTGRES_URL not set")
	}
	schema := fmt.Sprintf("kt_%016x", rand.Uint64())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(u.String(), ring, 8)
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
		Open: MustOpenDB,
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
