package cdr

import (
	"bufio"
	"fmt"
	"io"
	"unicode/utf8"
)

// Finnish PBX and Excel exports are often ISO-8859-1 or Windows-1252 (ä, ö,
// å in agent names and IVR menu labels). The standard library has no
// decoder for them and go.mod takes no new module, so they are decoded here:
// both are one byte per character, so it is a table.

// cp1252 holds the characters of Windows-1252 at 0x80–0x9F; the five
// undefined bytes map to the C1 control of the same value, as WHATWG does.
var cp1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// singleByteReader turns ISO-8859-1 or Windows-1252 into UTF-8.
type singleByteReader struct {
	src     *bufio.Reader
	cp1252  bool
	pending [4]byte // an encoded rune that did not fit in the caller's buffer
	np, ip  int
}

func (d *singleByteReader) Read(p []byte) (int, error) {
	n := 0
	for d.ip < d.np && n < len(p) {
		p[n] = d.pending[d.ip]
		n++
		d.ip++
	}
	for n < len(p) {
		// Copy a run of ASCII in one go: most of a CDR is digits and commas.
		if n < len(p) && d.src.Buffered() > 0 {
			buf, _ := d.src.Peek(min(d.src.Buffered(), len(p)-n))
			k := 0
			for k < len(buf) && buf[k] < 0x80 {
				k++
			}
			if k > 0 {
				copy(p[n:], buf[:k])
				d.src.Discard(k)
				n += k
				continue
			}
		}
		b, err := d.src.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		r := rune(b)
		if d.cp1252 && b >= 0x80 && b < 0xA0 {
			r = cp1252[b-0x80]
		}
		if r < utf8.RuneSelf {
			p[n] = byte(r)
			n++
			continue
		}
		var enc [4]byte
		w := utf8.EncodeRune(enc[:], r)
		if n+w <= len(p) {
			copy(p[n:], enc[:w])
			n += w
			continue
		}
		k := copy(p[n:], enc[:w])
		n += k
		d.np = copy(d.pending[:], enc[k:w])
		d.ip = 0
		return n, nil
	}
	return n, nil
}

// decoder wraps r so that it yields UTF-8 without a byte-order mark.
func decoder(r io.Reader, encoding string) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	switch encoding {
	case "iso-8859-1":
		return &singleByteReader{src: br}
	case "windows-1252":
		return &singleByteReader{src: br, cp1252: true}
	}
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	return br
}

// rowGuard bounds the bytes of one CSV record. encoding/csv keeps a whole
// record in memory, so one unclosed quote would make it gather the rest of
// a multi-gigabyte file into a single record; the guard follows the quoting
// as encoding/csv does (a quote opens a quoted field only at the start of a
// field, "" inside one is a quote, a record ends at a newline outside
// quotes) and fails the read once a record grows past max.
type rowGuard struct {
	r     io.Reader
	delim byte
	max   int
	state uint8
	n     int // bytes in the current record
	line  int // physical line the current record starts on
	lines int // newlines seen
}

const (
	gStart     = iota // at the start of a field
	gUnquoted         // inside an unquoted field
	gQuoted           // inside a quoted field
	gQuoteSeen        // a quote inside a quoted field: closing, or the first of ""
	gBadLine          // csv reports an error for this line and resumes after it
)

// errRowTooLong is returned by rowGuard.Read; pass turns it into a problem.
type errRowTooLong struct{ line, max int }

func (e *errRowTooLong) Error() string {
	return fmt.Sprintf("row starting at line %d is longer than %d bytes (an unclosed quote?)", e.line, e.max)
}

func (g *rowGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		g.n++
		if b == '\n' {
			g.lines++
		}
		switch g.state {
		case gStart, gUnquoted:
			switch {
			case b == '\n':
				g.state, g.n, g.line = gStart, 0, g.lines+1
			case b == g.delim:
				g.state = gStart
			case b == '"' && g.state == gStart:
				g.state = gQuoted
			default:
				g.state = gUnquoted
			}
		case gQuoted:
			if b == '"' {
				g.state = gQuoteSeen
			}
		case gQuoteSeen:
			switch b {
			case '"':
				g.state = gQuoted
			case g.delim:
				g.state = gStart
			case '\n':
				g.state, g.n, g.line = gStart, 0, g.lines+1
			default:
				g.state = gBadLine
			}
		case gBadLine:
			if b == '\n' {
				g.state, g.n, g.line = gStart, 0, g.lines+1
			}
		}
		if g.n > g.max {
			return 0, &errRowTooLong{line: g.line, max: g.max}
		}
	}
	return n, err
}
