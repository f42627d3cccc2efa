package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

const requestColumns = `id, type, subject_id, channel, received_at, due_at, extended_months, extension_reason, assignee, state, decision, decision_reason, verification, created_by, updated_at`

func requestArgs(r *kirjaamo.Request) []any {
	var v string
	if r.Verification != nil {
		b, _ := json.Marshal(r.Verification)
		v = string(b)
	}
	return []any{r.ID, r.Type, nullString(r.SubjectID), r.Channel, micros(r.ReceivedAt), micros(r.DueAt), r.ExtendedMonths, r.ExtensionReason,
		r.Assignee, r.State, r.Decision, r.DecisionReason, v, r.CreatedBy, micros(r.UpdatedAt)}
}

func scanRequest(row scanner) (*kirjaamo.Request, error) {
	var r kirjaamo.Request
	var subj sql.NullString
	var received, due, updated int64
	var v string
	if err := row.Scan(&r.ID, &r.Type, &subj, &r.Channel, &received, &due, &r.ExtendedMonths, &r.ExtensionReason, &r.Assignee,
		&r.State, &r.Decision, &r.DecisionReason, &v, &r.CreatedBy, &updated); err != nil {
		return nil, err
	}
	r.SubjectID, r.ReceivedAt, r.DueAt, r.UpdatedAt = subj.String, fromMicros(received), fromMicros(due), fromMicros(updated)
	if v != "" {
		r.Verification = &kirjaamo.Verification{}
		if err := json.Unmarshal([]byte(v), r.Verification); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// CreateRequest stores a new request with its audit event.
func (db *DB) CreateRequest(ctx context.Context, r *kirjaamo.Request, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO requests (`+requestColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, requestArgs(r)...); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

// UpdateRequest changes a request in one audited transaction.
func (db *DB) UpdateRequest(ctx context.Context, id string, update func(*kirjaamo.Request) (*kirjaamo.AuditEvent, error)) (*kirjaamo.Request, error) {
	var r *kirjaamo.Request
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		r, err = scanRequest(t.queryRow(`SELECT `+requestColumns+` FROM requests WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "request not found")
		} else if err != nil {
			return nil, err
		}
		ev, err := update(r)
		if err != nil {
			return ev, errDenied{err}
		}
		if _, err := t.exec(`DELETE FROM requests WHERE id = ?`, id); err != nil {
			return nil, err
		}
		_, err = t.exec(`INSERT INTO requests (`+requestColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, requestArgs(r)...)
		return ev, err
	})
	if err != nil {
		return nil, err // audited has already unwrapped a denial
	}
	return r, nil
}

// Request loads one request.
func (db *DB) Request(ctx context.Context, id string) (*kirjaamo.Request, error) {
	r, err := scanRequest(db.r.QueryRowContext(ctx, db.q(`SELECT `+requestColumns+` FROM requests WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "request not found")
	}
	return r, err
}

// Requests lists requests: open ones by deadline (overdue first), or all.
func (db *DB) Requests(ctx context.Context, open bool) ([]*kirjaamo.Request, error) {
	q := `SELECT ` + requestColumns + ` FROM requests`
	if open {
		q += ` WHERE state NOT IN ('decided', 'closed')`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY CASE WHEN state IN ('decided', 'closed') THEN 1 ELSE 0 END, due_at, id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RequestBacklog counts open requests and those of them past their deadline
// at now: one query on the (state, due_at) index, cheap enough for every
// metrics scrape.
func (db *DB) RequestBacklog(ctx context.Context, now time.Time) (open, overdue int, err error) {
	var late sql.NullInt64
	err = db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*), SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) FROM requests
		WHERE state NOT IN ('decided', 'closed')`), micros(now)).Scan(&open, &late)
	return open, int(late.Int64), err
}
