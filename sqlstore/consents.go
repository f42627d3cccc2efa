package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

const consentColumns = `id, subject_id, contact_id, purpose, channel, text_version, given_at, withdrawn_at, recorded_by`

func (t *tx) insertConsent(c *kirjaamo.Consent) error {
	_, err := t.exec(`INSERT INTO consents (`+consentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, nullString(c.SubjectID), nullString(c.ContactID), c.Purpose, c.Channel, c.TextVersion, micros(c.GivenAt), nullMicros(c.WithdrawnAt), c.RecordedBy)
	if kirjaamo.ErrorCode(t.db.d.Translate(err)) == kirjaamo.ENOTFOUND {
		return kirjaamo.Errorf(kirjaamo.ENOTFOUND, "the record the consent is about does not exist")
	}
	return err
}

func scanConsent(row scanner) (*kirjaamo.Consent, error) {
	var c kirjaamo.Consent
	var subj, contact sql.NullString
	var given int64
	var withdrawn sql.NullInt64
	if err := row.Scan(&c.ID, &subj, &contact, &c.Purpose, &c.Channel, &c.TextVersion, &given, &withdrawn, &c.RecordedBy); err != nil {
		return nil, err
	}
	c.SubjectID, c.ContactID, c.GivenAt, c.WithdrawnAt = subj.String, contact.String, fromMicros(given), fromNullMicros(withdrawn)
	return &c, nil
}

// CreateConsent stores a consent with its audit event.
func (db *DB) CreateConsent(ctx context.Context, c *kirjaamo.Consent, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error {
		if err := t.insertConsent(c); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

// WithdrawConsent marks a consent withdrawn and lets update change its
// contact's retention, in one audited transaction.
func (db *DB) WithdrawConsent(ctx context.Context, id string, at time.Time, update func(*kirjaamo.Consent, *kirjaamo.Contact) (*kirjaamo.AuditEvent, error)) (*kirjaamo.Consent, error) {
	var con *kirjaamo.Consent
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		con, err = scanConsent(t.queryRow(`SELECT `+consentColumns+` FROM consents WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "consent not found")
		} else if err != nil {
			return nil, err
		}
		if con.WithdrawnAt != nil {
			return nil, kirjaamo.Errorf(kirjaamo.ECONFLICT, "the consent was already withdrawn")
		}
		con.WithdrawnAt = &at
		if _, err := t.exec(`UPDATE consents SET withdrawn_at = ? WHERE id = ?`, micros(at), id); err != nil {
			return nil, err
		}
		var c *kirjaamo.Contact
		if con.ContactID != "" {
			if c, err = t.contact(con.ContactID); err != nil {
				return nil, err
			}
		}
		ev, err := update(con, c)
		if err != nil {
			return ev, errDenied{err}
		}
		if c != nil {
			if err := t.writeParts(c.ID, "contact", c.Register, c.Retention, 0, false); err != nil {
				return nil, err
			}
		}
		return ev, nil
	})
	if err != nil {
		return nil, err // audited has already unwrapped a denial
	}
	return con, nil
}

// Consents lists the consents about a subject and its contacts, newest first.
func (db *DB) Consents(ctx context.Context, subjectID string, ev *kirjaamo.AuditEvent) ([]*kirjaamo.Consent, error) {
	out := []*kirjaamo.Consent{}
	err := db.write(ctx, func(t *tx) error {
		out = out[:0]
		// A UNION, not "subject_id = ? OR contact_id IN (…)": PostgreSQL
		// cannot serve that OR from the two indexes and reads the whole
		// consents table (22 ms at 100,000 consents).
		rows, err := t.query(`SELECT `+consentColumns+` FROM consents WHERE subject_id = ?
			UNION SELECT `+consentColumns+` FROM consents WHERE contact_id IS NOT NULL AND contact_id IN (SELECT contact_id FROM contact_subjects WHERE subject_id = ?)
			ORDER BY given_at DESC, id DESC`, subjectID, subjectID)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanConsent(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
	return out, err
}
