package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBlobStoreConfig: a wrong blob-store setting stops the command at
// start with an error naming the flag or variable to fix, and never quotes
// the secret key.
func TestBlobStoreConfig(t *testing.T) {
	const secretValue = "s3cr3t-do-not-print"
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte(secretValue+"\n"), 0o600)
	emptyFile := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(emptyFile, nil, 0o600)
	good := map[string]string{
		"KIRJAAMO_BLOB_STORE":    "s3",
		"KIRJAAMO_S3_ENDPOINT":   "http://127.0.0.1:1",
		"KIRJAAMO_S3_BUCKET":     "kirjaamo",
		"KIRJAAMO_S3_ACCESS_KEY": "AKTEST",
		"KIRJAAMO_S3_SECRET_KEY": secretValue,
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"ErrUnknownBackend", map[string]string{"KIRJAAMO_BLOB_STORE": "nfs"}, nil, "--blob-store (KIRJAAMO_BLOB_STORE)"},
		{"ErrEndpointRequired", map[string]string{"KIRJAAMO_S3_ENDPOINT": ""}, nil, "--s3-endpoint (KIRJAAMO_S3_ENDPOINT): required"},
		{"ErrEndpointNotURL", nil, []string{"--s3-endpoint", "s3.example.com"}, "--s3-endpoint (KIRJAAMO_S3_ENDPOINT)"},
		{"ErrBucketRequired", map[string]string{"KIRJAAMO_S3_BUCKET": ""}, nil, "--s3-bucket (KIRJAAMO_S3_BUCKET)"},
		{"ErrBucketInvalid", nil, []string{"--s3-bucket", "My_Bucket"}, "--s3-bucket (KIRJAAMO_S3_BUCKET)"},
		{"ErrPrefixInvalid", nil, []string{"--s3-prefix", "kirjaamo"}, "--s3-prefix (KIRJAAMO_S3_PREFIX)"},
		{"ErrPartSizeTooSmall", nil, []string{"--s3-part-size", "1024"}, "--s3-part-size (KIRJAAMO_S3_PART_SIZE)"},
		{"ErrAccessKeyRequired", map[string]string{"KIRJAAMO_S3_ACCESS_KEY": ""}, nil, "KIRJAAMO_S3_ACCESS_KEY or KIRJAAMO_S3_ACCESS_KEY_FILE"},
		{"ErrSecretKeyRequired", map[string]string{"KIRJAAMO_S3_SECRET_KEY": ""}, nil, "KIRJAAMO_S3_SECRET_KEY or KIRJAAMO_S3_SECRET_KEY_FILE"},
		{"ErrSecretTwice", map[string]string{"KIRJAAMO_S3_SECRET_KEY_FILE": secretFile}, nil, "set KIRJAAMO_S3_SECRET_KEY or KIRJAAMO_S3_SECRET_KEY_FILE, not both"},
		{"ErrSecretFileEmpty", map[string]string{"KIRJAAMO_S3_SECRET_KEY": "", "KIRJAAMO_S3_SECRET_KEY_FILE": emptyFile}, nil, "KIRJAAMO_S3_SECRET_KEY_FILE: " + emptyFile + " is empty"},
		{"ErrCAFileWithoutTLS", nil, []string{"--s3-ca-file", secretFile}, "--s3-ca-file (KIRJAAMO_S3_CA_FILE)"},
		{"ErrUnreachable", map[string]string{"KIRJAAMO_S3_SECRET_KEY": "", "KIRJAAMO_S3_SECRET_KEY_FILE": secretFile}, nil, "blob store s3 at http://127.0.0.1:1: blob: store unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range good {
				t.Setenv(k, v)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"migrate", "--data", t.TempDir()}, tt.args...)
			code, _, stderr := kirjaamoCmd(t, "", args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d, %q; want 1 and an error containing %q", code, stderr, tt.want)
			}
			if strings.Contains(stderr, secretValue) {
				t.Errorf("stderr quotes the secret key: %q", stderr)
			}
		})
	}
}

// TestBlobStoreS3Migrate: with a real S3-compatible server
// (KIRJAAMO_TEST_S3_URL, see blob/s3), a command opens the bucket.
func TestBlobStoreS3Migrate(t *testing.T) {
	raw := os.Getenv("KIRJAAMO_TEST_S3_URL")
	if raw == "" {
		t.Skip("KIRJAAMO_TEST_S3_URL not set")
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		t.Fatal("KIRJAAMO_TEST_S3_URL: want http://ACCESS:SECRET@HOST:PORT/BUCKET")
	}
	secretKey, _ := u.User.Password()
	t.Setenv("KIRJAAMO_S3_ACCESS_KEY", u.User.Username())
	t.Setenv("KIRJAAMO_S3_SECRET_KEY", secretKey)
	code, out, stderr := kirjaamoCmd(t, "", "migrate", "--data", t.TempDir(), "--blob-store", "s3",
		"--s3-endpoint", u.Scheme+"://"+u.Host, "--s3-bucket", strings.Trim(u.Path, "/"), "--s3-path-style", "--s3-prefix", "cmd-test/")
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
}
