package blob_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// Issue 4's target: a recording upload at ≥ 200 MB/s through encryption to
// the filesystem store. The figures and the machine are in docs/blob.md.
//
//	go test ./blob -run '^$' -bench . -benchtime 20x -count 5

const benchSize = 64 << 20

var benchPlain = sync1(func() []byte { return blobtest.Data(benchSize, 42) })

func sync1(f func() []byte) func() []byte {
	var b []byte
	return func() []byte {
		if b == nil {
			b = f()
		}
		return b
	}
}

// BenchmarkEncrypt: the cipher and the SHA-256 alone, to memory.
func BenchmarkEncrypt(b *testing.B) {
	plain, key := benchPlain(), blob.NewDataKey()
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, _, err := blob.Encrypt(io.Discard, bytes.NewReader(plain), key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutFS: the store alone (write, fsync, rename, directory fsync),
// no encryption — the disk's share of an upload.
func BenchmarkPutFS(b *testing.B) {
	s, plain := MustOpenFS(b), benchPlain()
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := s.Put(context.Background(), "recordings/bench", bytes.NewReader(plain)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutEncryptedFS: a recording upload as the server does it —
// encrypt, hash and store in one stream, durable when it returns.
func BenchmarkPutEncryptedFS(b *testing.B) {
	s, plain, key := MustOpenFS(b), benchPlain(), blob.NewDataKey()
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(plain), key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptFS: playback of a whole recording from the store.
func BenchmarkDecryptFS(b *testing.B) {
	s, key := MustOpenFS(b), blob.NewDataKey()
	if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(benchPlain()), key); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	for b.Loop() {
		r, err := blob.OpenEncrypted(context.Background(), s, "recordings/bench", key)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, r, make([]byte, 256<<10)); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkDecryptRangeFS: a browser seeking — open the blob, seek to a
// random offset, read a range, as http.ServeContent does per request.
func BenchmarkDecryptRangeFS(b *testing.B) {
	for _, size := range []int{4 << 10, 256 << 10, 1 << 20} {
		b.Run(byteSize(size), func(b *testing.B) {
			s, key := MustOpenFS(b), blob.NewDataKey()
			if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(benchPlain()), key); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			p := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				r, err := blob.OpenEncrypted(context.Background(), s, "recordings/bench", key)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Seek(rng.Int64N(benchSize-int64(size)), io.SeekStart); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(r, p); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

func byteSize(n int) string {
	if n >= 1<<20 {
		return itoa(n>>20) + "MiB"
	}
	return itoa(n>>10) + "KiB"
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
