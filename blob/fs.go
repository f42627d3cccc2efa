package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// FS is a Store in a local directory, by default the data directory's
// blobs/. A key "namespace/name" lives at
//
//	<root>/<namespace>/<h0h1>/<h2h3>/<name>
//
// where h0…h3 are the first hex digits of SHA-256(key). The fan-out is by a
// hash, not by the name's own prefix, because names are time-ordered ids:
// their leading characters change only every few years, so a prefix fan-out
// would put every recording of a year in one directory. 65,536 leaf
// directories per namespace keep ten million blobs at ~150 per directory.
//
// Writes go to a temporary file (".tmp-…") in the final directory, are
// fsynced, renamed over the final name and the directory fsynced, so a crash
// leaves either the old blob or the new one plus, at worst, a stale
// temporary file that RemoveStale deletes.
type FS struct {
	root string
	// create opens the temporary file of a Put. Tests replace it to
	// simulate a full disk where no small filesystem can be mounted.
	create func(dir, pattern string) (file, error)
}

// file is what Put needs of a temporary file.
type file interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

var _ Store = (*FS)(nil)

// NewFS returns a store rooted at dir, creating it (mode 0700) if needed.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create store directory: %w", err)
	}
	return &FS{root: dir, create: createTemp}, nil
}

func createTemp(dir, pattern string) (file, error) { return os.CreateTemp(dir, pattern) }

// Root returns the store's directory.
func (s *FS) Root() string { return s.root }

// path maps a valid key to its file.
func (s *FS) path(key string) string {
	ns, name, _ := cut(key)
	h := sha256.Sum256([]byte(key))
	x := hex.EncodeToString(h[:2])
	return filepath.Join(s.root, ns, x[:2], x[2:], name)
}

// tempPrefix starts every temporary file's name; keys cannot start with a
// dot, so a temporary file never collides with a blob.
const tempPrefix = ".tmp-"

// copyBuf is the size of Put's reads: big enough that the syscall cost
// vanishes next to encryption, small enough to pool one per concurrent Put.
const copyBuf = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, copyBuf); return &b }}

// Put implements Store.
func (s *FS) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	p := s.path(key)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, s.fail("put", key, err)
	}
	create := s.create
	if create == nil {
		create = createTemp
	}
	f, err := create(dir, tempPrefix+filepath.Base(p)+"-*")
	if err != nil {
		return 0, s.fail("put", key, err)
	}
	tmp := f.Name()
	n, err := copyCtx(ctx, f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, s.fail("put", key, err)
	}
	// The blob is in place; without the directory sync the rename might
	// not survive a power cut. Report the failure: the caller must not
	// record a blob that may vanish.
	if err := syncDir(dir); err != nil {
		return 0, s.fail("put", key, err)
	}
	return n, nil
}

// copyCtx copies r to w, checking ctx between pieces so a cancelled upload
// stops promptly. Reading r (where an EncryptReader encrypts and hashes) and
// writing w (the disk) run in two goroutines over two pooled buffers, so on
// two cores an encrypted upload runs at the speed of the slower of the two
// rather than of their sum. Errors from r are returned unwrapped: they are
// the caller's (a client that hung up, a source that failed).
func copyCtx(ctx context.Context, w io.Writer, r io.Reader) (int64, error) {
	var bufs [2]*[]byte
	free := make(chan int, len(bufs))
	for i := range bufs {
		bufs[i] = bufPool.Get().(*[]byte)
		free <- i
	}
	type piece struct{ i, n int }
	full := make(chan piece, len(bufs))
	failed := make(chan struct{})
	done := make(chan struct{})
	var (
		written int64
		werr    error // written by the writer before it closes failed or done
	)
	go func() {
		defer close(done)
		for p := range full {
			if werr == nil {
				m, err := w.Write((*bufs[p.i])[:p.n])
				written += int64(m)
				if err == nil && m != p.n {
					err = io.ErrShortWrite
				}
				if err != nil {
					werr = &writeError{err}
					close(failed)
				}
			}
			free <- p.i
		}
	}()
	var rerr error
read:
	for {
		if err := ctx.Err(); err != nil {
			rerr = err
			break
		}
		var i int
		select {
		case i = <-free:
		case <-failed:
			break read
		}
		n, err := io.ReadFull(r, *bufs[i])
		if n > 0 {
			full <- piece{i, n} // never blocks: full has room for every buffer
		} else {
			free <- i
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	close(full)
	<-done
	for _, b := range bufs {
		bufPool.Put(b)
	}
	if werr != nil {
		return written, werr
	}
	return written, rerr
}

// writeError marks an error of the destination, so fail can tell a disk
// problem from a reader's.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// fail wraps an I/O error: a full disk becomes ErrNoSpace (keeping the
// cause), anything else keeps its own identity for errors.Is.
func (s *FS) fail(op, key string, err error) error {
	if isNoSpace(err) {
		return fmt.Errorf("%w: %s %s: %w", ErrNoSpace, op, key, err)
	}
	var we *writeError
	if errors.As(err, &we) {
		err = we.err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("blob: %s %s: %w", op, key, err)
}

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open implements Store. The returned Object holds the file open, so it
// keeps reading the same bytes after a Put replaces or a Delete removes the
// key (the rename and unlink leave the open inode alone).
func (s *FS) Open(ctx context.Context, key string) (Object, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, s.fail("open", key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, s.fail("open", key, err)
	}
	return &fsObject{f: f, size: fi.Size()}, nil
}

type fsObject struct {
	f    *os.File
	size int64
}

func (o *fsObject) ReadAt(p []byte, off int64) (int, error) { return o.f.ReadAt(p, off) }
func (o *fsObject) Close() error                            { return o.f.Close() }
func (o *fsObject) Size() int64                             { return o.size }

// Stat implements Store.
func (s *FS) Stat(ctx context.Context, key string) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	fi, err := os.Stat(s.path(key))
	if errors.Is(err, fs.ErrNotExist) || err == nil && !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return 0, s.fail("stat", key, err)
	}
	return fi.Size(), nil
}

// Delete implements Store. The directory is synced so the deletion is
// durable; empty fan-out directories are left in place (there are at most
// 65,536 per namespace, and removing them would race with a Put creating a
// file in them).
func (s *FS) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p := s.path(key)
	err := os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return s.fail("delete", key, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return s.fail("delete", key, err)
	}
	return nil
}

// List implements Store. It walks <root>/<namespace>/xx/yy/ and skips
// temporary files.
func (s *FS) List(ctx context.Context, namespace string, fn func(key string, size int64) error) error {
	if !validNamespace(namespace) {
		return checkKey(namespace + "/")
	}
	base := filepath.Join(s.root, namespace)
	level1, err := readDirNames(base)
	if err != nil {
		return s.fail("list", namespace, err)
	}
	for _, d1 := range level1 {
		level2, err := readDirNames(filepath.Join(base, d1))
		if err != nil {
			return s.fail("list", namespace, err)
		}
		for _, d2 := range level2 {
			if err := ctx.Err(); err != nil {
				return err
			}
			dir := filepath.Join(base, d1, d2)
			entries, err := os.ReadDir(dir)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return s.fail("list", namespace, err)
			}
			for _, e := range entries {
				key := namespace + "/" + e.Name()
				if !e.Type().IsRegular() || !ValidKey(key) {
					continue // temporary files start with a dot
				}
				fi, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue // deleted since the directory was read
				}
				if err != nil {
					return s.fail("list", namespace, err)
				}
				if err := fn(key, fi.Size()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readDirNames lists the fan-out directories under dir; a missing dir (an
// empty namespace) has none.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) == 2 {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// RemoveStale deletes temporary files last modified before the given time:
// the leftovers of Puts interrupted by a crash (a Put that fails while the
// process lives removes its own). Pass a time well before now — an hour ago —
// so a slow upload in progress is not removed under its writer. It returns
// how many files it removed.
func (s *FS) RemoveStale(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !fi.ModTime().Before(before) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("blob: remove stale temporary files: %w", err)
	}
	return n, nil
}
