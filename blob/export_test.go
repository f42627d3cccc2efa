package blob

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// PathOf exposes where the FS store keeps a key, for tests that look at
// the bytes on disk.
func PathOf(s *FS, key string) string { return s.path(key) }

// NewEncryptReaderChunk makes an encrypter with a small chunk size, so
// tests cross many chunk boundaries with little data.
func NewEncryptReaderChunk(src io.Reader, dataKey []byte, chunk int) (*EncryptReader, error) {
	return newEncryptReader(src, dataKey, chunk)
}

// LimitCapacity makes s behave as if its disk held capacity bytes: a Put's
// write fails with ENOSPC once the blobs on disk plus the bytes of the
// temporary file would exceed it. It stands in for a small filesystem where
// none can be mounted.
func LimitCapacity(s *FS, capacity int64) {
	s.create = func(dir, pattern string) (file, error) {
		var used int64
		filepath.WalkDir(s.root, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if fi, err := d.Info(); err == nil {
					used += fi.Size()
				}
			}
			return nil
		})
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &fullFile{File: f, left: capacity - used}, nil
	}
}

type fullFile struct {
	*os.File
	left int64
}

func (f *fullFile) Write(p []byte) (int, error) {
	if int64(len(p)) > f.left {
		n, _ := f.File.Write(p[:max(f.left, 0)])
		f.left -= int64(n)
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	n, err := f.File.Write(p)
	f.left -= int64(n)
	return n, err
}
