package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

var sweepBench = storetest.SweepBench{
	Open: storetest.OpenPostgres,
	Populate: func(db *sqlstore.DB, n int, base time.Time) error {
		expired, live := base.AddDate(0, 0, -1).UnixMicro(), base.AddDate(1, 0, 0).UnixMicro()
		w := db.Writer()
		for _, stmt := range []string{
			fmt.Sprintf(`INSERT INTO contacts (id, kind, register, created_at, created_by, meta, content)
				SELECT 'c' || lpad(x::text, 25, '0'), 'chat', 'chats', %d, 'bench', decode(md5(x::text) || md5(x::text), 'hex'), decode(repeat(md5(x::text), 12), 'hex')
				FROM generate_series(0, %d) x`, base.UnixMicro(), n-1),
			fmt.Sprintf(`INSERT INTO retention_parts (record_id, part, record_kind, register, rule, expires_at)
				SELECT 'c' || lpad(x::text, 25, '0'), p.part, 'contact', 'chats', '180d from contact_end', CASE x %% 2 WHEN 1 THEN %d ELSE %d END
				FROM generate_series(0, %d) x, (VALUES ('metadata'), ('content')) p(part)`, expired, live, n-1),
			"ANALYZE",
		} {
			if _, err := w.Exec(stmt); err != nil {
				return err
			}
		}
		return nil
	},
	Explain: "EXPLAIN SELECT record_id, part, record_kind, register, rule, expires_at FROM retention_parts WHERE held = 0 AND expires_at <= $1 ORDER BY expires_at LIMIT 250",
}

// KIRJAAMO_TEST_POSTGRES_URL=… go test -run '^$' -bench Sweep -benchtime=1x ./postgres
func BenchmarkSweep100k(b *testing.B) { storetest.BenchmarkSweep(b, sweepBench, 100_000) }
func BenchmarkSweep1M(b *testing.B)   { storetest.BenchmarkSweep(b, sweepBench, 1_000_000) }
