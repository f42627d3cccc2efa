package sqlstore

import (
	"context"
	"database/sql"
	"hash/fnv"
	"time"
)

// lockKey maps a lock name to the int64 key of a PostgreSQL advisory lock.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("kirjaamo:" + name))
	return int64(h.Sum64() >> 1)
}

// TryLock takes a named lock that at most one process sharing the database
// holds. On PostgreSQL it is a session advisory lock on a connection of its
// own, so it is released when the holder releases it or dies (the server
// closes the session) and another server takes the work over. On SQLite,
// whose writes are serialised by the database file, it always succeeds:
// the work it guards (sweeping) is idempotent.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	l, ok, err := db.TryLease(ctx, name)
	if err != nil || !ok {
		return nil, false, err
	}
	return l.Release, true, nil
}

// Lease is a named lock held for as long as its holder lives: a PostgreSQL
// session advisory lock on a connection set aside for it. The database
// frees it when that session ends — the holder released it, its process
// died (the kernel closes the socket and the backend exits at once), or
// the database restarted — so a server waiting for it takes it over.
//
// A holder must call Check regularly: the lock can be lost without the
// holder doing anything (a database restart), and only a round trip on the
// lease's own session tells.
type Lease struct {
	db   *DB
	conn *sql.Conn // nil where one process owns the database (SQLite)
	key  int64
}

// TryLease takes the lease called name if no other session holds it. ok is
// false, with a nil error, when another holds it. On SQLite it always
// succeeds: one process owns the database file.
func (db *DB) TryLease(ctx context.Context, name string) (l *Lease, ok bool, err error) {
	if db.d.TryLock == "" {
		return &Lease{db: db}, true, nil
	}
	key := lockKey(name)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, db.q(db.d.TryLock), key).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return &Lease{db: db, conn: conn, key: key}, true, nil
}

// Check returns nil while the lease is still held: its session answers.
// A session advisory lock lasts as long as the session, so a session that
// answers still holds it.
func (l *Lease) Check(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	var one int
	return l.conn.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Release gives the lease up. It is safe to call on a lease already lost.
func (l *Lease) Release() {
	if l.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l.conn.ExecContext(ctx, l.db.q(l.db.d.Unlock), l.key)
	// A connection whose session died is discarded by database/sql on
	// Close (the driver reports it bad), never returned to the pool.
	l.conn.Close()
	l.conn = nil
}
