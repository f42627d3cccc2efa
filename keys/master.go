package keys

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Master wraps and unwraps data-encryption keys. It is the only thing the
// master key is used for: personal data is sealed under data keys (see
// DataKeys), and the data keys are stored in the database wrapped by the
// master, so rotating the master re-wraps a handful of keys and re-encrypts
// no row.
//
// LocalMaster holds the key in memory, read from a file or the environment.
// An external key-management service implements the same interface with
// calls to its encrypt and decrypt operations; the key then never enters
// Kirjaamo's memory. Implementations must be safe for concurrent use.
type Master interface {
	// ID names this master key version, stably and without revealing the
	// key. It is stored with every wrapped data key, so a keyring whose
	// rotation stopped half-way says which entries each master opens.
	ID() string
	// Wrap encrypts a data key, binding it to aad.
	Wrap(ctx context.Context, plaintext, aad []byte) ([]byte, error)
	// Unwrap reverses Wrap. It fails with ErrDecrypt when the wrapped key was
	// altered, bound to another aad or wrapped by another master.
	Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error)
}

// LocalMaster is a master key held in process memory (AES-256-GCM).
type LocalMaster struct {
	aead cipher.AEAD
	id   string
	raw  []byte
}

var _ Master = (*LocalMaster)(nil)

// NewLocalMaster returns a master from a raw 32-byte key.
func NewLocalMaster(key []byte) (*LocalMaster, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("keys: master key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("kirjaamo master key id\x00"), key...))
	return &LocalMaster{aead: aead, id: "local:" + hex.EncodeToString(sum[:8]), raw: clone(key)}, nil
}

// ID is "local:" and 16 hex digits of a hash of the key.
func (m *LocalMaster) ID() string { return m.id }

// Wrap seals plaintext as nonce ‖ ciphertext.
func (m *LocalMaster) Wrap(_ context.Context, plaintext, aad []byte) ([]byte, error) {
	ns := m.aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+m.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return m.aead.Seal(out, out, plaintext, aad), nil
}

// Unwrap opens what Wrap sealed.
func (m *LocalMaster) Unwrap(_ context.Context, wrapped, aad []byte) ([]byte, error) {
	ns := m.aead.NonceSize()
	if len(wrapped) < ns+m.aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := m.aead.Open(nil, wrapped[:ns], wrapped[ns:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// ErrNoMaster means a data key is wrapped by a master key this process was
// not given — typically a rotation to a master this server does not have yet.
var ErrNoMaster = errors.New("keys: data key is wrapped by a master key not loaded here")
