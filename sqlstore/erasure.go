package sqlstore

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// ledgerLine is one erased identifier in the ledger file: a blind index,
// never the identifier.
type ledgerLine struct {
	Kind      string `json:"kind"`
	Bidx      string `json:"bidx"`
	RequestID string `json:"request_id"`
	ErasedAt  int64  `json:"erased_at"`
}

// SetLedgerFile names the file the erasure ledger is also appended to. It
// lives outside the database on purpose: restoring a backup of the database
// taken before an erasure must not roll the ledger back with it.
func (db *DB) SetLedgerFile(path string) { db.ledgerFile = path }

func (db *DB) appendLedgerFile(lines []ledgerLine) error {
	if db.ledgerFile == "" || len(lines) == 0 {
		return nil
	}
	f, err := os.OpenFile(db.ledgerFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	for _, l := range lines {
		b, _ := json.Marshal(l)
		if _, err := f.Write(append(b, '\n')); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (db *DB) readLedgerFile() ([]ledgerLine, error) {
	if db.ledgerFile == "" {
		return nil, nil
	}
	f, err := os.Open(db.ledgerFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ledgerLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var l ledgerLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: not a ledger line", db.ledgerFile, n)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// Erase destroys parts on request, with the ledger and the audit event.
func (db *DB) Erase(ctx context.Context, parts []kirjaamo.PartRef, ledger []kirjaamo.SubjectKey, requestID string, at time.Time, ev *kirjaamo.AuditEvent) error {
	var blobKeys []string
	var lines []ledgerLine
	err := db.write(ctx, func(t *tx) error {
		lines = lines[:0]
		due := make([]duePart, len(parts))
		for i, p := range parts {
			due[i] = duePart{record: p.RecordID, part: string(p.Part), kind: p.RecordKind, register: p.Register, rule: "erasure request", due: micros(at)}
		}
		var err error
		if blobKeys, err = t.deleteParts(due); err != nil {
			return err
		}
		for _, k := range ledger {
			bidx := db.keys.Blind(k.Kind, k.Value)
			lines = append(lines, ledgerLine{k.Kind, hex.EncodeToString(bidx), requestID, micros(at)})
			if _, err := t.exec(`DELETE FROM erasure_ledger WHERE kind = ? AND bidx = ?`, k.Kind, bidx); err != nil {
				return err
			}
			if _, err := t.exec(`INSERT INTO erasure_ledger (kind, bidx, request_id, erased_at) VALUES (?, ?, ?, ?)`, k.Kind, bidx, requestID, micros(at)); err != nil {
				return err
			}
		}
		return t.appendAudit(ev)
	})
	if err != nil {
		return err
	}
	db.deleteBlobs(ctx, blobKeys)
	// After the commit: an entry in the file whose erasure rolled back
	// would only make a replay erase what the person asked to be erased.
	return db.appendLedgerFile(lines)
}

// ReplayErasures erases the subjects the ledger names, with their contacts'
// parts that no hold keeps, in one transaction.
func (db *DB) ReplayErasures(ctx context.Context, now time.Time, ev *kirjaamo.AuditEvent) (int, error) {
	var n int
	var blobKeys []string
	file, err := db.readLedgerFile()
	if err != nil {
		return 0, err
	}
	err = db.write(ctx, func(t *tx) error {
		n = 0
		// The file may hold erasures a restored database has forgotten.
		for _, l := range file {
			bidx, err := hex.DecodeString(l.Bidx)
			if err != nil {
				return fmt.Errorf("erasure ledger: bad entry")
			}
			var one int
			if err := t.queryRow(`SELECT 1 FROM erasure_ledger WHERE kind = ? AND bidx = ?`, l.Kind, bidx).Scan(&one); err == nil {
				continue
			}
			if _, err := t.exec(`INSERT INTO erasure_ledger (kind, bidx, request_id, erased_at) VALUES (?, ?, ?, ?)`, l.Kind, bidx, l.RequestID, l.ErasedAt); err != nil {
				return err
			}
		}
		rows, err := t.query(`SELECT DISTINCT k.subject_id FROM erasure_ledger l JOIN subject_keys k ON k.kind = l.kind AND k.bidx = l.bidx`)
		if err != nil {
			return err
		}
		var subjects []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			subjects = append(subjects, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, sid := range subjects {
			// Two index searches joined, not one OR, which PostgreSQL
			// answers by reading retention_parts whole.
			prow, err := t.query(`SELECT record_id, part, record_kind, register, rule, COALESCE(expires_at, 0) FROM retention_parts
				WHERE held = 0 AND record_id = ?
				UNION ALL SELECT record_id, part, record_kind, register, rule, COALESCE(expires_at, 0) FROM retention_parts
				WHERE held = 0 AND record_id IN (SELECT contact_id FROM contact_subjects WHERE subject_id = ?)`, sid, sid)
			if err != nil {
				return err
			}
			var due []duePart
			for prow.Next() {
				var d duePart
				if err := prow.Scan(&d.record, &d.part, &d.kind, &d.register, &d.rule, &d.due); err != nil {
					prow.Close()
					return err
				}
				d.rule = "erasure replay"
				due = append(due, d)
			}
			prow.Close()
			keys, err := t.deleteParts(due)
			if err != nil {
				return err
			}
			blobKeys = append(blobKeys, keys...)
			n++
		}
		if n == 0 {
			return nil
		}
		ev.SubjectIDs = subjects
		return t.appendAudit(ev)
	})
	if err == nil {
		db.deleteBlobs(ctx, blobKeys)
	}
	return n, err
}
