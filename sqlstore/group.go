package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Group commit, for SQLite (one writer) and PostgreSQL (one chain head row
// every audited write locks until it commits).
//
// Every write transaction of the store becomes a job on a queue. One writer
// goroutine takes all jobs waiting, runs them in one database transaction,
// each inside its own SAVEPOINT so that a failing job is rolled back alone,
// commits once, and only then answers every job. A caller therefore still
// gets its answer only after its write is committed, but the fixed cost of a
// commit (WAL frames of the shared pages: the audit chain head, index roots)
// is paid once per batch instead of once per request. Under one client the
// batch is one job and nothing changes; under many, throughput rises with
// concurrency instead of queueing on the commit.

// maxBatch bounds one group commit, so one batch's latency stays short.
const maxBatch = 256

type job struct {
	ctx  context.Context
	fn   func(*tx) error
	done chan error
}

type groupCommit struct {
	jobs   chan *job
	quit   chan struct{}
	closed bool
	mu     sync.RWMutex
	wg     sync.WaitGroup
}

// ErrClosed is returned by writes to a closed store.
var ErrClosed = errors.New("sqlstore: store is closed")

func (db *DB) startGroupCommit() {
	db.g = &groupCommit{jobs: make(chan *job, 4*maxBatch), quit: make(chan struct{})}
	db.g.wg.Add(1)
	go db.writerLoop()
}

func (db *DB) stopGroupCommit() {
	g := db.g
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	close(g.quit)
	g.mu.Unlock()
	g.wg.Wait()
}

// submit queues fn and waits for its committed result.
func (db *DB) submit(ctx context.Context, fn func(*tx) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g := db.g
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	select {
	case g.jobs <- j:
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	g.mu.RUnlock()
	// Once queued, a job is answered even if ctx ends: its write may be
	// committed with the batch, and the caller must not be told otherwise.
	return <-j.done
}

func (db *DB) writerLoop() {
	g := db.g
	defer g.wg.Done()
	batch := make([]*job, 0, maxBatch)
	for {
		var first *job
		select {
		case first = <-g.jobs:
		case <-g.quit:
			// Answer whatever is still queued, then stop.
			for {
				select {
				case j := <-g.jobs:
					j.done <- ErrClosed
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		db.runBatch(batch)
	}
}

// runBatch runs jobs in one transaction. Statements run under a background
// context: cancelling one caller's context must not interrupt a statement
// of the shared transaction (SQLite would roll the whole transaction back).
// A job whose context has ended before it starts is skipped.
func (db *DB) runBatch(batch []*job) {
	ctx := context.Background()
	results := make([]error, len(batch))
	sqltx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		for _, j := range batch {
			j.done <- db.d.Translate(err)
		}
		return
	}
	t := &tx{Tx: sqltx, db: db, ctx: ctx, batched: true}
	// Where the head is locked (PostgreSQL), take it before any job runs:
	// every batch then writes alone, and batches of two servers cannot
	// deadlock on rows one locked before waiting for the other's head.
	if db.d.ForUpdate != "" {
		var h chainHead
		if err := t.queryRow("SELECT seq, hash FROM audit_head WHERE id = 1"+db.d.ForUpdate).Scan(&h.seq, &h.hash); err != nil {
			sqltx.Rollback()
			for _, j := range batch {
				j.done <- db.d.Translate(err)
			}
			return
		}
		t.head = &h
	}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := t.exec("SAVEPOINT job"); err != nil {
			results[i] = err
			continue
		}
		var saved *chainHead
		if t.head != nil {
			h := *t.head
			saved = &h
		}
		err := runJob(t, j.fn)
		if err != nil {
			t.head = saved // the job's audit events are rolled back with it
			if _, rerr := t.exec("ROLLBACK TO job"); rerr != nil {
				// The transaction is unusable: fail the whole batch.
				sqltx.Rollback()
				for _, j := range batch {
					j.done <- fmt.Errorf("sqlstore: rollback to savepoint: %w", rerr)
				}
				return
			}
		}
		if _, rerr := t.exec("RELEASE job"); rerr != nil && err == nil {
			// The job hid a failed statement (PostgreSQL aborts the
			// transaction): undo it alone so the rest of the batch and
			// the commit go on.
			err = rerr
			t.head = saved
			if _, rerr := t.exec("ROLLBACK TO job"); rerr == nil {
				t.exec("RELEASE job")
			}
		}
		results[i] = err
	}
	err = t.flushHead()
	if err == nil {
		err = sqltx.Commit()
	} else {
		sqltx.Rollback()
	}
	if err != nil {
		for _, j := range batch {
			j.done <- db.d.Translate(err)
		}
		return
	}
	db.prepareQueued()
	for i, j := range batch {
		j.done <- db.d.Translate(results[i])
	}
}

// runJob runs one job's function, turning a panic into an error so one bad
// job cannot take the writer down with the batch.
func runJob(t *tx, fn func(*tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: panic in write: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(t)
}

// checkpointer runs passive WAL checkpoints on their own connection, so the
// fsyncs of a checkpoint never stall the writer (the writer's automatic
// checkpoint is turned off in the DSN). A passive checkpoint copies what it
// can without blocking readers or the writer; the WAL is reused from its
// start once a checkpoint has caught up.
func (db *DB) checkpointer(every time.Duration) {
	defer db.g.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-db.g.quit:
			db.ck.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			return
		case <-t.C:
			db.ck.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
