package bench_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

const seed002 = "../examples/seed002-te-contact-centre.yaml"

// clients is the number of concurrent goroutines of the parallel variants,
// the same as the API load run's 16 clients.
const clients = 16

// backend opens a fresh, migrated store.
type backend struct {
	name string
	open func(testing.TB, *keys.Ring) *sqlstore.DB
}

// backends lists SQLite always and PostgreSQL when configured. The
// PostgreSQL store gets as many connections as there are clients, so the
// parallel variants measure the database rather than a pool queue.
func backends() []backend {
	out := []backend{{"SQLite", storetest.OpenSQLite}}
	if storetest.PostgresURL() != "" {
		out = append(out, backend{"PostgreSQL", func(tb testing.TB, ring *keys.Ring) *sqlstore.DB {
			db, err := postgres.Open(storetest.SchemaURL(tb), ring, clients)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				tb.Fatal(err)
			}
			return db
		}})
	}
	return out
}

// env is a store with the seed 002 policy, a service over it and an agent
// acting with a stated purpose.
type env struct {
	db    *sqlstore.DB
	ring  *keys.Ring
	pol   *policy.Policy
	svc   *kirjaamo.Service
	agent *kirjaamo.User
	ctx   context.Context // carries the agent's Access
}

func newEnv(tb testing.TB, db *sqlstore.DB, ring *keys.Ring) *env {
	tb.Helper()
	pol, err := policy.Load(seed002)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	agent := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: fmt.Sprintf("bench.agent.%d", time.Now().UnixNano()),
		Role: policy.RoleAgent, CreatedAt: time.Now()}
	if err := db.CreateUser(ctx, agent); err != nil {
		tb.Fatal(err)
	}
	return &env{
		db: db, ring: ring, pol: pol, agent: agent,
		svc: &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef},
		ctx: kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: agent, Purpose: "kuormitustesti", RequestID: "bench"}),
	}
}

// subjects creates n synthetic persons through the service and returns
// their ids, for contacts to link to.
func (e *env) subjects(tb testing.TB, n int, seed uint64) []string {
	tb.Helper()
	g := synth.New(seed)
	var ids []string
	for len(ids) < n {
		p := g.Person()
		if err := e.svc.CreateSubject(e.ctx, p); kirjaamo.ErrorCode(err) == kirjaamo.ECONFLICT {
			continue // a synthetic identifier drawn twice
		} else if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// parallelism is the SetParallelism argument giving about `clients`
// goroutines at the current GOMAXPROCS.
func parallelism() int {
	p := runtime.GOMAXPROCS(0)
	return max(1, (clients+p-1)/p)
}

// latencies collects per-operation durations from any number of
// goroutines and reports percentiles as custom benchmark metrics.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d...)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	pct := func(p float64) float64 {
		i := int(p * float64(len(l.d)-1))
		return float64(l.d[i].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-us")
	b.ReportMetric(pct(0.99), "p99-us")
	b.ReportMetric(float64(l.d[len(l.d)-1].Microseconds()), "max-us")
}
