package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kirjaamo/kirjaamo/postgres"
)

func TestUnavailable(t *testing.T) {
	// A port nothing listens on: the driver's connect error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db, err := sql.Open("pgx", "postgres://nobody@"+addr+"/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	connectErr := db.PingContext(context.Background())
	if connectErr == nil {
		t.Fatal("ping of a closed port succeeded")
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"ConnectionRefused", connectErr, true},
		{"AdminShutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"CannotConnectNow", fmt.Errorf("query: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"ConnectionFailure", &pgconn.PgError{Code: "08006"}, true},
		{"UniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"SyntaxError", &pgconn.PgError{Code: "42601"}, false},
		{"Cancelled", context.Canceled, false},
		{"DeadlineExceeded", fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{"Other", errors.New("sqlstore: no audit event"), false},
		{"Nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := postgres.Unavailable(tc.err); got != tc.want {
				t.Fatalf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
