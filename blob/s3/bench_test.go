package s3

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// Throughput against the server in KIRJAAMO_TEST_S3_URL, the same
// operations as the FS benchmarks in package blob. Figures in docs/blob.md.
//
//	eval "$(bash .ci/s3-server.sh)"
//	go test ./blob/s3 -run '^$' -bench . -benchtime 10x -count 5

const benchSize = 64 << 20

var benchPlain []byte

func plain() []byte {
	if benchPlain == nil {
		benchPlain = blobtest.Data(benchSize, 42)
	}
	return benchPlain
}

// BenchmarkPutS3: the store alone, a 64 MiB multipart upload (8 parts).
func BenchmarkPutS3(b *testing.B) {
	s, p := MustOpen(b, envURL, nil), plain()
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := s.Put(context.Background(), "recordings/bench", bytes.NewReader(p)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutEncryptedS3: a recording upload as the server does it.
func BenchmarkPutEncryptedS3(b *testing.B) {
	s, p, key := MustOpen(b, envURL, nil), plain(), blob.NewDataKey()
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(p), key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptS3: playback of a whole 64 MiB recording.
func BenchmarkDecryptS3(b *testing.B) {
	s, key := MustOpen(b, envURL, nil), blob.NewDataKey()
	if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(plain()), key); err != nil {
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

// BenchmarkDecryptRangeS3: a browser seeking — open (HEAD, header, last
// chunk), seek to a random offset, read a range.
func BenchmarkDecryptRangeS3(b *testing.B) {
	for _, size := range []int{4 << 10, 256 << 10, 1 << 20} {
		b.Run(strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
			s, key := MustOpen(b, envURL, nil), blob.NewDataKey()
			if _, err := blob.PutEncrypted(context.Background(), s, "recordings/bench", bytes.NewReader(plain()), key); err != nil {
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
