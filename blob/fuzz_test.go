package blob_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/blobtest"
)

// FuzzDecryptTampered encrypts a plaintext, changes the stream — flips a
// byte, cuts it, appends to it — and decrypts: a changed stream must fail
// with ErrCorrupt, an unchanged one must give the plaintext back, and
// nothing may panic.
//
//	go test ./blob -run '^$' -fuzz FuzzDecryptTampered -fuzztime 60s
func FuzzDecryptTampered(f *testing.F) {
	f.Add([]byte("hello"), uint8(0), uint32(3), uint8(1), uint32(1<<31), []byte(nil))
	f.Add(blobtest.Data(300, 1), uint8(1), uint32(100), uint8(0), uint32(1<<31), []byte(nil))
	f.Add(blobtest.Data(256, 2), uint8(0), uint32(0), uint8(0), uint32(20+80+80), []byte(nil))
	f.Add(blobtest.Data(1000, 3), uint8(3), uint32(999), uint8(0x80), uint32(1<<31), []byte("x"))
	f.Add([]byte{}, uint8(0), uint32(0), uint8(0), uint32(1<<31), []byte(nil))
	key := bytes.Repeat([]byte{7}, 32)
	f.Fuzz(func(t *testing.T, plain []byte, chunkSel uint8, pos uint32, xor uint8, cut uint32, extra []byte) {
		if len(plain) > 1<<16 {
			return
		}
		chunk := 64 << (chunkSel % 4) // 64…512: many chunks from small inputs
		ct := seal(t, plain, key, chunk)
		changed := false
		if xor != 0 && len(ct) > 0 {
			ct[int(pos)%len(ct)] ^= xor
			changed = true
		}
		if int(cut) < len(ct) {
			ct = ct[:cut]
			changed = true
		}
		if len(extra) > 0 {
			ct = append(ct, extra...)
			changed = true
		}
		got, err := decryptAll(ct, key)
		switch {
		case changed && !errors.Is(err, blob.ErrCorrupt):
			t.Fatalf("changed stream: got %d bytes, err %v, want ErrCorrupt", len(got), err)
		case !changed && (err != nil || !bytes.Equal(got, plain)):
			t.Fatalf("unchanged stream: err %v or wrong plaintext", err)
		}
		if err != nil {
			return
		}
		// Reads at every chunk edge of a good stream work.
		r, _ := blob.NewDecryptReader(bytes.NewReader(ct), int64(len(ct)), key)
		for off := int64(0); off <= r.Size(); off += int64(chunk) / 2 {
			p := make([]byte, chunk)
			n, _ := r.ReadAt(p, off)
			if !bytes.Equal(p[:n], plain[off:min(off+int64(chunk), r.Size())]) {
				t.Fatalf("ReadAt(%d) differs", off)
			}
		}
	})
}

// FuzzDecryptArbitrary feeds arbitrary bytes to the decrypter under a key
// made in this process: nothing panics, every failure is ErrCorrupt, and
// only the streams this process encrypted open at all.
//
//	go test ./blob -run '^$' -fuzz FuzzDecryptArbitrary -fuzztime 60s
func FuzzDecryptArbitrary(f *testing.F) {
	key := blob.NewDataKey()
	valid := map[string]bool{}
	for i, n := range []int{0, 10, 64, 200, 1000} {
		ct := seal(f, blobtest.Data(int64(n), uint64(i)), key, 64)
		valid[string(ct)] = true
		f.Add(ct)
	}
	f.Add([]byte("KRJB\x01\x01\x00\x00\x00\x00\x00\x40........"))
	f.Add([]byte("KRJB\x01\x01\x00\x00\xff\xff\xff\xff........0123456789abcdef"))
	f.Fuzz(func(t *testing.T, ct []byte) {
		got, err := decryptAll(ct, key)
		if err == nil && !valid[string(ct)] {
			t.Fatalf("a stream this process never encrypted opened (%d bytes of plaintext)", len(got))
		}
		if err != nil && !errors.Is(err, blob.ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
	})
}
