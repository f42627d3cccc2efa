package sqlstore

import (
	"context"
	"hash/fnv"
)

// TryLock takes a named lock that at most one process sharing the database
// holds. On PostgreSQL it is a session advisory lock on a connection of its
// own, so it is released when the holder releases it or dies (the server
// closes the session) and another server takes the work over. On SQLite,
// whose writes are serialised by the database file, it always succeeds:
// the work it guards (sweeping) is idempotent.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	if db.d.TryLock == "" {
		return func() {}, true, nil
	}
	h := fnv.New64a()
	h.Write([]byte("kirjaamo:" + name))
	key := int64(h.Sum64() >> 1)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, db.q(db.d.TryLock), key).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		conn.ExecContext(context.Background(), db.q(db.d.Unlock), key)
		conn.Close()
	}, true, nil
}
