package blob_test

import (
	"syscall"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// TestFSNoSpaceTmpfs runs the same rules on a real 1 MiB tmpfs, where the
// kernel returns ENOSPC — from write, or from fsync or close. It needs the
// right to mount and is skipped without it.
func TestFSNoSpaceTmpfs(t *testing.T) {
	blobtest.RunNoSpace(t, noSpaceCapacity, func(t *testing.T) blob.Store {
		dir := t.TempDir()
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0700"); err != nil {
			t.Skipf("cannot mount a tmpfs here (%v); TestFSNoSpace covers the rules through the hook", err)
		}
		t.Cleanup(func() {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("unmount %s: %v", dir, err)
			}
		})
		s, err := blob.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { assertNoTemp(t, s) })
		return s
	})
}
