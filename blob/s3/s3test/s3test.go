// Package s3test opens an S3 blob store on the test server that
// .ci/s3-server.sh starts, for tests outside package s3 (the HTTP API's
// recording tests) that want the real backend.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob/s3"
)

// EnvURL names the test server: http://ACCESS:SECRET@HOST:PORT/BUCKET.
const EnvURL = "KIRJAAMO_TEST_S3_URL"

// Config parses raw (EnvURL's format). ok is false if raw is empty.
func Config(raw string) (cfg s3.Config, query url.Values, ok bool) {
	if raw == "" {
		return cfg, nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return cfg, nil, false
	}
	secret, _ := u.User.Password()
	q := u.Query()
	return s3.Config{
		Endpoint:  u.Scheme + "://" + u.Host,
		Bucket:    strings.Trim(u.Path, "/"),
		Region:    q.Get("region"),
		AccessKey: u.User.Username(),
		SecretKey: secret,
		PathStyle: true,
	}, q, true
}

// MustOpen returns a store under a fresh prefix of the test bucket, or
// skips the test when EnvURL is not set. The namespaces listed are emptied
// when the test ends.
func MustOpen(tb testing.TB, namespaces ...string) *s3.Store {
	tb.Helper()
	cfg, _, ok := Config(os.Getenv(EnvURL))
	if !ok {
		tb.Skipf("%s not set or not http://ACCESS:SECRET@HOST:PORT/BUCKET: no S3 server to test against (see .ci/s3-server.sh)", EnvURL)
	}
	var b [6]byte
	rand.Read(b[:])
	cfg.Prefix = "test-" + hex.EncodeToString(b[:]) + "/"
	s, err := s3.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx := context.Background()
		for _, ns := range namespaces {
			s.List(ctx, ns, func(key string, _ int64) error { return s.Delete(ctx, key) })
		}
	})
	return s
}
