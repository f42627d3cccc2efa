// Package sqlstore implements kirjaamo.Store once, in SQL common to SQLite
// and PostgreSQL, over database/sql. The packages sqlite and postgres open a
// connection with the right settings and hand it here with their Dialect:
// placeholder style, row locking, migrations and error translation are the
// only things that differ. Writing the SQL once is what keeps the two
// backends behaving the same; the conformance suite (storetest) checks it.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
)

// Dialect describes what differs between the databases.
type Dialect struct {
	Name string
	// Dollar placeholders ($1, $2…) instead of ?.
	Dollar bool
	// ForUpdate is appended to the chain-head read so that concurrent
	// writers (several PostgreSQL connections or processes) serialise on the
	// head row. SQLite has one writer connection and needs nothing.
	ForUpdate string
	// PrepareCached uses prepared statements cached per query. SQLite has
	// one writer connection, so they are prepared once; pgx caches
	// statements per connection on its own.
	PrepareCached bool
	// Migrations holds NNNN_name.sql files applied in order.
	Migrations fs.FS
	// MigrateLock and MigrateUnlock bracket migrations so that several
	// processes starting at once do not race (PostgreSQL advisory lock).
	MigrateLock, MigrateUnlock string
	// GroupCommit runs write transactions through one writer goroutine that
	// commits queued writes together (see group.go). For SQLite, whose
	// writes are serial anyway.
	GroupCommit bool
	// Checkpoint, when set, is a connection pool on which WAL checkpoints
	// run in the background every CheckpointEvery.
	Checkpoint      *sql.DB
	CheckpointEvery time.Duration
	// TryLock and Unlock take and release a cluster-wide lock by an int64
	// key (PostgreSQL: pg_try_advisory_lock); empty where one process
	// owns the database.
	TryLock, Unlock string
	// SweepBatch is the number of parts one sweep transaction deletes by
	// default. On SQLite a concurrent request waits for the sweep's
	// transaction, so batches are small (250 keeps its p99 under 50 ms);
	// on PostgreSQL readers do not wait, and larger batches pay the commit
	// less often (2000: 4× the throughput of 250, reader p99 lower too).
	SweepBatch int
	// AfterSweep runs after a sweep deleted something (SQLite: give the
	// freed pages back to the file system with incremental_vacuum).
	AfterSweep string
	// Translate maps a driver error to a *kirjaamo.Error where it has a
	// meaning for the caller (unique or foreign-key violation), or returns
	// it unchanged.
	Translate func(error) error
}

// DB is a Store over a database/sql connection.
type DB struct {
	w, r       *sql.DB // writer and reader pools (the same pool on PostgreSQL)
	d          Dialect
	keys       *keys.Ring
	dkMu       sync.Mutex
	dk         *keys.DataKeys // loaded on first use (keyring.go)
	mu         sync.Mutex
	stmts      map[string]*sql.Stmt
	pending    map[string]bool
	rstmts     map[string]*sql.Stmt
	qs         sync.Map // query → rebound query
	g          *groupCommit
	ck         *sql.DB
	blobs      BlobDeleter
	ledgerFile string
	// auditObserver, if set, is told the duration of each audit append.
	auditObserver func(time.Duration)
}

var _ kirjaamo.Store = (*DB)(nil)

// New returns a store. w is used for every transaction that writes (and on
// SQLite it must be a pool of one connection); r for plain reads.
func New(w, r *sql.DB, d Dialect, k *keys.Ring) *DB {
	if d.Translate == nil {
		d.Translate = func(err error) error { return err }
	}
	db := &DB{w: w, r: r, d: d, keys: k, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}, rstmts: map[string]*sql.Stmt{}, ck: d.Checkpoint}
	if d.GroupCommit {
		db.startGroupCommit()
		if db.ck != nil {
			db.g.wg.Add(1)
			go db.checkpointer(d.CheckpointEvery)
		}
	}
	return db
}

// Writer returns the writer pool (for tests and tools that need raw SQL).
func (db *DB) Writer() *sql.DB { return db.w }

// Dialect returns the store's dialect.
func (db *DB) Dialect() Dialect { return db.d }

// Close stops the writer, then closes the pools.
func (db *DB) Close() error {
	if db.g != nil {
		db.stopGroupCommit()
	}
	if db.ck != nil {
		db.ck.Close()
	}
	db.mu.Lock()
	for _, s := range db.stmts {
		s.Close()
	}
	for _, s := range db.rstmts {
		s.Close()
	}
	db.stmts = map[string]*sql.Stmt{}
	db.mu.Unlock()
	err := db.w.Close()
	if db.r != db.w {
		if rerr := db.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.w.PingContext(ctx) }

// q rebinds ? placeholders for the dialect, caching the result.
func (db *DB) q(query string) string {
	if !db.d.Dollar {
		return query
	}
	if v, ok := db.qs.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	db.qs.Store(query, out)
	return out
}

// tx wraps a transaction with the store's statement cache.
type tx struct {
	*sql.Tx
	db  *DB
	ctx context.Context
	// head, in a group-commit batch, is the audit chain head as the batch
	// has moved it: read once, written once before the commit (batched).
	head    *chainHead
	batched bool
}

type chainHead struct {
	seq  int64
	hash []byte
}

// stmt returns the cached prepared statement for query bound to the
// transaction, or nil the first time a query is seen: preparing needs a
// connection, and on SQLite the one writer connection is the transaction's,
// so the query is queued and prepared after the transaction ends.
func (t *tx) stmt(query string) *sql.Stmt {
	db := t.db
	db.mu.Lock()
	s, ok := db.stmts[query]
	if !ok {
		db.pending[query] = true
	}
	db.mu.Unlock()
	if !ok {
		return nil
	}
	return t.StmtContext(t.ctx, s)
}

// Statements returns the text of every statement run inside a transaction
// so far, as written (with ? placeholders), for tests that check their
// query plans. Only a dialect with PrepareCached (SQLite) records them;
// otherwise it is empty.
func (db *DB) Statements() []string {
	db.mu.Lock()
	defer db.mu.Unlock()
	out := make([]string, 0, len(db.stmts)+len(db.pending))
	for q := range db.stmts {
		out = append(out, q)
	}
	for q := range db.pending {
		out = append(out, q)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// prepare prepares the queries queued by stmt.
func (db *DB) prepare(ctx context.Context) {
	db.mu.Lock()
	var qs []string
	for q := range db.pending {
		qs = append(qs, q)
	}
	clear(db.pending)
	db.mu.Unlock()
	for _, q := range qs {
		s, err := db.w.PrepareContext(ctx, db.q(q))
		if err != nil {
			continue // the query keeps running unprepared
		}
		db.mu.Lock()
		if _, ok := db.stmts[q]; ok {
			s.Close()
		} else {
			db.stmts[q] = s
		}
		db.mu.Unlock()
	}
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	if t.db.d.PrepareCached {
		if s := t.stmt(query); s != nil {
			return s.ExecContext(t.ctx, args...)
		}
	}
	return t.ExecContext(t.ctx, t.db.q(query), args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	if t.db.d.PrepareCached {
		if s := t.stmt(query); s != nil {
			return s.QueryContext(t.ctx, args...)
		}
	}
	return t.QueryContext(t.ctx, t.db.q(query), args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if t.db.d.PrepareCached {
		if s := t.stmt(query); s != nil {
			return s.QueryRowContext(t.ctx, args...)
		}
	}
	return t.QueryRowContext(t.ctx, t.db.q(query), args...)
}

// write runs fn in a write transaction, committing when fn returns nil.
// Errors from fn are returned as they are; driver errors are translated.
func (db *DB) write(ctx context.Context, fn func(*tx) error) error {
	if db.g != nil {
		return db.submit(ctx, fn)
	}
	sqltx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.d.Translate(err)
	}
	t := &tx{Tx: sqltx, db: db, ctx: ctx}
	err = fn(t)
	if err != nil {
		sqltx.Rollback()
	} else {
		err = sqltx.Commit()
	}
	db.prepareQueued()
	return db.d.Translate(err)
}

// prepareQueued prepares queries first seen inside a transaction.
func (db *DB) prepareQueued() {
	if !db.d.PrepareCached {
		return
	}
	db.mu.Lock()
	n := len(db.pending)
	db.mu.Unlock()
	if n > 0 {
		db.prepare(context.Background())
	}
}

// errDenied carries an authorisation error out of a transaction whose audit
// event must still be committed.
type errDenied struct{ err error }

func (e errDenied) Error() string { return e.err.Error() }

// audited runs fn in a write transaction and then appends the event fn
// returns. When fn returns an audit event together with errDenied, the
// event is committed and the wrapped error returned; with any other error
// everything is rolled back.
func (db *DB) audited(ctx context.Context, fn func(*tx) (*kirjaamo.AuditEvent, error)) error {
	var denied error
	err := db.write(ctx, func(t *tx) error {
		ev, err := fn(t)
		var d errDenied
		switch {
		case errors.As(err, &d) && ev != nil:
			denied = d.err
		case errors.As(err, &d):
			return d.err // refused before any access: nothing to audit, roll back
		case err != nil:
			return err
		}
		if ev == nil {
			return fmt.Errorf("sqlstore: no audit event for an access to personal data")
		}
		return t.appendAudit(ev)
	})
	if err != nil {
		return err
	}
	return denied
}

// authorize calls auth and sorts its result for audited.
func authorize[T any](auth kirjaamo.Authorize[T], v T) (*kirjaamo.AuditEvent, error) {
	ev, err := auth(v)
	if err != nil {
		if ev == nil {
			return nil, err
		}
		return ev, errDenied{err}
	}
	return ev, nil
}

// Time columns are integer microseconds since the Unix epoch in both
// databases: the same SQL, the same precision, and plain integer indexes.
func micros(t time.Time) int64 { return t.UnixMicro() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

func joinIDs(ids []string) string { return strings.Join(ids, " ") }

func splitIDs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

func sortedUnique(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	j := 0
	for i, id := range out {
		if i == 0 || id != out[j-1] {
			out[j] = id
			j++
		}
	}
	return out[:j]
}
