package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// writeParts replaces the retention rows of one record (a record created in
// this transaction has none to replace). heldBase is added to every part's
// hold count (a new contact inherits its subjects' holds).
func (t *tx) writeParts(recordID, kind, register string, parts []kirjaamo.PartRetention, heldBase int, created bool) error {
	if !created {
		if _, err := t.exec(`DELETE FROM retention_parts WHERE record_id = ?`, recordID); err != nil {
			return err
		}
	}
	for i := range parts {
		p := &parts[i]
		p.Held += heldBase
		if _, err := t.exec(`INSERT INTO retention_parts (record_id, part, record_kind, register, rule, start_at, expires_at, extended_until, extension_reason, held)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			recordID, string(p.Part), kind, register, p.Rule, nullMicros(p.Start), nullMicros(p.ExpiresAt),
			nullMicros(p.ExtendedUntil), p.ExtensionReason, p.Held); err != nil {
			return err
		}
	}
	return nil
}

// loadParts reads the retention rows of the given records.
func (t *tx) loadParts(ids []string) (map[string][]kirjaamo.PartRetention, error) {
	out := map[string][]kirjaamo.PartRetention{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT record_id, part, rule, start_at, expires_at, extended_until, extension_reason, held
		FROM retention_parts WHERE record_id IN (`+placeholders(len(ids))+`) ORDER BY record_id, part`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, part string
		var p kirjaamo.PartRetention
		var start, exp, ext sql.NullInt64
		if err := rows.Scan(&id, &part, &p.Rule, &start, &exp, &ext, &p.ExtensionReason, &p.Held); err != nil {
			return nil, err
		}
		p.Part = policy.Part(part)
		p.Start, p.ExpiresAt, p.ExtendedUntil = fromNullMicros(start), fromNullMicros(exp), fromNullMicros(ext)
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}

func (t *tx) subjectParts(subjects ...*kirjaamo.Subject) error {
	ids := make([]string, len(subjects))
	for i, s := range subjects {
		ids[i] = s.ID
	}
	parts, err := t.loadParts(ids)
	for _, s := range subjects {
		s.Retention = nonNilParts(parts[s.ID])
	}
	return err
}

func (t *tx) contactParts(cs ...*kirjaamo.Contact) error {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	parts, err := t.loadParts(ids)
	for _, c := range cs {
		c.Retention = nonNilParts(parts[c.ID])
	}
	return err
}

func nonNilParts(p []kirjaamo.PartRetention) []kirjaamo.PartRetention {
	if p == nil {
		return []kirjaamo.PartRetention{}
	}
	return p
}

// activeSubjectHolds counts the active holds on any of the subjects.
func (t *tx) activeSubjectHolds(subjectIDs []string) (int, error) {
	if len(subjectIDs) == 0 {
		return 0, nil
	}
	if len(subjectIDs) == 1 {
		var n int
		err := t.queryRow(`SELECT COUNT(*) FROM holds WHERE released_at IS NULL AND subject_id = ?`, subjectIDs[0]).Scan(&n)
		return n, err
	}
	args := make([]any, len(subjectIDs))
	for i, id := range subjectIDs {
		args[i] = id
	}
	var n int
	err := t.QueryRowContext(t.ctx, t.db.q(`SELECT COUNT(*) FROM holds WHERE released_at IS NULL AND subject_id IN (`+placeholders(len(subjectIDs))+`)`), args...).Scan(&n)
	return n, err
}

// UpdateContact loads a contact, lets update change its events and
// retention and produce the audit event, and stores the result.
func (db *DB) UpdateContact(ctx context.Context, id string, update func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error)) (*kirjaamo.Contact, error) {
	var c *kirjaamo.Contact
	err := db.audited(ctx, func(t *tx) (*kirjaamo.AuditEvent, error) {
		var err error
		if c, err = t.contact(id); err != nil {
			return nil, err
		}
		ev, err := update(c)
		if err != nil {
			return ev, errDenied{err}
		}
		if _, err := t.exec(`UPDATE contacts SET ended_at = ?, last_activity_at = ?, closed_at = ? WHERE id = ?`,
			nullMicros(c.EndedAt), nullMicros(c.LastActivityAt), nullMicros(c.ClosedAt), c.ID); err != nil {
			return nil, err
		}
		if err := t.writeNotice(c); err != nil {
			return nil, err
		}
		return ev, t.writeParts(c.ID, "contact", c.Register, c.Retention, 0, false)
	})
	if err != nil {
		return nil, err // audited has already unwrapped a denial
	}
	return c, nil
}

// PlaceHold stores a hold and adds it to the hold count of every part it
// covers: the subject's own record and all its contacts, or one record.
func (db *DB) PlaceHold(ctx context.Context, h *kirjaamo.Hold, ev *kirjaamo.AuditEvent) error {
	return db.write(ctx, func(t *tx) error {
		if err := t.holdTargetExists(h); err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO holds (id, subject_id, record_id, reason, owner, review_at, note, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, nullString(h.SubjectID), nullString(h.RecordID), h.Reason, h.Owner,
			micros(h.ReviewAt), h.Note, micros(h.CreatedAt), h.CreatedBy); err != nil {
			return err
		}
		if err := t.adjustHeld(h, +1); err != nil {
			return err
		}
		return t.appendAudit(ev)
	})
}

func (t *tx) holdTargetExists(h *kirjaamo.Hold) error {
	var one int
	var err error
	if h.SubjectID != "" {
		err = t.queryRow(`SELECT 1 FROM subjects WHERE id = ?`, h.SubjectID).Scan(&one)
	} else {
		err = t.queryRow(`SELECT 1 FROM retention_parts WHERE record_id = ? LIMIT 1`, h.RecordID).Scan(&one)
	}
	if errors.Is(err, sql.ErrNoRows) {
		field := "record_id"
		if h.SubjectID != "" {
			field = "subject_id"
		}
		return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: field, Message: "the record to hold does not exist"}
	}
	return err
}

func (t *tx) adjustHeld(h *kirjaamo.Hold, delta int) error {
	var err error
	if h.SubjectID != "" {
		// Two statements, not one "record_id = ? OR record_id IN (…)",
		// which PostgreSQL answers by reading retention_parts whole (two
		// rows per contact: seconds at ten million contacts). A subject's
		// id is never one of its contacts' ids, so no row is counted twice.
		if _, err = t.exec(`UPDATE retention_parts SET held = held + ? WHERE record_id = ?`, delta, h.SubjectID); err == nil {
			_, err = t.exec(`UPDATE retention_parts SET held = held + ? WHERE record_id IN (SELECT contact_id FROM contact_subjects WHERE subject_id = ?)`,
				delta, h.SubjectID)
		}
	} else {
		_, err = t.exec(`UPDATE retention_parts SET held = held + ? WHERE record_id = ?`, delta, h.RecordID)
	}
	return err
}

// ReleaseHold ends a hold: its parts fall back under their normal expiry
// (and are swept at once if that has passed).
func (db *DB) ReleaseHold(ctx context.Context, id, by string, at time.Time, ev *kirjaamo.AuditEvent) (*kirjaamo.Hold, error) {
	var h *kirjaamo.Hold
	err := db.write(ctx, func(t *tx) error {
		var err error
		if h, err = t.hold(id); err != nil {
			return err
		}
		if h.ReleasedAt != nil {
			return kirjaamo.Errorf(kirjaamo.ECONFLICT, "the hold was already released")
		}
		h.ReleasedAt, h.ReleasedBy = &at, by
		if _, err := t.exec(`UPDATE holds SET released_at = ?, released_by = ? WHERE id = ?`, micros(at), by, id); err != nil {
			return err
		}
		if err := t.adjustHeld(h, -1); err != nil {
			return err
		}
		ev.SubjectIDs = nonEmpty(h.SubjectID)
		ev.RecordIDs = append(nonEmpty(h.RecordID), h.ID)
		return t.appendAudit(ev)
	})
	return h, err
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

const holdColumns = `id, subject_id, record_id, reason, owner, review_at, note, created_at, created_by, released_at, released_by`

func scanHold(row scanner) (*kirjaamo.Hold, error) {
	var h kirjaamo.Hold
	var subj, rec sql.NullString
	var review, created int64
	var released sql.NullInt64
	if err := row.Scan(&h.ID, &subj, &rec, &h.Reason, &h.Owner, &review, &h.Note, &created, &h.CreatedBy, &released, &h.ReleasedBy); err != nil {
		return nil, err
	}
	h.SubjectID, h.RecordID = subj.String, rec.String
	h.ReviewAt, h.CreatedAt, h.ReleasedAt = fromMicros(review), fromMicros(created), fromNullMicros(released)
	return &h, nil
}

func (t *tx) hold(id string) (*kirjaamo.Hold, error) {
	h, err := scanHold(t.queryRow(`SELECT `+holdColumns+` FROM holds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "hold not found")
	}
	return h, err
}

// Holds lists holds (active only unless all), review date first.
func (db *DB) Holds(ctx context.Context, all bool) ([]*kirjaamo.Hold, error) {
	q := `SELECT ` + holdColumns + ` FROM holds`
	if !all {
		q += ` WHERE released_at IS NULL`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY review_at, id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Hold{}
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SubjectHolds lists a subject's holds, released ones included, review
// date first (holds_subject_all; no scan of the hold register).
func (db *DB) SubjectHolds(ctx context.Context, subjectID string) ([]*kirjaamo.Hold, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+holdColumns+` FROM holds WHERE subject_id = ? ORDER BY review_at, id`), subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Hold{}
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

type duePart struct {
	record, part, kind, register, rule string
	due                                int64
}

// Sweep deletes the parts due at now, in batches of at most batch parts,
// each batch one short transaction with its deletion-log rows and its audit
// event, so the API keeps answering and a crash loses at most the batch in
// flight (which the next run does again: sweeping is idempotent). With
// dryRun nothing is deleted and the result counts what would be.
func (db *DB) Sweep(ctx context.Context, now time.Time, batch int, dryRun bool, event func(entries []kirjaamo.DeletionLogEntry) *kirjaamo.AuditEvent) (kirjaamo.SweepResult, error) {
	var res kirjaamo.SweepResult
	res.Log = []kirjaamo.DeletionLogEntry{}
	if batch <= 0 {
		batch = db.d.SweepBatch
	}
	if batch <= 0 {
		batch = 250
	}
	if dryRun {
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT register, part, rule, COUNT(*), MIN(expires_at), MAX(expires_at) FROM retention_parts
			WHERE held = 0 AND expires_at <= ? GROUP BY register, part, rule ORDER BY register, part`), micros(now))
		if err != nil {
			return res, err
		}
		defer rows.Close()
		for rows.Next() {
			var e kirjaamo.DeletionLogEntry
			var first, last int64
			if err := rows.Scan(&e.Register, &e.Part, &e.Rule, &e.Count, &first, &last); err != nil {
				return res, err
			}
			e.FirstDueAt, e.LastDueAt, e.At = fromMicros(first), fromMicros(last), now
			res.Deleted += e.Count
			res.Log = append(res.Log, e)
		}
		return res, rows.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var entries []kirjaamo.DeletionLogEntry
		var blobKeys []string
		n := 0
		err := db.write(ctx, func(t *tx) error {
			rows, err := t.query(`SELECT record_id, part, record_kind, register, rule, expires_at FROM retention_parts
				WHERE held = 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?`, micros(now), batch)
			if err != nil {
				return err
			}
			var due []duePart
			for rows.Next() {
				var d duePart
				if err := rows.Scan(&d.record, &d.part, &d.kind, &d.register, &d.rule, &d.due); err != nil {
					rows.Close()
					return err
				}
				due = append(due, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			n = len(due)
			if n == 0 {
				return nil
			}
			entries = groupDue(due, now)
			if blobKeys, err = t.deleteParts(due); err != nil {
				return err
			}
			ev := event(entries)
			if err := t.appendAudit(ev); err != nil {
				return err
			}
			for i := range entries {
				e := &entries[i]
				e.ID, e.AuditSeq = kirjaamo.NewID(now), ev.Seq
				if _, err := t.exec(`INSERT INTO deletion_log (id, at, register, part, rule, count, first_due_at, last_due_at, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					e.ID, micros(e.At), e.Register, e.Part, e.Rule, e.Count, micros(e.FirstDueAt), micros(e.LastDueAt), e.AuditSeq); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		db.deleteBlobs(ctx, blobKeys)
		if n == 0 {
			break
		}
		res.Batches++
		res.Deleted += n
		res.Log = append(res.Log, entries...)
		if n < batch {
			break
		}
	}
	if res.Deleted > 0 && db.d.AfterSweep != "" {
		db.w.ExecContext(ctx, db.d.AfterSweep) // reclaim space; failure only delays it
	}
	return res, nil
}

func groupDue(due []duePart, now time.Time) []kirjaamo.DeletionLogEntry {
	byKey := map[[3]string]*kirjaamo.DeletionLogEntry{}
	var keys [][3]string
	for _, d := range due {
		k := [3]string{d.register, d.part, d.rule}
		e, ok := byKey[k]
		if !ok {
			t := fromMicros(d.due)
			e = &kirjaamo.DeletionLogEntry{At: now, Register: d.register, Part: d.part, Rule: d.rule, FirstDueAt: t, LastDueAt: t}
			byKey[k] = e
			keys = append(keys, k)
		}
		e.Count++
		if t := fromMicros(d.due); t.Before(e.FirstDueAt) {
			e.FirstDueAt = t
		} else if t.After(e.LastDueAt) {
			e.LastDueAt = t
		}
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	out := make([]kirjaamo.DeletionLogEntry, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
	}
	return out
}

// deleteParts destroys due parts with one statement per kind of part and
// chunk of ids. Deleting a record's main part deletes the record (its links
// and lookup keys cascade) and all its retention rows; other parts are
// emptied in place.
func (t *tx) deleteParts(due []duePart) ([]string, error) {
	var subjects, contacts, stats []string
	gone := map[string]bool{}
	for _, d := range due {
		switch {
		case d.kind == "statistics":
			stats, gone[d.record] = append(stats, d.record), true
		case d.kind == "subject":
			subjects, gone[d.record] = append(subjects, d.record), true
		case d.part == string(policy.PartMetadata):
			contacts, gone[d.record] = append(contacts, d.record), true
		}
	}
	// Parts of records deleted whole in this batch go with the record.
	emptied := map[string][]string{}
	for _, d := range due {
		if d.kind == "contact" && d.part != string(policy.PartMetadata) && !gone[d.record] {
			emptied[d.part] = append(emptied[d.part], d.record)
		}
	}
	// Recordings and attachments first: their data keys are destroyed in
	// this transaction, their blobs after it commits (a key gone means the
	// blob is unreadable).
	blobKeys, err := t.destroyBlobKeys("recordings", append(append([]string(nil), contacts...), emptied[string(policy.PartRecording)]...))
	if err != nil {
		return nil, err
	}
	attKeys, err := t.destroyBlobKeys("attachments", append(append([]string(nil), contacts...), emptied[string(policy.PartAttachment)]...))
	if err != nil {
		return nil, err
	}
	blobKeys = append(blobKeys, attKeys...)
	// Contacts stay under their own registers' rules when their subject
	// goes; only the link to the subject is cut (by cascade).
	if err := t.inChunks(`DELETE FROM subjects WHERE id IN (%s)`, subjects); err != nil {
		return nil, err
	}
	if err := t.inChunks(`DELETE FROM contacts WHERE id IN (%s)`, contacts); err != nil {
		return nil, err
	}
	if err := t.inChunks(`DELETE FROM statistics WHERE id IN (%s)`, stats); err != nil {
		return nil, err
	}
	if err := t.inChunks(`DELETE FROM retention_parts WHERE record_id IN (%s)`, append(append(subjects, contacts...), stats...)); err != nil {
		return nil, err
	}
	// The columns each part empties: a chat's messages go with its content.
	columns := map[policy.Part]string{
		policy.PartContent:         "content = NULL, messages = NULL",
		policy.PartRecording:       "recording = NULL",
		policy.PartVisitorMetadata: "visitor = NULL",
	}
	for _, part := range []policy.Part{policy.PartContent, policy.PartRecording, policy.PartVisitorMetadata, policy.PartAttachment} {
		ids := emptied[string(part)]
		if columns[part] != "" { // attachments live in their own rows, gone above
			if err := t.inChunks(`UPDATE contacts SET `+columns[part]+` WHERE id IN (%s)`, ids); err != nil {
				return nil, err
			}
		}
		if err := t.inChunks(`DELETE FROM retention_parts WHERE part = '`+string(part)+`' AND record_id IN (%s)`, ids); err != nil {
			return nil, err
		}
	}
	return blobKeys, nil
}

// inChunks runs a statement with an IN list of at most 500 ids at a time.
func (t *tx) inChunks(format string, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := t.exec(fmt.Sprintf(format, placeholders(n)), args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Forecast counts, per register and part, what falls due before until and
// what is kept past it by a hold or an extension.
func (db *DB) Forecast(ctx context.Context, until time.Time) ([]kirjaamo.ForecastRow, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT register, part,
			SUM(CASE WHEN held = 0 AND expires_at <= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN held > 0 THEN 1 ELSE 0 END),
			SUM(CASE WHEN extended_until IS NOT NULL THEN 1 ELSE 0 END)
		FROM retention_parts WHERE expires_at <= ? OR held > 0 OR extended_until IS NOT NULL
		GROUP BY register, part ORDER BY register, part`), micros(until), micros(until))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kirjaamo.ForecastRow{}
	for rows.Next() {
		var f kirjaamo.ForecastRow
		if err := rows.Scan(&f.Register, &f.Part, &f.Due, &f.Held, &f.Extended); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// DeletionLog lists the newest deletion-log entries.
func (db *DB) DeletionLog(ctx context.Context, limit int) ([]kirjaamo.DeletionLogEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT id, at, register, part, rule, count, first_due_at, last_due_at, audit_seq
		FROM deletion_log ORDER BY at DESC, id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kirjaamo.DeletionLogEntry{}
	for rows.Next() {
		var e kirjaamo.DeletionLogEntry
		var at, first, last int64
		if err := rows.Scan(&e.ID, &at, &e.Register, &e.Part, &e.Rule, &e.Count, &first, &last, &e.AuditSeq); err != nil {
			return nil, err
		}
		e.At, e.FirstDueAt, e.LastDueAt = fromMicros(at), fromMicros(first), fromMicros(last)
		out = append(out, e)
	}
	return out, rows.Err()
}
