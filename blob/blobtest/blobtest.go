// Package blobtest is the conformance suite every blob.Store backend runs:
// the FS store in its tests, an S3 store later, against the same rules. A
// backend's test calls Run with a function that opens an empty store, and
// RunNoSpace if it can offer a store with a small capacity.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
)

// Run runs the suite. open is called once per subtest and returns an empty
// store; it registers its own cleanup with t.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	ctx := context.Background()

	t.Run("PutOpenStat", func(t *testing.T) {
		s := open(t)
		for _, size := range []int{0, 1, 4095, 64 << 10, 64<<10 + 1, 1<<20 + 3} {
			key := fmt.Sprintf("recordings/size-%d", size)
			want := Data(int64(size), uint64(size))
			n, err := s.Put(ctx, key, bytes.NewReader(want))
			if err != nil {
				t.Fatalf("Put %s: %v", key, err)
			}
			if n != int64(size) {
				t.Errorf("Put %s: got n=%d, want %d", key, n, size)
			}
			if got, err := s.Stat(ctx, key); err != nil || got != int64(size) {
				t.Errorf("Stat %s: got %d, %v, want %d, nil", key, got, err, size)
			}
			if got := readAll(t, s, key); !bytes.Equal(got, want) {
				t.Errorf("Open %s: content differs (got %d bytes, want %d)", key, len(got), size)
			}
		}
	})

	t.Run("Ranges", func(t *testing.T) {
		s := open(t)
		const size = 300<<10 + 17
		want := Data(size, 1)
		put(t, s, "recordings/ranges", want)
		o, err := s.Open(ctx, "recordings/ranges")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		if o.Size() != size {
			t.Fatalf("Size: got %d, want %d", o.Size(), size)
		}
		CheckRanges(t, o, want, 200)
	})

	t.Run("ParallelReadAt", func(t *testing.T) {
		s := open(t)
		want := Data(256<<10, 2)
		put(t, s, "recordings/parallel", want)
		o, err := s.Open(ctx, "recordings/parallel")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 9))
				for range 50 {
					off := rng.Int64N(int64(len(want)))
					p := make([]byte, 1+rng.IntN(20000))
					n, err := o.ReadAt(p, off)
					end := min(off+int64(len(p)), int64(len(want)))
					if int64(n) != end-off || (err != nil && err != io.EOF) || !bytes.Equal(p[:n], want[off:end]) {
						t.Errorf("ReadAt(%d bytes, %d): got n=%d err=%v or wrong bytes", len(p), off, n, err)
						return
					}
				}
			})
		}
		wg.Wait()
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		if _, err := s.Open(ctx, "recordings/missing"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open: got %v, want ErrNotFound", err)
		}
		if _, err := s.Stat(ctx, "recordings/missing"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat: got %v, want ErrNotFound", err)
		}
	})

	t.Run("DeleteMissingIsNoError", func(t *testing.T) {
		s := open(t)
		if err := s.Delete(ctx, "recordings/missing"); err != nil {
			t.Errorf("Delete: got %v, want nil", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		put(t, s, "recordings/del", Data(1000, 3))
		put(t, s, "recordings/keep", Data(1000, 4))
		if err := s.Delete(ctx, "recordings/del"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Stat(ctx, "recordings/del"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after Delete: got %v, want ErrNotFound", err)
		}
		if _, err := s.Open(ctx, "recordings/del"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open after Delete: got %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "recordings/del"); err != nil {
			t.Errorf("second Delete: got %v, want nil", err)
		}
		if got := readAll(t, s, "recordings/keep"); !bytes.Equal(got, Data(1000, 4)) {
			t.Errorf("Delete of one key changed another")
		}
		put(t, s, "recordings/del", Data(10, 5))
		if got := readAll(t, s, "recordings/del"); !bytes.Equal(got, Data(10, 5)) {
			t.Errorf("Put after Delete: content differs")
		}
	})

	t.Run("OverwriteReplacesWhole", func(t *testing.T) {
		s := open(t)
		a, b := Data(200<<10, 6), Data(70<<10, 7)
		put(t, s, "recordings/ow", a)
		old, err := s.Open(ctx, "recordings/ow")
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		put(t, s, "recordings/ow", b)
		if n, err := s.Stat(ctx, "recordings/ow"); err != nil || n != int64(len(b)) {
			t.Errorf("Stat after overwrite: got %d, %v, want %d", n, err, len(b))
		}
		if got := readAll(t, s, "recordings/ow"); !bytes.Equal(got, b) {
			t.Errorf("Open after overwrite: content differs")
		}
		checkSnapshot(t, old, a, "opened before the overwrite")
	})

	t.Run("OpenSurvivesDelete", func(t *testing.T) {
		s := open(t)
		a := Data(100<<10, 8)
		put(t, s, "recordings/snap", a)
		o, err := s.Open(ctx, "recordings/snap")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		if err := s.Delete(ctx, "recordings/snap"); err != nil {
			t.Fatal(err)
		}
		checkSnapshot(t, o, a, "opened before the delete")
	})

	t.Run("ErrInvalidKey", func(t *testing.T) {
		s := open(t)
		for _, key := range InvalidKeys {
			if _, err := s.Put(ctx, key, bytes.NewReader([]byte("x"))); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Put(%q): got %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Open(%q): got %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Stat(%q): got %v, want ErrInvalidKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Delete(%q): got %v, want ErrInvalidKey", key, err)
			}
		}
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		s := open(t)
		keys := []string{"recordings/01hzx", "attachments/01hzx", "recordings/01hzx.1", "recordings/01hzy", "a/b"}
		for i, k := range keys {
			put(t, s, k, Data(int64(100+i), uint64(i)))
		}
		for i, k := range keys {
			if got := readAll(t, s, k); !bytes.Equal(got, Data(int64(100+i), uint64(i))) {
				t.Errorf("%s: content differs", k)
			}
		}
	})

	t.Run("ReaderErrorStoresNothing", func(t *testing.T) {
		s := open(t)
		boom := errors.New("client went away")
		old := Data(5000, 10)
		put(t, s, "recordings/existing", old)
		for _, key := range []string{"recordings/new", "recordings/existing"} {
			r := io.MultiReader(bytes.NewReader(Data(200<<10, 11)), &errReader{boom})
			if _, err := s.Put(ctx, key, r); !errors.Is(err, boom) {
				t.Errorf("Put(%s) with failing reader: got %v, want the reader's error", key, err)
			}
		}
		if _, err := s.Stat(ctx, "recordings/new"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after failed Put: got %v, want ErrNotFound", err)
		}
		if got := readAll(t, s, "recordings/existing"); !bytes.Equal(got, old) {
			t.Errorf("failed overwrite changed the existing blob")
		}
	})

	t.Run("CancelStoresNothing", func(t *testing.T) {
		s := open(t)
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(c, "recordings/c1", bytes.NewReader(Data(10, 1))); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with cancelled ctx: got %v, want context.Canceled", err)
		}
		c, cancel = context.WithCancel(ctx)
		defer cancel()
		// The reader cancels the upload part-way, as a server shutting down would.
		r := io.MultiReader(bytes.NewReader(Data(3<<20, 2)), &cancelReader{cancel: cancel}, bytes.NewReader(Data(3<<20, 3)))
		if _, err := s.Put(c, "recordings/c2", r); !errors.Is(err, context.Canceled) {
			t.Errorf("Put cancelled part-way: got %v, want context.Canceled", err)
		}
		for _, k := range []string{"recordings/c1", "recordings/c2"} {
			if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat(%s) after cancelled Put: got %v, want ErrNotFound", k, err)
			}
		}
	})

	t.Run("ConcurrentPuts", func(t *testing.T) {
		s := open(t)
		const writers = 8
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				if _, err := s.Put(ctx, fmt.Sprintf("recordings/own-%d", i), bytes.NewReader(Data(int64(50<<10+i), uint64(i)))); err != nil {
					t.Errorf("Put own-%d: %v", i, err)
				}
				if _, err := s.Put(ctx, "recordings/shared", bytes.NewReader(Data(int64(100<<10+i*1000), uint64(100+i)))); err != nil {
					t.Errorf("Put shared by %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		for i := range writers {
			if got := readAll(t, s, fmt.Sprintf("recordings/own-%d", i)); !bytes.Equal(got, Data(int64(50<<10+i), uint64(i))) {
				t.Errorf("own-%d: content differs", i)
			}
		}
		got := readAll(t, s, "recordings/shared")
		for i := range writers {
			if bytes.Equal(got, Data(int64(100<<10+i*1000), uint64(100+i))) {
				return
			}
		}
		t.Errorf("shared: %d bytes that are none of the versions written (a mix or a prefix)", len(got))
	})

	t.Run("StreamsLargeBlob", func(t *testing.T) {
		s := open(t)
		const size = 48 << 20
		want := sha256.New()
		n, err := s.Put(ctx, "recordings/large", io.TeeReader(NewDataReader(size, 12), want))
		if err != nil || n != size {
			t.Fatalf("Put: got %d, %v, want %d, nil", n, err, size)
		}
		o, err := s.Open(ctx, "recordings/large")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		got := sha256.New()
		if _, err := io.Copy(got, io.NewSectionReader(o, 0, o.Size())); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Errorf("content differs")
		}
	})

	t.Run("List", func(t *testing.T) {
		s := open(t)
		want := map[string]int64{}
		for i := range 20 {
			k := fmt.Sprintf("recordings/l%02d", i)
			put(t, s, k, Data(int64(i*100), uint64(i)))
			want[k] = int64(i * 100)
		}
		put(t, s, "attachments/other", Data(5, 1))
		put(t, s, "recordings/gone", Data(5, 1))
		if err := s.Delete(ctx, "recordings/gone"); err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		if err := s.List(ctx, "recordings", func(key string, size int64) error {
			if _, dup := got[key]; dup {
				t.Errorf("List: %s twice", key)
			}
			got[key] = size
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("List(recordings): got %v, want %v", got, want)
		}
		if err := s.List(ctx, "empty", func(string, int64) error { t.Error("List(empty) called fn"); return nil }); err != nil {
			t.Errorf("List of an empty namespace: got %v, want nil", err)
		}
		stop := errors.New("enough")
		calls := 0
		if err := s.List(ctx, "recordings", func(string, int64) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
			t.Errorf("List with fn failing: got %v after %d calls, want fn's error after 1", err, calls)
		}
		for _, ns := range []string{"", "../x", "a/b", "Recordings"} {
			if err := s.List(ctx, ns, func(string, int64) error { return nil }); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("List(%q): got %v, want ErrInvalidKey", ns, err)
			}
		}
	})

	t.Run("Encrypted", func(t *testing.T) {
		s := open(t)
		plain := Data(1<<20+12345, 13)
		dk := blob.NewDataKey()
		info, err := blob.PutEncrypted(ctx, s, "recordings/enc", bytes.NewReader(plain), dk)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != int64(len(plain)) || info.SHA256 != sha256.Sum256(plain) || info.Stored != blob.EncryptedSize(info.Size) {
			t.Errorf("Info: got %+v, want size %d, the plaintext's SHA-256, stored %d", info, len(plain), blob.EncryptedSize(int64(len(plain))))
		}
		r, err := blob.OpenEncrypted(ctx, s, "recordings/enc", dk)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		CheckRanges(t, r, plain, 100)
		if _, err := blob.OpenEncrypted(ctx, s, "recordings/enc", blob.NewDataKey()); !errors.Is(err, blob.ErrCorrupt) {
			t.Errorf("OpenEncrypted with another key: got %v, want ErrCorrupt", err)
		}
	})
}

// RunNoSpace checks a full store: open returns an empty store that holds
// about capacity bytes (at least capacity/2, far less than 4×capacity) —
// a small tmpfs, a bucket with a quota, or a backend with a failure hook.
func RunNoSpace(t *testing.T, capacity int64, open func(t *testing.T) blob.Store) {
	ctx := context.Background()
	s := open(t)
	small, big := Data(capacity/4, 20), NewDataReader(4*capacity, 21)
	put(t, s, "recordings/small", small)

	if _, err := s.Put(ctx, "recordings/big", big); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("Put beyond capacity: got %v, want ErrNoSpace", err)
	}
	if _, err := s.Stat(ctx, "recordings/big"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after ErrNoSpace: got %v, want ErrNotFound (nothing half-written)", err)
	}
	if _, err := s.Put(ctx, "recordings/small", NewDataReader(4*capacity, 22)); !errors.Is(err, blob.ErrNoSpace) {
		t.Errorf("overwrite beyond capacity: got %v, want ErrNoSpace", err)
	}
	if got := readAll(t, s, "recordings/small"); !bytes.Equal(got, small) {
		t.Errorf("failed overwrite changed the existing blob")
	}
	// The failed Puts gave their space back: another small blob fits.
	put(t, s, "recordings/small2", Data(capacity/4, 23))
	if _, err := blob.PutEncrypted(ctx, s, "recordings/enc", NewDataReader(4*capacity, 24), blob.NewDataKey()); !errors.Is(err, blob.ErrNoSpace) {
		t.Errorf("PutEncrypted beyond capacity: got %v, want ErrNoSpace", err)
	}
}

// InvalidKeys are keys every store refuses with ErrInvalidKey.
var InvalidKeys = []string{
	"", "recordings", "recordings/", "/recordings/x", "recordings//x",
	"../x", "recordings/..", "recordings/.", "recordings/../x", "recordings/a/b",
	"recordings/.hidden", "recordings\\x", "recordings/x\\..\\y", "recordings/x\x00",
	"Recordings/x", "recordings/x y", "recordings/ä", "recordings/x/",
	"waytoolongnamespace-waytoolongname/x", "recordings/" + string(bytes.Repeat([]byte("x"), 129)),
}

// CheckRanges compares random ranges read through ra with want, including
// ranges that cross and start past the end. A blob.Reader also has its Seek
// and Read path checked the way http.ServeContent uses them.
func CheckRanges(t *testing.T, ra io.ReaderAt, want []byte, n int) {
	t.Helper()
	size := int64(len(want))
	rng := rand.New(rand.NewPCG(uint64(len(want)), 7))
	check := func(off int64, l int) {
		p := make([]byte, l)
		got, err := ra.ReadAt(p, off)
		lo := min(off, size)
		hi := max(lo, min(off+int64(l), size))
		if int64(got) != hi-lo || !bytes.Equal(p[:got], want[lo:hi]) {
			t.Fatalf("ReadAt(%d bytes at %d): got %d bytes (or wrong bytes), want %d", l, off, got, hi-lo)
		}
		if hi-lo < int64(l) && err != io.EOF {
			t.Fatalf("ReadAt(%d bytes at %d) past the end: got err %v, want io.EOF", l, off, err)
		}
		if hi-lo == int64(l) && err != nil && !(err == io.EOF && hi == size) {
			t.Fatalf("ReadAt(%d bytes at %d): got err %v, want nil", l, off, err)
		}
	}
	check(0, len(want))
	check(size, 1)
	check(size+10, 1)
	if size > 0 {
		check(size-1, 1)
		check(size-1, 100)
	}
	for range n {
		off := rng.Int64N(size + 1)
		check(off, rng.IntN(3*blob.DefaultChunkSize))
	}
	rs, ok := ra.(io.ReadSeeker)
	if !ok {
		return
	}
	for range n / 4 {
		off := rng.Int64N(size + 1)
		l := rng.Int64N(3 * blob.DefaultChunkSize)
		if _, err := rs.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(io.LimitReader(rs, l))
		end := min(off+l, size)
		if err != nil || !bytes.Equal(got, want[off:end]) {
			t.Fatalf("Seek(%d)+Read(%d): got %d bytes, %v, want %d", off, l, len(got), err, end-off)
		}
	}
}

// Data returns n deterministic pseudo-random bytes for seed.
func Data(n int64, seed uint64) []byte {
	b := make([]byte, n)
	io.ReadFull(NewDataReader(n, seed), b)
	return b
}

// NewDataReader returns a reader of n deterministic pseudo-random bytes,
// generated as read: large test blobs without large memory.
func NewDataReader(n int64, seed uint64) io.Reader {
	return io.LimitReader(rand.NewChaCha8(seed32(seed)), n)
}

func seed32(s uint64) (b [32]byte) {
	for i := range 8 {
		b[i] = byte(s >> (8 * i))
	}
	return b
}

func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	n, err := s.Put(context.Background(), key, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
	if n != int64(len(data)) {
		t.Fatalf("Put %s: got n=%d, want %d", key, n, len(data))
	}
}

func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	o, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open %s: %v", key, err)
	}
	defer o.Close()
	b, err := io.ReadAll(io.NewSectionReader(o, 0, o.Size()))
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

// checkSnapshot: an Object opened before a change reads the old bytes in
// full, or fails; it never returns new bytes or a mix.
func checkSnapshot(t *testing.T, o blob.Object, old []byte, when string) {
	t.Helper()
	got, err := io.ReadAll(io.NewSectionReader(o, 0, o.Size()))
	if err == nil && !bytes.Equal(got, old) {
		t.Errorf("Object %s: read %d bytes that are not the old blob (must be the old blob or an error)", when, len(got))
	}
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

type cancelReader struct{ cancel func() }

func (r *cancelReader) Read([]byte) (int, error) { r.cancel(); return 0, io.EOF }
