package blob_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// seal encrypts plain at the given chunk size and returns the stream.
func seal(tb testing.TB, plain []byte, key []byte, chunk int) []byte {
	tb.Helper()
	e, err := blob.NewEncryptReaderChunk(bytes.NewReader(plain), key, chunk)
	if err != nil {
		tb.Fatal(err)
	}
	ct, err := io.ReadAll(e)
	if err != nil {
		tb.Fatal(err)
	}
	return ct
}

// decryptAll opens ct and reads it through both paths; it returns the
// plaintext or the first error.
func decryptAll(ct, key []byte) ([]byte, error) {
	r, err := blob.NewDecryptReader(bytes.NewReader(ct), int64(len(ct)), key)
	if err != nil {
		return nil, err
	}
	seq, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	at := make([]byte, r.Size())
	if n, err := r.ReadAt(at, 0); n != len(at) || (err != nil && err != io.EOF) {
		return nil, fmt.Errorf("ReadAt: %d bytes, %w", n, err)
	}
	if !bytes.Equal(seq, at) {
		return nil, errors.New("Read and ReadAt disagree")
	}
	return seq, nil
}

func TestEncryptRoundTrip(t *testing.T) {
	key := blob.NewDataKey()
	for _, chunk := range []int{64, 1000, blob.DefaultChunkSize} {
		for _, size := range []int{0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 3*chunk + 7, 200 << 10} {
			t.Run(fmt.Sprintf("Chunk%d/Size%d", chunk, size), func(t *testing.T) {
				plain := blobtest.Data(int64(size), uint64(size))
				e, err := blob.NewEncryptReaderChunk(bytes.NewReader(plain), key, chunk)
				if err != nil {
					t.Fatal(err)
				}
				ct, err := io.ReadAll(e)
				if err != nil {
					t.Fatal(err)
				}
				if e.PlainSize() != int64(size) || e.Sum() != sha256.Sum256(plain) {
					t.Errorf("got size %d and a SHA-256, want %d and the plaintext's", e.PlainSize(), size)
				}
				if chunk == blob.DefaultChunkSize && int64(len(ct)) != blob.EncryptedSize(int64(size)) {
					t.Errorf("stream is %d bytes, EncryptedSize says %d", len(ct), blob.EncryptedSize(int64(size)))
				}
				got, err := decryptAll(ct, key)
				if err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("decrypt: got %d bytes, %v, want the %d plaintext bytes", len(got), err, size)
				}
				r, _ := blob.NewDecryptReader(bytes.NewReader(ct), int64(len(ct)), key)
				if r.Size() != int64(size) {
					t.Errorf("Size: got %d, want %d", r.Size(), size)
				}
				blobtest.CheckRanges(t, r, plain, 60)
			})
		}
	}
}

// TestEncrypt: Encrypt (the writer side) and EncryptReader
// produce the same format and the same digest.
func TestEncrypt(t *testing.T) {
	key := blob.NewDataKey()
	plain := blobtest.Data(150<<10, 1)
	var buf bytes.Buffer
	n, sum, err := blob.Encrypt(&buf, bytes.NewReader(plain), key)
	if err != nil || n != int64(len(plain)) || sum != sha256.Sum256(plain) {
		t.Fatalf("Encrypt: got %d, %x, %v", n, sum[:4], err)
	}
	got, err := decryptAll(buf.Bytes(), key)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("decrypt: %v", err)
	}

	boom := errors.New("upload interrupted")
	if _, _, err := blob.Encrypt(io.Discard, io.MultiReader(bytes.NewReader(plain), &failing{boom}), key); !errors.Is(err, boom) {
		t.Errorf("Encrypt of a failing source: got %v, want the source's error", err)
	}
	if _, _, err := blob.Encrypt(io.Discard, bytes.NewReader(plain), key[:16]); err == nil {
		t.Errorf("Encrypt with a 16-byte key: got nil error")
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

// TestEncryptFreshNonces: the same plaintext under the same key encrypts
// differently each time (random nonce prefix), so chunks of two streams
// cannot be swapped between them.
func TestEncryptFreshNonces(t *testing.T) {
	key := blob.NewDataKey()
	plain := blobtest.Data(1000, 1)
	a, b := seal(t, plain, key, 64), seal(t, plain, key, 64)
	if bytes.Equal(a[20:], b[20:]) {
		t.Fatal("two encryptions of the same plaintext are identical")
	}
}

// TestDecryptDetectsTampering: every way of changing a stream is refused
// with ErrCorrupt, before or during reading — never as wrong plaintext.
func TestDecryptDetectsTampering(t *testing.T) {
	const chunk = 64
	key := blob.NewDataKey()
	plain := blobtest.Data(5*chunk+10, 1) // 6 chunks, the last one short
	ct := seal(t, plain, key, chunk)
	other := seal(t, plain, key, chunk) // same key, other nonce prefix
	full := chunk + 16
	c := func(i int) []byte { return ct[20+i*full : min(20+(i+1)*full, len(ct))] }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	flip := func(i int) []byte { b := bytes.Clone(ct); b[i] ^= 0x01; return b }
	aligned := seal(t, blobtest.Data(4*chunk, 2), key, chunk) // 4 full chunks

	cases := []struct {
		name string
		ct   []byte
		key  []byte
	}{
		{"WrongKey", ct, blob.NewDataKey()},
		{"Magic", flip(0), key},
		{"Version", flip(4), key},
		{"Cipher", flip(5), key},
		{"Reserved", flip(6), key},
		{"ChunkSize", flip(11), key},
		{"NoncePrefix", flip(12), key},
		{"FirstChunkBody", flip(20), key},
		{"MiddleChunkTag", flip(20 + 3*full - 1), key},
		{"LastChunk", flip(len(ct) - 20), key},
		{"LastTag", flip(len(ct) - 1), key},
		{"TruncatedAtChunkBoundary", ct[:20+5*full], key},
		{"TruncatedAtBoundaryOfFullChunks", aligned[:20+3*full], key},
		{"TruncatedMidChunk", ct[:len(ct)-5], key},
		{"TruncatedInsideHeader", ct[:10], key},
		{"HeaderOnly", ct[:20], key},
		{"Empty", nil, key},
		{"ExtendedByBytes", cat(ct, []byte("trailing")), key},
		{"ExtendedByChunk", cat(ct[:20], c(0), c(1), c(2), c(3), c(4), c(1), c(5)), key},
		{"MiddleChunkDropped", cat(ct[:20], c(0), c(1), c(3), c(4), c(5)), key},
		{"ChunksSwapped", cat(ct[:20], c(0), c(2), c(1), c(3), c(4), c(5)), key},
		{"ChunkDuplicated", cat(ct[:20], c(0), c(0), c(2), c(3), c(4), c(5)), key},
		{"ChunkFromOtherStream", cat(ct[:20], c(0), other[20+full:20+2*full], c(2), c(3), c(4), c(5)), key},
		{"HeaderFromOtherStream", cat(other[:20], ct[20:]), key},
		{"FinalChunkMovedUp", cat(ct[:20], c(0), c(5)), key},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decryptAll(tc.ct, tc.key)
			if !errors.Is(err, blob.ErrCorrupt) {
				t.Errorf("got %d bytes, err %v, want ErrCorrupt", len(got), err)
			}
		})
	}
	t.Run("Untouched", func(t *testing.T) {
		if got, err := decryptAll(ct, key); err != nil || !bytes.Equal(got, plain) {
			t.Errorf("got %v, want the plaintext", err)
		}
	})
}

// TestDecryptReadsOnlyTouchedChunks: a range read of a few bytes decrypts
// the chunk(s) it touches, not the stream — what makes seeking in a
// recording of gigabytes cheap.
func TestDecryptReadsOnlyTouchedChunks(t *testing.T) {
	key := blob.NewDataKey()
	plain := blobtest.Data(10*blob.DefaultChunkSize, 3)
	ct := seal(t, plain, key, blob.DefaultChunkSize)
	cr := &countingReaderAt{r: bytes.NewReader(ct)}
	r, err := blob.NewDecryptReader(cr, int64(len(ct)), key)
	if err != nil {
		t.Fatal(err)
	}
	cr.n = 0
	p := make([]byte, 100)
	if _, err := r.ReadAt(p, 4*blob.DefaultChunkSize+10); err != nil {
		t.Fatal(err)
	}
	if cr.n > blob.DefaultChunkSize+16 {
		t.Errorf("a 100-byte range read %d stream bytes, want one chunk (%d)", cr.n, blob.DefaultChunkSize+16)
	}
	if !bytes.Equal(p, plain[4*blob.DefaultChunkSize+10:][:100]) {
		t.Errorf("wrong bytes")
	}
}

type countingReaderAt struct {
	r io.ReaderAt
	n int
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += n
	return n, err
}

// TestDecryptServesHTTPRanges: the Reader plugs into http.ServeContent, so a
// browser seeking in a recording gets 206 Partial Content with the right
// bytes, decrypted.
func TestDecryptServesHTTPRanges(t *testing.T) {
	key := blob.NewDataKey()
	plain := blobtest.Data(500<<10+3, 4)
	ct := seal(t, plain, key, blob.DefaultChunkSize)
	for _, tc := range []struct {
		rng    string
		lo, hi int // inclusive
	}{
		{"bytes=0-0", 0, 0},
		{"bytes=1000-70000", 1000, 70000},
		{"bytes=65535-65536", 65535, 65536},
		{"bytes=-100", len(plain) - 100, len(plain) - 1},
		{"bytes=400000-", 400000, len(plain) - 1},
	} {
		t.Run(tc.rng, func(t *testing.T) {
			r, err := blob.NewDecryptReader(bytes.NewReader(ct), int64(len(ct)), key)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/api/v1/contacts/x/recording", nil)
			req.Header.Set("Range", tc.rng)
			w := httptest.NewRecorder()
			http.ServeContent(w, req, "recording.wav", time.Time{}, r)
			if w.Code != http.StatusPartialContent {
				t.Fatalf("status: got %d, want 206", w.Code)
			}
			if want := fmt.Sprintf("bytes %d-%d/%d", tc.lo, tc.hi, len(plain)); w.Header().Get("Content-Range") != want {
				t.Errorf("Content-Range: got %q, want %q", w.Header().Get("Content-Range"), want)
			}
			if !bytes.Equal(w.Body.Bytes(), plain[tc.lo:tc.hi+1]) {
				t.Errorf("body: got %d bytes that differ from the plaintext range", w.Body.Len())
			}
		})
	}
}
