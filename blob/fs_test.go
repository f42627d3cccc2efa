package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

func MustOpenFS(tb testing.TB) *blob.FS {
	tb.Helper()
	s, err := blob.NewFS(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestFS(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s := MustOpenFS(t)
		t.Cleanup(func() { assertNoTemp(t, s) })
		return s
	})
}

const noSpaceCapacity = 1 << 20

// TestFSNoSpace runs the full-disk rules on a store whose writes fail with
// ENOSPC through the test hook; it runs everywhere.
func TestFSNoSpace(t *testing.T) {
	blobtest.RunNoSpace(t, noSpaceCapacity, func(t *testing.T) blob.Store {
		s := MustOpenFS(t)
		blob.LimitCapacity(s, noSpaceCapacity)
		t.Cleanup(func() { assertNoTemp(t, s) })
		return s
	})
}

// assertNoTemp: whatever happened, no temporary file is left behind.
func assertNoTemp(t *testing.T, s *blob.FS) {
	t.Helper()
	filepath.WalkDir(s.Root(), func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}

func TestFSLayout(t *testing.T) {
	t.Run("FanOutByHash", func(t *testing.T) {
		s := MustOpenFS(t)
		dirs := map[string]bool{}
		for _, k := range []string{"recordings/01hzx0000000000000000000a1", "recordings/01hzx0000000000000000000a2", "recordings/01hzx0000000000000000000a3"} {
			if _, err := s.Put(context.Background(), k, strings.NewReader("x")); err != nil {
				t.Fatal(err)
			}
			p := blob.PathOf(s, k)
			rel, _ := filepath.Rel(s.Root(), p)
			parts := strings.Split(rel, string(filepath.Separator))
			if len(parts) != 4 || parts[0] != "recordings" || len(parts[1]) != 2 || len(parts[2]) != 2 || parts[3] != strings.TrimPrefix(k, "recordings/") {
				t.Errorf("%s stored at %s, want recordings/xx/yy/<name>", k, rel)
			}
			if _, err := os.Stat(p); err != nil {
				t.Error(err)
			}
			dirs[filepath.Dir(p)] = true
		}
		// Ids minted in the same second share their prefix; the hash
		// spreads them anyway.
		if len(dirs) < 2 {
			t.Errorf("3 ids with a common prefix landed in %d directory, want them spread", len(dirs))
		}
	})
	t.Run("FilesArePrivate", func(t *testing.T) {
		s := MustOpenFS(t)
		s.Put(context.Background(), "recordings/p", strings.NewReader("x"))
		fi, err := os.Stat(blob.PathOf(s, "recordings/p"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("blob mode %v, want no group or other access", fi.Mode().Perm())
		}
	})
}

func TestFSRemoveStale(t *testing.T) {
	s := MustOpenFS(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "recordings/keep", strings.NewReader("blob")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(blob.PathOf(s, "recordings/keep"))
	stale := filepath.Join(dir, ".tmp-crashed-123")
	fresh := filepath.Join(dir, ".tmp-uploading-456")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	if err := os.Chtimes(stale, now.Add(-2*time.Hour), now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := s.RemoveStale(ctx, now.Add(-time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("RemoveStale: got %d, %v, want 1, nil", n, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
	if _, err := s.Stat(ctx, "recordings/keep"); err != nil {
		t.Errorf("blob removed: %v", err)
	}
	os.Remove(fresh)
}

// TestFSPutMemoryFlat: an encrypted upload of 64 MiB allocates a small,
// fixed amount — the whole blob is never in memory.
func TestFSPutMemoryFlat(t *testing.T) {
	s := MustOpenFS(t)
	const size = 64 << 20
	src := blobtest.NewDataReader(size, 1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := blob.PutEncrypted(context.Background(), s, "recordings/big", src, blob.NewDataKey())
	runtime.ReadMemStats(&after)
	if err != nil || info.Size != size {
		t.Fatalf("PutEncrypted: got %+v, %v", info, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("PutEncrypted of %d MiB allocated %d KiB, want under 4 MiB", size>>20, alloc>>10)
	}
}

// TestFSReadError: a blob whose file is cut after it was stored fails to
// decrypt with ErrCorrupt rather than returning short data.
func TestFSTruncatedOnDisk(t *testing.T) {
	s := MustOpenFS(t)
	ctx := context.Background()
	dk := blob.NewDataKey()
	plain := blobtest.Data(300<<10, 5)
	if _, err := blob.PutEncrypted(ctx, s, "recordings/cut", bytes.NewReader(plain), dk); err != nil {
		t.Fatal(err)
	}
	p := blob.PathOf(s, "recordings/cut")
	fi, _ := os.Stat(p)
	for _, size := range []int64{fi.Size() - 1, 20 + 2*(64<<10+16), 20 + 64<<10 + 16, 21, 0} {
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		r, err := blob.OpenEncrypted(ctx, s, "recordings/cut", dk)
		if err == nil {
			_, err = io.Copy(io.Discard, r)
			r.Close()
		}
		if !errors.Is(err, blob.ErrCorrupt) {
			t.Errorf("blob cut to %d bytes: got %v, want ErrCorrupt", size, err)
		}
	}
}
