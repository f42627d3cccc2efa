package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// contactMeta is the sealed metadata part of a contact. The content part is
// sealed on its own because it has its own retention (and is deleted on its
// own); the recording lives in the blob store.
type contactMeta struct {
	Title    string                `json:"t,omitempty"`
	Metadata map[string]string     `json:"m,omitempty"`
	Flags    kirjaamo.ContentFlags `json:"f"`
}

func contactAAD(id, part string) []byte { return []byte("contacts/" + id + "/" + part) }

// CreateContact inserts a contact, its subject links and its audit event.
func (db *DB) CreateContact(ctx context.Context, c *kirjaamo.Contact, ev *kirjaamo.AuditEvent) error {
	meta, err := json.Marshal(contactMeta{c.Title, c.Metadata, c.Flags})
	if err != nil {
		return err
	}
	sealedMeta, err := db.seal(ctx, contactAAD(c.ID, "meta"), meta)
	if err != nil {
		return err
	}
	var sealedContent, sealedMessages, sealedVisitor []byte
	if c.Content != nil {
		if sealedContent, err = db.seal(ctx, contactAAD(c.ID, "content"), []byte(*c.Content)); err != nil {
			return err
		}
	}
	if len(c.Messages) > 0 {
		b, err := json.Marshal(c.Messages)
		if err != nil {
			return err
		}
		if sealedMessages, err = db.seal(ctx, contactAAD(c.ID, "messages"), b); err != nil {
			return err
		}
	}
	if c.Visitor != nil {
		b, err := json.Marshal(c.Visitor)
		if err != nil {
			return err
		}
		if sealedVisitor, err = db.seal(ctx, contactAAD(c.ID, "visitor"), b); err != nil {
			return err
		}
	}
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO contacts (id, kind, register, direction, started_at, ended_at, created_at, created_by, meta, content, recording, last_activity_at, closed_at, messages, visitor)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, string(c.Kind), c.Register, c.Direction, nullMicros(c.StartedAt), nullMicros(c.EndedAt),
			micros(c.CreatedAt), c.CreatedBy, sealedMeta, sealedContent, nullString(c.Recording),
			nullMicros(c.LastActivityAt), nullMicros(c.ClosedAt), sealedMessages, sealedVisitor); err != nil {
			return err
		}
		for _, sid := range c.SubjectIDs {
			if _, err := t.exec(`INSERT INTO contact_subjects (subject_id, contact_id) VALUES (?, ?)`, sid, c.ID); err != nil {
				if kirjaamo.ErrorCode(db.d.Translate(err)) == kirjaamo.ENOTFOUND {
					return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "subject_ids", Message: "linked subject not found"}
				}
				return err
			}
		}
		// A contact of a subject under a legal hold is held from the start.
		held, err := t.activeSubjectHolds(c.SubjectIDs)
		if err != nil {
			return err
		}
		if err := t.writeParts(c.ID, "contact", c.Register, c.Retention, held, true); err != nil {
			return err
		}
		if err := t.writeNotice(c); err != nil {
			return err
		}
		if err := t.writeAttachments(c); err != nil {
			return err
		}
		if st := c.Statistics; st != nil {
			if _, err := t.exec(`INSERT INTO statistics (id, register, day, topic, country, status, channel) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				st.ID, st.Register, micros(st.Day), st.Topic, st.Country, st.Status, st.Channel); err != nil {
				return err
			}
			if err := t.writeParts(st.ID, "statistics", st.Register, c.StatisticsParts, 0, true); err != nil {
				return err
			}
		}
		if c.Consent != nil {
			c.Consent.ContactID = c.ID
			if err := t.insertConsent(c.Consent); err != nil {
				return err
			}
		}
		for _, m := range c.Mentions {
			if _, err := t.exec(`INSERT INTO mentions (kind, bidx, contact_id) VALUES (?, ?, ?)`, m.Kind, db.keys.Blind(m.Kind, m.Value), c.ID); err != nil {
				return err
			}
		}
		return t.appendAudit(ev)
	})
}

const contactColumns = `c.id, c.kind, c.register, c.direction, c.started_at, c.ended_at, c.created_at, c.created_by, c.meta, c.content, c.recording, c.last_activity_at, c.closed_at, c.messages, c.visitor`

func (db *DB) scanContact(row scanner) (*kirjaamo.Contact, error) {
	var c kirjaamo.Contact
	var kind string
	var started, ended, active, closed sql.NullInt64
	var created int64
	var meta, content, messages, visitor []byte
	var recording sql.NullString
	if err := row.Scan(&c.ID, &kind, &c.Register, &c.Direction, &started, &ended, &created, &c.CreatedBy, &meta, &content, &recording, &active, &closed, &messages, &visitor); err != nil {
		return nil, err
	}
	if err := db.openJSON(c.ID, "messages", messages, &c.Messages); err != nil {
		return nil, err
	}
	if visitor != nil {
		c.Visitor = &kirjaamo.Visitor{}
		if err := db.openJSON(c.ID, "visitor", visitor, c.Visitor); err != nil {
			return nil, err
		}
	}
	c.Kind = policy.ContactKind(kind)
	c.StartedAt, c.EndedAt, c.CreatedAt = fromNullMicros(started), fromNullMicros(ended), fromMicros(created)
	c.LastActivityAt, c.ClosedAt = fromNullMicros(active), fromNullMicros(closed)
	c.Recording = recording.String
	b, err := db.open(contactAAD(c.ID, "meta"), meta)
	if err != nil {
		return nil, fmt.Errorf("contact %s: %w", c.ID, err)
	}
	var m contactMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("contact %s: %w", c.ID, err)
	}
	c.Title, c.Metadata, c.Flags = m.Title, m.Metadata, m.Flags
	if content != nil {
		b, err := db.open(contactAAD(c.ID, "content"), content)
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", c.ID, err)
		}
		s := string(b)
		c.Content = &s
	}
	return &c, nil
}

// links fills SubjectIDs of the given contacts with one query.
func (t *tx) links(cs []*kirjaamo.Contact) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[string]*kirjaamo.Contact, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		byID[c.ID] = c
		args[i] = c.ID
		c.SubjectIDs = []string{}
	}
	rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT contact_id, subject_id FROM contact_subjects WHERE contact_id IN (`+
		placeholders(len(cs))+`) ORDER BY subject_id`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cid, sid string
		if err := rows.Scan(&cid, &sid); err != nil {
			return err
		}
		byID[cid].SubjectIDs = append(byID[cid].SubjectIDs, sid)
	}
	return rows.Err()
}

// contact loads one contact with its links and retention.
func (t *tx) contact(id string) (*kirjaamo.Contact, error) {
	c, err := t.db.scanContact(t.queryRow(`SELECT `+contactColumns+` FROM contacts c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "contact not found")
	} else if err != nil {
		return nil, err
	}
	if err := t.links([]*kirjaamo.Contact{c}); err != nil {
		return nil, err
	}
	if err := t.loadNotice(c); err != nil {
		return nil, err
	}
	return c, t.contactParts(c)
}

// Contact loads one contact, authorises and audits the read.
func (db *DB) Contact(ctx context.Context, id string, auth kirjaamo.Authorize[*kirjaamo.Contact]) (*kirjaamo.Contact, error) {
	var c *kirjaamo.Contact
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		if c, err = t.contact(id); err != nil {
			return nil, err
		}
		return authorize(auth, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SubjectContacts lists a subject's contacts in the given registers.
func (db *DB) SubjectContacts(ctx context.Context, subjectID string, registers []string, auth kirjaamo.Authorize[[]*kirjaamo.Contact]) ([]*kirjaamo.Contact, error) {
	var out []*kirjaamo.Contact
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var one int
		if err := t.queryRow(`SELECT 1 FROM subjects WHERE id = ?`, subjectID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "subject not found")
		} else if err != nil {
			return nil, err
		}
		out = nil
		if len(registers) > 0 {
			args := []any{subjectID}
			for _, r := range registers {
				args = append(args, r)
			}
			var err error
			out, err = t.contacts(`SELECT `+contactColumns+` FROM contact_subjects l JOIN contacts c ON c.id = l.contact_id
				WHERE l.subject_id = ? AND c.register IN (`+placeholders(len(registers))+`) ORDER BY c.id DESC LIMIT 1000`, args...)
			if err != nil {
				return nil, err
			}
		}
		return authorize(auth, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FindMentions returns the contacts whose free text mentions any of keys,
// through the mentions index only (one index probe per key).
func (db *DB) FindMentions(ctx context.Context, keys []kirjaamo.SubjectKey, auth kirjaamo.Authorize[[]*kirjaamo.Contact]) ([]*kirjaamo.Contact, error) {
	if len(keys) == 0 {
		return nil, kirjaamo.Errorf(kirjaamo.EINVALID, "no identifiers to look for")
	}
	var conds []string
	var args []any
	for _, k := range keys {
		conds = append(conds, "(m.kind = ? AND m.bidx = ?)")
		args = append(args, k.Kind, db.keys.Blind(k.Kind, k.Value))
	}
	query := `SELECT ` + contactColumns + ` FROM contacts c WHERE c.id IN (SELECT m.contact_id FROM mentions m WHERE ` +
		strings.Join(conds, " OR ") + `) ORDER BY c.id DESC LIMIT 1000`
	var out []*kirjaamo.Contact
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		if out, err = t.contacts(query, args...); err != nil {
			return nil, err
		}
		return authorize(auth, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openJSON decrypts a sealed JSON part of a contact, if present.
func (db *DB) openJSON(id, part string, sealed []byte, v any) error {
	if sealed == nil {
		return nil
	}
	b, err := db.open(contactAAD(id, part), sealed)
	if err != nil {
		return fmt.Errorf("contact %s: %w", id, err)
	}
	return json.Unmarshal(b, v)
}

// Statistics counts anonymous statistics rows in a window of days.
func (db *DB) Statistics(ctx context.Context, from, to time.Time) ([]kirjaamo.StatisticsCount, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT register, topic, country, status, COUNT(*) FROM statistics
		WHERE day >= ? AND day < ? GROUP BY register, topic, country, status ORDER BY register, topic, country, status`), micros(from), micros(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kirjaamo.StatisticsCount{}
	for rows.Next() {
		var c kirjaamo.StatisticsCount
		if err := rows.Scan(&c.Register, &c.Topic, &c.Country, &c.Status, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// contacts runs a query over contactColumns and loads the contacts with
// their links and retention.
func (t *tx) contacts(query string, args ...any) ([]*kirjaamo.Contact, error) {
	rows, err := t.QueryContext(t.ctx, t.db.q(query), args...)
	if err != nil {
		return nil, err
	}
	var out []*kirjaamo.Contact
	for rows.Next() {
		c, err := t.db.scanContact(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := t.links(out); err != nil {
		return nil, err
	}
	return out, t.contactParts(out...)
}
