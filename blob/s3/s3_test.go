package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// The conformance suite runs against a real S3-compatible server when
// KIRJAAMO_TEST_S3_URL names one (.ci/s3-server.sh starts versitygw and
// prints it):
//
//	KIRJAAMO_TEST_S3_URL=http://ACCESS:SECRET@127.0.0.1:7070/BUCKET
//
// and the full-store rules when KIRJAAMO_TEST_S3_FULL_URL names a server
// whose storage holds about ?capacity=BYTES (a versitygw on a small tmpfs).
// Without them those tests are skipped. Each store a test opens lives under
// a prefix of its own, removed afterwards, so runs never see each other.
const (
	envURL     = "KIRJAAMO_TEST_S3_URL"
	envFullURL = "KIRJAAMO_TEST_S3_FULL_URL"
)

// testConfig parses a test server URL; the bucket is the path, credentials
// the user info, options the query (region, capacity).
func testConfig(tb testing.TB, env string) (Config, url.Values) {
	tb.Helper()
	raw := os.Getenv(env)
	if raw == "" {
		tb.Skipf("%s not set: no S3-compatible server to test against (see .ci/s3-server.sh)", env)
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		tb.Fatalf("%s: want http://ACCESS:SECRET@HOST:PORT/BUCKET", env)
	}
	secret, _ := u.User.Password()
	q := u.Query()
	return Config{
		Endpoint:  u.Scheme + "://" + u.Host,
		Bucket:    strings.Trim(u.Path, "/"),
		Region:    q.Get("region"),
		AccessKey: u.User.Username(),
		SecretKey: secret,
		PathStyle: true,
	}, q
}

// MustOpen returns a store under a fresh prefix of the test server's
// bucket, emptied when the test ends.
func MustOpen(tb testing.TB, env string, wrap func(http.RoundTripper) http.RoundTripper) *Store {
	tb.Helper()
	cfg, _ := testConfig(tb, env)
	var b [6]byte
	rand.Read(b[:])
	cfg.Prefix = "test-" + hex.EncodeToString(b[:]) + "/"
	s, err := newStore(cfg, wrap)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { empty(tb, s) })
	return s
}

// empty deletes every object under the store's prefix and aborts its
// unfinished multipart uploads, and fails the test if any upload was left
// unfinished: a failed Put must abort its own.
func empty(tb testing.TB, s *Store) {
	ctx := context.Background()
	for o := range s.core.Client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if o.Err != nil {
			tb.Errorf("cleanup: list: %v", o.Err)
			return
		}
		if err := s.core.RemoveObject(ctx, s.bucket, o.Key, minio.RemoveObjectOptions{}); err != nil {
			tb.Errorf("cleanup: %v", err)
		}
	}
	for u := range s.core.Client.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if u.Err != nil {
			return // not every server lists uploads; nothing to check then
		}
		tb.Errorf("multipart upload of %s left unfinished", u.Key)
		s.core.AbortMultipartUpload(ctx, s.bucket, u.Key, u.UploadID)
	}
}

func TestStore(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return MustOpen(t, envURL, nil) })
}

func TestStoreNoSpace(t *testing.T) {
	_, q := testConfig(t, envFullURL)
	capacity, err := strconv.ParseInt(q.Get("capacity"), 10, 64)
	if err != nil || capacity <= 0 {
		t.Fatalf("%s: want ?capacity=BYTES", envFullURL)
	}
	blobtest.RunNoSpace(t, capacity, func(t *testing.T) blob.Store { return MustOpen(t, envFullURL, nil) })
}

// TestStoreMultipart: a blob of several parts (and one of exactly two) is
// stored whole, and a source failing in a later part leaves nothing — no
// object, no unfinished upload (checked by the cleanup).
func TestStoreMultipart(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, envURL, nil)
	for _, size := range []int64{2 * DefaultPartSize, 2*DefaultPartSize + 12345} {
		t.Run(strconv.FormatInt(size, 10), func(t *testing.T) {
			want := blobtest.Data(size, uint64(size))
			n, err := s.Put(ctx, "recordings/multi", bytes.NewReader(want))
			if err != nil || n != size {
				t.Fatalf("Put: got %d, %v, want %d, nil", n, err, size)
			}
			o, err := s.Open(ctx, "recordings/multi")
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			blobtest.CheckRanges(t, o, want, 50)
		})
	}
	t.Run("SourceFailsInThirdPart", func(t *testing.T) {
		boom := errors.New("client went away")
		r := io.MultiReader(blobtest.NewDataReader(2*DefaultPartSize+100, 1), iotestErr{boom})
		if _, err := s.Put(ctx, "recordings/broken", r); !errors.Is(err, boom) {
			t.Fatalf("Put: got %v, want the source's error", err)
		}
		if _, err := s.Stat(ctx, "recordings/broken"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat: got %v, want ErrNotFound", err)
		}
	})
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// TestSequentialReadFewRequests: playback reads 64 KiB chunk after chunk;
// the growing read-ahead must turn that into a handful of GETs, not one
// per chunk.
func TestSequentialReadFewRequests(t *testing.T) {
	ctx := context.Background()
	var gets atomic.Int64
	s := MustOpen(t, envURL, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && r.Header.Get("Range") != "" {
				gets.Add(1)
			}
			return rt.RoundTrip(r)
		})
	})
	const size = 32 << 20
	plain, dk := blobtest.Data(size, 3), blob.NewDataKey()
	if _, err := blob.PutEncrypted(ctx, s, "recordings/play", bytes.NewReader(plain), dk); err != nil {
		t.Fatal(err)
	}
	gets.Store(0)
	r, err := blob.OpenEncrypted(ctx, s, "recordings/play", dk)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("playback: got %d bytes, %v; want the plaintext", len(got), err)
	}
	// Header and last chunk, then windows of 64 KiB doubling to 16 MiB:
	// 64K+128K+…+16M covers 32 MiB in about 11 requests.
	t.Logf("playback of %d MiB: %d ranged GETs", size>>20, gets.Load())
	if n := gets.Load(); n > 16 {
		t.Errorf("playback of %d MiB: got %d ranged GETs, want at most 16", size>>20, n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewConfigErrors(t *testing.T) {
	ok := Config{Endpoint: "https://s3.example.com", Bucket: "kirjaamo-blobs", AccessKey: "AK", SecretKey: "SK"}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"OK", func(*Config) {}, ""},
		{"OKPlainHTTPWithPrefix", func(c *Config) { c.Endpoint, c.Prefix, c.PathStyle = "http://127.0.0.1:7070", "kirjaamo/prod/", true }, ""},
		{"ErrEndpointRequired", func(c *Config) { c.Endpoint = "" }, "Endpoint"},
		{"ErrEndpointNoScheme", func(c *Config) { c.Endpoint = "s3.example.com" }, "Endpoint"},
		{"ErrEndpointFTP", func(c *Config) { c.Endpoint = "ftp://s3.example.com" }, "Endpoint"},
		{"ErrEndpointWithPath", func(c *Config) { c.Endpoint = "https://s3.example.com/bucket" }, "Endpoint"},
		{"ErrEndpointWithCredentials", func(c *Config) { c.Endpoint = "https://AK:supersecret@s3.example.com" }, "Endpoint"},
		{"ErrBucketRequired", func(c *Config) { c.Bucket = "" }, "Bucket"},
		{"ErrBucketUpperCase", func(c *Config) { c.Bucket = "Kirjaamo" }, "Bucket"},
		{"ErrBucketSlash", func(c *Config) { c.Bucket = "a/b" }, "Bucket"},
		{"ErrAccessKeyRequired", func(c *Config) { c.AccessKey = "" }, "AccessKey"},
		{"ErrSecretKeyRequired", func(c *Config) { c.SecretKey = "" }, "SecretKey"},
		{"ErrPrefixNoSlash", func(c *Config) { c.Prefix = "kirjaamo" }, "Prefix"},
		{"ErrPrefixLeadingSlash", func(c *Config) { c.Prefix = "/kirjaamo/" }, "Prefix"},
		{"ErrPrefixDoubleSlash", func(c *Config) { c.Prefix = "a//" }, "Prefix"},
		{"ErrPartSizeSmall", func(c *Config) { c.PartSize = 1 << 20 }, "PartSize"},
		{"ErrPartSizeLarge", func(c *Config) { c.PartSize = 1 << 30 }, "PartSize"},
		{"ErrCAFileWithHTTP", func(c *Config) { c.Endpoint, c.CAFile = "http://127.0.0.1:7070", "/etc/ssl/certs/ca-certificates.crt" }, "CAFile"},
		{"ErrCAFileMissing", func(c *Config) { c.CAFile = "/nonexistent/ca.pem" }, "CAFile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			_, err := New(cfg)
			var ce *ConfigError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field):
				t.Fatalf("got %v, want a ConfigError on %s", err, tt.field)
			}
			if err != nil && strings.Contains(err.Error(), "supersecret") {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
}

// TestErrorMapping: the server's answers become the blob package's errors.
func TestErrorMapping(t *testing.T) {
	s, err := New(Config{Endpoint: "http://127.0.0.1:1", Bucket: "b-1", AccessKey: "AK", SecretKey: "SK"})
	if err != nil {
		t.Fatal(err)
	}
	resp := func(code string, status int) error {
		return minio.ErrorResponse{Code: code, StatusCode: status, Message: "m"}
	}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"NoSuchKey", resp("NoSuchKey", 404), blob.ErrNotFound},
		{"HeadNotFound", resp("", 404), blob.ErrNotFound},
		{"ReplacedSinceOpen", resp("PreconditionFailed", 412), blob.ErrNotFound},
		{"VersityFull", resp("InsufficientStorage", 507), blob.ErrNoSpace},
		{"MinIOFull", resp("XMinioStorageFull", 507), blob.ErrNoSpace},
		{"MinIOQuota", resp("XMinioAdminBucketQuotaExceeded", 400), blob.ErrNoSpace},
		{"NoSuchBucket", resp("NoSuchBucket", 404), blob.ErrUnavailable},
		{"AccessDenied", resp("AccessDenied", 403), blob.ErrUnavailable},
		{"BadSignature", resp("SignatureDoesNotMatch", 403), blob.ErrUnavailable},
		{"ServerError", resp("InternalError", 500), blob.ErrUnavailable},
		{"SlowDown", resp("SlowDown", 503), blob.ErrUnavailable},
		{"ConnectionRefused", &url.Error{Op: "Get", URL: "http://127.0.0.1:1/b-1/k", Err: errors.New("connection refused")}, blob.ErrUnavailable},
		{"BodyCut", io.ErrUnexpectedEOF, blob.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.fail(context.Background(), "get", "recordings/x", tt.err); !errors.Is(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := fmt.Errorf("wrapped: %w", &url.Error{Op: "Put", URL: "u", Err: context.Canceled})
		if got := s.fail(ctx, "put", "recordings/x", err); got != context.Canceled {
			t.Errorf("got %v, want context.Canceled itself", got)
		}
	})
}

// TestUnreachable: a server that is not there is ErrUnavailable, and the
// error does not quote the credentials.
func TestUnreachable(t *testing.T) {
	s, err := New(Config{Endpoint: "http://127.0.0.1:1", Bucket: "b-1", AccessKey: "AKTEST", SecretKey: "supersecret"})
	if err != nil {
		t.Fatal(err)
	}
	s.core.SetAppInfo("kirjaamo-test", "0")
	ctx := context.Background()
	for name, err := range map[string]error{
		"Check": s.Check(ctx),
		"Stat":  func() error { _, err := s.Stat(ctx, "recordings/x"); return err }(),
		"Put":   func() error { _, err := s.Put(ctx, "recordings/x", strings.NewReader("x")); return err }(),
	} {
		if !errors.Is(err, blob.ErrUnavailable) {
			t.Errorf("%s: got %v, want ErrUnavailable", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "supersecret") {
			t.Errorf("%s: error quotes the secret", name)
		}
	}
}

// TestOpenPinsVersion: an Object opened before an overwrite of the same
// size — where a range request alone could not notice — fails its reads
// with ErrNotFound instead of returning the new bytes.
func TestOpenPinsVersion(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, envURL, nil)
	old, next := blobtest.Data(300<<10, 1), blobtest.Data(300<<10, 2)
	if _, err := s.Put(ctx, "recordings/pin", bytes.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	o, err := s.Open(ctx, "recordings/pin")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	p := make([]byte, 1000)
	if _, err := o.ReadAt(p, 0); err != nil || !bytes.Equal(p, old[:1000]) {
		t.Fatalf("ReadAt before the overwrite: %v or wrong bytes", err)
	}
	if _, err := s.Put(ctx, "recordings/pin", bytes.NewReader(next)); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{100 << 10, 1000} { // a new request, then the open stream's offset
		n, err := o.ReadAt(p, off)
		if !errors.Is(err, blob.ErrNotFound) && !(err == nil && bytes.Equal(p[:n], old[off:off+int64(n)])) {
			t.Errorf("ReadAt(%d) after the overwrite: got %d bytes, %v; want ErrNotFound (or the old bytes)", off, n, err)
		}
	}
}

// TestPutMemoryFlat: an upload holds two parts, not the blob: storing
// 96 MiB allocates far less than 96 MiB in total.
func TestPutMemoryFlat(t *testing.T) {
	s := MustOpen(t, envURL, nil)
	const size = 96 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := blob.PutEncrypted(context.Background(), s, "recordings/big", blobtest.NewDataReader(size, 9), blob.NewDataKey()); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 40<<20 {
		t.Errorf("Put of %d MiB allocated %d MiB, want under 40 MiB (two %d MiB parts and change)", size>>20, got>>20, DefaultPartSize>>20)
	} else {
		t.Logf("Put of %d MiB allocated %.1f MiB", size>>20, float64(got)/(1<<20))
	}
}
