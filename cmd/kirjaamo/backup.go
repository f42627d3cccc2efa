package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// backupCmd writes an online backup of the embedded store: a consistent copy
// of the SQLite database (VACUUM INTO, while the server runs), then the blob
// store and the erasure ledger. Blobs are copied after the database, so
// every recording the copy refers to is in it (a blob written meanwhile is
// an orphan the copy does not refer to). Keys are not copied: back them up
// apart from the data (README).
func backupCmd(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("backup", stderr)
	var c config
	c.storeFlags(flags)
	out := flags.String("out", "", "directory to create for the backup")
	if err := parse(flags, args); err != nil || *out == "" {
		fmt.Fprintln(stderr, "usage: kirjaamo backup --data DIR --out NEWDIR")
		return 2
	}
	if c.databaseURL != "" {
		fmt.Fprintln(stderr, "kirjaamo backup: PostgreSQL is backed up with its own tools (pg_dump, base backups): see docs/retention.md; copy <data>/blobs and <data>/erasure-ledger.jsonl after the dump")
		return 2
	}
	if err := os.Mkdir(*out, 0o700); err != nil {
		return fail(stderr, err)
	}
	c.skipMigrations = true
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	dbCopy := filepath.Join(*out, "kirjaamo.db")
	if _, err := db.Writer().ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(dbCopy, "'", "''")+"'"); err != nil {
		return fail(stderr, fmt.Errorf("database copy: %w", err))
	}
	if c.blob.backend == "s3" {
		// Objects in a bucket are not copied: the bucket's own versioning or
		// replication protects them (docs/blob.md), and they are ciphertext
		// whose keys are in the database copy just written.
		fmt.Fprintln(stderr, "kirjaamo backup: blobs are in the S3 bucket and are not copied; protect the bucket with versioning or replication (docs/blob.md)")
	} else if err := copyTree(filepath.Join(c.data, "blobs"), filepath.Join(*out, "blobs")); err != nil {
		return fail(stderr, fmt.Errorf("blob copy: %w", err))
	}
	if err := copyFile(filepath.Join(c.data, "erasure-ledger.jsonl"), filepath.Join(*out, "erasure-ledger.jsonl")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "backup written to %s at %s (keys not included: keep them apart)\n", *out, time.Now().UTC().Format(time.RFC3339))
	return 0
}

// restoreCmd puts a backup back in place of a data directory's database and
// blobs, keeping the data directory's own erasure ledger (which is newer
// than the backup's), and replays the ledger, so a person erased after the
// backup was taken is erased again before anything is served.
func restoreCmd(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("restore", stderr)
	var c config
	c.storeFlags(flags)
	from := flags.String("from", "", "backup directory written by kirjaamo backup")
	if err := parse(flags, args); err != nil || *from == "" {
		fmt.Fprintln(stderr, "usage: kirjaamo restore --data DIR --from BACKUPDIR")
		return 2
	}
	if c.databaseURL != "" {
		fmt.Fprintln(stderr, "kirjaamo restore: restore PostgreSQL with its own tools, then run kirjaamo erasure replay")
		return 2
	}
	dbFile := filepath.Join(c.data, "kirjaamo.db")
	for _, f := range []string{dbFile, dbFile + "-wal", dbFile + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(stderr, err)
		}
	}
	if err := copyFile(filepath.Join(*from, "kirjaamo.db"), dbFile); err != nil {
		return fail(stderr, err)
	}
	if c.blob.backend != "s3" { // an S3 bucket is restored with the bucket's own tools
		if err := os.RemoveAll(filepath.Join(c.data, "blobs")); err != nil {
			return fail(stderr, err)
		}
		if err := copyTree(filepath.Join(*from, "blobs"), filepath.Join(c.data, "blobs")); err != nil {
			return fail(stderr, err)
		}
	}
	// Merge the backup's ledger into ours: entries only add erasures.
	if b, err := os.ReadFile(filepath.Join(*from, "erasure-ledger.jsonl")); err == nil && len(b) > 0 {
		f, err := os.OpenFile(filepath.Join(c.data, "erasure-ledger.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fail(stderr, err)
		}
		f.Write(b)
		f.Close()
	}
	c.migrate = true
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	n, err := kirjaamo.ReplayErasures(ctx, db, time.Now().UTC())
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "restored from %s; erasure ledger replayed: %d subjects erased again\n", *from, n)
	return 0
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}
