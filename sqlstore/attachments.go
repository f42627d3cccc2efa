package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kirjaamo/kirjaamo"
)

// attachmentMeta is the sealed part of an attachment row: a file name can
// name a person, and the flags and note describe its content.
type attachmentMeta struct {
	Filename string                `json:"n"`
	Note     string                `json:"o,omitempty"`
	Flags    kirjaamo.ContentFlags `json:"f"`
}

func attachmentAAD(id string) []byte { return []byte("attachments/" + id + "/meta") }

// writeAttachments inserts a new contact's attachment rows.
func (t *tx) writeAttachments(c *kirjaamo.Contact) error {
	for _, a := range c.Attachments {
		meta, err := json.Marshal(attachmentMeta{a.Filename, a.Note, a.Flags})
		if err != nil {
			return err
		}
		sealedMeta, err := t.db.seal(t.ctx, attachmentAAD(a.ID), meta)
		if err != nil {
			return err
		}
		var wrapped []byte
		if a.Stored {
			wrapped = a.WrappedKey
		}
		if _, err := t.exec(`INSERT INTO attachments (id, contact_id, number, meta, content_type, size, sha256, blob_key, wrapped_key, redacted, scanned, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, c.ID, a.Number, sealedMeta, a.ContentType, a.Size, a.SHA256,
			nullString(a.BlobKey), wrapped, boolInt(a.Redacted), boolInt(a.Scanned), micros(a.CreatedAt)); err != nil {
			return err
		}
	}
	return nil
}

const attachmentColumns = `id, contact_id, number, meta, content_type, size, sha256, blob_key, wrapped_key, redacted, scanned, created_at`

func (t *tx) attachments(where string, args ...any) ([]*kirjaamo.Attachment, error) {
	rows, err := t.query(`SELECT `+attachmentColumns+` FROM attachments WHERE `+where+` ORDER BY number, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Attachment{}
	for rows.Next() {
		var a kirjaamo.Attachment
		var meta []byte
		var key *string
		var redacted, scanned int
		var created int64
		if err := rows.Scan(&a.ID, &a.ContactID, &a.Number, &meta, &a.ContentType, &a.Size, &a.SHA256, &key, &a.WrappedKey, &redacted, &scanned, &created); err != nil {
			return nil, err
		}
		b, err := t.db.open(attachmentAAD(a.ID), meta)
		if err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.ID, err)
		}
		var m attachmentMeta
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.ID, err)
		}
		a.Filename, a.Note, a.Flags = m.Filename, m.Note, m.Flags
		if key != nil {
			a.BlobKey, a.Stored = *key, true
		}
		a.Redacted, a.Scanned, a.CreatedAt = redacted != 0, scanned != 0, fromMicros(created)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Attachments lists a contact's attachments after authorising the read.
func (db *DB) Attachments(ctx context.Context, contactID string, auth kirjaamo.Authorize[*kirjaamo.Contact]) ([]*kirjaamo.Attachment, error) {
	var out []*kirjaamo.Attachment
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		c, err := t.contact(contactID)
		if err != nil {
			return nil, err
		}
		ev, err := authorize(auth, c)
		if err != nil {
			return ev, err
		}
		out, err = t.attachments(`contact_id = ?`, contactID)
		for _, a := range out {
			a.WrappedKey = nil // a list is not a download
		}
		return ev, err
	})
	return out, err
}

// Attachment loads one stored attachment for download.
func (db *DB) Attachment(ctx context.Context, contactID, id string, auth kirjaamo.Authorize[*kirjaamo.Contact]) (*kirjaamo.Attachment, error) {
	var out *kirjaamo.Attachment
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		c, err := t.contact(contactID)
		if err != nil {
			return nil, err
		}
		as, err := t.attachments(`contact_id = ? AND id = ?`, contactID, id)
		if err != nil {
			return nil, err
		}
		if len(as) == 0 {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "attachment not found")
		}
		ev, err := authorize(auth, c)
		if err != nil {
			return ev, err
		}
		if !as[0].Stored {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "the attachment was not stored (its note in the list says why)")
		}
		out = as[0]
		return ev, nil
	})
	return out, err
}
