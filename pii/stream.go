package pii

import (
	"errors"
	"io"
)

// chunkSize is how much the streaming scanner reads at a time (a variable
// so tests can force many small windows). Memory use is
// about chunkSize+maxLookahead+maxLookbehind whatever the input size.
var chunkSize = 64 << 10

// streamer runs the scanner over a reader in windows. Each window is scanned
// from the position where the previous one stopped, with maxLookbehind bytes of
// history and maxLookahead bytes of future kept, so every recognizer sees
// exactly the bytes it would see in the whole text: the findings are the same
// as Scan's, including matches that straddle two reads.
type streamer struct {
	s    *Scanner
	r    io.Reader
	buf  []byte
	base int // absolute offset of buf[0]
	pos  int // next scan position in buf
	eof  bool
	// prevEnd is the absolute end of the last match the scanner made.
	prevEnd int

	cands   []Finding // unresolved candidates, absolute offsets, unsorted
	last    Finding   // pending resolved finding, may still be replaced
	hasLast bool

	emit func(Finding, []byte) error
	// text, when set, receives every input byte not covered by an emitted
	// finding, in order (used by the redactor). written is the absolute
	// offset up to which text has been handed out.
	text    func([]byte) error
	written int

	// zoned restricts the scan to recognizers anchored in zones, the
	// neighbourhoods of what an earlier redaction pass replaced (absolute,
	// in order; see scanZones).
	zoned bool
	zones []zone
}

func (st *streamer) run() error {
	st.alloc()
	for {
		if err := st.fill(); err != nil {
			return err
		}
		if done, err := st.step(); done || err != nil {
			return err
		}
	}
}

// write is the push-mode counterpart of run: it appends p to the input and
// scans each time a full window is ahead of the scan position. close ends
// the input. Redaction's later passes are push-mode streamers fed by the
// pass before them.
func (st *streamer) write(p []byte) error {
	st.alloc()
	for len(p) > 0 {
		want := st.pos + chunkSize + maxLookahead + 1
		n := min(len(p), want-len(st.buf))
		st.buf = append(st.buf, p[:n]...)
		p = p[n:]
		if len(st.buf) == want {
			if _, err := st.step(); err != nil {
				return err
			}
			st.compact()
		}
	}
	return nil
}

// writeReplacement is write for bytes that replaced a finding in the pass
// before: a zoned streamer looks at the text around them.
func (st *streamer) writeReplacement(p []byte) error {
	start := st.base + len(st.buf)
	st.zones = append(st.zones, zoneAround(start, start+len(p)))
	return st.write(p)
}

func (st *streamer) close() error {
	st.eof = true
	_, err := st.step()
	return err
}

// step scans as far as the buffered input allows, resolves the candidates
// that can no longer change and hands out findings and final text. It reports
// whether the input is finished (then everything has been handed out).
func (st *streamer) step() (bool, error) {
	to := len(st.buf)
	if !st.eof {
		to -= maxLookahead + 1
	}
	if to > st.pos {
		n0 := len(st.cands)
		var next, prevEnd int
		if st.zoned {
			var rest []zone
			st.cands, rest, next, prevEnd = st.s.scanZones(st.buf, st.base, st.zones, st.pos, to, st.prevEnd-st.base, st.cands)
			st.zones = st.zones[:copy(st.zones, rest)] // reuse the array: no allocation per window
		} else {
			st.cands, next, prevEnd = st.s.scan(st.buf, st.pos, to, st.prevEnd-st.base, st.cands)
		}
		st.prevEnd = prevEnd + st.base
		for k := n0; k < len(st.cands); k++ {
			st.cands[k].Start += st.base
			st.cands[k].End += st.base
		}
		st.pos = next
	}
	done := st.eof && st.pos >= len(st.buf)
	limit := st.base + st.pos - maxStartLag
	if done {
		limit = int(^uint(0) >> 1)
	}
	if err := st.feedUpTo(limit); err != nil {
		return false, err
	}
	if done {
		if st.hasLast {
			if err := st.flushFinding(st.last); err != nil {
				return false, err
			}
			st.hasLast = false
		}
		if st.text != nil && st.written < st.base+len(st.buf) {
			if err := st.text(st.buf[st.written-st.base:]); err != nil {
				return false, err
			}
			st.written = st.base + len(st.buf)
		}
		return true, nil
	}
	if st.text != nil {
		// Text before the earliest finding that may still appear is final.
		safe := limit
		if st.hasLast {
			safe = min(safe, st.last.Start)
		}
		if len(st.cands) > 0 {
			safe = min(safe, st.cands[0].Start)
		}
		if safe > st.written {
			if err := st.text(st.buf[st.written-st.base : safe-st.base]); err != nil {
				return false, err
			}
			st.written = safe
		}
	}
	return false, nil
}

// feedUpTo resolves candidates that start before limit, in order.
func (st *streamer) feedUpTo(limit int) error {
	sortFindings(st.cands)
	k := 0
	for ; k < len(st.cands) && st.cands[k].Start < limit; k++ {
		f := st.cands[k]
		if st.hasLast && f.Start < st.last.End {
			if better(f, st.last) {
				st.last = f
			}
			continue
		}
		if st.hasLast {
			if err := st.flushFinding(st.last); err != nil {
				return err
			}
		}
		st.last, st.hasLast = f, true
	}
	st.cands = st.cands[:copy(st.cands, st.cands[k:])]
	return nil
}

func (st *streamer) flushFinding(f Finding) error {
	if st.text != nil {
		if f.Start > st.written {
			if err := st.text(st.buf[st.written-st.base : f.Start-st.base]); err != nil {
				return err
			}
		}
		st.written = f.End
	}
	return st.emit(f, st.buf[f.Start-st.base:f.End-st.base])
}

func (st *streamer) alloc() {
	if st.buf == nil {
		st.buf = make([]byte, 0, 2*chunkSize+maxLookahead+maxLookbehind)
	}
}

// compact drops bytes no longer needed and makes room for a full chunk
// ahead of the scan position.
func (st *streamer) compact() {
	keep := st.pos - maxLookbehind
	if st.hasLast {
		keep = min(keep, st.last.Start-st.base)
	}
	for _, c := range st.cands {
		keep = min(keep, c.Start-st.base)
	}
	if st.text != nil {
		keep = min(keep, st.written-st.base)
	}
	if keep > 0 {
		n := copy(st.buf, st.buf[keep:])
		st.buf = st.buf[:n]
		st.base += keep
		st.pos -= keep
	}
	want := st.pos + chunkSize + maxLookahead + 1
	if want > cap(st.buf) {
		nb := make([]byte, len(st.buf), want+chunkSize)
		copy(nb, st.buf)
		st.buf = nb
	}
}

// fill compacts the buffer and reads until a full chunk is ahead of the scan
// position or the reader is exhausted.
func (st *streamer) fill() error {
	st.compact()
	want := st.pos + chunkSize + maxLookahead + 1
	for !st.eof && len(st.buf) < want {
		n, err := st.r.Read(st.buf[len(st.buf):cap(st.buf)])
		st.buf = st.buf[:len(st.buf)+n]
		if errors.Is(err, io.EOF) {
			st.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// ScanReader scans r and calls fn for each finding, in order, with offsets
// absolute in the stream. It finds the same findings as Scan over the whole
// input, including ones that straddle two reads, in memory independent of the
// input size. An error from fn stops the scan and is returned.
func (s *Scanner) ScanReader(r io.Reader, fn func(Finding) error) error {
	return s.ScanReaderValues(r, func(f Finding, _ []byte) error { return fn(f) })
}

// ScanReaderValues is ScanReader that also passes the finding's bytes. The
// value is only valid during the call.
func (s *Scanner) ScanReaderValues(r io.Reader, fn func(f Finding, value []byte) error) error {
	st := &streamer{s: s, r: r, emit: fn, prevEnd: -1}
	return st.run()
}
