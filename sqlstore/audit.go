package sqlstore

import (
	"context"
	"database/sql"
	"iter"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// appendAudit links events to the chain head and writes them. Reading the
// head FOR UPDATE (PostgreSQL) serialises concurrent writers across every
// connection and process on the head row, so the chain stays one chain; the
// head is read as late as possible in the transaction to keep that lock
// short.
//
// In a group-commit batch (SQLite, one writer) the head is read once per
// batch and kept in the transaction; the batch writes it back once before
// its commit, and a job rolled back to its savepoint restores it.
func (t *tx) appendAudit(evs ...*kirjaamo.AuditEvent) error {
	if obs := t.db.auditObserver; obs != nil {
		defer func(start time.Time) { obs(time.Since(start)) }(time.Now())
	}
	if t.head == nil {
		var h chainHead
		if err := t.queryRow("SELECT seq, hash FROM audit_head WHERE id = 1"+t.db.d.ForUpdate).Scan(&h.seq, &h.hash); err != nil {
			return err
		}
		t.head = &h
	}
	seq, hash := t.head.seq, t.head.hash
	key := t.db.keys.AuditKey()
	for _, ev := range evs {
		ev.Link(key, seq, hash)
		if _, err := t.exec(`INSERT INTO audit_events
			(seq, at, actor, role, action, outcome, register, record_ids, subject_ids, purpose, request_id, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.Seq, micros(ev.At), ev.Actor, ev.Role, ev.Action, ev.Outcome, ev.Register,
			joinIDs(ev.RecordIDs), joinIDs(ev.SubjectIDs), ev.Purpose, ev.RequestID, ev.Detail,
			nonNil(ev.PrevHash), ev.Hash); err != nil {
			return err
		}
		for _, sid := range sortedUnique(ev.SubjectIDs) {
			if _, err := t.exec(`INSERT INTO audit_subjects (subject_id, seq) VALUES (?, ?)`, sid, ev.Seq); err != nil {
				return err
			}
		}
		seq, hash = ev.Seq, ev.Hash
	}
	t.head.seq, t.head.hash = seq, hash
	if t.batched {
		return nil // written once by the batch (flushHead)
	}
	return t.flushHead()
}

// flushHead writes the chain head with its MAC.
func (t *tx) flushHead() error {
	if t.head == nil {
		return nil
	}
	_, err := t.exec(`UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1`,
		t.head.seq, t.head.hash, kirjaamo.HeadMAC(t.db.keys.AuditKey(), t.head.seq, t.head.hash))
	return err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// SetAuditObserver gives the store a function told how long each audit
// append took, inside its transaction (metrics).
func (db *DB) SetAuditObserver(f func(time.Duration)) { db.auditObserver = f }

// AppendAudit writes one event in its own transaction.
func (db *DB) AppendAudit(ctx context.Context, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error { return t.appendAudit(ev) })
}

const auditColumns = `e.seq, e.at, e.actor, e.role, e.action, e.outcome, e.register, e.record_ids, e.subject_ids, e.purpose, e.request_id, e.detail, e.prev_hash, e.hash`

func scanEvent(rows *sql.Rows) (*kirjaamo.AuditEvent, error) {
	var e kirjaamo.AuditEvent
	var at int64
	var records, subjects string
	if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.Outcome, &e.Register,
		&records, &subjects, &e.Purpose, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = fromMicros(at)
	e.RecordIDs, e.SubjectIDs = splitIDs(records), splitIDs(subjects)
	return &e, nil
}

// AuditEvents lists events matching f and audits the listing with ev.
func (db *DB) AuditEvents(ctx context.Context, f kirjaamo.AuditFilter, ev *kirjaamo.AuditEvent) ([]*kirjaamo.AuditEvent, error) {
	var where []string
	var args []any
	from := "audit_events e"
	if f.SubjectID != "" {
		// The per-subject index answers "who looked at this person"
		// without scanning the log (the consultation log of CJEU C-579/21).
		from = "audit_subjects s JOIN audit_events e ON e.seq = s.seq"
		where, args = append(where, "s.subject_id = ?"), append(args, f.SubjectID)
	}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.Actor != "" {
		add("e.actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("e.action = ?", f.Action)
	}
	if f.Register != "" {
		add("e.register = ?", f.Register)
	}
	if f.RecordID != "" {
		add("(' ' || e.record_ids || ' ') LIKE ?", "% "+f.RecordID+" %")
	}
	if !f.Since.IsZero() {
		add("e.at >= ?", micros(f.Since))
	}
	if !f.Until.IsZero() {
		add("e.at < ?", micros(f.Until))
	}
	if f.AfterSeq > 0 {
		add("e.seq > ?", f.AfterSeq)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	query := "SELECT " + auditColumns + " FROM " + from
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY e.seq LIMIT ?"
	args = append(args, limit)

	var out []*kirjaamo.AuditEvent
	err := db.write(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, db.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
	return out, err
}

// AuditChain returns the head and an iterator over the whole log in
// sequence order, read in pages so memory stays flat for any log size.
func (db *DB) AuditChain(ctx context.Context) (kirjaamo.AuditHead, iter.Seq2[*kirjaamo.AuditEvent, error], error) {
	var h kirjaamo.AuditHead
	if err := db.r.QueryRowContext(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash, &h.MAC); err != nil {
		return h, nil, err
	}
	const page = 5000
	seq := func(yield func(*kirjaamo.AuditEvent, error) bool) {
		var after int64 = -1 << 62
		for {
			rows, err := db.r.QueryContext(ctx, db.q("SELECT "+auditColumns+" FROM audit_events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?"), after, page)
			if err != nil {
				yield(nil, err)
				return
			}
			n := 0
			for rows.Next() {
				e, err := scanEvent(rows)
				if err != nil {
					rows.Close()
					yield(nil, err)
					return
				}
				n++
				after = e.Seq
				if !yield(e, nil) {
					rows.Close()
					return
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(nil, err)
				return
			}
			if n < page {
				return
			}
		}
	}
	return h, seq, nil
}
