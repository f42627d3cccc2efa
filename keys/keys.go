// Package keys holds Kirjaamo's keyring: the master key that encrypts
// personal data at rest (AES-256-GCM), the blind-index key that turns an
// identifier into a lookup key (HMAC-SHA-256), and the audit key that links
// the audit chain. The three are separate so that a leak of one does not
// give the others: the blind-index key alone cannot decrypt, the master key
// alone cannot forge audit links.
package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Key names, as files under <data>/keys/ and as environment variables
// KIRJAAMO_MASTER_KEY, KIRJAAMO_INDEX_KEY, KIRJAAMO_AUDIT_KEY.
const (
	Master = "master"
	Index  = "index"
	Audit  = "audit"
)

// sealVersion prefixes every ciphertext so that a later key rotation can
// tell which key sealed it.
const sealVersion = 1

// Ring is a loaded keyring.
type Ring struct {
	aead  cipher.AEAD
	index []byte
	audit []byte
}

// New builds a ring from raw 32-byte keys.
func New(master, index, audit []byte) (*Ring, error) {
	for name, k := range map[string][]byte{Master: master, Index: index, Audit: audit} {
		if len(k) != 32 {
			return nil, fmt.Errorf("keys: %s key must be 32 bytes, got %d", name, len(k))
		}
	}
	block, err := aes.NewCipher(master)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Ring{aead: aead, index: clone(index), audit: clone(audit)}, nil
}

// Generate returns a ring of fresh random keys (for tests and demos).
func Generate() *Ring {
	r, err := New(random32(), random32(), random32())
	if err != nil {
		panic(err)
	}
	return r
}

// Load reads the keys: from KIRJAAMO_<NAME>_KEY when set (hex or base64 of
// 32 bytes), otherwise from dir/<name>.key. With create, missing key files
// are generated (mode 0600) — the embedded default's first start. Without
// it a missing key is an error: silently creating a new master key for an
// existing database would make its data unreadable.
func Load(dir string, create bool) (*Ring, error) {
	var raw [3][]byte
	for i, name := range []string{Master, Index, Audit} {
		k, err := loadKey(dir, name, create)
		if err != nil {
			return nil, err
		}
		raw[i] = k
	}
	return New(raw[0], raw[1], raw[2])
}

func loadKey(dir, name string, create bool) ([]byte, error) {
	env := "KIRJAAMO_" + strings.ToUpper(name) + "_KEY"
	if v := os.Getenv(env); v != "" {
		k, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("keys: %s: %w", env, err)
		}
		return k, nil
	}
	path := filepath.Join(dir, name+".key")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		k := random32()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("keys: create %s: %w", path, err)
		}
		_, err = f.WriteString(hex.EncodeToString(k) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("keys: write %s: %w", path, err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %s key: %w (set %s or create %s)", name, err, env, path)
	}
	k, err := decodeKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("keys: %s: %w", path, err)
	}
	return k, nil
}

func decodeKey(s string) ([]byte, error) {
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, errors.New("key must be 32 bytes in hex (64 characters) or base64")
}

// Seal encrypts plaintext, binding it to aad (the table, column and row id),
// so a ciphertext copied into another row does not decrypt.
func (r *Ring) Seal(aad, plaintext []byte) []byte {
	ns := r.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+r.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		panic(err)
	}
	return r.aead.Seal(out, out[1:1+ns], plaintext, aad)
}

// ErrDecrypt means a ciphertext was altered, moved to another row, or
// sealed under another key.
var ErrDecrypt = errors.New("keys: cannot decrypt (wrong key, altered or moved ciphertext)")

// Open decrypts a ciphertext made by Seal with the same aad.
func (r *Ring) Open(aad, ciphertext []byte) ([]byte, error) {
	ns := r.aead.NonceSize()
	if len(ciphertext) < 1+ns+r.aead.Overhead() || ciphertext[0] != sealVersion {
		return nil, ErrDecrypt
	}
	pt, err := r.aead.Open(nil, ciphertext[1:1+ns], ciphertext[1+ns:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Blind returns the blind index of a normalised value of the given kind:
// HMAC-SHA-256(index key, kind ‖ 0 ‖ value). The kind is part of the input
// so equal strings of different kinds do not collide.
func (r *Ring) Blind(kind, value string) []byte {
	m := hmac.New(sha256.New, r.index)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

// BlindRef is a short printable reference to a blind index, for audit
// details: it lets an auditor see that two searches were for the same value
// without revealing the value.
func (r *Ring) BlindRef(kind, value string) string {
	return kind + "#" + hex.EncodeToString(r.Blind(kind, value)[:6])
}

// Derive returns a 32-byte key for a purpose named by label, derived from
// the blind-index key (HMAC-SHA-256): tokens made with it are stable for
// the keyring's life, like blind indexes.
func (r *Ring) Derive(label string) []byte {
	m := hmac.New(sha256.New, r.index)
	m.Write([]byte("kirjaamo derive\x00" + label))
	return m.Sum(nil)
}

// AuditKey is the key of the audit chain's HMAC links.
func (r *Ring) AuditKey() []byte { return r.audit }

func random32() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
