package keys

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"testing"
)

// sealV1Direct is how values were sealed before the keyring: directly
// under the master key, version byte 1.
func sealV1Direct(t *testing.T, master, aad, pt []byte) []byte {
	t.Helper()
	block, _ := aes.NewCipher(master)
	aead, _ := cipher.NewGCM(block)
	out := make([]byte, 1+aead.NonceSize())
	out[0] = sealV1
	rand.Read(out[1:])
	return aead.Seal(out, out[1:], pt, aad)
}

func TestDataKeys(t *testing.T) {
	ctx := context.Background()
	master := random32()
	ring, err := New(master, random32(), random32())
	if err != nil {
		t.Fatal(err)
	}
	m := ring.Master()
	legacy, _ := WrapDataKey(ctx, m, LegacyKeyID, ring.LegacyKey())
	second, _ := WrapDataKey(ctx, m, LegacyKeyID+1, random32())
	dk, err := OpenDataKeys(ctx, ring.Masters(), []WrappedKey{legacy, second})
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("subjects/x")
	for _, tc := range []struct {
		name   string
		sealed func() []byte
		aad    []byte
		want   error
	}{
		{"SealedNowOpens", func() []byte { return dk.Seal(aad, []byte("x")) }, aad, nil},
		{"SealedBeforeKeyringOpensWithLegacyKey", func() []byte { return sealV1Direct(t, master, aad, []byte("x")) }, aad, nil},
		{"ErrOtherRow", func() []byte { return dk.Seal(aad, []byte("x")) }, []byte("subjects/y"), ErrDecrypt},
		{"ErrKeyIDAltered", func() []byte { b := dk.Seal(aad, []byte("x")); b[4] = byte(LegacyKeyID); return b }, aad, ErrDecrypt},
		{"ErrUnknownKey", func() []byte { b := dk.Seal(aad, []byte("x")); b[4] = 9; return b }, aad, ErrUnknownKey},
		{"ErrUnknownVersion", func() []byte { b := dk.Seal(aad, []byte("x")); b[0] = 7; return b }, aad, ErrDecrypt},
		{"ErrEmpty", func() []byte { return nil }, aad, ErrDecrypt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dk.Open(tc.aad, tc.sealed())
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == nil && string(got) != "x" {
				t.Fatalf("got %q, want x", got)
			}
		})
	}
	t.Run("SealsWithNewestKey", func(t *testing.T) {
		if dk.Active() != LegacyKeyID+1 {
			t.Errorf("got %d, want %d", dk.Active(), LegacyKeyID+1)
		}
	})
	t.Run("RewrapKeepsKeyAndOrigin", func(t *testing.T) {
		next, _ := NewLocalMaster(random32())
		moved, err := RewrapDataKey(ctx, ring.Masters(), next, second)
		if err != nil {
			t.Fatal(err)
		}
		if moved.MasterID != next.ID() || moved.Origin != m.ID() || moved.ID != second.ID {
			t.Errorf("got %+v", moved)
		}
		a, _ := UnwrapDataKey(ctx, []Master{next}, moved)
		b, _ := UnwrapDataKey(ctx, []Master{m}, second)
		if !bytes.Equal(a, b) || a == nil {
			t.Error("re-wrapped key differs")
		}
		if _, err := UnwrapDataKey(ctx, []Master{m}, moved); !errors.Is(err, ErrNoMaster) {
			t.Errorf("old master: got %v, want ErrNoMaster", err)
		}
	})
}

// TestSealedBy: the header of a sealed value names the key that opens it,
// and SealHeader is that header, so a store can find a key's values by
// prefix without decrypting.
func TestSealedBy(t *testing.T) {
	ctx := context.Background()
	master := random32()
	ring, _ := New(master, random32(), random32())
	legacy, _ := WrapDataKey(ctx, ring.Master(), LegacyKeyID, ring.LegacyKey())
	second, _ := WrapDataKey(ctx, ring.Master(), 70000, random32())
	dk, err := OpenDataKeys(ctx, ring.Masters(), []WrappedKey{legacy, second})
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("subjects/x")
	for _, tc := range []struct {
		name   string
		sealed []byte
		id     uint32
		v1, ok bool
	}{
		{"Version2NamesItsKey", dk.Seal(aad, []byte("x")), 70000, false, true},
		{"Version1IsLegacyKey", sealV1Direct(t, master, aad, []byte("x")), LegacyKeyID, true, true},
		{"EmptyIsNotSealed", nil, 0, false, false},
		{"ShortHeaderIsNotSealed", []byte{sealV2, 0, 0}, 0, false, false},
		{"UnknownVersionIsNotSealed", []byte{9, 0, 0, 0, 1, 2}, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, v1, ok := SealedBy(tc.sealed)
			if id != tc.id || v1 != tc.v1 || ok != tc.ok {
				t.Fatalf("got %d %v %v, want %d %v %v", id, v1, ok, tc.id, tc.v1, tc.ok)
			}
			if ok && !v1 && !bytes.HasPrefix(tc.sealed, SealHeader(id)) {
				t.Fatalf("SealHeader(%d) = %x is not a prefix of %x", id, SealHeader(id), tc.sealed[:5])
			}
			if ok && v1 && !bytes.HasPrefix(tc.sealed, Version1Header()) {
				t.Fatal("Version1Header is not a prefix of a version-1 value")
			}
		})
	}
}

// TestWithoutRetiredKey: a keyring without a retired key refuses the
// values that key sealed with ErrUnknownKey, still opens the rest, and
// never drops its sealing key.
func TestWithoutRetiredKey(t *testing.T) {
	ctx := context.Background()
	ring := Generate()
	legacy, _ := WrapDataKey(ctx, ring.Master(), LegacyKeyID, ring.LegacyKey())
	second, _ := WrapDataKey(ctx, ring.Master(), 2, random32())
	third, _ := WrapDataKey(ctx, ring.Master(), 3, random32())
	old, _ := OpenDataKeys(ctx, ring.Masters(), []WrappedKey{legacy, second})
	dk, _ := OpenDataKeys(ctx, ring.Masters(), []WrappedKey{legacy, second, third})
	aad := []byte("contacts/x/meta")
	underOld, underNew := old.Seal(aad, []byte("x")), dk.Seal(aad, []byte("y"))
	w := dk.Without(2, 3)
	if w.Has(2) || !w.Has(3) || !w.Has(LegacyKeyID) || w.Active() != 3 {
		t.Fatalf("Without(2, 3): has 1 %v, 2 %v, 3 %v, active %d; want 1 and 3, active 3", w.Has(1), w.Has(2), w.Has(3), w.Active())
	}
	if _, err := w.Open(aad, underOld); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("value under the retired key: got %v, want ErrUnknownKey", err)
	}
	if got, err := w.Open(aad, underNew); err != nil || string(got) != "y" {
		t.Errorf("value under the sealing key: got %q, %v", got, err)
	}
	if !dk.Has(2) {
		t.Error("Without changed the keyring it was called on")
	}
}

func TestLoadNextMaster(t *testing.T) {
	dir := t.TempDir()
	r, err := Load(dir, true)
	if err != nil || r.Next() != nil {
		t.Fatalf("fresh keys: next %v, %v", r.Next(), err)
	}
	next, err := CreateNext(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Load(dir, false)
	if err != nil || r2.Next() == nil || r2.Next().ID() != next.ID() || r2.Master().ID() != r.Master().ID() {
		t.Fatalf("with master.key.next: got %v, want the old master and the next", err)
	}
	if !bytes.Equal(r2.index, r.index) {
		t.Error("index key changed")
	}
	if _, err := Promote(dir); err != nil {
		t.Fatal(err)
	}
	r3, err := Load(dir, false)
	if err != nil || r3.Master().ID() != next.ID() || r3.Next() != nil {
		t.Fatalf("after Promote: master %s next %v, %v", r3.Master().ID(), r3.Next(), err)
	}
}
