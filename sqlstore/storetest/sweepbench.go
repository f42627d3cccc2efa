package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// SweepBench describes how a backend fills a store for the sweep benchmark:
// Populate inserts n contacts (ids c000…n) with a metadata and a content
// part each, odd ones expired at base−1 day and even ones due at base+1
// year, in set-based SQL, so a million rows take seconds, not an hour.
type SweepBench struct {
	Open     func(testing.TB, *keys.Ring) *sqlstore.DB
	Populate func(db *sqlstore.DB, n int, base time.Time) error
	Explain  string // EXPLAIN statement for the sweeper's due query, with one ? for now
}

// BenchmarkSweep sweeps a store of n contacts of which half are expired,
// and reports deleted parts per second, the cost per part, and the p99 of
// an audited read running beside the sweep. Run it with -benchtime=1x: a
// sweep is destructive, so each iteration fills a fresh store.
func BenchmarkSweep(b *testing.B, sb SweepBench, n int) {
	ctx := context.Background()
	base := time.Now().UTC()
	for b.Loop() {
		b.StopTimer()
		db := sb.Open(b, keys.Generate())
		if err := sb.Populate(db, n, base); err != nil {
			b.Fatal(err)
		}
		if sb.Explain != "" {
			rows, err := db.Writer().Query(sb.Explain, base.UnixMicro())
			if err == nil {
				var plan []string
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					rows.Scan(ptrs...)
					plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
				}
				rows.Close()
				b.Logf("query plan of the due query: %s", strings.Join(plan, " | "))
			}
		}
		// A reader keeps reading live contacts, stored sealed through the
		// store, along the audited path while the sweep runs.
		var live []string
		for range 200 {
			c := newContact(b, db, "chats")
			live = append(live, c.ID)
		}
		stop := make(chan struct{})
		var lat []time.Duration
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := live[rand.IntN(len(live))]
				t0 := time.Now()
				_, err := db.Contact(ctx, id, func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error) {
					return &kirjaamo.AuditEvent{At: time.Now(), Actor: "bench", Role: "agent", Action: "read", Outcome: "ok"}, nil
				})
				if err != nil && kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
					b.Error(err)
					return
				}
				lat = append(lat, time.Since(t0))
				time.Sleep(2 * time.Millisecond)
			}
		}()
		b.StartTimer()
		t0 := time.Now()
		batch := 0 // the dialect's default
		if v, _ := strconv.Atoi(os.Getenv("KIRJAAMO_BENCH_SWEEP_BATCH")); v > 0 {
			batch = v
		}
		res, err := db.Sweep(ctx, base, batch, false, func([]kirjaamo.DeletionLogEntry) *kirjaamo.AuditEvent {
			return &kirjaamo.AuditEvent{At: time.Now(), Actor: kirjaamo.SweeperActor, Role: "system", Action: "delete", Outcome: "ok"}
		})
		elapsed := time.Since(t0)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		if want := n / 2 * 2; res.Deleted != want {
			b.Fatalf("deleted %d parts, want %d", res.Deleted, want)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p99 := time.Duration(0)
		if len(lat) > 0 {
			p99 = lat[len(lat)*99/100]
		}
		b.ReportMetric(float64(res.Deleted)/elapsed.Seconds(), "parts/s")
		b.ReportMetric(float64(elapsed.Nanoseconds())/float64(res.Deleted), "ns/part")
		b.ReportMetric(float64(p99.Microseconds())/1000, "reader-p99-ms")
		b.ReportMetric(float64(len(lat)), "reads")
		db.Close()
		b.StartTimer()
	}
}
