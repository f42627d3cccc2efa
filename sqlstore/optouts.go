package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/kirjaamo/kirjaamo"
)

// SubjectRestricted reads a subject's restriction flag.
func (db *DB) SubjectRestricted(ctx context.Context, id string) (bool, error) {
	var r int
	err := db.r.QueryRowContext(ctx, db.q(`SELECT restricted FROM subjects WHERE id = ?`), id).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return false, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "subject not found")
	}
	return r != 0, err
}

// CreateOptOut records an opt-out change.
func (db *DB) CreateOptOut(ctx context.Context, o *kirjaamo.OptOut, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO opt_outs (id, subject_id, kind, active, at, by_user) VALUES (?, ?, ?, ?, ?, ?)`,
			o.ID, o.SubjectID, o.Kind, boolInt(o.Active), micros(o.At), o.By); err != nil {
			if kirjaamo.ErrorCode(db.d.Translate(err)) == kirjaamo.ENOTFOUND {
				return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "subject_id", Message: "subject not found"}
			}
			return err
		}
		return t.appendAudit(ev)
	})
}

// OptOuts lists a subject's opt-out history.
func (db *DB) OptOuts(ctx context.Context, subjectID string) ([]*kirjaamo.OptOut, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT id, subject_id, kind, active, at, by_user FROM opt_outs WHERE subject_id = ? ORDER BY at DESC, id DESC`), subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.OptOut{}
	for rows.Next() {
		var o kirjaamo.OptOut
		var active int
		var at int64
		if err := rows.Scan(&o.ID, &o.SubjectID, &o.Kind, &active, &at, &o.By); err != nil {
			return nil, err
		}
		o.Active, o.At = active != 0, fromMicros(at)
		out = append(out, &o)
	}
	return out, rows.Err()
}

// MarketingAudience reads subjects that may receive direct marketing. A
// mailing list is a list of everyone, so this reads subject rows; it is
// bounded by limit and audited as one export.
func (db *DB) MarketingAudience(ctx context.Context, limit int, event func([]kirjaamo.AudienceMember) *kirjaamo.AuditEvent) ([]kirjaamo.AudienceMember, error) {
	out := []kirjaamo.AudienceMember{}
	err := db.write(ctx, func(t *tx) error {
		out = out[:0]
		rows, err := t.QueryContext(ctx, db.q(`SELECT `+subjectColumns+` FROM subjects s WHERE s.restricted = 0 AND NOT EXISTS (
			SELECT 1 FROM opt_outs o WHERE o.subject_id = s.id AND o.kind = 'direct_marketing'
			AND o.at = (SELECT MAX(o2.at) FROM opt_outs o2 WHERE o2.subject_id = s.id AND o2.kind = 'direct_marketing') AND o.active = 1)
			ORDER BY s.id LIMIT ?`), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			sub, err := db.scanSubject(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if len(sub.Emails) > 0 {
				out = append(out, kirjaamo.AudienceMember{SubjectID: sub.ID, Name: sub.FullName(), Email: sub.Emails[0]})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return t.appendAudit(event(out))
	})
	return out, err
}
