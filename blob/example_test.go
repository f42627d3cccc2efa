package blob_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/keys"
)

// A recording's life: upload with a fresh data key wrapped into the row,
// ranged playback, and deletion — the wrapped key first, then the blob.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "blobs")
	defer os.RemoveAll(dir)
	store, _ := blob.NewFS(dir)
	sealer := keys.EphemeralDataKeys()

	// Upload: the row keeps the blob key, the wrapped data key, size and SHA-256.
	key := "recordings/01hzx3k4m5n6p7q8r9s0t1v2w3"
	dk := blob.NewDataKey()
	info, err := blob.PutEncrypted(ctx, store, key, strings.NewReader("synthetic audio bytes"), dk)
	if err != nil {
		panic(err)
	}
	row := struct {
		BlobKey    string
		WrappedKey []byte
		Size       int64
		SHA256     [32]byte
	}{key, blob.Wrap(sealer, key, dk), info.Size, info.SHA256}
	fmt.Println("stored", row.Size, "bytes as", info.Stored, "encrypted bytes")

	// Playback of a range (http.ServeContent does the Seek and Read).
	k, _ := blob.Unwrap(sealer, row.BlobKey, row.WrappedKey)
	r, err := blob.OpenEncrypted(ctx, store, row.BlobKey, k)
	if err != nil {
		panic(err)
	}
	r.Seek(10, io.SeekStart)
	part := make([]byte, 5)
	io.ReadFull(r, part)
	r.Close()
	fmt.Printf("bytes 10-14: %q\n", part)

	// Deletion: destroy the wrapped key (commit), then delete the blob.
	row.WrappedKey = nil
	if err := store.Delete(ctx, row.BlobKey); err != nil {
		panic(err)
	}
	_, err = store.Stat(ctx, row.BlobKey)
	fmt.Println(err)
	// Output:
	// stored 21 bytes as 57 encrypted bytes
	// bytes 10-14: "audio"
	// blob: not found: recordings/01hzx3k4m5n6p7q8r9s0t1v2w3
}
