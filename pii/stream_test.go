package pii

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo/pii/piitest"
)

// chunkReader returns the input in reads split at the given offsets.
type chunkReader struct {
	data  []byte
	cuts  []int
	off   int
	limit int // max bytes per read when cuts are exhausted
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.off >= len(c.data) {
		return 0, io.EOF
	}
	end := len(c.data)
	for len(c.cuts) > 0 && c.cuts[0] <= c.off {
		c.cuts = c.cuts[1:]
	}
	if len(c.cuts) > 0 {
		end = c.cuts[0]
	}
	if c.limit > 0 {
		end = min(end, c.off+c.limit)
	}
	n := copy(p, c.data[c.off:end])
	c.off += n
	return n, nil
}

func collect(t *testing.T, s *Scanner, r io.Reader) []Finding {
	t.Helper()
	var got []Finding
	if err := s.ScanReader(r, func(f Finding) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func sampleText() []byte {
	return []byte("Hetu " + h(1, 1, 90, '-', 123) + ", puh. +358 40 123 4567 ja 09 310 1691; " +
		"tili FI21 1234 5600 0007 85, kortti 4111 1111 1111 1111, matti.m@example.fi " +
		"IP 192.168.1.10:8080 / 2001:db8::1. Asiakas kertoi masennuksen ja seksuaalisen suuntautumisen " +
		"asioista; Y-tunnus 0737546-2, viite RF18 5390 0754 7034, klo 14.30 ääkköset ÅÄÖ.")
}

// Rule: every way of splitting the input into two reads gives the findings of
// Scan (matches straddling the split are found), with absolute offsets.
func TestScanReaderEveryChunkSplit(t *testing.T) {
	s := New()
	text := sampleText()
	want := s.Scan(text)
	if len(want) < 10 {
		t.Fatalf("sample has %d findings, want ≥ 10", len(want))
	}
	for cut := 0; cut <= len(text); cut++ {
		got := collect(t, s, &chunkReader{data: text, cuts: []int{cut}})
		if !slices.Equal(got, want) {
			t.Fatalf("split at %d:\n got %v\nwant %v", cut, got, want)
		}
	}
	// Tiny reads: every byte boundary is a split at once.
	for _, limit := range []int{1, 2, 3, 7} {
		if got := collect(t, s, &chunkReader{data: text, limit: limit}); !slices.Equal(got, want) {
			t.Fatalf("reads of %d bytes: got %v, want %v", limit, got, want)
		}
	}
}

// Rule: across window boundaries of a large input (several internal chunks),
// streaming equals Scan; offsets are absolute.
func TestScanReaderLargeInput(t *testing.T) {
	corpus, _ := piitest.Corpus(11, 3*chunkSize+12345)
	text := []byte(corpus)
	s := New()
	want := s.Scan(text)
	for _, limit := range []int{0, 4093, chunkSize - 1} {
		got := collect(t, s, &chunkReader{data: text, limit: limit})
		if !slices.Equal(got, want) {
			t.Fatalf("limit %d: got %d findings, want %d (first difference at %d)", limit, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []Finding) int {
	for k := range min(len(a), len(b)) {
		if a[k] != b[k] {
			return k
		}
	}
	return min(len(a), len(b))
}

// Rule: streaming redaction produces the same bytes as Redact on the whole
// text, however the input is split.
func TestRedactReaderEqualsRedact(t *testing.T) {
	r, err := NewRedactor(New(), map[Type]Operator{TypePhone: {Kind: OperatorMask}, TypeEmail: {Kind: OperatorHash}}, []byte("test key"))
	if err != nil {
		t.Fatal(err)
	}
	text := sampleText()
	want, _ := r.Redact(text)
	for cut := 0; cut <= len(text); cut += 3 {
		var out bytes.Buffer
		if err := r.RedactReader(&out, &chunkReader{data: text, cuts: []int{cut}}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("split at %d:\n got %q\nwant %q", cut, out.Bytes(), want)
		}
	}
	corpus, _ := piitest.Corpus(12, 2*chunkSize+777)
	want, _ = r.Redact([]byte(corpus))
	var out bytes.Buffer
	if err := r.RedactReader(&out, &chunkReader{data: []byte(corpus), limit: 5000}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("large corpus: streaming redaction differs from Redact")
	}
}

func FuzzScan(f *testing.F) {
	f.Add(sampleText())
	f.Add([]byte("+358 (0)40 123 4567 ::ffff:1.2.3.4 a@b.fi 010190-123M"))
	f.Add([]byte("\xc3\xa4" + h(29, 2, 24, 'A', 345) + "\xe2\x80\x94"))
	f.Add([]byte("seksuaalisen suuntautumisen\xc2"))
	corpus, _ := piitest.Corpus(13, 2000)
	f.Add([]byte(corpus))
	s := New()
	red, err := NewRedactor(s, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		fs := s.Scan(text)
		prev := 0
		for _, x := range fs {
			// Rule: offsets inside the input, ordered, non-overlapping, on UTF-8 boundaries.
			if x.Start < prev || x.End <= x.Start || x.End > len(text) {
				t.Fatalf("bad offsets %+v (prev end %d, len %d)", x, prev, len(text))
			}
			if utf8.Valid(text) && (!utf8.RuneStart(text[x.Start]) || (x.End < len(text) && !utf8.RuneStart(text[x.End]))) {
				t.Fatalf("finding %+v splits a rune", x)
			}
			prev = x.End
		}
		// Rule: the redacted text holds no validated identifier any more.
		out, _ := red.Redact(text)
		for _, x := range s.Scan(out) {
			if x.Validated {
				t.Fatalf("redacted text %q still has %s at %d", out, x.Type, x.Start)
			}
		}
	})
}

// Rule: streaming equals Scan whatever the window size and read sizes, so
// matches straddling windows are found exactly once.
func FuzzScanReader(f *testing.F) {
	f.Add(sampleText(), uint8(1), uint8(3))
	f.Add([]byte("a@b.fi 040 123 4567 "+h(1, 1, 90, '-', 123)), uint8(0), uint8(1))
	s := New()
	f.Fuzz(func(t *testing.T, text []byte, chunk, read uint8) {
		defer func(c int) { chunkSize = c }(chunkSize)
		chunkSize = 1 + int(chunk)
		want := s.Scan(text)
		got := collect(t, s, &chunkReader{data: text, limit: 1 + int(read)})
		if !slices.Equal(got, want) {
			t.Fatalf("chunk %d, reads %d:\n got %v\nwant %v", chunkSize, 1+int(read), got, want)
		}
		r, _ := NewRedactor(s, nil, nil)
		wantRed, _ := r.Redact(text)
		var out bytes.Buffer
		if err := r.RedactReader(&out, &chunkReader{data: text, limit: 1 + int(read)}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), wantRed) {
			t.Fatalf("chunk %d: streaming redaction differs", chunkSize)
		}
	})
}

// sizedReader returns data in reads whose sizes cycle through 1+sizes[k]
// (all at once when sizes is empty).
type sizedReader struct {
	data  []byte
	sizes []byte
	k     int
}

func (r *sizedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n = min(n, 1+int(r.sizes[r.k%len(r.sizes)]))
		r.k++
	}
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// fuzzSeeds returns the inputs of the regression corpus in testdata/fuzz/name.
func fuzzSeeds(t testing.TB, name string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			t.Fatalf("%s: not a []byte fuzz input", f)
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, []byte(s))
	}
	return out
}

// Rule: streaming redaction writes exactly what Redact returns for the whole
// text, including every later pass that removes an identifier a neighbouring
// one hid, whatever the operator, the window size and the read sizes.
func FuzzRedactReaderMatchesRedact(f *testing.F) {
	for _, text := range fuzzSeeds(f, "FuzzScan") {
		f.Add(text, uint8(0), []byte{}, uint8(0))
		f.Add(text, uint8(7), []byte{0, 3, 200}, uint8(1))
		f.Add(text, uint8(255), []byte{1}, uint8(2))
	}
	f.Add(sampleText(), uint8(1), []byte{2, 0, 9}, uint8(3))
	corpus, _ := piitest.Corpus(14, 3000)
	f.Add([]byte(corpus), uint8(40), []byte{17, 255, 0}, uint8(0))
	s := New()
	key := []byte("synthetic fuzz key")
	var redactors []*Redactor
	for _, ops := range []map[Type]Operator{
		nil,
		allOps(Operator{Kind: OperatorMask}),
		allOps(Operator{Kind: OperatorHash}),
		{TypePaymentCard: {Kind: OperatorKeep}, TypeIP: {Kind: OperatorMask, Tail: 2}, TypeEmail: {Kind: OperatorHash}},
	} {
		r, err := NewRedactor(s, ops, key)
		if err != nil {
			f.Fatal(err)
		}
		redactors = append(redactors, r)
	}
	f.Fuzz(func(t *testing.T, text []byte, chunk uint8, reads []byte, op uint8) {
		r := redactors[int(op)%len(redactors)]
		want, _ := r.Redact(text)
		for _, size := range []int{64 << 10, 1 + int(chunk)} {
			func() {
				defer func(c int) { chunkSize = c }(chunkSize)
				chunkSize = size
				var out bytes.Buffer
				if err := r.RedactReader(&out, &sizedReader{data: text, sizes: reads}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Fatalf("window %d, operator set %d, reads %v:\n got %q\nwant %q", size, int(op)%len(redactors), reads, out.Bytes(), want)
				}
			}()
		}
	})
}
