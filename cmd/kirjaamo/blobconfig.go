package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/s3"
)

// blobConfig selects the blob store: the data directory's blobs/ (fs, the
// default) or an S3-compatible bucket (s3), which several servers can
// share. The S3 credentials come only from the environment or from files
// (KIRJAAMO_S3_ACCESS_KEY[_FILE], KIRJAAMO_S3_SECRET_KEY[_FILE]), never from
// flags, which other users of the machine can read in the process list.
type blobConfig struct {
	backend   string
	endpoint  string
	bucket    string
	region    string
	prefix    string
	pathStyle bool
	caFile    string
	partSize  int64
}

func (b *blobConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&b.backend, "blob-store", env("KIRJAAMO_BLOB_STORE", "fs"), "where recordings and attachments go: fs (<data>/blobs) or s3 (env KIRJAAMO_BLOB_STORE)")
	fs.StringVar(&b.endpoint, "s3-endpoint", env("KIRJAAMO_S3_ENDPOINT", ""), "S3 endpoint URL, https://host[:port] (http:// only on a trusted network) (env KIRJAAMO_S3_ENDPOINT)")
	fs.StringVar(&b.bucket, "s3-bucket", env("KIRJAAMO_S3_BUCKET", ""), "S3 bucket; must exist (env KIRJAAMO_S3_BUCKET)")
	fs.StringVar(&b.region, "s3-region", env("KIRJAAMO_S3_REGION", "us-east-1"), "S3 region (env KIRJAAMO_S3_REGION)")
	fs.StringVar(&b.prefix, "s3-prefix", env("KIRJAAMO_S3_PREFIX", ""), "prefix of every object name, e.g. kirjaamo/ (env KIRJAAMO_S3_PREFIX)")
	fs.BoolVar(&b.pathStyle, "s3-path-style", env("KIRJAAMO_S3_PATH_STYLE", "") == "true", "address the bucket as ENDPOINT/BUCKET (MinIO, versitygw, most self-hosted servers) (env KIRJAAMO_S3_PATH_STYLE=true)")
	fs.StringVar(&b.caFile, "s3-ca-file", env("KIRJAAMO_S3_CA_FILE", ""), "PEM file of extra CAs to trust for the S3 endpoint (env KIRJAAMO_S3_CA_FILE)")
	fs.Int64Var(&b.partSize, "s3-part-size", envInt("KIRJAAMO_S3_PART_SIZE", s3.DefaultPartSize), "multipart part size in bytes, 5 MiB–512 MiB; an upload holds two in memory (env KIRJAAMO_S3_PART_SIZE)")
}

func envInt(name string, def int64) int64 {
	var n int64
	if _, err := fmt.Sscan(os.Getenv(name), &n); err != nil {
		return def
	}
	return n
}

// s3Fields names, for each s3.Config field, the setting an operator
// changes.
var s3Fields = map[string]string{
	"Endpoint":  "--s3-endpoint (KIRJAAMO_S3_ENDPOINT)",
	"Bucket":    "--s3-bucket (KIRJAAMO_S3_BUCKET)",
	"Region":    "--s3-region (KIRJAAMO_S3_REGION)",
	"Prefix":    "--s3-prefix (KIRJAAMO_S3_PREFIX)",
	"CAFile":    "--s3-ca-file (KIRJAAMO_S3_CA_FILE)",
	"PartSize":  "--s3-part-size (KIRJAAMO_S3_PART_SIZE)",
	"AccessKey": "KIRJAAMO_S3_ACCESS_KEY or KIRJAAMO_S3_ACCESS_KEY_FILE",
	"SecretKey": "KIRJAAMO_S3_SECRET_KEY or KIRJAAMO_S3_SECRET_KEY_FILE",
}

// s3Config builds the S3 configuration, reading the credentials. Errors
// name the flag or variable to fix and never quote a secret.
func (b *blobConfig) s3Config() (s3.Config, error) {
	cfg := s3.Config{Endpoint: b.endpoint, Bucket: b.bucket, Region: b.region, Prefix: b.prefix,
		PathStyle: b.pathStyle, CAFile: b.caFile, PartSize: b.partSize}
	var err error
	if cfg.AccessKey, err = secret("KIRJAAMO_S3_ACCESS_KEY"); err != nil {
		return cfg, err
	}
	if cfg.SecretKey, err = secret("KIRJAAMO_S3_SECRET_KEY"); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// secret reads NAME from the environment or the file NAME_FILE names (the
// systemd-credentials and Docker-secrets way); setting both is an error.
func secret(name string) (string, error) {
	v, file := os.Getenv(name), os.Getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("blob store: set %s or %s_FILE, not both", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("blob store: %s_FILE: %w", name, err)
		}
		v = strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("blob store: %s_FILE: %s is empty", name, file)
		}
	}
	return v, nil
}

// open opens the configured store. An S3 store is checked (bucket there,
// credentials accepted) so a wrong setting stops the command at start.
func (b *blobConfig) open(ctx context.Context, data string) (blob.Store, error) {
	switch b.backend {
	case "fs", "":
		return blob.NewFS(filepath.Join(data, "blobs"))
	case "s3":
	default:
		return nil, fmt.Errorf("blob store: --blob-store (KIRJAAMO_BLOB_STORE) is %q; want fs or s3", b.backend)
	}
	cfg, err := b.s3Config()
	if err != nil {
		return nil, err
	}
	s, err := s3.New(cfg)
	var ce *s3.ConfigError
	if errors.As(err, &ce) {
		return nil, fmt.Errorf("blob store s3: %s: %s", s3Fields[ce.Field], ce.Message)
	}
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := s.Check(cctx); err != nil {
		return nil, fmt.Errorf("blob store s3 at %s: %w", cfg.Endpoint, err)
	}
	return s, nil
}
