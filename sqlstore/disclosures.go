package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

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
			if err := t.insertNotification(n); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) insertNotification(n *kirjaamo.Notification) error {
	_, err := t.exec(`INSERT INTO notifications (id, kind, subject_id, recipient, text, created_at, incident_id, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.Kind, n.SubjectID, n.Recipient, n.Text, micros(n.CreatedAt), nullString(n.IncidentID), n.Lang)
	return err
}

const notificationColumns = `id, kind, subject_id, recipient, text, created_at, sent_at, incident_id, lang`

func scanNotification(row scanner) (*kirjaamo.Notification, error) {
	var n kirjaamo.Notification
	var created int64
	var sent sql.NullInt64
	var incident sql.NullString
	if err := row.Scan(&n.ID, &n.Kind, &n.SubjectID, &n.Recipient, &n.Text, &created, &sent, &incident, &n.Lang); err != nil {
		return nil, err
	}
	n.CreatedAt, n.SentAt, n.IncidentID = fromMicros(created), fromNullMicros(sent), incident.String
	return &n, nil
}

func (db *DB) notifications(ctx context.Context, query string, args ...any) ([]*kirjaamo.Notification, error) {
	rows, err := db.r.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Notifications lists the outbox (pending only with pending).
func (db *DB) Notifications(ctx context.Context, pending bool) ([]*kirjaamo.Notification, error) {
	q := `SELECT ` + notificationColumns + ` FROM notifications`
	if pending {
		q += ` WHERE sent_at IS NULL`
	}
	return db.notifications(ctx, q+` ORDER BY created_at, id LIMIT 1000`)
}

// LinkIncidentSubjects links subjects to an incident (once each) and
// counts the links.
func (db *DB) LinkIncidentSubjects(ctx context.Context, incidentID string, subjectIDs []string, ev *kirjaamo.AuditEvent) (int, error) {
	var n int
	err := db.write(ctx, func(t *tx) error {
		for _, id := range subjectIDs {
			var one int
			if err := t.queryRow(`SELECT 1 FROM subjects WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "subject_ids", Message: "subject not found"}
			} else if err != nil {
				return err
			}
			if err := t.queryRow(`SELECT 1 FROM incident_subjects WHERE incident_id = ? AND subject_id = ?`, incidentID, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				if _, err := t.exec(`INSERT INTO incident_subjects (incident_id, subject_id) VALUES (?, ?)`, incidentID, id); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		if err := t.queryRow(`SELECT COUNT(*) FROM incident_subjects WHERE incident_id = ?`, incidentID).Scan(&n); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
	return n, err
}

// IncidentSubjects lists the subjects linked to an incident.
func (db *DB) IncidentSubjects(ctx context.Context, incidentID string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT subject_id FROM incident_subjects WHERE incident_id = ? ORDER BY subject_id`), incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SubjectIncidents lists the incidents a subject is linked to, through the
// link table's subject index.
func (db *DB) SubjectIncidents(ctx context.Context, subjectID string) ([]*kirjaamo.Incident, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT i.data FROM incident_subjects l JOIN incidents i ON i.id = l.incident_id
		WHERE l.subject_id = ? ORDER BY i.notify_by, i.id`), subjectID)
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

// CreateLetters queues an incident's letters and saves the incident.
func (db *DB) CreateLetters(ctx context.Context, i *kirjaamo.Incident, ns []*kirjaamo.Notification, ev *kirjaamo.AuditEvent) error {
	data, err := json.Marshal(i)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		for _, n := range ns {
			if err := t.insertNotification(n); err != nil {
				return err
			}
		}
		if err := t.saveIncident(i, data); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

// IncidentLetters lists an incident's letters, oldest first.
func (db *DB) IncidentLetters(ctx context.Context, incidentID string) ([]*kirjaamo.Notification, error) {
	return db.notifications(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE incident_id = ? ORDER BY created_at, id`, incidentID)
}

// MarkNotificationSent stamps a notification as sent.
func (db *DB) MarkNotificationSent(ctx context.Context, id string, at time.Time, ev *kirjaamo.AuditEvent) (*kirjaamo.Notification, error) {
	var n *kirjaamo.Notification
	err := db.write(ctx, func(t *tx) error {
		var err error
		n, err = scanNotification(t.queryRow(`SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return kirjaamo.Errorf(kirjaamo.ENOTFOUND, "notification not found")
		} else if err != nil {
			return err
		}
		if n.SentAt != nil {
			return kirjaamo.Errorf(kirjaamo.ECONFLICT, "the notification was already marked sent")
		}
		if _, err := t.exec(`UPDATE notifications SET sent_at = ? WHERE id = ?`, micros(at), id); err != nil {
			return err
		}
		n.SentAt = &at
		if len(ev.SubjectIDs) == 0 && n.SubjectID != "" {
			ev.SubjectIDs = []string{n.SubjectID}
		}
		return t.appendAudit(ev)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// SaveIncident inserts or replaces an incident with its audit event.
func (db *DB) SaveIncident(ctx context.Context, i *kirjaamo.Incident, ev *kirjaamo.AuditEvent) error {
	data, err := json.Marshal(i)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if err := t.saveIncident(i, data); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

// saveIncident updates the incident's row in place, or inserts it: a
// delete and insert would cascade to its affected subjects.
func (t *tx) saveIncident(i *kirjaamo.Incident, data []byte) error {
	res, err := t.exec(`UPDATE incidents SET data = ?, notify_by = ?, closed = ? WHERE id = ?`, string(data), micros(i.NotifyBy), boolInt(i.Closed), i.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = t.exec(`INSERT INTO incidents (id, data, notify_by, closed) VALUES (?, ?, ?, ?)`, i.ID, string(data), micros(i.NotifyBy), boolInt(i.Closed))
	return err
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
