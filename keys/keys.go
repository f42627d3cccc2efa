// Package keys holds Kirjaamo's keys: the master key, which wraps the
// data-encryption keys that seal personal data at rest (AES-256-GCM); the
// blind-index key that turns an identifier into a lookup key
// (HMAC-SHA-256); and the audit key that links the audit chain. The three
// are separate so that a leak of one does not give the others: the
// blind-index key alone cannot decrypt, the master key alone cannot forge
// audit links. Rotating the master re-wraps the data keys (DataKeys, kept in
// the database) and changes neither the blind-index key nor any sealed row.
package keys

import (
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
	MasterName = "master"
	IndexName  = "index"
	AuditName  = "audit"
)

// NextMasterName names the master key a rotation moves to: the file
// <data>/keys/master.key.next or KIRJAAMO_NEXT_MASTER_KEY. While it is
// present a server opens keyring entries wrapped by either master, so a
// rotation that stopped half-way leaves everything readable.
const NextMasterName = "master.next"

// Ring is a loaded set of keys.
type Ring struct {
	master Master
	next   Master // nil unless a rotation is under way
	// legacy is the local master key's bytes: the data key of ciphertexts
	// sealed before the keyring existed (LegacyKeyID). Nil for an external
	// master, which never sealed data directly.
	legacy []byte
	index  []byte
	audit  []byte
}

// New builds a ring from raw 32-byte keys.
func New(master, index, audit []byte) (*Ring, error) {
	for name, k := range map[string][]byte{MasterName: master, IndexName: index, AuditName: audit} {
		if len(k) != 32 {
			return nil, fmt.Errorf("keys: %s key must be 32 bytes, got %d", name, len(k))
		}
	}
	m, err := NewLocalMaster(master)
	if err != nil {
		return nil, err
	}
	return &Ring{master: m, legacy: clone(master), index: clone(index), audit: clone(audit)}, nil
}

// Generate returns a ring of fresh random keys (for tests and demos).
func Generate() *Ring {
	r, err := New(random32(), random32(), random32())
	if err != nil {
		panic(err)
	}
	return r
}

// WithMaster returns a copy of r whose master is m (an external KMS, or the
// next local master after a rotation). The blind-index and audit keys stay.
func (r *Ring) WithMaster(m Master) *Ring {
	c := *r
	c.master = m
	if lm, ok := m.(*LocalMaster); ok {
		c.legacy = clone(lm.raw)
	} else {
		c.legacy = nil
	}
	if c.next != nil && c.next.ID() == m.ID() {
		c.next = nil
	}
	return &c
}

// WithNext returns a copy of r that also opens keyring entries wrapped by
// next (a rotation under way).
func (r *Ring) WithNext(next Master) *Ring {
	c := *r
	c.next = next
	return &c
}

// Master is the master key new data keys are wrapped by.
func (r *Ring) Master() Master { return r.master }

// Next is the master a rotation moves to, or nil.
func (r *Ring) Next() Master { return r.next }

// Masters lists the masters that may have wrapped keyring entries.
func (r *Ring) Masters() []Master {
	if r.next == nil {
		return []Master{r.master}
	}
	return []Master{r.master, r.next}
}

// LegacyKey is the plaintext of data key LegacyKeyID when the keyring is
// first created: the local master key, which sealed version-1 ciphertexts
// directly. Nil for an external master.
func (r *Ring) LegacyKey() []byte { return r.legacy }

// Load reads the keys: from KIRJAAMO_<NAME>_KEY when set (hex or base64 of
// 32 bytes), otherwise from dir/<name>.key. With create, missing key files
// are generated (mode 0600) — the embedded default's first start. Without
// it a missing key is an error: silently creating a new master key for an
// existing database would make its data unreadable. The next master
// (KIRJAAMO_NEXT_MASTER_KEY or dir/master.key.next) is loaded when present
// and never created here.
func Load(dir string, create bool) (*Ring, error) {
	var raw [3][]byte
	for i, name := range []string{MasterName, IndexName, AuditName} {
		k, err := loadKey(dir, name, create)
		if err != nil {
			return nil, err
		}
		raw[i] = k
	}
	r, err := New(raw[0], raw[1], raw[2])
	if err != nil {
		return nil, err
	}
	next, err := LoadNext(dir)
	if err != nil || next == nil {
		return r, err
	}
	if next.ID() == r.master.ID() {
		return r, nil
	}
	return r.WithNext(next), nil
}

// LoadNext reads the next master key (KIRJAAMO_NEXT_MASTER_KEY or
// dir/master.key.next), or returns nil, nil when there is none.
func LoadNext(dir string) (*LocalMaster, error) {
	if os.Getenv(envName(NextMasterName)) == "" {
		if _, err := os.Stat(keyPath(dir, NextMasterName)); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	k, err := loadKey(dir, NextMasterName, false)
	if err != nil {
		return nil, err
	}
	return NewLocalMaster(k)
}

// NextFromEnv reports whether the next master comes from the environment.
func NextFromEnv() bool { return os.Getenv(envName(NextMasterName)) != "" }

// MasterFromEnv reports whether the master comes from the environment.
func MasterFromEnv() bool { return os.Getenv(envName(MasterName)) != "" }

func envName(name string) string {
	if name == NextMasterName {
		return "KIRJAAMO_NEXT_MASTER_KEY"
	}
	return "KIRJAAMO_" + strings.ToUpper(name) + "_KEY"
}

func keyPath(dir, name string) string {
	if name == NextMasterName {
		return filepath.Join(dir, "master.key.next")
	}
	return filepath.Join(dir, name+".key")
}

// CreateNext writes a fresh random key to dir/master.key.next (mode 0600,
// synced) unless it exists, and returns it.
func CreateNext(dir string) (*LocalMaster, error) {
	if m, err := LoadNext(dir); m != nil || err != nil {
		return m, err
	}
	k := random32()
	if err := writeKeyFile(keyPath(dir, NextMasterName), k); err != nil {
		return nil, err
	}
	return NewLocalMaster(k)
}

// Promote makes the next master key file the master key file once a
// rotation has finished: the old master is kept as
// dir/master-<id>.key.retired (move it offline with the backups taken
// before the rotation; the database no longer needs it) and master.key.next
// is renamed over master.key. Each step is a rename, so a crash leaves
// either the old or the new master in master.key and the other beside it.
func Promote(dir string) (retired string, err error) {
	cur, err := os.ReadFile(keyPath(dir, MasterName))
	if err != nil {
		return "", err
	}
	k, err := decodeKey(strings.TrimSpace(string(cur)))
	if err != nil {
		return "", fmt.Errorf("keys: %s: %w", keyPath(dir, MasterName), err)
	}
	old, err := NewLocalMaster(k)
	if err != nil {
		return "", err
	}
	retired = filepath.Join(dir, "master-"+strings.TrimPrefix(old.ID(), "local:")+".key.retired")
	if err := writeKeyFile(retired, k); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	if err := os.Rename(keyPath(dir, NextMasterName), keyPath(dir, MasterName)); err != nil {
		return "", err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return retired, nil
}

func writeKeyFile(path string, k []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("keys: create %s: %w", path, err)
	}
	_, err = f.WriteString(hex.EncodeToString(k) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("keys: write %s: %w", path, err)
	}
	// The file's name must survive a crash too: rotation re-wraps data keys
	// under a new master right after writing it.
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("keys: sync the directory of %s: %w", path, err)
	}
	err = d.Sync()
	d.Close()
	if err != nil {
		return fmt.Errorf("keys: sync the directory of %s: %w", path, err)
	}
	return nil
}

func loadKey(dir, name string, create bool) ([]byte, error) {
	env := envName(name)
	if v := os.Getenv(env); v != "" {
		k, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("keys: %s: %w", env, err)
		}
		return k, nil
	}
	path := keyPath(dir, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		k := random32()
		if err := writeKeyFile(path, k); err != nil {
			return nil, err
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

// ErrDecrypt means a ciphertext was altered, moved to another row, or
// sealed under another key.
var ErrDecrypt = errors.New("keys: cannot decrypt (wrong key, altered or moved ciphertext)")

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
