package blob_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
	"github.com/kirjaamo/kirjaamo/keys"
)

var _ blob.Sealer = (*keys.DataKeys)(nil)

func TestWrap(t *testing.T) {
	sealer := keys.EphemeralDataKeys()
	dk := blob.NewDataKey()
	w := blob.Wrap(sealer, "recordings/a", dk)
	if bytes.Contains(w, dk) {
		t.Fatal("wrapped key contains the data key")
	}
	t.Run("OK", func(t *testing.T) {
		got, err := blob.Unwrap(sealer, "recordings/a", w)
		if err != nil || !bytes.Equal(got, dk) {
			t.Errorf("Unwrap: got %v, want the data key", err)
		}
	})
	t.Run("ErrOtherBlob", func(t *testing.T) {
		// A wrapped key copied onto another blob's row does not open there.
		if _, err := blob.Unwrap(sealer, "recordings/b", w); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("got %v, want keys.ErrDecrypt", err)
		}
	})
	t.Run("ErrOtherMasterKey", func(t *testing.T) {
		if _, err := blob.Unwrap(keys.EphemeralDataKeys(), "recordings/a", w); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("got %v, want keys.ErrDecrypt", err)
		}
	})
	t.Run("Rewrap", func(t *testing.T) {
		next := keys.EphemeralDataKeys()
		w2, err := blob.Rewrap(sealer, next, "recordings/a", w)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := blob.Unwrap(next, "recordings/a", w2); err != nil || !bytes.Equal(got, dk) {
			t.Errorf("Unwrap after Rewrap: %v", err)
		}
	})
	t.Run("FreshKeys", func(t *testing.T) {
		if bytes.Equal(blob.NewDataKey(), blob.NewDataKey()) || len(blob.NewDataKey()) != 32 {
			t.Error("NewDataKey: keys repeat or are not 32 bytes")
		}
	})
}

// TestDeletedRecordingUnrecoverable is issue 4's acceptance rule: the bytes
// on disk are not the plaintext, and once the recording is deleted — wrapped
// key destroyed first, then the blob — a copy of the blob directory taken
// before the deletion cannot be decrypted.
func TestDeletedRecordingUnrecoverable(t *testing.T) {
	ctx := context.Background()
	sealer := keys.EphemeralDataKeys()
	s := MustOpenFS(t)
	const key = "recordings/01hzx3k4m5n6p7q8r9s0t1v2w3"

	// A recording whose audio contains a recognisable pattern.
	marker := []byte("KNOWN-PLAINTEXT-PATTERN-0123456789")
	plain := bytes.Repeat(append(bytes.Clone(marker), blobtest.Data(1000, 1)...), 300)

	dk := blob.NewDataKey()
	row := struct{ wrappedKey []byte }{blob.Wrap(sealer, key, dk)} // the database row
	if _, err := blob.PutEncrypted(ctx, s, key, bytes.NewReader(plain), dk); err != nil {
		t.Fatal(err)
	}
	dk = nil // the server keeps no plain data key

	onDisk, err := os.ReadFile(blob.PathOf(s, key))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("CiphertextHidesPlaintext", func(t *testing.T) {
		for _, probe := range [][]byte{marker, marker[:12], plain[len(marker) : len(marker)+32]} {
			if bytes.Contains(onDisk, probe) {
				t.Errorf("blob on disk contains %q", probe)
			}
		}
	})

	// The backup taken before the deletion.
	backup := filepath.Join(t.TempDir(), "backup.blob")
	if err := os.WriteFile(backup, onDisk, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("ReadableWhileKeyExists", func(t *testing.T) {
		k, err := blob.Unwrap(sealer, key, row.wrappedKey)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decryptFile(backup, k)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("backup with the key: %v", err)
		}
	})

	// Delete: destroy the wrapped key (the row's column is cleared and
	// committed), then the blob.
	row.wrappedKey = nil
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}

	t.Run("BlobGone", func(t *testing.T) {
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat: got %v, want ErrNotFound", err)
		}
	})
	t.Run("BackupUnreadable", func(t *testing.T) {
		// The master key survives the deletion, but there is nothing left
		// for it to unwrap; any other key fails authentication.
		if _, err := blob.Unwrap(sealer, key, row.wrappedKey); err == nil {
			t.Error("Unwrap of the destroyed key succeeded")
		}
		for _, guess := range [][]byte{blob.NewDataKey(), make([]byte, 32), bytes.Repeat([]byte{0xff}, 32)} {
			if got, err := decryptFile(backup, guess); !errors.Is(err, blob.ErrCorrupt) {
				t.Errorf("backup under a guessed key: got %d bytes, %v, want ErrCorrupt", len(got), err)
			}
		}
	})
}

func decryptFile(path string, key []byte) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return decryptAll(b, key)
}
