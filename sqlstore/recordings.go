package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/kirjaamo/kirjaamo"
)

// BlobDeleter deletes blobs whose keys a sweep destroyed (blob.Store).
type BlobDeleter interface {
	Delete(ctx context.Context, key string) error
}

// SetBlobs gives the store the blob store whose blobs it deletes after their
// data keys are destroyed.
func (db *DB) SetBlobs(b BlobDeleter) { db.blobs = b }

func (t *tx) writeNotice(c *kirjaamo.Contact) error {
	if c.Notice == nil {
		return nil
	}
	if _, err := t.exec(`DELETE FROM recording_notices WHERE contact_id = ?`, c.ID); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO recording_notices (contact_id, method, at, announcement_version) VALUES (?, ?, ?, ?)`,
		c.ID, c.Notice.Method, micros(c.Notice.At), c.Notice.AnnouncementVersion)
	return err
}

func (t *tx) loadNotice(c *kirjaamo.Contact) error {
	var n kirjaamo.RecordingNotice
	var at int64
	err := t.queryRow(`SELECT method, at, announcement_version FROM recording_notices WHERE contact_id = ?`, c.ID).Scan(&n.Method, &at, &n.AnnouncementVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	n.At = fromMicros(at)
	c.Notice = &n
	return nil
}

// ContactInfo reads what an upload is checked against, without personal data.
func (db *DB) ContactInfo(ctx context.Context, id string) (*kirjaamo.ContactInfo, error) {
	var info kirjaamo.ContactInfo
	var rec sql.NullString
	var method, version sql.NullString
	var at sql.NullInt64
	err := db.r.QueryRowContext(ctx, db.q(`SELECT c.kind, c.register, c.recording, n.method, n.at, n.announcement_version
		FROM contacts c LEFT JOIN recording_notices n ON n.contact_id = c.id WHERE c.id = ?`), id).
		Scan(&info.Kind, &info.Register, &rec, &method, &at, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "contact not found")
	} else if err != nil {
		return nil, err
	}
	info.HasRecording = rec.Valid
	if method.Valid {
		info.Notice = &kirjaamo.RecordingNotice{Method: method.String, At: fromMicros(at.Int64), AnnouncementVersion: version.String}
	}
	return &info, nil
}

// AttachRecording stores a recording row for a contact in one audited
// transaction with the contact's new retention.
func (db *DB) AttachRecording(ctx context.Context, rec *kirjaamo.Recording, update func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error)) error {
	return db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		c, err := t.contact(rec.ContactID)
		if err != nil {
			return nil, err
		}
		if c.Recording != "" {
			return nil, kirjaamo.Errorf(kirjaamo.ECONFLICT, "the contact already has a recording")
		}
		ev, err := update(c)
		if err != nil {
			return ev, errDenied{err}
		}
		if _, err := t.exec(`INSERT INTO recordings (contact_id, blob_key, wrapped_key, size, sha256, content_type, started_at, uploaded_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.ContactID, rec.BlobKey, rec.WrappedKey, rec.Size, rec.SHA256, rec.ContentType,
			micros(rec.StartedAt), micros(rec.UploadedAt), rec.UploadedBy); err != nil {
			return nil, err
		}
		if _, err := t.exec(`UPDATE contacts SET recording = ? WHERE id = ?`, rec.BlobKey, c.ID); err != nil {
			return nil, err
		}
		return ev, t.writeParts(c.ID, "contact", c.Register, c.Retention, 0, false)
	})
}

// Recording loads a contact's recording row for playback.
func (db *DB) Recording(ctx context.Context, contactID string, auth kirjaamo.Authorize[*kirjaamo.Contact]) (*kirjaamo.Recording, error) {
	var rec kirjaamo.Recording
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		c, err := t.contact(contactID)
		if err != nil {
			return nil, err
		}
		if c.Recording == "" {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "the contact has no recording")
		}
		ev, err := authorize(auth, c)
		if err != nil {
			return ev, err
		}
		var started, uploaded int64
		if err := t.queryRow(`SELECT contact_id, blob_key, wrapped_key, size, sha256, content_type, started_at, uploaded_at, uploaded_by FROM recordings WHERE contact_id = ?`, contactID).
			Scan(&rec.ContactID, &rec.BlobKey, &rec.WrappedKey, &rec.Size, &rec.SHA256, &rec.ContentType, &started, &uploaded, &rec.UploadedBy); err != nil {
			return nil, err
		}
		rec.StartedAt, rec.UploadedAt = fromMicros(started), fromMicros(uploaded)
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// destroyBlobKeys deletes the rows of table (recordings, attachments) that
// belong to the given contacts, and so their wrapped data keys, and returns
// their blob keys, for deletion after the transaction commits.
func (t *tx) destroyBlobKeys(table string, contactIDs []string) ([]string, error) {
	var keys []string
	for len(contactIDs) > 0 {
		n := min(len(contactIDs), 500)
		args := make([]any, n)
		for i, id := range contactIDs[:n] {
			args[i] = id
		}
		rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT blob_key FROM `+table+` WHERE blob_key IS NOT NULL AND contact_id IN (`+placeholders(n)+`)`), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			keys = append(keys, k)
		}
		rows.Close()
		if _, err := t.exec(`DELETE FROM `+table+` WHERE contact_id IN (`+placeholders(n)+`)`, args...); err != nil {
			return nil, err
		}
		contactIDs = contactIDs[n:]
	}
	return keys, nil
}

// deleteBlobs removes blobs whose keys were destroyed in a committed
// transaction. A failure leaves an unreadable orphan (its key is gone),
// which the blob store's List lets a later cleanup find.
func (db *DB) deleteBlobs(ctx context.Context, keys []string) {
	if db.blobs == nil {
		return
	}
	for _, k := range keys {
		db.blobs.Delete(ctx, k)
	}
}
