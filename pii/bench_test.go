package pii

import (
	"bytes"
	"flag"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii/piitest"
)

var benchMB = flag.Int("pii.benchmb", 50, "size in MB of the corpus for BenchmarkRedact*")

var corpora sync.Map // size → []byte

func corpus(size int) []byte {
	if c, ok := corpora.Load(size); ok {
		return c.([]byte)
	}
	text, _ := piitest.Corpus(tuneSeed, size)
	corpora.Store(size, []byte(text))
	return []byte(text)
}

// BenchmarkScan compares the scanner with the regexp baseline on the same
// 4 MB mixed corpus (about 2% personal data).
func BenchmarkScan(b *testing.B) {
	text := corpus(4 << 20)
	b.Run("pii", func(b *testing.B) {
		s := New()
		var dst []Finding
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		defer reportCPU(b, len(text))()
		for b.Loop() {
			dst = s.AppendScan(dst[:0], text)
		}
	})
	b.Run("regexp-baseline", func(b *testing.B) {
		s := newRegexpScanner()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			s.Scan(text)
		}
	})
	// The special-category alternation dominates the baseline; this variant
	// shows the baseline for the seven identifier types alone.
	b.Run("regexp-baseline-identifiers", func(b *testing.B) {
		s := newRegexpScanner()
		s.rules = s.rules[:len(s.rules)-1]
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			s.Scan(text)
		}
	})
	b.Run("pii-identifiers", func(b *testing.B) {
		s := New(WithTypes(Types[:7]...))
		var dst []Finding
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			dst = s.AppendScan(dst[:0], text)
		}
	})
}

// ordinaryCorpus returns about size bytes of the same generator's messages
// with no finding at all (filler and decoys: amounts, dates, order numbers,
// references, bad check digits): customer-service text without personal data.
func ordinaryCorpus(size int) []byte {
	if c, ok := corpora.Load(-size); ok {
		return c.([]byte)
	}
	s := New()
	out := make([]byte, 0, size+4096)
	for seed := uint64(100); len(out) < size; seed++ {
		text, _ := piitest.Corpus(seed, 1<<20)
		for line := range bytes.Lines([]byte(text)) {
			if len(s.Scan(line)) == 0 && len(out) < size {
				out = append(out, line...)
			}
		}
	}
	corpora.Store(-size, out)
	return out
}

// BenchmarkRedact measures in-memory and streaming redaction over a
// -pii.benchmb corpus (default 50 MB): "dense" is the generated corpus, where
// most messages hold personal data (a finding every 740 bytes or so);
// "ordinary" is messages of the same generator in which nothing is found.
func BenchmarkRedact(b *testing.B) {
	r, err := NewRedactor(New(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	m, _ := NewRedactor(New(), allOps(Operator{Kind: OperatorMask}), nil)
	for _, c := range []struct {
		name string
		text func() []byte
	}{
		{"dense", func() []byte { return corpus(*benchMB << 20) }},
		{"ordinary", func() []byte { return ordinaryCorpus(*benchMB << 20) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			text := c.text()
			b.Run("Redact", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				defer reportCPU(b, len(text))()
				for b.Loop() {
					r.Redact(text)
				}
			})
			// How the API, intake and minimisation call it: one message
			// (a line, a few hundred bytes) at a time. Unlike one 50 MB
			// call, this does not pay for the kernel faulting in a fresh
			// 50 MB output on every iteration.
			b.Run("RedactMessages", func(b *testing.B) {
				msgs := bytes.SplitAfter(text, []byte("\n"))
				b.SetBytes(int64(len(text)))
				defer reportCPU(b, len(text))()
				for b.Loop() {
					for _, m := range msgs {
						r.Redact(m)
					}
				}
			})
			b.Run("RedactReader", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				defer reportCPU(b, len(text))()
				for b.Loop() {
					if err := r.RedactReader(io.Discard, bytes.NewReader(text)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("RedactReaderMask", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				defer reportCPU(b, len(text))()
				for b.Loop() {
					if err := m.RedactReader(io.Discard, bytes.NewReader(text)); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// reportCPU adds MB/cpu-s, the throughput per second of CPU time the process
// used (all threads, so the garbage collector's share counts). On the shared
// 2-vCPU machine, wall-clock MB/s moves with other people's load; CPU time
// much less. Call as defer reportCPU(b, n)() before the loop.
func reportCPU(b *testing.B, n int) func() {
	start := cpuTime()
	return func() {
		if d := cpuTime() - start; d > 0 && start > 0 {
			b.ReportMetric(float64(n)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
		}
	}
}

func allOps(op Operator) map[Type]Operator {
	m := map[Type]Operator{}
	for _, t := range Types {
		m[t] = op
	}
	return m
}

// repeatReader yields base repeated until n bytes, without holding n bytes.
type repeatReader struct {
	base []byte
	n    int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	k := r.off % len(r.base)
	m := copy(p[:min(len(p), r.n-r.off)], r.base[k:])
	r.off += m
	return m, nil
}

// Rule: streaming memory is flat in the input size. Heap allocated while
// streaming 10 MB and 50 MB must be about the same and small.
func TestStreamingMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 60 MB")
	}
	base := corpus(1 << 20)
	r, _ := NewRedactor(New(), nil, nil)
	measure := func(n int) (alloc uint64, findings int) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := r.RedactReader(io.Discard, &repeatReader{base: base, n: n}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, 0
	}
	a10, _ := measure(10 << 20)
	a50, _ := measure(50 << 20)
	t.Logf("heap allocated while streaming: 10 MB → %d KB, 50 MB → %d KB", a10>>10, a50>>10)
	if a50 > 2*a10+(256<<10) || a50 > 4<<20 {
		t.Errorf("allocation grows with input: 10 MB → %d B, 50 MB → %d B", a10, a50)
	}
}

// TestBaselineAgrees keeps the baseline honest: on the tuning corpus it must
// find most of what the scanner finds, so the speed comparison is between
// equivalent work.
func TestBaselineAgrees(t *testing.T) {
	text := corpus(256 << 10)
	want := New().Scan(text)
	got := newRegexpScanner().Scan(text)
	type span struct {
		t          Type
		start, end int
	}
	same := 0
	idx := map[span]bool{}
	for _, f := range want {
		idx[span{f.Type, f.Start, f.End}] = true
	}
	for _, f := range got {
		if idx[span{f.Type, f.Start, f.End}] {
			same++
		}
	}
	t.Logf("baseline: %d findings, scanner: %d, identical: %d", len(got), len(want), same)
	if float64(same) < 0.9*float64(len(want)) {
		t.Errorf("baseline agrees on %d of %d findings, want ≥ 90%%", same, len(want))
	}
}
