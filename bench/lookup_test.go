package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlite"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// benchSubjects is the size of the lookup database.
func benchSubjects(tb testing.TB) int {
	s := os.Getenv("KIRJAAMO_BENCH_SUBJECTS")
	if s == "" {
		return 10_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxSubjects {
		tb.Fatalf("KIRJAAMO_BENCH_SUBJECTS=%q: want 1–%d", s, maxSubjects)
	}
	return n
}

// cacheDir is where filled lookup databases are kept between runs, or ""
// when every run fills a fresh one.
func cacheDir() string {
	switch d := os.Getenv("KIRJAAMO_BENCH_CACHE"); d {
	case "off":
		return ""
	case "":
		return filepath.Join(os.TempDir(), "kirjaamo-bench")
	default:
		return d
	}
}

// Subject i of the lookup database has a unique synthetic identity code
// computed from i, so a run can look up any subject without a list of what
// was stored: birth date 1930-01-01 + i mod 29200 days, individual number
// 900 + (i / 29200) mod 100 (the temporary-code range synth uses, never a
// real person's permanent code), and one of the six century signs of its
// century. That gives 17.5 million distinct codes.
const (
	codeDays    = 80 * 365
	maxSubjects = codeDays * 100 * 6
)

func identityCode(i int) string {
	birth := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%codeDays)
	rest := i / codeDays
	ind := 900 + rest%100
	signs := "-YXWVU"
	if birth.Year() >= 2000 {
		signs = "ABCDEF"
	}
	sign := signs[rest/100%6]
	n := birth.Day()*10000000 + int(birth.Month())*100000 + birth.Year()%100*1000 + ind
	return fmt.Sprintf("%02d%02d%02d%c%03d%c", birth.Day(), int(birth.Month()), birth.Year()%100, sign, ind,
		"0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

// fill stores subjects 0…n-1 through Store.CreateSubject (each with its
// blind-index keys and its audit event, as the product writes them) from
// several goroutines, so sealing and hashing overlap the database's work.
func fill(tb testing.TB, db *sqlstore.DB, n, workers int) {
	tb.Helper()
	pol, err := policy.Load(seed002)
	if err != nil {
		tb.Fatal(err)
	}
	reg := pol.SubjectRegister().ID
	ctx := context.Background()
	start := time.Now()
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := synth.New(uint64(w) + 1000)
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				p := g.Person()
				p.IdentityCode, p.CustomerNumber = identityCode(i), fmt.Sprintf("B%09d", i)
				if err := p.Validate(); err != nil {
					errs <- fmt.Errorf("subject %d: %w", i, err)
					return
				}
				now := time.Now().UTC()
				p.ID, p.Register, p.CreatedAt, p.UpdatedAt, p.Version = kirjaamo.NewID(now), reg, now, now, 1
				ev := &kirjaamo.AuditEvent{At: now, Actor: "bench-fill", Role: string(policy.RoleAgent), Action: kirjaamo.ActionCreate,
					Outcome: kirjaamo.OutcomeOK, Register: reg, RecordIDs: []string{p.ID}, SubjectIDs: []string{p.ID}, RequestID: "bench-fill"}
				if err := db.CreateSubject(ctx, p, ev); err != nil {
					errs <- fmt.Errorf("subject %d: %w", i, err)
					return
				}
				if d := done.Add(1); d%100_000 == 0 {
					fmt.Fprintf(os.Stderr, "bench: filled %d/%d subjects (%.0f/s)\n", d, n, float64(d)/time.Since(start).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		tb.Fatal(err)
	}
	tb.Logf("filled %d subjects in %v (%.0f subjects/s)", n, time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds())
}

// lookupSQLite returns a SQLite store holding n subjects, reusing a filled
// file from the cache directory when there is one. The fill runs with
// synchronous=OFF (a benchmark fixture, not data anyone keeps); the store is
// then reopened with the product's settings.
func lookupSQLite(tb testing.TB, n int) (*sqlstore.DB, *keys.Ring) {
	tb.Helper()
	dir := tb.TempDir()
	if c := cacheDir(); c != "" {
		dir = filepath.Join(c, fmt.Sprintf("sqlite-%d", n))
	}
	ready := filepath.Join(dir, "ready")
	if _, err := os.Stat(ready); err != nil {
		os.RemoveAll(dir)
		ring, err := keys.Load(filepath.Join(dir, "keys"), true)
		if err != nil {
			tb.Fatal(err)
		}
		path := filepath.Join(dir, "kirjaamo.db")
		db, err := sqlite.Open(path, ring, sqlite.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			tb.Fatal(err)
		}
		db.Close()
		// The fill goes through the same sqlstore code, group commit
		// included, from 64 goroutines (so batches are large), on a writer
		// connection of its own with synchronous=OFF and a 1 GB page cache:
		// random blind-index inserts into a B-tree larger than SQLite's
		// default 2 MB cache otherwise slow the fill down several times
		// over as it grows. The benchmark itself runs on the product's
		// settings (sqlite.Open).
		w, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"+
			"&_pragma=synchronous(OFF)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-1000000)&_txlock=immediate")
		if err != nil {
			tb.Fatal(err)
		}
		w.SetMaxOpenConns(1)
		db = sqlstore.New(w, w, sqlstore.Dialect{Name: "sqlite", PrepareCached: true, GroupCommit: true}, ring)
		fill(tb, db, n, 64)
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(ready, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
	} else {
		tb.Logf("reusing %s", dir)
	}
	ring, err := keys.Load(filepath.Join(dir, "keys"), false)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "kirjaamo.db"), ring, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// A fixture kept from an earlier run may predate a migration.
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db, ring
}

// lookupPostgres returns a PostgreSQL store holding n subjects.
//
// With the cache on, the subjects are those of the SQLite fixture (filled
// through Store.CreateSubject, see lookupSQLite), copied row for row —
// sealed data and blind indexes exactly as the store wrote them, under the
// same keys — into a schema kirjaamo_bench_<n> of the test database with
// COPY, and kept there between runs. Filling PostgreSQL through the store
// itself runs at a few hundred subjects a second on this machine (every
// write takes the audit chain's head row lock), which would make a million
// take the better part of an hour; the lookup's cost depends on the subject
// and key tables, not on how the rows got there. The fill's audit events
// are not copied.
//
// With the cache off, the subjects are written through Store.CreateSubject
// into a fresh schema dropped at the end.
func lookupPostgres(tb testing.TB, n int) (*sqlstore.DB, *keys.Ring) {
	tb.Helper()
	base := storetest.PostgresURL()
	if base == "" {
		tb.Skip("KIRJAAMO_TEST_POSTGRES_URL not set")
	}
	c := cacheDir()
	if c == "" {
		u := storetest.SchemaURL(tb) // dropped at the end
		ring := keys.Generate()
		db, err := postgres.Open(u+"&synchronous_commit=off", ring, clients)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			tb.Fatal(err)
		}
		fill(tb, db, n, 8)
		db.Close()
		return openPostgres(tb, u, ring), ring
	}
	dir := filepath.Join(c, fmt.Sprintf("pg-%d", n))
	schema := fmt.Sprintf("kirjaamo_bench_%d", n)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	ready := filepath.Join(dir, "ready")
	ringDir := filepath.Join(c, fmt.Sprintf("sqlite-%d", n), "keys")
	ok := false
	if _, err := os.Stat(ready); err == nil {
		// The marker says copied; the database and the keys must agree
		// (either may have been recreated since).
		var count int
		_, kerr := keys.Load(ringDir, false)
		ok = kerr == nil && admin.QueryRow("SELECT COUNT(*) FROM "+schema+".subjects").Scan(&count) == nil && count >= n
	}
	if !ok {
		os.RemoveAll(dir)
		src, ring := lookupSQLite(tb, n)
		if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); err != nil {
			tb.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			tb.Fatal(err)
		}
		dst := openPostgres(tb, u.String(), ring)
		start := time.Now()
		copyTable(tb, src, dst, schema, "subjects", subjectCols)
		copyTable(tb, src, dst, schema, "subject_keys", []string{"kind", "bidx", "subject_id", "uniq"})
		if _, err := admin.Exec("ANALYZE " + schema + ".subject_keys; ANALYZE " + schema + ".subjects"); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("copied %d subjects from the SQLite fixture in %v", n, time.Since(start).Round(time.Millisecond))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(ready, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		return dst, ring
	}
	tb.Logf("reusing schema %s", schema)
	ring, err := keys.Load(ringDir, false)
	if err != nil {
		tb.Fatal(err)
	}
	return openPostgres(tb, u.String(), ring), ring
}

var subjectCols = []string{"id", "kind", "register", "data", "restricted", "relationship_ended_at", "last_activity_at", "created_at", "updated_at", "version"}

// copyTable streams a table's rows from the SQLite store into the
// PostgreSQL one with COPY.
func copyTable(tb testing.TB, src, dst *sqlstore.DB, schema, table string, cols []string) {
	tb.Helper()
	ctx := context.Background()
	rows, err := src.Writer().QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	conn, err := dst.Writer().Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	rs := &rowSource{rows: rows, vals: make([]any, len(cols)), ptrs: make([]any, len(cols))}
	for i := range rs.vals {
		rs.ptrs[i] = &rs.vals[i]
	}
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{schema, table}, cols, rs)
		return err
	})
	if err != nil {
		tb.Fatalf("copy %s: %v", table, err)
	}
}

// rowSource feeds database/sql rows to pgx's CopyFrom.
type rowSource struct {
	rows       *sql.Rows
	vals, ptrs []any
	err        error
}

func (s *rowSource) Next() bool {
	if !s.rows.Next() {
		return false
	}
	if err := s.rows.Scan(s.ptrs...); err != nil {
		s.err = err
		return false
	}
	return true
}

func (s *rowSource) Values() ([]any, error) { return append([]any(nil), s.vals...), nil }

func (s *rowSource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

func openPostgres(tb testing.TB, u string, ring *keys.Ring) *sqlstore.DB {
	tb.Helper()
	db, err := postgres.Open(u, ring, clients)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// BenchmarkLookupByIdentityCode: Service.SearchSubjects with an identity
// code — the search guard, one blind-index probe, decrypting the one
// match and the audited search event in the same transaction — at a
// database of KIRJAAMO_BENCH_SUBJECTS subjects (default 10,000), looking up
// uniformly random subjects. Seed 002 requires a stated purpose to read the
// customer register; the agent's Access carries one.
func BenchmarkLookupByIdentityCode(b *testing.B) {
	n := benchSubjects(b)
	opens := []struct {
		name string
		open func(testing.TB, int) (*sqlstore.DB, *keys.Ring)
	}{{"SQLite", lookupSQLite}}
	if storetest.PostgresURL() != "" {
		opens = append(opens, struct {
			name string
			open func(testing.TB, int) (*sqlstore.DB, *keys.Ring)
		}{"PostgreSQL", lookupPostgres})
	}
	for _, o := range opens {
		b.Run(o.name, func(b *testing.B) {
			db, ring := o.open(b, n)
			e := newEnv(b, db, ring)
			lookup := func(r *rand.Rand) error {
				found, err := e.svc.SearchSubjects(e.ctx, &kirjaamo.SubjectQuery{IdentityCode: identityCode(r.IntN(n))})
				if err != nil {
					return err
				}
				if len(found) != 1 {
					return fmt.Errorf("got %d subjects, want 1", len(found))
				}
				return nil
			}
			b.Run(fmt.Sprintf("N=%d/Sequential", n), func(b *testing.B) {
				var lat latencies
				r := rand.New(rand.NewPCG(1, 2))
				d := make([]time.Duration, 0, 1024)
				for b.Loop() {
					t0 := time.Now()
					if err := lookup(r); err != nil {
						b.Fatal(err)
					}
					d = append(d, time.Since(t0))
				}
				lat.add(d)
				lat.report(b)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
			})
			b.Run(fmt.Sprintf("N=%d/Parallel16", n), func(b *testing.B) {
				var lat latencies
				var seed atomic.Uint64
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					r := rand.New(rand.NewPCG(seed.Add(1), 3))
					d := make([]time.Duration, 0, 1024)
					for pb.Next() {
						t0 := time.Now()
						if err := lookup(r); err != nil {
							b.Error(err)
							return
						}
						d = append(d, time.Since(t0))
					}
					lat.add(d)
				})
				lat.report(b)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
			})
		})
	}
}

// TestIdentityCodes checks the lookup fixture's generator: every code is
// valid and the codes of different subjects differ (cheap: no database).
func TestIdentityCodes(t *testing.T) {
	seen := map[string]int{}
	for _, i := range []int{0, 1, codeDays - 1, codeDays, 100 * codeDays, 999_999, maxSubjects - 1} {
		code := identityCode(i)
		if _, _, err := kirjaamo.ParseIdentityCode(code); err != nil {
			t.Fatalf("subject %d: %v", i, err)
		}
		if j, ok := seen[code]; ok {
			t.Fatalf("subjects %d and %d have the same code", j, i)
		}
		seen[code] = i
	}
	for i := range 50_000 {
		code := identityCode(i * 37)
		if j, ok := seen[code]; ok && j != i*37 {
			t.Fatalf("subjects %d and %d have the same code", j, i*37)
		}
		seen[code] = i * 37
	}
}
