// Package s3 is a blob.Store in an S3-compatible object store (AWS S3,
// MinIO, versitygw, Ceph RGW, …), for production recordings and attachments
// on servers that share no disk.
//
// The store keeps what package blob gives it: with PutEncrypted that is the
// chunked AES-256-GCM stream, so the object store only ever sees ciphertext
// and the data keys stay in Kirjaamo's database. A key "namespace/name" is
// the object "<prefix>namespace/name" in one bucket.
//
// Uploads stream: a blob smaller than one part is sent as a single PUT, a
// larger one as a multipart upload of PartSize parts, reading the next part
// while the previous one is sent, so memory is two parts per upload however
// large the blob. S3 makes an object visible only when its PUT or its
// CompleteMultipartUpload succeeds, which gives blob.Store's atomic replace;
// a failed multipart upload is aborted so its parts do not linger.
//
// Reads are ranged GETs pinned to the ETag seen by Open (If-Match), so an
// Object opened before an overwrite fails instead of returning a mix. A
// sequential reader (playback, export) is served from one open response
// that is continued while the offsets follow on, with a read-ahead window
// that grows, so a recording read 64 KiB chunk by 64 KiB chunk costs a few
// requests, not one per chunk; a seek or a parallel ReadAt makes its own
// request.
package s3

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/kirjaamo/kirjaamo/blob"
)

// Config locates a bucket. Field names appear in validation errors
// (ConfigError.Field); cmd/kirjaamo maps them to its flags.
type Config struct {
	// Endpoint is the server's URL: "https://s3.eu-north-1.amazonaws.com",
	// "http://127.0.0.1:7070". The scheme decides TLS; no path.
	Endpoint string
	// Bucket must exist; the store never creates one (its policy,
	// versioning and lifecycle rules are the operator's).
	Bucket string
	// Region is signed into every request; "us-east-1" if empty.
	Region string
	// AccessKey and SecretKey are the credentials. They are never logged
	// or quoted in an error.
	AccessKey, SecretKey string
	// PathStyle addresses the bucket as endpoint/bucket rather than
	// bucket.endpoint (MinIO, versitygw and most self-hosted servers).
	PathStyle bool
	// Prefix is put before every object name, e.g. "kirjaamo/", so one
	// bucket can hold several installations. Empty, or ending in "/".
	Prefix string
	// CAFile is a PEM bundle of extra certificate authorities to trust,
	// for a server with a private CA. Only with an https endpoint.
	CAFile string
	// PartSize is the multipart part size in bytes, 5 MiB–512 MiB;
	// DefaultPartSize if zero. An upload holds two parts in memory and may
	// have at most 10,000 parts, so the largest blob is 10,000 × PartSize.
	PartSize int64
}

const (
	// DefaultPartSize: 10,000 parts of 8 MiB are 78 GiB, far above the
	// 8 GiB recording limit, and two parts in flight are 16 MiB per upload.
	DefaultPartSize = 8 << 20
	minPartSize     = 5 << 20 // S3's minimum for every part but the last
	maxPartSize     = 512 << 20
	maxParts        = 10000
)

// ConfigError names the Config field that is wrong.
type ConfigError struct {
	Field   string
	Message string
}

func (e *ConfigError) Error() string { return "s3: " + e.Field + ": " + e.Message }

// Store is a blob.Store in one bucket. It is safe for concurrent use.
type Store struct {
	core     minio.Core
	bucket   string
	prefix   string
	partSize int64
	parts    sync.Pool // *[]byte of partSize
}

var _ blob.Store = (*Store)(nil)

// New checks cfg and returns a store. It makes no request; call Check to
// find out whether the bucket is there and the credentials work.
func New(cfg Config) (*Store, error) { return newStore(cfg, nil) }

// newStore is New with a hook on the HTTP transport, for tests that count
// requests.
func newStore(cfg Config, wrap func(http.RoundTripper) http.RoundTripper) (*Store, error) {
	u, err := url.Parse(cfg.Endpoint)
	switch {
	case cfg.Endpoint == "":
		return nil, &ConfigError{"Endpoint", "required (a URL such as https://s3.example.com)"}
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, &ConfigError{"Endpoint", "must be an http:// or https:// URL with a host"}
	case u.User != nil:
		// Refuse, but do not quote: the URL may carry a secret.
		return nil, &ConfigError{"Endpoint", "must not contain credentials; set the access key and secret key instead"}
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
		return nil, &ConfigError{"Endpoint", "must be scheme://host[:port] with no path or query; the bucket is set on its own"}
	}
	if !validBucket(cfg.Bucket) {
		return nil, &ConfigError{"Bucket", "required: 3–63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit"}
	}
	if cfg.AccessKey == "" {
		return nil, &ConfigError{"AccessKey", "required"}
	}
	if cfg.SecretKey == "" {
		return nil, &ConfigError{"SecretKey", "required"}
	}
	if cfg.Prefix != "" && (!strings.HasSuffix(cfg.Prefix, "/") || strings.HasPrefix(cfg.Prefix, "/") || strings.Contains(cfg.Prefix, "//") || !validPrefix(cfg.Prefix)) {
		return nil, &ConfigError{"Prefix", "must be empty or like \"kirjaamo/\": characters a-z A-Z 0-9 . _ - /, ending in '/', no leading or double '/'"}
	}
	part := cfg.PartSize
	if part == 0 {
		part = DefaultPartSize
	}
	if part < minPartSize || part > maxPartSize {
		return nil, &ConfigError{"PartSize", fmt.Sprintf("must be between %d and %d bytes", minPartSize, maxPartSize)}
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	secure := u.Scheme == "https"
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		if !secure {
			return nil, &ConfigError{"CAFile", "set, but the endpoint is not https"}
		}
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, &ConfigError{"CAFile", err.Error()}
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &ConfigError{"CAFile", "no PEM certificate in " + cfg.CAFile}
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	var rt http.RoundTripper = tr
	if wrap != nil {
		rt = wrap(tr)
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       secure,
		Transport:    rt,
		Region:       region,
		BucketLookup: lookup,
		// Parts are in memory and can be resent; a few retries ride out a
		// restarting server without holding an upload for minutes.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, &ConfigError{"Endpoint", err.Error()}
	}
	s := &Store{core: minio.Core{Client: c}, bucket: cfg.Bucket, prefix: cfg.Prefix, partSize: part}
	s.parts.New = func() any { b := make([]byte, s.partSize); return &b }
	return s, nil
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || i == len(b)-1 || c != '.' && c != '-') {
			return false
		}
	}
	return true
}

func validPrefix(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-/", c) >= 0) {
			return false
		}
	}
	return true
}

// Check makes one request (HEAD bucket): nil if the bucket exists and the
// credentials may see it. Call it at start so a wrong setting fails there,
// not at the first upload.
func (s *Store) Check(ctx context.Context) error {
	ok, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.fail(ctx, "check bucket", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("%w: bucket %q does not exist (the store does not create it)", blob.ErrUnavailable, s.bucket)
	}
	return nil
}

func (s *Store) object(key string) string { return s.prefix + key }

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := blob.CheckKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	buf := s.parts.Get().(*[]byte)
	n, err := io.ReadFull(r, *buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		s.parts.Put(buf)
		return 0, err // the source's error, as the FS store returns it
	}
	if err != nil { // the whole blob fits in one part: one PUT
		defer s.parts.Put(buf)
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		opts := putOptions()
		// An empty object over plain HTTP would go out with the streaming
		// (aws-chunked) signature, whose framing of an empty body a
		// gateway (versitygw) misreads: it answers the leftover bytes with
		// a 400 on the idle connection, and the next request reused on it
		// gets that answer (seen in CI). An empty body needs no payload
		// signature.
		opts.DisableContentSha256 = n == 0
		_, err := s.core.PutObject(ctx, s.bucket, s.object(key), bytes.NewReader((*buf)[:n]), int64(n), "", "", opts)
		if err != nil {
			return 0, s.fail(ctx, "put", key, err)
		}
		return int64(n), nil
	}
	return s.putMultipart(ctx, key, r, buf)
}

func putOptions() minio.PutObjectOptions {
	return minio.PutObjectOptions{ContentType: "application/octet-stream"}
}

// putMultipart uploads first (a full part) and the rest of r. Reading r —
// where PutEncrypted encrypts and hashes — and sending parts run in two
// goroutines over two part buffers, so an upload runs at the speed of the
// slower of the two.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, first *[]byte) (total int64, err error) {
	obj := s.object(key)
	id, err := s.core.NewMultipartUpload(ctx, s.bucket, obj, putOptions())
	if err != nil {
		s.parts.Put(first)
		return 0, s.fail(ctx, "put", key, err)
	}
	defer func() {
		if err != nil {
			// Parts of an aborted upload are never visible, but they take
			// space until aborted. Abort even when ctx is cancelled; a
			// bucket lifecycle rule (docs/blob.md) catches what a crash
			// leaves.
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			s.core.AbortMultipartUpload(actx, s.bucket, obj, id)
		}
	}()

	type part struct {
		buf *[]byte
		n   int
	}
	full := make(chan part, 1)
	free := make(chan *[]byte, 2)
	free <- s.parts.Get().(*[]byte)
	failed := make(chan struct{})
	var (
		done  = make(chan struct{})
		parts []minio.CompletePart
		uerr  error // set by the sender before it closes failed or done
	)
	go func() {
		defer close(done)
		for p := range full {
			if uerr == nil {
				num := len(parts) + 1
				var op minio.ObjectPart
				op, uerr = s.core.PutObjectPart(ctx, s.bucket, obj, id, num, bytes.NewReader((*p.buf)[:p.n]), int64(p.n), minio.PutObjectPartOptions{})
				if uerr == nil {
					parts = append(parts, minio.CompletePart{PartNumber: num, ETag: op.ETag})
				} else {
					close(failed)
				}
			}
			free <- p.buf
		}
	}()

	var rerr error
	cur, n := first, len(*first)
	for {
		full <- part{cur, n} // never blocks long: the sender frees a buffer per part
		total += int64(n)
		if n < len(*cur) {
			break // a short part is the last
		}
		select {
		case <-failed: // checked first: no use reading a part nobody sends
			cur = nil
		default:
			select {
			case cur = <-free:
			case <-failed:
				cur = nil
			}
		}
		if cur == nil {
			break
		}
		if rerr = ctx.Err(); rerr != nil {
			free <- cur
			break
		}
		n, rerr = io.ReadFull(r, *cur)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			rerr = nil
		}
		if rerr == nil && n > 0 && total/s.partSize >= maxParts {
			rerr = fmt.Errorf("blob larger than %d parts of %d bytes; raise the part size", maxParts, s.partSize)
		}
		if rerr != nil || n == 0 {
			free <- cur
			break
		}
	}
	close(full)
	<-done
	close(free)
	for b := range free {
		s.parts.Put(b)
	}
	if uerr != nil {
		return 0, s.fail(ctx, "put", key, uerr)
	}
	if rerr != nil {
		if cerr := ctx.Err(); cerr != nil {
			return 0, cerr
		}
		return 0, rerr
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if _, err := s.core.CompleteMultipartUpload(ctx, s.bucket, obj, id, parts, putOptions()); err != nil {
		return 0, s.fail(ctx, "put", key, err)
	}
	return total, nil
}

// Open implements blob.Store. The Object reads with ctx: cancelling it (the
// HTTP request ending) stops its reads too.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := s.core.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return nil, s.fail(ctx, "open", key, err)
	}
	return &object{s: s, ctx: ctx, key: key, etag: info.ETag, size: info.Size, pos: -1}, nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (int64, error) {
	if err := blob.CheckKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	info, err := s.core.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return 0, s.fail(ctx, "stat", key, err)
	}
	return info.Size, nil
}

// Delete implements blob.Store. S3 answers a DELETE of a missing object
// with success; a server that says NoSuchKey instead is taken at its word.
// In a versioned bucket this adds a delete marker and older versions stay:
// they are ciphertext whose data key is already destroyed (docs/blob.md).
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.core.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{})
	if err != nil {
		if err := s.fail(ctx, "delete", key, err); !errors.Is(err, blob.ErrNotFound) {
			return err
		}
	}
	return nil
}

// List implements blob.Store. Objects under the namespace whose names are
// not valid keys (put there by something else) are skipped.
func (s *Store) List(ctx context.Context, namespace string, fn func(key string, size int64) error) error {
	if !blob.ValidKey(namespace + "/x") {
		return blob.CheckKey(namespace + "/")
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine when fn fails
	for o := range s.core.Client.ListObjects(lctx, s.bucket, minio.ListObjectsOptions{Prefix: s.object(namespace + "/"), Recursive: true}) {
		if o.Err != nil {
			return s.fail(ctx, "list", namespace, o.Err)
		}
		key := strings.TrimPrefix(o.Key, s.prefix)
		if !blob.ValidKey(key) {
			continue
		}
		if err := fn(key, o.Size); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fail translates an error of the client: a cancelled ctx is returned as
// itself, a missing object becomes ErrNotFound, a full server ErrNoSpace,
// and a server that cannot be reached, is failing or refuses the
// credentials ErrUnavailable. The S3 error code and message are kept (they
// hold no secret); the request's URL is not quoted.
func (s *Store) fail(ctx context.Context, op, key string, err error) error {
	if cerr := ctx.Err(); cerr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return cerr
	}
	resp := minio.ToErrorResponse(err)
	code := resp.Code
	switch {
	case code == "NoSuchKey" || code == "NotFound" || resp.StatusCode == http.StatusNotFound && code != "NoSuchBucket" && code != "NoSuchUpload":
		return fmt.Errorf("%w: %s", blob.ErrNotFound, key)
	case code == "PreconditionFailed" || resp.StatusCode == http.StatusPreconditionFailed:
		return fmt.Errorf("%w: %s was replaced after it was opened", blob.ErrNotFound, key)
	case code == "InsufficientStorage" || code == "XMinioStorageFull" || code == "XMinioAdminBucketQuotaExceeded" ||
		code == "QuotaExceeded" || resp.StatusCode == http.StatusInsufficientStorage:
		return fmt.Errorf("%w: %s %s: %s %s", blob.ErrNoSpace, op, key, code, resp.Message)
	case code == "NoSuchBucket":
		return fmt.Errorf("%w: %s %s: bucket %q does not exist", blob.ErrUnavailable, op, key, s.bucket)
	case code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
		resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%w: %s %s: %s (check the access key, secret key, region and bucket policy)", blob.ErrUnavailable, op, key, code)
	case resp.StatusCode >= 500 || code == "SlowDown" || code == "RequestTimeout":
		return fmt.Errorf("%w: %s %s: %s %s", blob.ErrUnavailable, op, key, code, resp.Message)
	case code != "":
		return fmt.Errorf("blob: s3 %s %s: %s %s", op, key, code, resp.Message)
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) {
		// A url.Error quotes the request URL: bucket and key, no secret,
		// but keep only the cause.
		cause := err
		if ue != nil {
			cause = ue.Err
		}
		return fmt.Errorf("%w: %s %s: %v", blob.ErrUnavailable, op, key, cause)
	}
	return fmt.Errorf("blob: s3 %s %s: %w", op, key, err)
}

// object is an open blob. ReadAt is safe for parallel calls: one caller at
// a time uses the sequential stream, the others make their own requests.
type object struct {
	s    *Store
	ctx  context.Context
	key  string
	etag string
	size int64

	mu     sync.Mutex
	body   io.ReadCloser // a ranged response positioned at pos, or nil
	pos    int64         // offset of body's next byte
	end    int64         // offset one past body's last byte
	window int64         // the next read-ahead, growing while reads follow on
	closed bool
}

const (
	minWindow = 64 << 10 // one encrypted chunk: what a seek usually needs
	maxWindow = 16 << 20
)

func (o *object) Size() int64 { return o.size }

func (o *object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("s3: negative offset")
	}
	if off >= o.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), o.size-off)
	var (
		n   int
		err error
	)
	if o.mu.TryLock() {
		n, err = o.readStream(p[:want], off)
		o.mu.Unlock()
	} else {
		n, err = o.readOnce(p[:want], off)
	}
	if err == nil && int64(n) < int64(len(p)) {
		err = io.EOF
	}
	return n, err
}

// readStream reads p at off from the sequential stream, opening a new
// ranged response where the last one does not continue. o.mu is held.
func (o *object) readStream(p []byte, off int64) (int, error) {
	if o.closed {
		return 0, errors.New("s3: read of a closed object")
	}
	read := 0
	for read < len(p) {
		at := off + int64(read)
		if o.body == nil || o.pos != at {
			if o.pos == at {
				o.window = min(2*o.window, maxWindow) // the reader follows on
			} else {
				o.window = minWindow // a seek: start small again
			}
			o.drop()
			end := min(at+max(int64(len(p)-read), o.window), o.size)
			body, err := o.get(at, end)
			if err != nil {
				o.pos = -1
				return read, err
			}
			o.body, o.pos, o.end = body, at, end
		}
		k := min(int64(len(p)-read), o.end-o.pos)
		m, err := io.ReadFull(o.body, p[read:read+int(k)])
		read += m
		o.pos += int64(m)
		if err != nil {
			o.drop()
			o.pos = -1
			return read, o.s.fail(o.ctx, "read", o.key, err)
		}
		if o.pos == o.end {
			o.body.Close() // fully read: the connection is reusable
			o.body = nil
		}
	}
	return read, nil
}

// drop closes the stream; an unread rest of a small window is drained so
// the connection goes back to the pool.
func (o *object) drop() {
	if o.body == nil {
		return
	}
	if o.end-o.pos <= 64<<10 {
		io.Copy(io.Discard, o.body)
	}
	o.body.Close()
	o.body = nil
}

// readOnce reads p at off with a request of its own.
func (o *object) readOnce(p []byte, off int64) (int, error) {
	body, err := o.get(off, off+int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.ReadFull(body, p)
	if err != nil {
		return n, o.s.fail(o.ctx, "read", o.key, err)
	}
	return n, nil
}

// get requests the bytes [off, end) of the version Open saw.
func (o *object) get(off, end int64) (io.ReadCloser, error) {
	var opts minio.GetObjectOptions
	if err := opts.SetRange(off, end-1); err != nil {
		return nil, err
	}
	if err := opts.SetMatchETag(o.etag); err != nil {
		return nil, err
	}
	body, info, _, err := o.s.core.GetObject(o.ctx, o.s.bucket, o.s.object(o.key), opts)
	if err != nil {
		return nil, o.s.fail(o.ctx, "read", o.key, err)
	}
	// A server that ignores If-Match still names the version it sent.
	if info.ETag != "" && strings.Trim(info.ETag, `"`) != strings.Trim(o.etag, `"`) {
		body.Close()
		return nil, fmt.Errorf("%w: %s was replaced after it was opened", blob.ErrNotFound, o.key)
	}
	return body, nil
}

func (o *object) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.drop()
	o.closed = true
	return nil
}
