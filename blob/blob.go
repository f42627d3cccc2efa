// Package blob stores long material — call recordings, e-mail attachments —
// outside the database, encrypted, streaming in both directions so a
// recording of several gigabytes never sits in memory.
//
// Two layers, independent of each other:
//
//   - Store is a dumb byte store keyed by "namespace/name" (FS here, S3
//     later). It knows nothing of encryption; every backend passes the same
//     conformance suite in blob/blobtest.
//   - Encrypt / NewEncryptReader / NewDecryptReader turn a plaintext stream
//     into a chunked AES-256-GCM stream and back, with random access on the
//     way back so HTTP range requests (a browser seeking in a recording)
//     decrypt only the chunks they touch.
//
// Each blob has its own 32-byte data key (NewDataKey). The key is wrapped by
// the keyring's master key (Wrap) and the wrapped key lives in the database
// row that refers to the blob, never next to the blob. Deleting a blob is
// therefore: destroy the wrapped key in the row (commit), then Delete the
// blob. Once the key is gone, every copy of the blob — a backup, a snapshot
// of the blob directory, a replica — is ciphertext nobody can open.
// docs/blob.md has the stream format and the reasoning.
package blob

import (
	"context"
	"errors"
	"io"
	"strconv"
)

// Store keeps blobs by key. Keys have the shape "namespace/name" (see
// ValidKey); a key that does not is refused with ErrInvalidKey before any
// I/O. Implementations are safe for concurrent use.
type Store interface {
	// Put stores everything r yields under key, replacing any previous
	// blob, and returns the number of bytes stored. The replacement is
	// atomic: readers see the old blob or the new one, never a mix or a
	// prefix. On any error — r failing, ctx cancelled, the disk full —
	// nothing of the new blob remains and a previous blob under key is
	// untouched. A full disk or quota is reported as ErrNoSpace
	// (errors.Is), which the HTTP layer answers with 507.
	//
	// Put streams: it reads r in bounded pieces and never holds the whole
	// blob in memory.
	Put(ctx context.Context, key string, r io.Reader) (n int64, err error)

	// Open returns the blob for random-access reading, or ErrNotFound. The
	// Object is a snapshot: a later Put or Delete of the same key does not
	// change what it reads (a backend that cannot promise that must fail
	// the read instead of returning the new content). The caller closes it.
	Open(ctx context.Context, key string) (Object, error)

	// Stat returns the blob's size in bytes, or ErrNotFound.
	Stat(ctx context.Context, key string) (size int64, err error)

	// Delete removes the blob. Deleting a key that does not exist is not
	// an error, so a deletion interrupted half-way can simply be retried.
	// For encrypted blobs, destroy the wrapped data key before calling
	// Delete (see the package comment).
	Delete(ctx context.Context, key string) error

	// List calls fn with the key and size of every blob in namespace, in no
	// particular order, until fn returns an error, which List returns. It
	// is how a sweeper finds orphans: blobs whose row is gone or whose key
	// was destroyed before a Delete that never happened. Blobs put or
	// deleted during the walk may or may not be seen. An invalid namespace
	// is ErrInvalidKey.
	List(ctx context.Context, namespace string, fn func(key string, size int64) error) error
}

// Object is an open blob: random access, known size. ReadAt follows
// io.ReaderAt (io.EOF at and past the end; safe for parallel calls).
type Object interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

var (
	// ErrNotFound: no blob under the key.
	ErrNotFound = errors.New("blob: not found")
	// ErrNoSpace: the backend is out of space (ENOSPC, EDQUOT, or the
	// backend's equivalent). Nothing was stored.
	ErrNoSpace = errors.New("blob: no space left on the blob store")
	// ErrInvalidKey: the key does not have the shape "namespace/name".
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrUnavailable: a remote backend could not be reached, is failing,
	// or refuses this server's credentials; the request may succeed later
	// and the HTTP layer answers 503. The FS store never returns it.
	ErrUnavailable = errors.New("blob: store unavailable")
)

// Limits on keys. Names are ids (26 characters today) with room for a
// suffix; the limits keep every backend's path or object name well under its
// own maximum.
const (
	maxNamespace = 32
	maxName      = 128
)

// ValidKey reports whether key has the shape "namespace/name": namespace of
// 1–32 characters [a-z0-9-], one slash, name of 1–128 characters
// [A-Za-z0-9._-] not starting with a dot. There is exactly one slash, so a
// key cannot climb out of the store (no "..", no absolute paths, no
// backslashes) and every key maps to a file at the same depth.
func ValidKey(key string) bool {
	ns, name, ok := cut(key)
	if !ok || len(ns) == 0 || len(ns) > maxNamespace || len(name) == 0 || len(name) > maxName {
		return false
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	if name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validNamespace reports whether ns is a valid key namespace.
func validNamespace(ns string) bool { return ValidKey(ns + "/x") }

func cut(key string) (ns, name string, ok bool) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return "", "", false
}

// CheckKey returns nil for a valid key and otherwise an error that wraps
// ErrInvalidKey and quotes the key, bounded. Backends call it first in every
// method.
func CheckKey(key string) error { return checkKey(key) }

func checkKey(key string) error {
	if !ValidKey(key) {
		// The key is an id, never personal data, but quote it bounded: a
		// junk key from a client could be anything.
		if len(key) > 80 {
			key = key[:80] + "…"
		}
		return &keyError{key: key}
	}
	return nil
}

type keyError struct{ key string }

func (e *keyError) Error() string { return "blob: invalid key " + strconv.QuoteToASCII(e.key) }
func (e *keyError) Unwrap() error { return ErrInvalidKey }
