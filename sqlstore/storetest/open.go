package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlite"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// OpenSQLite opens a fresh, migrated SQLite store in a temporary directory.
func OpenSQLite(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "kirjaamo.db"), ring, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// PostgresURL is the test server's URL from KIRJAAMO_TEST_POSTGRES_URL, or
// "" when PostgreSQL tests are not configured.
func PostgresURL() string { return os.Getenv("KIRJAAMO_TEST_POSTGRES_URL") }

// OpenPostgres opens a fresh, migrated store in a schema of its own in the
// test database, dropped when the test ends. It skips the test when
// KIRJAAMO_TEST_POSTGRES_URL is not set (.ci/run always sets it).
func OpenPostgres(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
	tb.Helper()
	u := SchemaURL(tb)
	db, err := postgres.Open(u, ring, 8)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// SchemaURL creates an empty schema in the test database and returns a URL
// whose connections use it; the schema is dropped when the test ends.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL()
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
		if admin, err := sql.Open("pgx", base); err == nil {
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
	return u.String()
}

// Backends lists the backends to run a test against: SQLite always,
// PostgreSQL when configured.
func Backends() []struct {
	Name string
	Open func(testing.TB, *keys.Ring) *sqlstore.DB
} {
	out := []struct {
		Name string
		Open func(testing.TB, *keys.Ring) *sqlstore.DB
	}{{"SQLite", OpenSQLite}}
	if PostgresURL() != "" {
		out = append(out, struct {
			Name string
			Open func(testing.TB, *keys.Ring) *sqlstore.DB
		}{"PostgreSQL", OpenPostgres})
	}
	return out
}
