package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// resealWorld is a store holding one value in every sealed column under
// data key 1 (version 1, as before the keyring) or data key 2, and a
// rotation since, so data key 3 seals.
type resealWorld struct {
	db       *sqlstore.DB
	ring     *keys.Ring
	next     keys.Master
	old      *keys.DataKeys // the keyring as a server started before the rotation holds it: seals under key 2
	subjects []*kirjaamo.Subject
	contacts []*kirjaamo.Contact // call (content, recording), chat (messages, visitor), e-mail (attachments)
	blobKeys map[string][]byte   // blob key → the data key its wrapped key must open to
	attach   []*kirjaamo.Attachment
}

const resealActor = "cli:keys-reseal"

func resealEvent() *kirjaamo.AuditEvent {
	return &kirjaamo.AuditEvent{At: t0, Actor: resealActor, Role: "admin", Action: kirjaamo.ActionUpdate, Outcome: kirjaamo.OutcomeOK, RequestID: "reseal-test"}
}

func newResealWorld(t *testing.T, b Backend) *resealWorld {
	t.Helper()
	w := &resealWorld{ring: keys.Generate(), blobKeys: map[string][]byte{}}
	w.db = b.Open(t, w.ring)
	g := synth.New(11)
	for range 5 {
		w.subjects = append(w.subjects, newSubject(t, w.db, g))
	}
	dk, err := w.db.DataKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.old = dk
	call := newContact(t, w.db, "calls", w.subjects[0].ID)
	recKey := "recordings/" + call.ID
	w.blobKeys[recKey] = blob.NewDataKey()
	rec := &kirjaamo.Recording{ContactID: call.ID, BlobKey: recKey, WrappedKey: blob.Wrap(dk, recKey, w.blobKeys[recKey]),
		Size: 1, SHA256: "00", ContentType: "audio/ogg", StartedAt: t0, UploadedAt: t0, UploadedBy: "u1"}
	if err := w.db.AttachRecording(ctx, rec, func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error) { return ev(kirjaamo.ActionUpdate), nil }); err != nil {
		t.Fatal(err)
	}
	chat := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindChat, Register: "chats", SubjectIDs: []string{w.subjects[1].ID},
		Messages: []kirjaamo.ChatMessage{{Sender: "customer", At: t0, Text: g.Sentence()}, {Sender: "agent", At: t0, Text: g.Sentence()}},
		Visitor:  &kirjaamo.Visitor{SessionID: "s1", Browser: "Firefox", DeviceType: "mobile", Location: "Tampere"}, CreatedAt: t0, CreatedBy: "u1"}
	if err := w.db.CreateContact(ctx, chat, ev(kirjaamo.ActionCreate)); err != nil {
		t.Fatal(err)
	}
	text := g.Sentence()
	mail := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindEmail, Register: "customers", SubjectIDs: []string{w.subjects[2].ID},
		Content: &text, CreatedAt: t0, CreatedBy: "u1"}
	stored := &kirjaamo.Attachment{ID: kirjaamo.NewID(t0), ContactID: mail.ID, Number: 1, Filename: "lasku.txt", ContentType: "text/plain",
		Size: 3, SHA256: "00", Stored: true, Scanned: true, CreatedAt: t0, BlobKey: "attachments/" + mail.ID + "/1"}
	w.blobKeys[stored.BlobKey] = blob.NewDataKey()
	stored.WrappedKey = blob.Wrap(dk, stored.BlobKey, w.blobKeys[stored.BlobKey])
	skipped := &kirjaamo.Attachment{ID: kirjaamo.NewID(t0), ContactID: mail.ID, Number: 2, Filename: "kuva.jpg", ContentType: "image/jpeg",
		Size: 9, Note: "not stored", CreatedAt: t0}
	mail.Attachments = []*kirjaamo.Attachment{stored, skipped}
	w.attach = mail.Attachments
	if err := w.db.CreateContact(ctx, mail, ev(kirjaamo.ActionCreate)); err != nil {
		t.Fatal(err)
	}
	w.contacts = []*kirjaamo.Contact{call, chat, mail}

	// Values from before the keyring: a subject, a contact's metadata and
	// content, the recording's wrapped key, as version 1 under the original
	// master key (data key 1).
	legacy := w.ring.LegacyKey()
	toV1 := func(table, col, idCol, id string, aad []byte) {
		var sealed []byte
		if err := w.db.Writer().QueryRow(rebind(w.db, `SELECT `+col+` FROM `+table+` WHERE `+idCol+` = ?`), id).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		pt, err := dk.Open(aad, sealed)
		if err != nil {
			t.Fatalf("%s.%s: %v", table, col, err)
		}
		if _, err := w.db.Writer().Exec(rebind(w.db, `UPDATE `+table+` SET `+col+` = ? WHERE `+idCol+` = ?`), sealV1(t, legacy, aad, pt), id); err != nil {
			t.Fatal(err)
		}
	}
	toV1("subjects", "data", "id", w.subjects[3].ID, []byte("subjects/"+w.subjects[3].ID))
	toV1("contacts", "meta", "id", call.ID, []byte("contacts/"+call.ID+"/meta"))
	toV1("contacts", "content", "id", call.ID, []byte("contacts/"+call.ID+"/content"))
	toV1("recordings", "wrapped_key", "contact_id", call.ID, []byte("kirjaamo blob data key\x00"+recKey))

	w.next = newMaster(t)
	if _, err := w.db.RotateMaster(ctx, w.next, sqlstore.RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Written after the rotation: under key 3 already.
	w.subjects = append(w.subjects, newSubject(t, w.db, g))
	return w
}

// readsAll reads every value back through the store: subjects (also found
// by their blind index), contacts with every part, attachments, and the
// recording's and attachment's blob keys.
func (w *resealWorld) readsAll(t *testing.T) {
	t.Helper()
	for _, s := range w.subjects {
		got, err := w.db.Subject(ctx, s.ID, allow[*kirjaamo.Subject](kirjaamo.ActionRead))
		if err != nil || got.IdentityCode != s.IdentityCode || got.LastName != s.LastName {
			t.Fatalf("subject %s: %v", s.ID, err)
		}
		found, err := w.db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: s.IdentityCode}}, 10, allow[[]*kirjaamo.Subject](kirjaamo.ActionSearch))
		if err != nil || len(found) != 1 || found[0].ID != s.ID {
			t.Fatalf("subject %s by identity code: %d found, %v", s.ID, len(found), err)
		}
	}
	for _, c := range w.contacts {
		got, err := w.db.Contact(ctx, c.ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
		if err != nil {
			t.Fatalf("contact %s: %v", c.ID, err)
		}
		if (c.Content != nil) != (got.Content != nil) || c.Content != nil && *got.Content != *c.Content {
			t.Fatalf("contact %s: content differs", c.ID)
		}
		if len(got.Messages) != len(c.Messages) || (c.Visitor != nil) != (got.Visitor != nil) || c.Visitor != nil && *got.Visitor != *c.Visitor {
			t.Fatalf("contact %s: chat parts differ", c.ID)
		}
		if got.Metadata["service_number"] != c.Metadata["service_number"] {
			t.Fatalf("contact %s: metadata differs", c.ID)
		}
	}
	as, err := w.db.Attachments(ctx, w.contacts[2].ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
	if err != nil || len(as) != 2 || as[0].Filename != w.attach[0].Filename || as[1].Note != w.attach[1].Note {
		t.Fatalf("attachments: %d, %v", len(as), err)
	}
	dk, err := w.db.DataKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.db.Attachment(ctx, w.contacts[2].ID, w.attach[0].ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.db.Recording(ctx, w.contacts[0].ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
	if err != nil {
		t.Fatal(err)
	}
	for key, wrapped := range map[string][]byte{a.BlobKey: a.WrappedKey, rec.BlobKey: rec.WrappedKey} {
		k, err := blob.Unwrap(dk, key, wrapped)
		if err != nil || !bytes.Equal(k, w.blobKeys[key]) {
			t.Fatalf("blob key of %s: %v", key, err)
		}
	}
}

// binaryColumns lists every binary column of every table but the keyring
// itself, read from the database's catalogue, not from sqlstore's list.
func binaryColumns(t testing.TB, db *sqlstore.DB) [][2]string {
	t.Helper()
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND upper(p.type) = 'BLOB'`
	if db.Dialect().Dollar {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'bytea'`
	}
	rows, err := db.Writer().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		if c[0] != "data_keys" {
			out = append(out, c)
		}
	}
	if len(out) < 8 {
		t.Fatalf("found %d binary columns: %v; the catalogue query is wrong", len(out), out)
	}
	return out
}

// nothingUnder fails if any stored value names one of ids: every binary
// column is scanned for version-2 headers, so a sealed column that reseal
// does not know is caught too; version-1 values are looked for in the
// sealed columns (elsewhere a leading 1 byte is no sign of one).
func nothingUnder(t testing.TB, db *sqlstore.DB, ids ...uint32) {
	t.Helper()
	for _, tc := range binaryColumns(t, db) {
		rows, err := db.Writer().Query(`SELECT ` + tc[1] + ` FROM ` + tc[0] + ` WHERE ` + tc[1] + ` IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		sealed := slices.Contains(sqlstore.SealedColumns(), tc[0]+"."+tc[1])
		for rows.Next() {
			var v []byte
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if bytes.HasPrefix(v, keys.SealHeader(id)) || sealed && id == keys.LegacyKeyID && bytes.HasPrefix(v, keys.Version1Header()) {
					rows.Close()
					t.Fatalf("%s.%s holds a value under data key %d", tc[0], tc[1], id)
				}
			}
		}
		rows.Close()
	}
}

// snapshot hashes every binary column of every table but the audit log
// (a run appends its event), and the keyring, to show a run changed
// nothing.
func snapshot(t testing.TB, db *sqlstore.DB) string {
	t.Helper()
	h := sha256.New()
	for _, tc := range append(binaryColumns(t, db), [2]string{"data_keys", "wrapped"}) {
		if strings.HasPrefix(tc[0], "audit_") {
			continue
		}
		rows, err := db.Writer().Query(`SELECT ` + tc[1] + ` FROM ` + tc[0] + ` ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v []byte
			rows.Scan(&v)
			fmt.Fprintf(h, "%s.%s:%x;", tc[0], tc[1], v)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func usageOf(t testing.TB, db *sqlstore.DB) map[uint32]sqlstore.KeyUsage {
	t.Helper()
	us, err := db.KeyUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32]sqlstore.KeyUsage{}
	for _, u := range us {
		out[u.ID] = u
	}
	return out
}

func resealEvents(t testing.TB, db *sqlstore.DB) []*kirjaamo.AuditEvent {
	t.Helper()
	evs, err := db.AuditEvents(ctx, kirjaamo.AuditFilter{Actor: resealActor, Limit: 100}, ev(kirjaamo.ActionRead))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func runReseal(t *testing.T, b Backend) {
	// What the world holds before any reseal: key 1 seals 4 values (version
	// 1), key 2 every other value written before the rotation.
	wantMoved := map[string]int{"subjects.data": 5, "contacts.meta": 3, "contacts.content": 2, "contacts.messages": 1,
		"contacts.visitor": 1, "attachments.meta": 2, "attachments.wrapped_key": 1, "recordings.wrapped_key": 1}

	t.Run("Reseal/EverythingMovesToSealingKey", func(t *testing.T) {
		w := newResealWorld(t, b)
		before := usageOf(t, w.db)
		if before[1].Version1 != 4 || before[1].Total() != 4 || before[2].Total() != 12 || !before[3].Sealing || before[3].Total() != 1 {
			t.Fatalf("usage before: key 1 %+v, key 2 %+v, key 3 %+v; want 4 version-1, 12, 1 (sealing)", before[1], before[2], before[3])
		}
		var bidx [][]byte
		rows, _ := w.db.Writer().Query(`SELECT bidx FROM subject_keys ORDER BY bidx`)
		for rows.Next() {
			var v []byte
			rows.Scan(&v)
			bidx = append(bidx, v)
		}
		rows.Close()
		res, err := w.db.Reseal(ctx, sqlstore.ResealOptions{}, resealEvent())
		if err != nil {
			t.Fatal(err)
		}
		if res.SealingKey != 3 || !slices.Equal(res.Keys, []uint32{1, 2}) || res.Changed != 0 || len(res.Unreadable) != 0 || len(res.Left) != 0 {
			t.Fatalf("got %+v; want keys 1, 2 moved to 3, nothing left", res)
		}
		for col, n := range wantMoved {
			if res.Resealed[col] != n {
				t.Errorf("resealed %s: got %d, want %d", col, res.Resealed[col], n)
			}
		}
		nothingUnder(t, w.db, 1, 2)
		after := usageOf(t, w.db)
		if after[3].Total() != 17 || after[1].Total() != 0 || after[2].Total() != 0 || !after[1].InKeyring {
			t.Fatalf("usage after: %+v; want all 17 values under key 3, keys 1 and 2 still in the keyring", after)
		}
		// Readable without keys 1 and 2: by the new master alone, with a
		// keyring lacking them.
		entries, _ := w.db.KeyringEntries(ctx)
		dk, err := keys.OpenDataKeys(ctx, []keys.Master{w.next}, entries)
		if err != nil {
			t.Fatal(err)
		}
		dk = dk.Without(1, 2)
		for _, s := range w.subjects {
			var sealed []byte
			w.db.Writer().QueryRow(rebind(w.db, `SELECT data FROM subjects WHERE id = ?`), s.ID).Scan(&sealed)
			if _, err := dk.Open([]byte("subjects/"+s.ID), sealed); err != nil {
				t.Fatalf("subject %s with keys 1 and 2 gone: %v", s.ID, err)
			}
		}
		w.readsAll(t)
		// The blind indexes were not touched: the index key did not change.
		var got [][]byte
		rows, _ = w.db.Writer().Query(`SELECT bidx FROM subject_keys ORDER BY bidx`)
		for rows.Next() {
			var v []byte
			rows.Scan(&v)
			got = append(got, v)
		}
		rows.Close()
		if !slices.EqualFunc(got, bidx, bytes.Equal) {
			t.Error("blind indexes changed")
		}
		// One audit event, counts only.
		evs := resealEvents(t, w.db)
		if len(evs) != 1 {
			t.Fatalf("audit events of the run: got %d, want 1", len(evs))
		}
		d := evs[0].Detail
		if !strings.Contains(d, "resealed 16") || !strings.Contains(d, "subjects.data=5") || len(evs[0].SubjectIDs) != 0 || len(evs[0].RecordIDs) != 0 {
			t.Errorf("audit detail %q, %d subjects, %d records; want the counts and no ids", d, len(evs[0].SubjectIDs), len(evs[0].RecordIDs))
		}
		for _, s := range w.subjects {
			if strings.Contains(d, s.LastName) || strings.Contains(d, s.IdentityCode) || strings.Contains(d, s.ID) {
				t.Fatal("the audit event names a subject")
			}
		}
		if _, err := verify(t, w.db, w.ring); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
	})

	t.Run("Reseal/RetiredKeysAreNotNeeded", func(t *testing.T) {
		w := newResealWorld(t, b)
		res, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Retire: true}, resealEvent())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Retired, []uint32{1, 2}) {
			t.Fatalf("retired %v, want [1 2]", res.Retired)
		}
		entries, _ := w.db.KeyringEntries(ctx)
		if len(entries) != 1 || entries[0].ID != 3 {
			t.Fatalf("keyring after retiring: %+v, want only key 3", entries)
		}
		dk, _ := w.db.DataKeys(ctx)
		if dk.Has(1) || dk.Has(2) {
			t.Fatal("the store still holds the retired keys")
		}
		nothingUnder(t, w.db, 1, 2)
		w.readsAll(t)
		// A process started now, with the new master, loads a keyring
		// without them and reads everything.
		if _, err := keys.OpenDataKeys(ctx, []keys.Master{w.next}, entries); err != nil {
			t.Fatal(err)
		}
		if evs := resealEvents(t, w.db); len(evs) != 1 || !strings.Contains(evs[0].Detail, "retired 1,2") {
			t.Fatalf("audit: %d events, want one saying the keys were retired", len(evs))
		}
		// Rerun: nothing to do, nothing changed.
		snap := snapshot(t, w.db)
		res, err = w.db.Reseal(ctx, sqlstore.ResealOptions{Keys: []uint32{1, 2}, Retire: true}, resealEvent())
		if err != nil || res.Total() != 0 || !slices.Equal(res.Missing, []uint32{1, 2}) || len(res.Retired) != 0 {
			t.Fatalf("rerun after retiring: %+v, %v; want keys 1, 2 reported missing and nothing done", res, err)
		}
		if snapshot(t, w.db) != snap {
			t.Fatal("a rerun after retiring changed stored values")
		}
	})

	t.Run("Reseal/OnlyTheChosenKey", func(t *testing.T) {
		w := newResealWorld(t, b)
		res, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Keys: []uint32{keys.LegacyKeyID}, Retire: true}, resealEvent())
		if err != nil {
			t.Fatal(err)
		}
		if res.Total() != 4 || !slices.Equal(res.Retired, []uint32{1}) {
			t.Fatalf("got %+v; want the 4 version-1 values moved and key 1 retired", res)
		}
		u := usageOf(t, w.db)
		if u[2].Total() != 12 || !u[2].InKeyring || u[1].Total() != 0 || u[1].InKeyring {
			t.Fatalf("usage: key 1 %+v, key 2 %+v; want key 2 untouched and key 1 gone", u[1], u[2])
		}
		nothingUnder(t, w.db, 1)
		w.readsAll(t)
	})

	t.Run("Reseal/InterruptedRunThenRerunCompletes", func(t *testing.T) {
		w := newResealWorld(t, b)
		res, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Batch: 2, AfterBatch: func(n int) error {
			if n == 1 {
				return errCrash
			}
			return nil
		}}, resealEvent())
		if !errors.Is(err, errCrash) || res.Batches != 1 || res.Total() == 0 || res.Total() > 2 {
			t.Fatalf("got %+v, %v; want a stop after one batch of at most 2 values", res, err)
		}
		first := res.Total()
		u := usageOf(t, w.db)
		if left := u[1].Total() + u[2].Total(); left != 16-first {
			t.Fatalf("left under keys 1 and 2 after the crash: %d, want %d", left, 16-first)
		}
		w.readsAll(t) // mixed: the store holds every key
		res, err = w.db.Reseal(ctx, sqlstore.ResealOptions{Batch: 2}, resealEvent())
		if err != nil || res.Total() != 16-first || len(res.Left) != 0 {
			t.Fatalf("rerun: %+v, %v; want the rest moved", res, err)
		}
		nothingUnder(t, w.db, 1, 2)
		snap := snapshot(t, w.db)
		res, err = w.db.Reseal(ctx, sqlstore.ResealOptions{Batch: 2}, resealEvent())
		if err != nil || res.Total() != 0 || res.Batches != 0 || res.Changed != 0 {
			t.Fatalf("third run: %+v, %v; want nothing to do", res, err)
		}
		if snapshot(t, w.db) != snap {
			t.Fatal("a run with nothing to do changed stored values")
		}
		w.readsAll(t)
		if evs := resealEvents(t, w.db); len(evs) != 3 || !strings.Contains(evs[0].Detail, "stopped early") {
			t.Fatalf("audit: %d events; want one per run, the first saying it stopped", len(evs))
		}
		if _, err := verify(t, w.db, w.ring); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Reseal/ConcurrentWritesAreKept", func(t *testing.T) {
		// While a batch is between its read and its write, the service
		// updates a subject (under key 3), and a server started before the
		// rotation rewrites a contact's content under key 2. Neither is
		// overwritten; the second keeps key 2 until a rerun, and retiring
		// key 2 is refused until then.
		w := newResealWorld(t, b)
		g := synth.New(99)
		newName := g.LastName()
		newText := g.Sentence()
		s, c := w.subjects[0], w.contacts[2]
		var once sync.Map
		res, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Retire: true, BeforeWrite: func(table string, ids []string) {
			if _, done := once.LoadOrStore(table, true); done {
				return
			}
			switch table {
			case "subjects":
				if !slices.Contains(ids, s.ID) {
					t.Errorf("first subjects batch lacks %s", s.ID)
				}
				if _, err := w.db.UpdateSubject(ctx, s.ID, func(s *kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
					s.LastName = newName
					return ev(kirjaamo.ActionUpdate, s.ID), nil
				}); err != nil {
					t.Error(err)
				}
			case "contacts":
				sealed := w.old.Seal([]byte("contacts/"+c.ID+"/content"), []byte(newText))
				if _, err := w.db.Writer().Exec(rebind(w.db, `UPDATE contacts SET content = ? WHERE id = ?`), sealed, c.ID); err != nil {
					t.Error(err)
				}
			}
		}}, resealEvent())
		if kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT || !strings.Contains(err.Error(), "data key 2 still seals 1 values (contacts.content 1)") {
			t.Fatalf("got %v; want retiring refused: key 2 still seals the content written meanwhile", err)
		}
		if res.Changed != 2 || res.Left[2] != 1 || len(res.Retired) != 0 {
			t.Fatalf("got %+v; want 2 values changed meanwhile, 1 left under key 2, nothing retired", res)
		}
		if entries, _ := w.db.KeyringEntries(ctx); len(entries) != 3 {
			t.Fatalf("keyring: %d keys, want all 3 (retire refused)", len(entries))
		}
		check := func() {
			t.Helper()
			got, err := w.db.Subject(ctx, s.ID, allow[*kirjaamo.Subject](kirjaamo.ActionRead))
			if err != nil || got.LastName != newName || got.IdentityCode != s.IdentityCode {
				t.Fatalf("subject updated during the run: %v", err)
			}
			gc, err := w.db.Contact(ctx, c.ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
			if err != nil || gc.Content == nil || *gc.Content != newText {
				t.Fatalf("content written during the run: %v", err)
			}
		}
		check()
		res, err = w.db.Reseal(ctx, sqlstore.ResealOptions{Retire: true}, resealEvent())
		if err != nil || res.Total() != 1 || !slices.Equal(res.Retired, []uint32{1, 2}) {
			t.Fatalf("rerun: %+v, %v; want the one value moved and keys 1, 2 retired", res, err)
		}
		check()
		nothingUnder(t, w.db, 1, 2)
		s.LastName = newName
		w.contacts[2].Content = &newText
		w.readsAll(t)
	})

	t.Run("Reseal/WhileWritersRun", func(t *testing.T) {
		// Real concurrency: updates through the store run beside a reseal
		// of one row per batch; every subject ends as its last update left
		// it.
		w := newResealWorld(t, b)
		g := synth.New(5)
		names := make([]string, 40)
		for i := range names {
			names[i] = g.LastName()
		}
		var wg sync.WaitGroup
		last := make([]string, len(w.subjects))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, name := range names {
				k := i % len(w.subjects)
				if _, err := w.db.UpdateSubject(ctx, w.subjects[k].ID, func(s *kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
					s.LastName = name
					return ev(kirjaamo.ActionUpdate, s.ID), nil
				}); err != nil {
					t.Error(err)
					return
				}
				last[k] = name
			}
		}()
		_, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Batch: 1}, resealEvent())
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		for k, s := range w.subjects {
			if last[k] != "" {
				s.LastName = last[k]
			}
		}
		w.readsAll(t)
		if _, err := w.db.Reseal(ctx, sqlstore.ResealOptions{Retire: true}, resealEvent()); err != nil {
			t.Fatal(err)
		}
		w.readsAll(t)
	})

	for _, tc := range []struct {
		name string
		o    sqlstore.ResealOptions
		prep func(t *testing.T, w *resealWorld)
		code string
		want string
	}{
		{"Reseal/ErrSealingKeyCannotBeResealed", sqlstore.ResealOptions{Keys: []uint32{3}}, nil, kirjaamo.EINVALID, "data key 3 seals new values"},
		{"Reseal/ErrRetireRefusedWhileAValueDoesNotOpen", sqlstore.ResealOptions{Keys: []uint32{2}, Retire: true}, func(t *testing.T, w *resealWorld) {
			// A value under key 2 that no longer opens (altered): it keeps
			// the key, and so the key stays.
			var sealed []byte
			w.db.Writer().QueryRow(rebind(w.db, `SELECT meta FROM contacts WHERE id = ?`), w.contacts[1].ID).Scan(&sealed)
			sealed[len(sealed)-1] ^= 1
			w.db.Writer().Exec(rebind(w.db, `UPDATE contacts SET meta = ? WHERE id = ?`), sealed, w.contacts[1].ID)
		}, kirjaamo.ECONFLICT, "data key 2 still seals 1 values (contacts.meta 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newResealWorld(t, b)
			if tc.prep != nil {
				tc.prep(t, w)
			}
			entries, _ := w.db.KeyringEntries(ctx)
			res, err := w.db.Reseal(ctx, tc.o, resealEvent())
			if kirjaamo.ErrorCode(err) != tc.code || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Fatalf("got %v; want %s %q", err, tc.code, tc.want)
			}
			if after, _ := w.db.KeyringEntries(ctx); len(after) != len(entries) || len(res.Retired) != 0 {
				t.Fatalf("keyring: %d keys after, %d before; retired %v", len(after), len(entries), res.Retired)
			}
		})
	}
}
