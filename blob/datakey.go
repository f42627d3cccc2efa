package blob

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
)

// Sealer is the keyring as the blob package needs it: authenticated
// encryption bound to associated data. *keys.DataKeys satisfies it; a
// master-key rotation re-wraps the keyring, not the blob keys.
type Sealer interface {
	Seal(aad, plaintext []byte) []byte
	Open(aad, ciphertext []byte) ([]byte, error)
}

// NewDataKey returns a fresh random 32-byte data key. Use one per blob,
// never two blobs under one key: destroying the key must destroy exactly one
// blob.
func NewDataKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand)
	return k
}

// wrapAAD binds a wrapped key to the blob key it encrypts, so a wrapped key
// copied onto another row does not open there, and to this use, so a blob
// key wrapped here can never be taken for another sealed column.
func wrapAAD(key string) []byte { return []byte("kirjaamo blob data key\x00" + key) }

// Wrap encrypts dataKey under the keyring for the blob stored under key.
// The result goes in the database row that refers to the blob. It panics if
// dataKey is not 32 bytes, a programming error.
func Wrap(master Sealer, key string, dataKey []byte) []byte {
	if len(dataKey) != 32 {
		panic(fmt.Sprintf("blob: Wrap: data key must be 32 bytes, got %d", len(dataKey)))
	}
	return master.Seal(wrapAAD(key), dataKey)
}

// Unwrap recovers the data key of the blob under key. It fails with the
// Sealer's error when the wrapped key was altered, belongs to another blob,
// or was sealed under another master key.
func Unwrap(master Sealer, key string, wrapped []byte) ([]byte, error) {
	k, err := master.Open(wrapAAD(key), wrapped)
	if err != nil {
		return nil, fmt.Errorf("blob: unwrap data key of %s: %w", key, err)
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("blob: unwrap data key of %s: %d bytes, want 32", key, len(k))
	}
	return k, nil
}

// Rewrap moves a wrapped blob key from one sealer to another without
// touching the blob.
func Rewrap(from, to Sealer, key string, wrapped []byte) ([]byte, error) {
	k, err := Unwrap(from, key, wrapped)
	if err != nil {
		return nil, err
	}
	return Wrap(to, key, k), nil
}

// Info describes a blob stored by PutEncrypted.
type Info struct {
	Size   int64    // plaintext bytes
	SHA256 [32]byte // of the plaintext: keep it with the row, for integrity checks and exports
	Stored int64    // bytes in the store (the encrypted stream)
}

// PutEncrypted encrypts src under dataKey while streaming it into s under
// key. Errors are Put's (ErrNoSpace, ErrInvalidKey, ctx) or src's.
func PutEncrypted(ctx context.Context, s Store, key string, src io.Reader, dataKey []byte) (Info, error) {
	e, err := NewEncryptReader(src, dataKey)
	if err != nil {
		return Info{}, err
	}
	n, err := s.Put(ctx, key, e)
	if err != nil {
		return Info{}, err
	}
	return Info{Size: e.PlainSize(), SHA256: e.Sum(), Stored: n}, nil
}

// OpenEncrypted opens the blob under key and decrypts it with dataKey. The
// Reader's Close closes the blob. Errors are Open's (ErrNotFound) or
// ErrCorrupt when the blob does not open under dataKey.
func OpenEncrypted(ctx context.Context, s Store, key string, dataKey []byte) (*Reader, error) {
	o, err := s.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	r, err := NewDecryptReader(o, o.Size(), dataKey)
	if err != nil {
		o.Close()
		return nil, fmt.Errorf("%w [%s]", err, key)
	}
	r.closer = o
	return r, nil
}
