package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/kirjaamo/kirjaamo"
)

// CreateDisclosure logs a disclosure with its audit event.
func (db *DB) CreateDisclosure(ctx context.Context, d *kirjaamo.Disclosure, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error {
		var one int
		if err := t.queryRow(`SELECT 1 FROM subjects WHERE id = ?`, d.SubjectID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "subject_id", Message: "subject not found"}
		} else if err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO disclosures (id, subject_id, recipient, legal_basis, categories, verification, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.SubjectID, d.Recipient, d.LegalBasis, strings.Join(d.Categories, "\n"), d.Verification, micros(d.At), d.By); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

// Disclosures lists a subject's disclosures, newest first.
func (db *DB) Disclosures(ctx context.Context, subjectID string) ([]*kirjaamo.Disclosure, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT id, subject_id, recipient, legal_basis, categories, verification, at, by_user FROM disclosures WHERE subject_id = ? ORDER BY at DESC, id DESC`), subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Disclosure{}
	for rows.Next() {
		var d kirjaamo.Disclosure
		var cats string
		var at int64
		if err := rows.Scan(&d.ID, &d.SubjectID, &d.Recipient, &d.LegalBasis, &cats, &d.Verification, &at, &d.By); err != nil {
			return nil, err
		}
		d.Categories, d.At = strings.Split(cats, "\n"), fromMicros(at)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// CreateNotifications queues notifications in the outbox.
func (db *DB) CreateNotifications(ctx context.Context, ns []*kirjaamo.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	return db.write(ctx, func(t *tx) error {
		for _, n := range ns {
			if _, err := t.exec(`INSERT INTO notifications (id, kind, subject_id, recipient, text, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				n.ID, n.Kind, n.SubjectID, n.Recipient, n.Text, micros(n.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Notifications lists the outbox (pending only with pending).
func (db *DB) Notifications(ctx context.Context, pending bool) ([]*kirjaamo.Notification, error) {
	q := `SELECT id, kind, subject_id, recipient, text, created_at, sent_at FROM notifications`
	if pending {
		q += ` WHERE sent_at IS NULL`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY created_at, id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Notification{}
	for rows.Next() {
		var n kirjaamo.Notification
		var created int64
		var sent sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Kind, &n.SubjectID, &n.Recipient, &n.Text, &created, &sent); err != nil {
			return nil, err
		}
		n.CreatedAt, n.SentAt = fromMicros(created), fromNullMicros(sent)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// SaveIncident inserts or replaces an incident with its audit event.
func (db *DB) SaveIncident(ctx context.Context, i *kirjaamo.Incident, ev *kirjaamo.AuditEvent) error {
	data, err := json.Marshal(i)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`DELETE FROM incidents WHERE id = ?`, i.ID); err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO incidents (id, data, notify_by, closed) VALUES (?, ?, ?, ?)`, i.ID, string(data), micros(i.NotifyBy), boolInt(i.Closed)); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

func scanIncident(row scanner) (*kirjaamo.Incident, error) {
	var data string
	if err := row.Scan(&data); err != nil {
		return nil, err
	}
	var i kirjaamo.Incident
	return &i, json.Unmarshal([]byte(data), &i)
}

// Incident loads one incident.
func (db *DB) Incident(ctx context.Context, id string) (*kirjaamo.Incident, error) {
	i, err := scanIncident(db.r.QueryRowContext(ctx, db.q(`SELECT data FROM incidents WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "incident not found")
	}
	return i, err
}

// Incidents lists incidents, open ones first by their deadline.
func (db *DB) Incidents(ctx context.Context) ([]*kirjaamo.Incident, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT data FROM incidents ORDER BY closed, notify_by LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Incident{}
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}
