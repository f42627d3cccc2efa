package storetest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

var errCrash = errors.New("simulated crash")

// sealV1 seals as Kirjaamo did before the keyring: version byte 1, nonce,
// AES-256-GCM under the master key itself.
func sealV1(t testing.TB, master, aad, plaintext []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(master)
	if err != nil {
		t.Fatal(err)
	}
	aead, _ := cipher.NewGCM(block)
	out := make([]byte, 1+aead.NonceSize())
	out[0] = 1
	rand.Read(out[1:])
	return aead.Seal(out, out[1:], plaintext, aad)
}

// rebind numbers ? placeholders for PostgreSQL.
func rebind(db *sqlstore.DB, q string) string {
	if !db.Dialect().Dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func newMaster(t testing.TB) keys.Master {
	t.Helper()
	m, err := keys.NewLocalMaster(bytes.Repeat([]byte{byte(len(t.Name()))}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// opens reports whether a process holding only masters can open the
// keyring as stored.
func opens(t testing.TB, db *sqlstore.DB, masters ...keys.Master) (*keys.DataKeys, error) {
	t.Helper()
	entries, err := db.KeyringEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return keys.OpenDataKeys(ctx, masters, entries)
}

// readsBack checks that the subject, the contact and a recording key written
// before a rotation still read, through the store and with dk alone.
func readsBack(t *testing.T, db *sqlstore.DB, dk *keys.DataKeys, s *kirjaamo.Subject, c *kirjaamo.Contact, wrapped []byte, blobKey []byte) {
	t.Helper()
	got, err := db.Subject(ctx, s.ID, allow[*kirjaamo.Subject](kirjaamo.ActionRead))
	if err != nil || got.IdentityCode != s.IdentityCode {
		t.Fatalf("subject after rotation: %v", err)
	}
	// The blind-index key did not change: the identity code still finds it.
	found, err := db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: s.IdentityCode}}, 10, allow[[]*kirjaamo.Subject](kirjaamo.ActionSearch))
	if err != nil || len(found) != 1 || found[0].ID != s.ID {
		t.Fatalf("search by identity code after rotation: got %d subjects, %v", len(found), err)
	}
	gc, err := db.Contact(ctx, c.ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead))
	if err != nil || *gc.Content != *c.Content {
		t.Fatalf("contact after rotation: %v", err)
	}
	k, err := blob.Unwrap(dk, "recordings/"+c.ID, wrapped)
	if err != nil || !bytes.Equal(k, blobKey) {
		t.Fatalf("recording key after rotation: %v", err)
	}
}

func runKeyRotation(t *testing.T, b Backend) {
	setup := func(t *testing.T) (*sqlstore.DB, *keys.Ring, *kirjaamo.Subject, *kirjaamo.Contact, []byte, []byte) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		s := newSubject(t, db, synth.New(7))
		c := newContact(t, db, "calls", s.ID)
		dk, err := db.DataKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		blobKey := blob.NewDataKey()
		return db, ring, s, c, blob.Wrap(dk, "recordings/"+c.ID, blobKey), blobKey
	}

	t.Run("KeyRotation/DataWrittenBeforeReadsAfter", func(t *testing.T) {
		db, ring, s, c, wrapped, blobKey := setup(t)
		next := newMaster(t)
		res, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rewrapped != 2 || res.NewKeyID != 3 || res.Entries != 3 {
			t.Fatalf("got %+v, want 2 re-wrapped, new key 3 of 3", res)
		}
		dk, err := opens(t, db, next)
		if err != nil {
			t.Fatalf("new master alone: %v", err)
		}
		readsBack(t, db, dk, s, c, wrapped, blobKey)
		if dk.Active() != 3 {
			t.Errorf("active data key: got %d, want 3", dk.Active())
		}
		// What is written now is sealed under the new data key.
		c2 := newContact(t, db, "calls", s.ID)
		if gc, err := db.Contact(ctx, c2.ID, allow[*kirjaamo.Contact](kirjaamo.ActionRead)); err != nil || *gc.Content != *c2.Content {
			t.Fatalf("contact written after rotation: %v", err)
		}
		if _, err := opens(t, db, ring.Master()); !errors.Is(err, keys.ErrNoMaster) {
			t.Errorf("old master alone: got %v, want keys.ErrNoMaster", err)
		}
	})

	t.Run("KeyRotation/SealedBeforeKeyringReadsAfter", func(t *testing.T) {
		// A database from before the keyring: its values are version 1,
		// sealed directly under the master key. Simulate one by re-sealing
		// a subject's data that way, then rotate.
		db, ring, s, c, wrapped, blobKey := setup(t)
		var sealed []byte
		if err := db.Writer().QueryRow(rebind(db, `SELECT data FROM subjects WHERE id = ?`), s.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		dk, _ := db.DataKeys(ctx)
		plain, err := dk.Open([]byte("subjects/"+s.ID), sealed)
		if err != nil {
			t.Fatal(err)
		}
		v1 := sealV1(t, ring.LegacyKey(), []byte("subjects/"+s.ID), plain)
		if _, err := db.Writer().Exec(rebind(db, `UPDATE subjects SET data = ? WHERE id = ?`), v1, s.ID); err != nil {
			t.Fatal(err)
		}
		next := newMaster(t)
		if _, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{}); err != nil {
			t.Fatal(err)
		}
		dk, err = opens(t, db, next)
		if err != nil {
			t.Fatal(err)
		}
		readsBack(t, db, dk, s, c, wrapped, blobKey)
		if got, err := dk.Open([]byte("subjects/"+s.ID), v1); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("version-1 value with the new master's keyring: %v", err)
		}
	})

	t.Run("KeyRotation/OldMasterNoLongerOpensKeyring", func(t *testing.T) {
		db, ring, _, _, _, _ := setup(t)
		next := newMaster(t)
		if _, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{}); err != nil {
			t.Fatal(err)
		}
		entries, err := db.KeyringEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range entries {
			if w.MasterID != next.ID() {
				t.Errorf("data key %d: wrapped by %s, want %s", w.ID, w.MasterID, next.ID())
			}
			// Even told it is the wrapping master, the old key opens nothing.
			w.MasterID = ring.Master().ID()
			if _, err := keys.UnwrapDataKey(ctx, []keys.Master{ring.Master()}, w); !errors.Is(err, keys.ErrDecrypt) {
				t.Errorf("data key %d under the old master: got %v, want keys.ErrDecrypt", w.ID, err)
			}
		}
	})

	t.Run("KeyRotation/CrashMidwayThenRerunCompletes", func(t *testing.T) {
		db, ring, s, c, wrapped, blobKey := setup(t)
		next := newMaster(t)
		res, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{AfterRewrap: func(n int) error {
			if n == 1 {
				return errCrash
			}
			return nil
		}})
		if !errors.Is(err, errCrash) || res.Rewrapped != 1 {
			t.Fatalf("got %+v, %v; want a stop after 1 re-wrap", res, err)
		}
		// Mixed: one entry under each master. A server given both opens it
		// all; either master alone does not.
		dk, err := opens(t, db, ring.Master(), next)
		if err != nil {
			t.Fatalf("both masters after the crash: %v", err)
		}
		readsBack(t, db, dk, s, c, wrapped, blobKey)
		for _, m := range []keys.Master{ring.Master(), next} {
			if _, err := opens(t, db, m); !errors.Is(err, keys.ErrNoMaster) {
				t.Errorf("%s alone after the crash: got %v, want keys.ErrNoMaster", m.ID(), err)
			}
		}
		res, err = db.RotateMaster(ctx, next, sqlstore.RotateOptions{})
		if err != nil || res.Rewrapped != 1 || res.NewKeyID != 3 {
			t.Fatalf("rerun: got %+v, %v; want 1 re-wrapped and new key 3", res, err)
		}
		res, err = db.RotateMaster(ctx, next, sqlstore.RotateOptions{})
		if err != nil || res.Rewrapped != 0 || res.NewKeyID != 0 || res.Entries != 3 {
			t.Fatalf("third run: got %+v, %v; want nothing to do", res, err)
		}
		dk, err = opens(t, db, next)
		if err != nil {
			t.Fatalf("new master alone after the rerun: %v", err)
		}
		readsBack(t, db, dk, s, c, wrapped, blobKey)
	})

	runReseal(t, b)
}
