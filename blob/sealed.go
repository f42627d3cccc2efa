package blob

import (
	"context"
	"io"
)

// Sealed is an encrypted blob as the database row that owns it refers to
// it: the blob key, the data key wrapped by the master key, and the
// plaintext's size and SHA-256. Recordings and e-mail attachments are both
// stored this way, one data key per blob.
type Sealed struct {
	Key        string
	WrappedKey []byte
	Size       int64
	SHA256     [32]byte
}

// PutSealed streams src into s under key, encrypted under a fresh data key,
// and returns the key wrapped by master. The plaintext data key is never
// kept: if the caller fails to store the row, the blob is unreadable even
// before it is deleted. Errors are PutEncrypted's.
func PutSealed(ctx context.Context, s Store, master Sealer, key string, src io.Reader) (Sealed, error) {
	dataKey := NewDataKey()
	info, err := PutEncrypted(ctx, s, key, src, dataKey)
	if err != nil {
		return Sealed{}, err
	}
	return Sealed{Key: key, WrappedKey: Wrap(master, key, dataKey), Size: info.Size, SHA256: info.SHA256}, nil
}

// OpenSealed unwraps the data key of the blob under key and opens it for
// reading. The Reader's Close closes the blob.
func OpenSealed(ctx context.Context, s Store, master Sealer, key string, wrapped []byte) (*Reader, error) {
	dataKey, err := Unwrap(master, key, wrapped)
	if err != nil {
		return nil, err
	}
	return OpenEncrypted(ctx, s, key, dataKey)
}
