package keys

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// Ciphertext versions. Version 1 was sealed directly under the master key,
// before the keyring existed; it opens with data key LegacyKeyID, whose
// plaintext is that master key. Version 2 names the data key that sealed it:
//
//	2 ‖ key id (4 bytes, big-endian) ‖ nonce ‖ AES-256-GCM(aad = header ‖ aad)
const (
	sealV1 = 1
	sealV2 = 2
)

// LegacyKeyID is the data key that opens version-1 ciphertexts.
const LegacyKeyID uint32 = 1

// ErrUnknownKey means a ciphertext names a data key this keyring does not
// hold (another server added it since this one loaded the keyring).
var ErrUnknownKey = errors.New("keys: sealed under a data key not in the loaded keyring")

// WrappedKey is one keyring entry as stored: a data-encryption key wrapped
// by a master key.
type WrappedKey struct {
	ID      uint32
	Wrapped []byte
	// MasterID is the ID of the master that wrapped it now.
	MasterID string
	// Origin is the ID of the master in force when the key was created: a
	// rotation adds one new data key per new master, and a rerun of an
	// interrupted rotation sees it has done so.
	Origin string
}

func wrapAAD(id uint32) []byte {
	return []byte("kirjaamo data-encryption key\x00" + strconv.FormatUint(uint64(id), 10))
}

// WrapDataKey wraps a 32-byte data key under m for keyring entry id.
func WrapDataKey(ctx context.Context, m Master, id uint32, key []byte) (WrappedKey, error) {
	if len(key) != 32 {
		return WrappedKey{}, fmt.Errorf("keys: data key must be 32 bytes, got %d", len(key))
	}
	w, err := m.Wrap(ctx, key, wrapAAD(id))
	if err != nil {
		return WrappedKey{}, err
	}
	return WrappedKey{ID: id, Wrapped: w, MasterID: m.ID(), Origin: m.ID()}, nil
}

// UnwrapDataKey opens an entry with whichever of masters wrapped it.
func UnwrapDataKey(ctx context.Context, masters []Master, w WrappedKey) ([]byte, error) {
	for _, m := range masters {
		if m == nil || m.ID() != w.MasterID {
			continue
		}
		k, err := m.Unwrap(ctx, w.Wrapped, wrapAAD(w.ID))
		if err != nil {
			return nil, fmt.Errorf("keys: data key %d: %w", w.ID, err)
		}
		if len(k) != 32 {
			return nil, fmt.Errorf("keys: data key %d: %d bytes, want 32", w.ID, len(k))
		}
		return k, nil
	}
	return nil, fmt.Errorf("keys: data key %d (master %s): %w", w.ID, w.MasterID, ErrNoMaster)
}

// RewrapDataKey moves an entry to master to, keeping its id and origin.
func RewrapDataKey(ctx context.Context, masters []Master, to Master, w WrappedKey) (WrappedKey, error) {
	k, err := UnwrapDataKey(ctx, masters, w)
	if err != nil {
		return WrappedKey{}, err
	}
	nw, err := WrapDataKey(ctx, to, w.ID, k)
	if err != nil {
		return WrappedKey{}, err
	}
	nw.Origin = w.Origin
	return nw, nil
}

// DataKeys is a loaded keyring of data-encryption keys. It seals with the
// newest key and opens with whichever key a ciphertext names. It satisfies
// blob.Sealer and is safe for concurrent use.
type DataKeys struct {
	mu     sync.RWMutex
	aeads  map[uint32]cipher.AEAD
	active uint32
}

// OpenDataKeys unwraps every entry with masters. The entry with the
// highest id becomes the active (sealing) key.
func OpenDataKeys(ctx context.Context, masters []Master, entries []WrappedKey) (*DataKeys, error) {
	d := &DataKeys{aeads: map[uint32]cipher.AEAD{}}
	for _, w := range entries {
		k, err := UnwrapDataKey(ctx, masters, w)
		if err != nil {
			return nil, err
		}
		if err := d.add(w.ID, k); err != nil {
			return nil, err
		}
	}
	if len(d.aeads) == 0 {
		return nil, errors.New("keys: empty keyring")
	}
	return d, nil
}

// EphemeralDataKeys returns a keyring of one fresh random key (tests, and
// sealing that need not outlive the process).
func EphemeralDataKeys() *DataKeys {
	d := &DataKeys{aeads: map[uint32]cipher.AEAD{}}
	if err := d.add(LegacyKeyID+1, random32()); err != nil {
		panic(err)
	}
	return d
}

func (d *DataKeys) add(id uint32, key []byte) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	d.aeads[id] = aead
	if id > d.active {
		d.active = id
	}
	return nil
}

// Active is the id of the key Seal uses.
func (d *DataKeys) Active() uint32 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.active
}

// Seal encrypts plaintext under the active data key, binding it to aad
// (the table, column and row id), so a ciphertext copied into another row
// does not decrypt.
func (d *DataKeys) Seal(aad, plaintext []byte) []byte {
	d.mu.RLock()
	id, aead := d.active, d.aeads[d.active]
	d.mu.RUnlock()
	ns := aead.NonceSize()
	out := make([]byte, 5+ns, 5+ns+len(plaintext)+aead.Overhead())
	out[0] = sealV2
	binary.BigEndian.PutUint32(out[1:5], id)
	if _, err := rand.Read(out[5 : 5+ns]); err != nil {
		panic(err)
	}
	return aead.Seal(out, out[5:5+ns], plaintext, headerAAD(out[:5], aad))
}

func headerAAD(header, aad []byte) []byte {
	return append(append(make([]byte, 0, len(header)+len(aad)), header...), aad...)
}

// Open decrypts a ciphertext made by Seal (or, version 1, by the master key
// before the keyring) with the same aad. It fails with ErrUnknownKey when
// the ciphertext names a key not loaded, ErrDecrypt otherwise.
func (d *DataKeys) Open(aad, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, ErrDecrypt
	}
	var id uint32
	var body, fullAAD []byte
	switch ciphertext[0] {
	case sealV1:
		id, body, fullAAD = LegacyKeyID, ciphertext[1:], aad
	case sealV2:
		if len(ciphertext) < 5 {
			return nil, ErrDecrypt
		}
		id, body, fullAAD = binary.BigEndian.Uint32(ciphertext[1:5]), ciphertext[5:], headerAAD(ciphertext[:5], aad)
	default:
		return nil, ErrDecrypt
	}
	d.mu.RLock()
	aead := d.aeads[id]
	d.mu.RUnlock()
	if aead == nil {
		return nil, ErrUnknownKey
	}
	ns := aead.NonceSize()
	if len(body) < ns+aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := aead.Open(nil, body[:ns], body[ns:], fullAAD)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// SealedBy names the data key a sealed value needs: the id in its header,
// or LegacyKeyID for a version-1 value (v1 true). ok is false for bytes
// that are not a sealed value. It reads the header only; nothing is
// decrypted.
func SealedBy(ciphertext []byte) (id uint32, v1, ok bool) {
	switch {
	case len(ciphertext) > 0 && ciphertext[0] == sealV1:
		return LegacyKeyID, true, true
	case len(ciphertext) >= 5 && ciphertext[0] == sealV2:
		return binary.BigEndian.Uint32(ciphertext[1:5]), false, true
	}
	return 0, false, false
}

// SealHeader is the first bytes of every version-2 value sealed under data
// key id: stores select the values a key sealed by comparing a prefix of
// the column with it, without decrypting anything.
func SealHeader(id uint32) []byte {
	h := make([]byte, 5)
	h[0] = sealV2
	binary.BigEndian.PutUint32(h[1:], id)
	return h
}

// Version1Header is the first byte of every version-1 value.
func Version1Header() []byte { return []byte{sealV1} }

// Has reports whether the keyring holds data key id.
func (d *DataKeys) Has(id uint32) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.aeads[id] != nil
}

// Without returns a copy of d lacking the given keys: what a process holds
// after those keys were retired from the keyring. The active key stays.
func (d *DataKeys) Without(ids ...uint32) *DataKeys {
	d.mu.RLock()
	defer d.mu.RUnlock()
	c := &DataKeys{aeads: make(map[uint32]cipher.AEAD, len(d.aeads)), active: d.active}
	for id, a := range d.aeads {
		if id == d.active || !slices.Contains(ids, id) {
			c.aeads[id] = a
		}
	}
	return c
}
