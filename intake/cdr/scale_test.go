package cdr

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// FuzzImport: no input makes Import panic, the counts add up, and every
// problem's line lies inside the file.
func FuzzImport(f *testing.F) {
	f.Add(export(3, nil), false)
	f.Add(export(2, func(i int, c []string) []string { c[cNote] = "a\nb\"c"; return c }), true)
	f.Add([]byte(pbxHeader+"\n\"unterminated;\n"), false)
	f.Add([]byte("\xff\xfe;;\r\r\n\""), true)
	m := loadPBX(f)
	utf8m, err := ParseMapping("m.yaml", []byte("fields:\n  caller_number: 2\n  started_at: {column: 1, format: unix}\n  duration: 3\n  ivr_path: {column: 4, separator: '/'}\n"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, second bool) {
		mm := m
		if second {
			mm = utf8m
		}
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
		rep, err := Import(bytes.NewReader(data), "f.csv", mm, func(b []Call) error {
			for _, c := range b {
				if c.EndedAt.Before(c.StartedAt) {
					t.Errorf("line %d: delivered a call that ends before it starts", c.Line)
				}
			}
			return nil
		}, Options{SkipBad: true, BatchSize: 3})
		if rep.Rows != rep.Good+rep.Bad || rep.Delivered > rep.Good {
			t.Errorf("counts do not add up: %+v", rep)
		}
		if err == nil && rep.Delivered != rep.Good {
			t.Errorf("delivered %d of %d good rows", rep.Delivered, rep.Good)
		}
		for _, p := range rep.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Errorf("problem line %d outside the file's %d lines: %s", p.Line, lines, p)
			}
		}
	})
}

// FuzzMapping: no mapping file makes ParseMapping panic.
func FuzzMapping(f *testing.F) {
	data, err := os.ReadFile("testdata/finnish-pbx.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("fields: {caller_number: 1, started_at: 2, duration: {column: 3, default: '0:00:01', format: hms}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping("m.yaml", data)
		if (m == nil) == (err == nil) {
			t.Fatalf("got mapping %v and error %v, want exactly one", m, err)
		}
		if m != nil {
			Validate(strings.NewReader("1,2,3\n"), "f.csv", m, Options{})
		}
	})
}

// heapWatch samples HeapInuse while an import runs and keeps the peak.
type heapWatch struct {
	every, n int
	peak     uint64
}

func (h *heapWatch) batch(b []Call) error {
	h.n += len(b)
	if h.n%h.every < len(b) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapInuse)
	}
	return nil
}

func importPeak(tb testing.TB, m *Mapping, rows int) (uint64, Report) {
	runtime.GC()
	h := &heapWatch{every: 5000}
	rep, err := Import(newGenReader(rows), "gen.csv", m, h.batch, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if rep.Delivered != rows {
		tb.Fatalf("delivered %d of %d rows", rep.Delivered, rows)
	}
	return h.peak, rep
}

// TestMemoryFlat: ten times the rows, the same heap. Both passes of the
// all-or-nothing import stream; nothing grows with the row count.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 110,000 rows twice")
	}
	m := loadPBX(t)
	small, _ := importPeak(t, m, 10_000)
	large, _ := importPeak(t, m, 100_000)
	t.Logf("peak HeapInuse: %.1f MiB after 10k rows, %.1f MiB after 100k rows", mib(small), mib(large))
	if large > small+4<<20 {
		t.Errorf("got peak heap %.1f MiB for 100k rows against %.1f MiB for 10k, want within 4 MiB", mib(large), mib(small))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// BenchmarkImport reads a generated 1,000,000-row Windows-1252 export of
// the docs/cdr.md format, in batches of 1000:
//
//	File/AllOrNothing  from a file on disk, opened twice (validate, then deliver): what the CLI does
//	File/SkipBad       one pass
//	Stream             all-or-nothing from a generator (no disk), with the peak heap
//
// go test -run '^$' -bench Import -benchtime 1x ./intake/cdr
func BenchmarkImport(b *testing.B) {
	const rows = 1_000_000
	m := loadPBX(b)
	path := filepath.Join(b.TempDir(), "calls.csv")
	fh, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(fh)
	size, _ := io.Copy(w, newGenReader(rows))
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	run := func(b *testing.B, opt Options) {
		b.SetBytes(size)
		start, cpu := time.Now(), cpuTime()
		for b.Loop() {
			rep, err := ImportOpen(open, path, m, func([]Call) error { return nil }, opt)
			if err != nil || rep.Delivered != rows {
				b.Fatal(err, rep.Delivered)
			}
		}
		report(b, rows, start, cpu)
	}
	b.Run("File/AllOrNothing", func(b *testing.B) { run(b, Options{}) })
	b.Run("File/SkipBad", func(b *testing.B) { run(b, Options{SkipBad: true}) })
	b.Run("Stream", func(b *testing.B) {
		var peak uint64
		start, cpu := time.Now(), cpuTime()
		for b.Loop() {
			p, _ := importPeak(b, m, rows)
			peak = max(peak, p)
		}
		report(b, rows, start, cpu)
		b.ReportMetric(mib(peak), "MiB-peak-heap")
	})
}

// report adds rows per wall-clock second and, where the platform tells,
// rows per CPU-second of the whole process (the runtime's GC workers
// included).
func report(b *testing.B, rows int, start time.Time, cpu0 time.Duration) {
	n := float64(rows) * float64(b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "rows/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), "rows/cpu-s")
	}
}
