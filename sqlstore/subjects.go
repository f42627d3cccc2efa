package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kirjaamo/kirjaamo"
)

// subjectData is the sealed part of a subject row: every personal field.
// Only the id, kind, register, flags and timestamps are stored in clear.
type subjectData struct {
	FirstName      string            `json:"fn,omitempty"`
	LastName       string            `json:"ln,omitempty"`
	Name           string            `json:"n,omitempty"`
	IdentityCode   string            `json:"ic,omitempty"`
	BusinessID     string            `json:"bi,omitempty"`
	CustomerNumber string            `json:"cn,omitempty"`
	BirthDate      string            `json:"bd,omitempty"`
	Emails         []string          `json:"em,omitempty"`
	Phones         []string          `json:"ph,omitempty"`
	Address        *kirjaamo.Address `json:"ad,omitempty"`
	Lang           string            `json:"la,omitempty"`
}

func subjectAAD(id string) []byte { return []byte("subjects/" + id) }

func (db *DB) sealSubject(s *kirjaamo.Subject) ([]byte, error) {
	b, err := json.Marshal(subjectData{s.FirstName, s.LastName, s.Name, s.IdentityCode, s.BusinessID,
		s.CustomerNumber, s.BirthDate, s.Emails, s.Phones, s.Address, s.Lang})
	if err != nil {
		return nil, err
	}
	return db.seal(context.Background(), subjectAAD(s.ID), b)
}

func (db *DB) openSubject(s *kirjaamo.Subject, sealed []byte) error {
	b, err := db.open(subjectAAD(s.ID), sealed)
	if err != nil {
		return fmt.Errorf("subject %s: %w", s.ID, err)
	}
	var d subjectData
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("subject %s: %w", s.ID, err)
	}
	s.FirstName, s.LastName, s.Name, s.IdentityCode, s.BusinessID = d.FirstName, d.LastName, d.Name, d.IdentityCode, d.BusinessID
	s.CustomerNumber, s.BirthDate, s.Emails, s.Phones, s.Address = d.CustomerNumber, d.BirthDate, d.Emails, d.Phones, d.Address
	s.Lang = d.Lang
	return nil
}

// CreateSubject inserts a subject and its blind-index keys.
func (db *DB) CreateSubject(ctx context.Context, s *kirjaamo.Subject, ev *kirjaamo.AuditEvent) error {
	sealed, err := db.sealSubject(s)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO subjects (id, kind, register, data, restricted, relationship_ended_at, last_activity_at, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.Kind, s.Register, sealed, boolInt(s.Restricted), nullMicros(s.RelationshipEndedAt), nullMicros(s.LastActivityAt),
			micros(s.CreatedAt), micros(s.UpdatedAt), s.Version); err != nil {
			return err
		}
		if err := t.insertKeys(s); err != nil {
			return err
		}
		if err := t.writeParts(s.ID, "subject", s.Register, s.Retention, 0, true); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

func (t *tx) insertKeys(s *kirjaamo.Subject) error {
	for _, k := range s.Keys() {
		if _, err := t.exec(`INSERT INTO subject_keys (kind, bidx, subject_id, uniq) VALUES (?, ?, ?, ?)`,
			k.Kind, t.db.keys.Blind(k.Kind, k.Value), s.ID, boolInt(kirjaamo.UniqueKey(k.Kind))); err != nil {
			if kirjaamo.ErrorCode(t.db.d.Translate(err)) == kirjaamo.ECONFLICT {
				// Name the field but never the value.
				return &kirjaamo.Error{Code: kirjaamo.ECONFLICT, Field: k.Kind,
					Message: "another subject already has this " + strings.ReplaceAll(k.Kind, "_", " ")}
			}
			return err
		}
	}
	return nil
}

const subjectColumns = `id, kind, register, data, restricted, relationship_ended_at, last_activity_at, created_at, updated_at, version`

type scanner interface{ Scan(...any) error }

func (db *DB) scanSubject(row scanner) (*kirjaamo.Subject, error) {
	var s kirjaamo.Subject
	var sealed []byte
	var restricted int
	var ended, active sql.NullInt64
	var created, updated int64
	if err := row.Scan(&s.ID, &s.Kind, &s.Register, &sealed, &restricted, &ended, &active, &created, &updated, &s.Version); err != nil {
		return nil, err
	}
	s.Restricted = restricted != 0
	s.RelationshipEndedAt, s.LastActivityAt = fromNullMicros(ended), fromNullMicros(active)
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &s, db.openSubject(&s, sealed)
}

func (t *tx) subject(id string) (*kirjaamo.Subject, error) {
	s, err := t.db.scanSubject(t.queryRow(`SELECT `+subjectColumns+` FROM subjects WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "subject not found")
	} else if err != nil {
		return nil, err
	}
	return s, t.subjectParts(s)
}

// Subject loads a subject, authorises and audits the read.
func (db *DB) Subject(ctx context.Context, id string, auth kirjaamo.Authorize[*kirjaamo.Subject]) (*kirjaamo.Subject, error) {
	var s *kirjaamo.Subject
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		if s, err = t.subject(id); err != nil {
			return nil, err
		}
		return authorize(auth, s)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// UpdateSubject changes a subject in one transaction with its audit event.
func (db *DB) UpdateSubject(ctx context.Context, id string, update func(*kirjaamo.Subject) (*kirjaamo.AuditEvent, error)) (*kirjaamo.Subject, error) {
	var s *kirjaamo.Subject
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		if s, err = t.subject(id); err != nil {
			return nil, err
		}
		ev, err := update(s)
		if err != nil {
			return ev, errDenied{err}
		}
		sealed, err := db.sealSubject(s)
		if err != nil {
			return nil, err
		}
		s.Version++
		if _, err := t.exec(`UPDATE subjects SET data = ?, restricted = ?, relationship_ended_at = ?, last_activity_at = ?, updated_at = ?, version = ? WHERE id = ?`,
			sealed, boolInt(s.Restricted), nullMicros(s.RelationshipEndedAt), nullMicros(s.LastActivityAt), micros(s.UpdatedAt), s.Version, s.ID); err != nil {
			return nil, err
		}
		if _, err := t.exec(`DELETE FROM subject_keys WHERE subject_id = ?`, s.ID); err != nil {
			return nil, err
		}
		if err := t.insertKeys(s); err != nil {
			return nil, err
		}
		return ev, t.writeParts(s.ID, "subject", s.Register, s.Retention, 0, false)
	})
	if err != nil {
		return nil, err // audited has already unwrapped a denial
	}
	return s, nil
}

// FindSubjects intersects blind-index lookups. Each key is one index probe
// on (kind, bidx); no subject row is decrypted unless it matched them all.
func (db *DB) FindSubjects(ctx context.Context, keys []kirjaamo.SubjectKey, limit int, auth kirjaamo.Authorize[[]*kirjaamo.Subject]) ([]*kirjaamo.Subject, error) {
	if len(keys) == 0 {
		return nil, kirjaamo.Errorf(kirjaamo.EINVALID, "no search criteria")
	}
	var conds []string
	var args []any
	kinds := map[string]bool{}
	for _, k := range keys {
		conds = append(conds, "(kind = ? AND bidx = ?)")
		args = append(args, k.Kind, db.keys.Blind(k.Kind, k.Value))
		kinds[k.Kind] = true
	}
	args = append(args, len(kinds), limit)
	query := `SELECT ` + prefixed("s.", subjectColumns) + ` FROM subjects s WHERE s.id IN (
		SELECT subject_id FROM subject_keys WHERE ` + strings.Join(conds, " OR ") + `
		GROUP BY subject_id HAVING COUNT(DISTINCT kind) = ?) ORDER BY s.id LIMIT ?`
	var out []*kirjaamo.Subject
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		rows, err := t.QueryContext(ctx, db.q(query), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := db.scanSubject(rows)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := t.subjectParts(out...); err != nil {
			return nil, err
		}
		return authorize(auth, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
