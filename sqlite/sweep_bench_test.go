package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

var sweepBench = storetest.SweepBench{
	Open: storetest.OpenSQLite,
	Populate: func(db *sqlstore.DB, n int, base time.Time) error {
		expired, live := base.AddDate(0, 0, -1).UnixMicro(), base.AddDate(1, 0, 0).UnixMicro()
		w := db.Writer()
		for _, q := range []string{
			`WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM seq WHERE x < %d)
			 INSERT INTO contacts (id, kind, register, created_at, created_by, meta, content)
			 SELECT printf('c%%025d', x), 'chat', 'chats', %d, 'bench', randomblob(120), randomblob(400) FROM seq`,
			`WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM seq WHERE x < %d)
			 INSERT INTO retention_parts (record_id, part, record_kind, register, rule, expires_at)
			 SELECT printf('c%%025d', x), p.part, 'contact', 'chats', '180d from contact_end', CASE x %% 2 WHEN 1 THEN %d ELSE %d END
			 FROM seq, (SELECT 'metadata' AS part UNION ALL SELECT 'content') p`,
		} {
			var stmt string
			if len(q) > 0 && q[len(q)-3:] == "seq" {
				stmt = fmt.Sprintf(q, n-1, base.UnixMicro())
			} else {
				stmt = fmt.Sprintf(q, n-1, expired, live)
			}
			if _, err := w.Exec(stmt); err != nil {
				return err
			}
		}
		_, err := w.Exec("ANALYZE")
		return err
	},
	Explain: "EXPLAIN QUERY PLAN SELECT record_id, part, record_kind, register, rule, expires_at FROM retention_parts WHERE held = 0 AND expires_at <= ? ORDER BY expires_at LIMIT 1000",
}

// go test -run '^$' -bench Sweep -benchtime=1x ./sqlite
func BenchmarkSweep100k(b *testing.B) { storetest.BenchmarkSweep(b, sweepBench, 100_000) }
func BenchmarkSweep1M(b *testing.B)   { storetest.BenchmarkSweep(b, sweepBench, 1_000_000) }
