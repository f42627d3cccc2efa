package blob

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"sync"
)

// The encrypted stream (docs/blob.md has the full description):
//
//	header  20 bytes: "KRJB" | version 1 | cipher 1 | 0 0 | chunk size (uint32 BE) | nonce prefix (8 random bytes)
//	chunk 0 ... chunk n-1: AES-256-GCM(plaintext piece) ‖ 16-byte tag
//
// Every chunk but the last holds exactly chunk-size plaintext bytes; the last
// holds 0…chunk size (0 only when the whole plaintext is empty, so there is
// always at least one chunk). Chunk i is sealed with
//
//	nonce = nonce prefix ‖ uint32 BE(i)
//	AAD   = header ‖ final flag (1 for the last chunk, 0 otherwise)
//
// The index in the nonce makes a moved or swapped chunk fail to open; the
// final flag makes a stream cut at a chunk boundary fail (its new last chunk
// was sealed as non-final); the header in the AAD makes an edited chunk size
// or prefix fail. The stream's length alone gives the chunk layout, so any
// plaintext byte range maps to a known run of chunks: random access.
const (
	magic           = "KRJB"
	formatVersion   = 1
	cipherAES256GCM = 1
	headerSize      = 20
	tagSize         = 16
	nonceSize       = 12

	// DefaultChunkSize is the plaintext per chunk the encrypter writes:
	// the overhead is 16 bytes in 64 KiB (0.02 %), and a range request
	// decrypts at most 64 KiB it does not return at each end.
	DefaultChunkSize = 64 << 10

	// Bounds a reader accepts for the chunk size read from a header. The
	// header is authenticated only when the first chunk opens, so the upper
	// bound caps what a corrupted header can make the reader allocate.
	minChunkSize = 64
	maxChunkSize = 4 << 20
)

// ErrCorrupt means an encrypted stream does not open: it was altered,
// truncated, extended, reordered, or is under another data key. The cases
// cannot be told apart, by design.
var ErrCorrupt = errors.New("blob: encrypted stream altered, truncated or under another key")

// errTooLong: the stream would need more chunks than the 32-bit index in the
// nonce can number (256 TiB at the default chunk size).
var errTooLong = errors.New("blob: stream too long for the chunk index")

// stream holds what encrypter and decrypter share: the cipher, the header
// and the two AADs built from it. It is immutable once made.
type stream struct {
	aead     cipher.AEAD
	hdr      [headerSize]byte
	chunk    int
	aadMid   [headerSize + 1]byte
	aadFinal [headerSize + 1]byte
}

func newStream(dataKey []byte, hdr [headerSize]byte, chunk int) (*stream, error) {
	if len(dataKey) != 32 {
		return nil, fmt.Errorf("blob: data key must be 32 bytes, got %d", len(dataKey))
	}
	block, err := aes.NewCipher(dataKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	s := &stream{aead: aead, hdr: hdr, chunk: chunk}
	copy(s.aadMid[:], hdr[:])
	copy(s.aadFinal[:], hdr[:])
	s.aadFinal[headerSize] = 1
	return s, nil
}

func (s *stream) nonce(i uint64) (n [nonceSize]byte) {
	copy(n[:8], s.hdr[12:20])
	binary.BigEndian.PutUint32(n[8:], uint32(i))
	return n
}

func (s *stream) aad(final bool) []byte {
	if final {
		return s.aadFinal[:]
	}
	return s.aadMid[:]
}

func makeHeader(chunk int) (h [headerSize]byte) {
	copy(h[:4], magic)
	h[4] = formatVersion
	h[5] = cipherAES256GCM
	binary.BigEndian.PutUint32(h[8:12], uint32(chunk))
	rand.Read(h[12:20]) // never fails (crypto/rand)
	return h
}

func parseHeader(h []byte) (chunk int, err error) {
	switch {
	case string(h[:4]) != magic:
		return 0, fmt.Errorf("%w: not an encrypted blob (bad magic)", ErrCorrupt)
	case h[4] != formatVersion:
		return 0, fmt.Errorf("%w: unsupported format version %d", ErrCorrupt, h[4])
	case h[5] != cipherAES256GCM:
		return 0, fmt.Errorf("%w: unsupported cipher %d", ErrCorrupt, h[5])
	case h[6] != 0 || h[7] != 0:
		return 0, fmt.Errorf("%w: reserved header bytes set", ErrCorrupt)
	}
	c := binary.BigEndian.Uint32(h[8:12])
	if c < minChunkSize || c > maxChunkSize {
		return 0, fmt.Errorf("%w: chunk size %d out of range", ErrCorrupt, c)
	}
	return int(c), nil
}

// EncryptedSize returns the length of the encrypted stream of a plaintext of
// the given size at the default chunk size: what to announce as the length
// of an upload to a backend that wants it in advance.
func EncryptedSize(plainSize int64) int64 { return encryptedSize(plainSize, DefaultChunkSize) }

func encryptedSize(plain int64, chunk int) int64 {
	n := (plain + int64(chunk) - 1) / int64(chunk)
	if n == 0 {
		n = 1
	}
	return headerSize + plain + n*tagSize
}

// Encrypt writes the encrypted stream of src to dst under dataKey and
// returns the plaintext's size and SHA-256 (computed on the way, for the
// caller to keep as the integrity reference). It holds one chunk in memory.
func Encrypt(dst io.Writer, src io.Reader, dataKey []byte) (plainSize int64, sum [32]byte, err error) {
	e, err := NewEncryptReader(src, dataKey)
	if err != nil {
		return 0, sum, err
	}
	if _, err := e.WriteTo(dst); err != nil {
		return e.n, sum, err
	}
	return e.PlainSize(), e.Sum(), nil
}

// EncryptReader reads as the encrypted stream of its source: the shape a
// Store's Put wants, without a pipe and a goroutine. After Read has returned
// io.EOF, PlainSize and Sum describe the plaintext that went through.
type EncryptReader struct {
	src  io.Reader
	s    *stream
	buf  []byte // chunk+1 plaintext bytes: the extra byte tells a full last chunk from a full middle one
	have int    // bytes of buf filled
	out  []byte // sealed chunk
	pend []byte // part of the header or out not yet read
	idx  uint64
	head bool // header handed out
	done bool // final chunk sealed
	err  error
	h    hash.Hash
	n    int64
}

// NewEncryptReader returns a reader of the encrypted stream of src under
// dataKey (32 bytes, from NewDataKey), with a fresh random nonce prefix.
func NewEncryptReader(src io.Reader, dataKey []byte) (*EncryptReader, error) {
	return newEncryptReader(src, dataKey, DefaultChunkSize)
}

func newEncryptReader(src io.Reader, dataKey []byte, chunk int) (*EncryptReader, error) {
	if chunk < minChunkSize || chunk > maxChunkSize {
		return nil, fmt.Errorf("blob: chunk size %d out of range", chunk)
	}
	s, err := newStream(dataKey, makeHeader(chunk), chunk)
	if err != nil {
		return nil, err
	}
	return &EncryptReader{
		src: src,
		s:   s,
		buf: make([]byte, chunk+1),
		out: make([]byte, 0, chunk+tagSize),
		h:   sha256.New(),
	}, nil
}

// Read implements io.Reader. An error of the source is returned as is.
func (e *EncryptReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.pend) == 0 {
			if e.err != nil {
				break
			}
			e.next()
			continue
		}
		c := copy(p[n:], e.pend)
		e.pend = e.pend[c:]
		n += c
	}
	if n > 0 {
		return n, nil
	}
	return 0, e.err
}

// WriteTo implements io.WriterTo, so io.Copy hands each sealed chunk to w
// without an intermediate copy.
func (e *EncryptReader) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for {
		if len(e.pend) == 0 {
			if e.err == io.EOF {
				return n, nil
			}
			if e.err != nil {
				return n, e.err
			}
			e.next()
			continue
		}
		m, err := w.Write(e.pend)
		n += int64(m)
		e.pend = e.pend[m:]
		if err != nil {
			return n, err
		}
	}
}

// next makes the next piece of output available in pend, or sets err.
func (e *EncryptReader) next() {
	if !e.head {
		e.head = true
		e.pend = e.s.hdr[:]
		return
	}
	if e.done {
		e.err = io.EOF
		return
	}
	m, err := io.ReadFull(e.src, e.buf[e.have:])
	e.have += m
	final := false
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		final = true
	default:
		e.err = err
		return
	}
	if e.idx > math.MaxUint32 {
		e.err = errTooLong
		return
	}
	size := e.s.chunk
	if final {
		size = e.have
	}
	pt := e.buf[:size]
	e.h.Write(pt)
	e.n += int64(size)
	nonce := e.s.nonce(e.idx)
	e.out = e.s.aead.Seal(e.out[:0], nonce[:], pt, e.s.aad(final))
	e.pend = e.out
	e.idx++
	if final {
		e.done = true
		return
	}
	e.buf[0] = e.buf[e.s.chunk]
	e.have = 1
}

// PlainSize returns the number of plaintext bytes encrypted so far.
func (e *EncryptReader) PlainSize() int64 { return e.n }

// Sum returns the SHA-256 of the plaintext. It is meaningful once Read has
// returned io.EOF; before that it is the zero array.
func (e *EncryptReader) Sum() (sum [32]byte) {
	if !e.done {
		return sum
	}
	e.h.Sum(sum[:0])
	return sum
}

// Reader decrypts an encrypted stream with random access: Read and Seek for
// sequential use (http.ServeContent takes an io.ReadSeeker and serves range
// requests with it), ReadAt for parallel use. Each read opens only the
// chunks it touches, and each chunk is authenticated before any of its bytes
// is returned. Read and Seek share a position and are not safe for
// concurrent use; ReadAt is.
type Reader struct {
	ra      io.ReaderAt
	s       *stream
	chunk   int64 // plaintext bytes per chunk
	nchunks int64
	lastCT  int64 // ciphertext length of the last chunk, tag included
	size    int64 // plaintext size
	closer  io.Closer

	off   int64
	cur   int64  // index of the chunk in curPT, -1 for none
	curPT []byte // cap chunk
	ctBuf []byte // cap chunk+tag
	pool  sync.Pool
}

// NewDecryptReader opens the encrypted stream of length size in ra under
// dataKey. It reads the header and authenticates the last chunk before
// returning, so a stream that is truncated, extended or under another key is
// refused here with ErrCorrupt and Size can be trusted (as a Content-Length).
func NewDecryptReader(ra io.ReaderAt, size int64, dataKey []byte) (*Reader, error) {
	if size < headerSize+tagSize {
		return nil, fmt.Errorf("%w: %d bytes is shorter than any stream", ErrCorrupt, size)
	}
	var hdr [headerSize]byte
	if n, err := ra.ReadAt(hdr[:], 0); n < headerSize {
		if err == nil || err == io.EOF {
			err = ErrCorrupt
		}
		return nil, fmt.Errorf("blob: read header: %w", err)
	}
	chunk, err := parseHeader(hdr[:])
	if err != nil {
		return nil, err
	}
	s, err := newStream(dataKey, hdr, chunk)
	if err != nil {
		return nil, err
	}
	body := size - headerSize
	full := int64(chunk) + tagSize
	n := (body + full - 1) / full
	last := body - (n-1)*full
	if last < tagSize {
		return nil, fmt.Errorf("%w: stream ends inside a tag", ErrCorrupt)
	}
	if n-1 > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, errTooLong)
	}
	r := &Reader{
		ra:      ra,
		s:       s,
		chunk:   int64(chunk),
		nchunks: n,
		lastCT:  last,
		size:    body - n*tagSize,
		cur:     -1,
		curPT:   make([]byte, chunk),
		ctBuf:   make([]byte, full),
	}
	r.pool.New = func() any { return &chunkBufs{pt: make([]byte, chunk), ct: make([]byte, full)} }
	pt, err := r.open(n-1, r.curPT, r.ctBuf)
	if err != nil {
		return nil, err
	}
	r.curPT, r.cur = pt, n-1
	return r, nil
}

type chunkBufs struct{ pt, ct []byte }

// open reads chunk i into ct and decrypts it into dst (which needs room for
// a whole chunk); it returns the plaintext, a prefix of dst.
func (r *Reader) open(i int64, dst, ct []byte) ([]byte, error) {
	final := i == r.nchunks-1
	n := r.chunk + tagSize
	if final {
		n = r.lastCT
	}
	ct = ct[:n]
	m, err := r.ra.ReadAt(ct, headerSize+i*(r.chunk+tagSize))
	if int64(m) < n {
		if err == nil || err == io.EOF {
			return nil, fmt.Errorf("%w: chunk %d cut short", ErrCorrupt, i)
		}
		return nil, fmt.Errorf("blob: read chunk %d: %w", i, err)
	}
	nonce := r.s.nonce(uint64(i))
	pt, err := r.s.aead.Open(dst[:0], nonce[:], ct, r.s.aad(final))
	if err != nil {
		return nil, fmt.Errorf("%w (chunk %d)", ErrCorrupt, i)
	}
	return pt, nil
}

// Size returns the plaintext size.
func (r *Reader) Size() int64 { return r.size }

// ReadAt implements io.ReaderAt.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	b := r.pool.Get().(*chunkBufs)
	defer r.pool.Put(b)
	n := 0
	for n < len(p) && off < r.size {
		i := off / r.chunk
		within := int(off - i*r.chunk)
		if within == 0 && int64(len(p)-n) >= r.chunk {
			// A whole chunk fits: decrypt straight into p.
			pt, err := r.open(i, p[n:n], b.ct)
			if err != nil {
				return n, err
			}
			n += len(pt)
			off += int64(len(pt))
			continue
		}
		pt, err := r.open(i, b.pt, b.ct)
		if err != nil {
			return n, err
		}
		c := copy(p[n:], pt[within:])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Read implements io.Reader, keeping the current chunk decrypted between
// calls.
func (r *Reader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.off < r.size {
		i := r.off / r.chunk
		within := int(r.off - i*r.chunk)
		if i != r.cur {
			r.cur = -1
			pt, err := r.open(i, r.curPT[:cap(r.curPT)], r.ctBuf)
			if err != nil {
				return n, err
			}
			r.curPT, r.cur = pt, i
		}
		c := copy(p[n:], r.curPT[within:])
		n += c
		r.off += int64(c)
	}
	return n, nil
}

// Seek implements io.Seeker. Seeking past the end is allowed; reads there
// return io.EOF.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, errors.New("blob: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: negative position")
	}
	r.off = offset
	return offset, nil
}

// Close closes the Object the Reader was opened on by OpenEncrypted; for a
// Reader made by NewDecryptReader it does nothing.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}
