// Package bench holds Kirjaamo's core benchmarks: audited contact writes,
// the cost of the audit append measured against the same writes without it,
// subject lookup by identity code at a database of N subjects, and
// discovery for a data-subject request among N subjects and M contacts, on
// SQLite and (when KIRJAAMO_TEST_POSTGRES_URL is set) PostgreSQL.
//
// They are benchmarks, not timed tests: nothing here fails on speed, and a
// plain `go test ./...` runs none of the heavy set-up. Run them with
//
//	go test -run '^$' -bench . ./bench
//
// Environment:
//
//	KIRJAAMO_TEST_POSTGRES_URL  run the PostgreSQL variants against this server
//	KIRJAAMO_BENCH_SUBJECTS     subjects in the lookup database (default 10000)
//	KIRJAAMO_BENCH_CACHE        directory keeping filled lookup databases between
//	                            runs (default $TMPDIR/kirjaamo-bench; "off" fills
//	                            a fresh one every run)
//	KIRJAAMO_BENCH_DISCOVERY    data sets of BenchmarkDiscovery, "subjects:contacts,…"
//	                            (default 10000:100000)
//	KIRJAAMO_BENCH_DISCOVERY_SQLITE_ONLY  skip PostgreSQL in BenchmarkDiscovery
//	KIRJAAMO_BENCH_DIR          where BenchmarkDiscovery's SQLite file goes (default
//	                            the test's temporary directory; deleted at the end)
//
// docs/benchmarks-core.md has the measured figures and how they were taken.
package bench
