package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/keys"
)

// Re-sealing moves stored values from old data keys to the sealing one, so
// that an old key (or the original master, which is data key 1) can be
// retired from the keyring. A rotation alone leaves every value under the
// key that sealed it: whoever holds that key and a copy of the rows reads
// them.
//
// sealedTables lists every column sealed with the keyring. A column added
// later that is sealed with db.seal or wraps a blob key must be added here,
// or its values keep their old key and retiring that key is refused only
// if the column is listed (storetest's reseal suite scans every binary
// column for headers of a retired key to catch a column missing here).
var sealedTables = []sealedTable{
	{name: "subjects", id: "id", cols: []sealedColumn{
		{name: "data", aad: subjectAAD},
	}},
	{name: "contacts", id: "id", cols: []sealedColumn{
		{name: "meta", aad: contactPart("meta")},
		{name: "content", aad: contactPart("content")},
		{name: "messages", aad: contactPart("messages")},
		{name: "visitor", aad: contactPart("visitor")},
	}},
	{name: "attachments", id: "id", with: "blob_key", cols: []sealedColumn{
		{name: "meta", aad: attachmentAAD},
		{name: "wrapped_key", blobKey: true},
	}},
	// A recording's blob key is re-wrapped; the recording is never
	// re-encrypted (its blob key does not change).
	{name: "recordings", id: "contact_id", with: "blob_key", cols: []sealedColumn{
		{name: "wrapped_key", blobKey: true},
	}},
}

type sealedTable struct {
	name, id string
	// with is the column a wrapped blob key is bound to (the blob's key in
	// the blob store), or "".
	with string
	cols []sealedColumn
}

type sealedColumn struct {
	name string
	// aad is what a value is bound to, from its row id; nil for a wrapped
	// blob key, which the blob package binds to the row's blob key.
	aad     func(id string) []byte
	blobKey bool
}

func contactPart(part string) func(string) []byte {
	return func(id string) []byte { return contactAAD(id, part) }
}

// reseal opens old (sealed under any key the keyring holds) and seals its
// plaintext again under the active key. The plaintext never leaves here.
func (c sealedColumn) reseal(dk *keys.DataKeys, id, with string, old []byte) ([]byte, error) {
	if c.blobKey {
		return blob.Rewrap(dk, dk, with, old)
	}
	pt, err := dk.Open(c.aad(id), old)
	if err != nil {
		return nil, err
	}
	out := dk.Seal(c.aad(id), pt)
	clear(pt)
	return out, nil
}

// SealedColumns names every column sealed with the keyring, as
// "table.column".
func SealedColumns() []string {
	var out []string
	for _, t := range sealedTables {
		for _, c := range t.cols {
			out = append(out, t.name+"."+c.name)
		}
	}
	return out
}

// KeyUsage is what one data key seals.
type KeyUsage struct {
	ID uint32
	// InKeyring is false for a key that values name but the keyring does
	// not hold (retired, or a backup restored beside a newer keyring):
	// those values cannot be opened.
	InKeyring bool
	Sealing   bool   // the key new values are sealed under
	MasterID  string // the master that wraps it now
	// Values counts the values under the key by "table.column"; Version1
	// how many of them are version 1 (sealed before the keyring, key 1).
	Values   map[string]int
	Version1 int
}

// Total is the number of values under the key.
func (u KeyUsage) Total() int {
	n := 0
	for _, v := range u.Values {
		n += v
	}
	return n
}

// KeyUsage counts, for every data key of the keyring and every key a
// stored value names, the values sealed under it. It reads the headers of
// the sealed columns (a scan of each table) and decrypts nothing.
func (db *DB) KeyUsage(ctx context.Context) ([]KeyUsage, error) {
	entries, err := db.KeyringEntries(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[uint32]*KeyUsage{}
	var newest uint32
	for _, w := range entries {
		byID[w.ID] = &KeyUsage{ID: w.ID, InKeyring: true, MasterID: w.MasterID, Values: map[string]int{}}
		newest = max(newest, w.ID)
	}
	if u := byID[newest]; u != nil {
		u.Sealing = true
	}
	for _, t := range sealedTables {
		for _, c := range t.cols {
			// A version-1 value's bytes after the version are its nonce:
			// group those by the version byte alone.
			rows, err := db.r.QueryContext(ctx, db.q(`SELECT h, COUNT(*) FROM (SELECT substr(`+c.name+`, 1, CASE WHEN substr(`+c.name+`, 1, 1) = ? THEN 1 ELSE 5 END) AS h FROM `+t.name+` WHERE `+c.name+` IS NOT NULL) x GROUP BY h`),
				keys.Version1Header())
			if err != nil {
				return nil, fmt.Errorf("key usage of %s.%s: %w", t.name, c.name, err)
			}
			for rows.Next() {
				var h []byte
				var n int
				if err := rows.Scan(&h, &n); err != nil {
					rows.Close()
					return nil, err
				}
				id, v1, ok := keys.SealedBy(h)
				if !ok {
					rows.Close()
					return nil, fmt.Errorf("key usage: %d values in %s.%s are not sealed values (header %x)", n, t.name, c.name, h)
				}
				u := byID[id]
				if u == nil {
					u = &KeyUsage{ID: id, Values: map[string]int{}}
					byID[id] = u
				}
				u.Values[t.name+"."+c.name] += n
				if v1 {
					u.Version1 += n
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	out := make([]KeyUsage, 0, len(byID))
	for _, u := range byID {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ResealOptions say what Reseal moves.
type ResealOptions struct {
	// Keys are the data keys whose values are re-sealed; empty means every
	// key of the keyring but the sealing one (version-1 values included,
	// under key 1). A key no longer in the keyring is skipped.
	Keys []uint32
	// Batch is the number of rows read and updated per transaction
	// (default 500).
	Batch int
	// Retire removes the keys from the keyring once no value names them;
	// if any still does, Reseal fails with ECONFLICT and removes none.
	Retire bool
	// AfterBatch, when set, is called after each committed batch with the
	// number committed so far; an error stops the run there. Tests
	// simulate a crash with it.
	AfterBatch func(batches int) error
	// BeforeWrite, when set, is called with a batch's table and row ids
	// after they were read and re-sealed and before they are written.
	// Tests write concurrently with it.
	BeforeWrite func(table string, ids []string)
}

// ResealResult says what a run did and what is left.
type ResealResult struct {
	SealingKey uint32
	Keys       []uint32          // the keys whose values were moved
	Resealed   map[string]int    // values moved, by "table.column"
	Changed    int               // values written meanwhile by someone else: left as they are
	Unreadable []string          // "table/id/column" of values that did not open (at most 20)
	Batches    int               // transactions committed
	Left       map[uint32]int    // values still under each of Keys after the run
	Retired    []uint32          // keys removed from the keyring
	Missing    []uint32          // requested keys no longer in the keyring
	Details    map[uint32]string // per key, the columns still holding values
}

// Total is the number of values moved.
func (r ResealResult) Total() int {
	n := 0
	for _, v := range r.Resealed {
		n += v
	}
	return n
}

const maxUnreadable = 20

// Reseal re-encrypts every stored value sealed under the chosen data keys
// under the sealing key, and with o.Retire then removes those keys from
// the keyring. Each batch of rows is its own transaction, and each value is
// updated only if it still holds the ciphertext that was read (compare and
// swap), so a server writing at the same time is never overwritten and a
// run stopped anywhere is continued by running it again; a run with
// nothing left changes nothing. Blind indexes are not touched (the index
// key does not change), nor are blobs: a recording's or an attachment's
// blob key is re-wrapped. ev (actor, role) is completed with counts only and
// appended once, at the end, also when the run stops early.
//
// Errors: EINVALID when a requested key is the sealing key (rotate first)
// or this process's keyring is older than the stored one; ECONFLICT when
// o.Retire is set and a value still names a key.
func (db *DB) Reseal(ctx context.Context, o ResealOptions, ev *kirjaamo.AuditEvent) (res ResealResult, err error) {
	res.Resealed, res.Left, res.Details = map[string]int{}, map[uint32]int{}, map[uint32]string{}
	dk, err := db.DataKeys(ctx)
	if err != nil {
		return res, err
	}
	entries, err := db.KeyringEntries(ctx)
	if err != nil {
		return res, err
	}
	var newest uint32
	inRing := map[uint32]bool{}
	for _, w := range entries {
		newest = max(newest, w.ID)
		inRing[w.ID] = true
	}
	res.SealingKey = dk.Active()
	if res.SealingKey != newest {
		return res, kirjaamo.Errorf(kirjaamo.EINVALID, "this process seals with data key %d but the keyring's newest is %d (added since it started): run again", res.SealingKey, newest)
	}
	if len(o.Keys) == 0 {
		for _, w := range entries {
			if w.ID != res.SealingKey {
				res.Keys = append(res.Keys, w.ID)
			}
		}
	}
	for _, id := range o.Keys {
		switch {
		case id == res.SealingKey:
			return res, &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "key", Message: fmt.Sprintf("data key %d seals new values; rotate (kirjaamo keys rotate) to get a new sealing key first", id)}
		case !inRing[id]:
			res.Missing = append(res.Missing, id)
		case !slices.Contains(res.Keys, id):
			res.Keys = append(res.Keys, id)
		}
	}
	slices.Sort(res.Keys)
	batch := o.Batch
	if batch <= 0 {
		batch = 500
	}

	// The audit event is written whatever happens after this point: an
	// interrupted run has re-sealed values too.
	retired := false
	defer func() {
		if retired || ev == nil {
			return
		}
		e := *ev
		e.Detail = res.detail(err)
		if aerr := db.AppendAudit(context.WithoutCancel(ctx), &e); aerr != nil && err == nil {
			err = aerr
		}
	}()

	for _, t := range sealedTables {
		if err := db.resealTable(ctx, dk, t, res.Keys, batch, o, &res); err != nil {
			return res, err
		}
	}
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		return res, err
	}
	for _, u := range usage {
		if !slices.Contains(res.Keys, u.ID) || u.Total() == 0 {
			continue
		}
		res.Left[u.ID] = u.Total()
		res.Details[u.ID] = usageDetail(u)
	}
	if !o.Retire || len(res.Keys) == 0 {
		return res, nil
	}
	if len(res.Left) > 0 {
		return res, retireRefused(res.Left, res.Details)
	}
	// Check again in the transaction that removes the keys: a value written
	// since the count above (by a server still sealing under an old key)
	// keeps its key.
	err = db.write(ctx, func(t *tx) error {
		for _, st := range sealedTables {
			cond, args := underKeys(st, res.Keys)
			var one int
			err := t.queryRow(`SELECT 1 FROM `+st.name+` WHERE `+cond+` LIMIT 1`, args...).Scan(&one)
			if err == nil {
				return kirjaamo.Errorf(kirjaamo.ECONFLICT, "a value in %s was sealed under a key being retired while this run counted: run again", st.name)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		for _, id := range res.Keys {
			if _, err := t.exec(`DELETE FROM data_keys WHERE id = ?`, int64(id)); err != nil {
				return err
			}
		}
		res.Retired = res.Keys
		if ev == nil {
			return nil
		}
		e := *ev
		e.Detail = res.detail(nil)
		return t.appendAudit(&e)
	})
	if err != nil {
		res.Retired = nil
		return res, err
	}
	retired = true
	db.dkMu.Lock()
	if db.dk != nil {
		db.dk = db.dk.Without(res.Retired...)
	}
	db.dkMu.Unlock()
	return res, nil
}

func retireRefused(left map[uint32]int, details map[uint32]string) error {
	var parts []string
	ids := make([]uint32, 0, len(left))
	for id := range left {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("data key %d still seals %d values (%s)", id, left[id], details[id]))
	}
	return &kirjaamo.Error{Code: kirjaamo.ECONFLICT, Field: "key",
		Message: strings.Join(parts, "; ") + ": nothing retired; run keys reseal again (values written meanwhile by a server that has not loaded the new key keep the old one: restart every server first)"}
}

func usageDetail(u KeyUsage) string {
	cols := make([]string, 0, len(u.Values))
	for c := range u.Values {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", c, u.Values[c])
	}
	return b.String()
}

// detail is the audit event's text: key ids and counts, nothing else.
func (r ResealResult) detail(err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "reseal under data key %d; keys %s; resealed %d", r.SealingKey, joinKeyIDs(r.Keys), r.Total())
	cols := make([]string, 0, len(r.Resealed))
	for c := range r.Resealed {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		fmt.Fprintf(&b, " %s=%d", c, r.Resealed[c])
	}
	fmt.Fprintf(&b, "; changed meanwhile %d; unreadable %d; batches %d", r.Changed, len(r.Unreadable), r.Batches)
	if len(r.Left) > 0 {
		b.WriteString("; left")
		for _, id := range r.Keys {
			if n := r.Left[id]; n > 0 {
				fmt.Fprintf(&b, " key%d=%d", id, n)
			}
		}
	}
	if len(r.Retired) > 0 {
		b.WriteString("; retired " + joinKeyIDs(r.Retired))
	}
	if err != nil {
		b.WriteString("; stopped early: " + kirjaamo.ErrorCode(err))
	}
	return b.String()
}

func joinKeyIDs(ids []uint32) string {
	if len(ids) == 0 {
		return "none"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ",")
}

// underKeys is a condition on t's rows: a value under one of ids in any
// of its sealed columns, read from the header without decrypting.
func underKeys(t sealedTable, ids []uint32) (string, []any) {
	var args []any
	var cols []string
	for _, c := range t.cols {
		var hdrs []string
		for _, id := range ids {
			hdrs = append(hdrs, "?")
			args = append(args, keys.SealHeader(id))
		}
		cond := "substr(" + c.name + ", 1, 5) IN (" + strings.Join(hdrs, ", ") + ")"
		if slices.Contains(ids, keys.LegacyKeyID) {
			cond += " OR substr(" + c.name + ", 1, 1) = ?"
			args = append(args, keys.Version1Header())
		}
		cols = append(cols, cond)
	}
	return "(" + strings.Join(cols, " OR ") + ")", args
}

type resealChange struct {
	id, col  string
	old, new []byte
}

// resealTable walks t in id order, one batch per transaction.
func (db *DB) resealTable(ctx context.Context, dk *keys.DataKeys, t sealedTable, ids []uint32, batch int, o ResealOptions, res *ResealResult) error {
	if len(ids) == 0 {
		return nil
	}
	cols := []string{t.id}
	if t.with != "" {
		cols = append(cols, t.with)
	}
	for _, c := range t.cols {
		cols = append(cols, c.name)
	}
	under := func(v []byte) bool {
		id, _, ok := keys.SealedBy(v)
		return ok && slices.Contains(ids, id)
	}
	cond, condArgs := underKeys(t, ids)
	q := db.q(`SELECT ` + strings.Join(cols, ", ") + ` FROM ` + t.name + ` WHERE ` + t.id + ` > ? AND ` + cond + ` ORDER BY ` + t.id + ` LIMIT ?`)
	last := ""
	for {
		args := append(append([]any{last}, condArgs...), batch)
		rows, err := db.r.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("reseal %s: %w", t.name, err)
		}
		var changes []resealChange
		var rowIDs []string
		n := 0
		for rows.Next() {
			var id string
			var with sql.NullString
			vals := make([][]byte, len(t.cols))
			dest := []any{&id}
			if t.with != "" {
				dest = append(dest, &with)
			}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			n++
			last = id
			rowIDs = append(rowIDs, id)
			for i, c := range t.cols {
				if vals[i] == nil || !under(vals[i]) {
					continue
				}
				nv, err := c.reseal(dk, id, with.String, vals[i])
				if err != nil {
					// The error names the row, never its content.
					if len(res.Unreadable) < maxUnreadable {
						res.Unreadable = append(res.Unreadable, t.name+"/"+id+"/"+c.name)
					}
					continue
				}
				changes = append(changes, resealChange{id: id, col: c.name, old: vals[i], new: nv})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reseal %s: %w", t.name, err)
		}
		if n == 0 {
			return nil
		}
		if o.BeforeWrite != nil {
			o.BeforeWrite(t.name, rowIDs)
		}
		if len(changes) > 0 {
			done := map[string]int{}
			changed := 0
			err := db.write(ctx, func(tx *tx) error {
				clear(done)
				changed = 0
				for _, c := range changes {
					r, err := tx.exec(`UPDATE `+t.name+` SET `+c.col+` = ? WHERE `+t.id+` = ? AND `+c.col+` = ?`, c.new, c.id, c.old)
					if err != nil {
						return err
					}
					if k, err := r.RowsAffected(); err != nil {
						return err
					} else if k == 1 {
						done[t.name+"."+c.col]++
					} else {
						changed++ // written or deleted since it was read
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("reseal %s: %w", t.name, err)
			}
			for k, v := range done {
				res.Resealed[k] += v
			}
			res.Changed += changed
			res.Batches++
			if o.AfterBatch != nil {
				if err := o.AfterBatch(res.Batches); err != nil {
					return err
				}
			}
		}
		if n < batch {
			return nil
		}
	}
}
