package email

import (
	"bytes"
	"html"
	"io"
	"mime"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// cp1252High maps Windows-1252 bytes 0x80–0x9F. The five bytes Windows-1252
// leaves undefined become U+FFFD.
var cp1252High = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// latin9 holds the eight code points where ISO-8859-15 differs from
// ISO-8859-1 (the euro sign and the letters Finnish loan words need).
var latin9 = map[byte]rune{0xA4: '€', 0xA6: 'Š', 0xA8: 'š', 0xB4: 'Ž', 0xB8: 'ž', 0xBC: 'Œ', 0xBD: 'œ', 0xBE: 'Ÿ'}

// normCharset folds the many spellings of a charset label to one name.
func normCharset(cs string) string {
	cs = strings.ToLower(strings.TrimSpace(strings.Trim(cs, `"'`)))
	switch cs {
	case "utf-8", "utf8", "unicode-1-1-utf-8":
		return "utf-8"
	case "us-ascii", "ascii", "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
		"windows-1252", "cp1252", "x-cp1252", "cp819", "ibm819":
		// Like the WHATWG encoding standard, ASCII and Latin-1 labels are
		// read as Windows-1252: Outlook labels cp1252 text (with € and
		// typographic quotes) as iso-8859-1, and 0x80–0x9F as C1 control
		// codes is never what a sender meant.
		return "windows-1252"
	case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9", "l9":
		return "iso-8859-15"
	case "utf-16", "utf-16le", "utf-16be":
		return cs
	}
	return ""
}

// toUTF8 decodes b in charset to valid UTF-8. An unknown or missing charset
// is read as UTF-8 when b is valid UTF-8 and as Windows-1252 otherwise, the
// two encodings Finnish mail actually arrives in; the result is always valid
// UTF-8 so the PII scanner sees every letter.
func toUTF8(charset string, b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	cs := normCharset(charset)
	if cs == "" || cs == "utf-16" {
		switch {
		case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
			return decodeUTF16(b[2:], false)
		case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
			return decodeUTF16(b[2:], true)
		case cs == "utf-16":
			return decodeUTF16(b, true)
		}
	}
	switch cs {
	case "utf-16le":
		return decodeUTF16(bytes.TrimPrefix(b, []byte{0xFF, 0xFE}), false)
	case "utf-16be":
		return decodeUTF16(bytes.TrimPrefix(b, []byte{0xFE, 0xFF}), true)
	case "windows-1252", "iso-8859-15":
		return decodeSingleByte(cs, b)
	case "utf-8":
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return decodeSingleByte("windows-1252", b)
}

func decodeSingleByte(cs string, b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case cs == "iso-8859-15" && latin9[c] != 0:
			sb.WriteRune(latin9[c])
		case cs == "windows-1252" && c < 0xA0:
			sb.WriteRune(cp1252High[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

// wordDecoder decodes RFC 2047 encoded words. It never fails on a charset:
// unknown ones fall back like toUTF8.
var wordDecoder = &mime.WordDecoder{
	CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		return strings.NewReader(toUTF8(charset, b)), nil
	},
}

// decodeHeader turns a raw header value into UTF-8 text: raw 8-bit bytes
// are decoded like an unlabelled body, then RFC 2047 words are decoded.
func decodeHeader(v string) string {
	v = toUTF8("", []byte(v))
	if !strings.Contains(v, "=?") {
		return v
	}
	// mime.WordDecoder decodes these two labels itself, strictly; relabel
	// them so they get the Windows-1252 reading bodies get.
	for _, l := range []string{"iso-8859-1", "us-ascii"} {
		for from := 0; ; {
			i := indexFold(v[from:], "=?"+l+"?")
			if i < 0 {
				break
			}
			i += from
			v = v[:i] + "=?windows-1252?" + v[i+len(l)+3:]
			from = i + len("=?windows-1252?")
		}
	}
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return strings.ToValidUTF8(d, "\uFFFD")
}

// b64Reader decodes base64 leniently: characters outside the alphabet
// (line breaks, stray punctuation, padding in the middle of concatenated
// chunks) are skipped and a trailing partial group yields what bytes it can.
// Strict decoders stop at the first bad character and would lose the rest of
// a customer's attachment; here the damage stays local and is reported.
type b64Reader struct {
	r       io.Reader
	buf     [4096]byte
	obuf    [3075]byte // 3/4 of buf plus a carried partial group
	quad    [4]byte
	nq      int
	out     []byte
	skipped int
	eof     bool
}

var b64Val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alpha); i++ {
		t[alpha[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63 // URL-safe alphabet, seen from web forms
	return t
}()

func (d *b64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.eof {
			return 0, io.EOF
		}
		n, err := d.r.Read(d.buf[:])
		out := d.obuf[:0]
		for _, c := range d.buf[:n] {
			v := b64Val[c]
			if v == 0xFF {
				if c != '\r' && c != '\n' && c != ' ' && c != '\t' && c != '=' {
					d.skipped++
				}
				continue
			}
			d.quad[d.nq] = v
			d.nq++
			if d.nq == 4 {
				out = append(out, d.quad[0]<<2|d.quad[1]>>4, d.quad[1]<<4|d.quad[2]>>2, d.quad[2]<<6|d.quad[3])
				d.nq = 0
			}
		}
		if err != nil {
			d.eof = true
			switch d.nq {
			case 2:
				out = append(out, d.quad[0]<<2|d.quad[1]>>4)
			case 3:
				out = append(out, d.quad[0]<<2|d.quad[1]>>4, d.quad[1]<<4|d.quad[2]>>2)
			case 1:
				d.skipped++
			}
			d.nq = 0
			if err != io.EOF {
				d.out = out
				if len(out) == 0 {
					return 0, err
				}
			}
		}
		d.out = out
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// qpReader decodes quoted-printable leniently. mime/quotedprintable stops
// with an error at control bytes, at junk after a soft line break and at
// lines longer than its 4 KiB buffer, all of which real mailers produce; a
// customer's message must not be lost for that, so a '=' not followed by two
// hex digits or a line break is kept as it is.
type qpReader struct {
	r     io.Reader
	buf   [4096]byte
	state int // 0 normal, 1 after '=', 2 after '=' and one hex digit, 3 after "=\r", 4 after '=' and blanks
	hi    byte
	out   []byte
	eof   bool
	bad   int
	ws    []byte // blanks held back until we know they do not end a line
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func (q *qpReader) Read(p []byte) (int, error) {
	for len(q.out) == 0 {
		if q.eof {
			return 0, io.EOF
		}
		n, err := q.r.Read(q.buf[:])
		out := make([]byte, 0, n+3)
		for _, c := range q.buf[:n] {
		again:
			switch q.state {
			case 0:
				switch {
				case c == ' ' || c == '\t':
					// RFC 2045 6.7: blanks at a line end were added in
					// transport and are dropped.
					if len(q.ws) == 1024 {
						out = append(out, q.ws...)
						q.ws = q.ws[:0]
					}
					q.ws = append(q.ws, c)
					continue
				case c == '\r' || c == '\n':
					q.ws = q.ws[:0]
				default:
					out = append(out, q.ws...)
					q.ws = q.ws[:0]
				}
				if c == '=' {
					q.state = 1
				} else {
					out = append(out, c)
				}
			case 1:
				if v, ok := unhex(c); ok {
					q.hi, q.state = v, 2
				} else if c == '\r' {
					q.state = 3
				} else if c == '\n' {
					q.state = 0
				} else if c == ' ' || c == '\t' {
					q.state = 4
				} else {
					q.bad++
					out = append(out, '=')
					q.state = 0
					goto again
				}
			case 2:
				if v, ok := unhex(c); ok {
					out = append(out, q.hi<<4|v)
					q.state = 0
				} else {
					q.bad++
					out = append(out, '=', "0123456789ABCDEF"[q.hi])
					q.state = 0
					goto again
				}
			case 3:
				q.state = 0
				if c != '\n' {
					goto again
				}
			case 4:
				if c == '\r' {
					q.state = 3
				} else if c == '\n' {
					q.state = 0
				} else if c != ' ' && c != '\t' {
					q.bad++
					out = append(out, '=', ' ')
					q.state = 0
					goto again
				}
			}
		}
		if err != nil {
			q.eof = true
			if q.state == 2 {
				out = append(out, '=', "0123456789ABCDEF"[q.hi])
			}
			q.state = 0
			if err != io.EOF && len(out) == 0 {
				return 0, err
			}
		}
		q.out = out
	}
	n := copy(p, q.out)
	q.out = q.out[n:]
	return n, nil
}

// htmlToText renders HTML as plain text crudely but safely: no tag, script,
// style or comment survives, entities are decoded, block elements become
// line breaks and runs of blanks collapse. It is for scanning and for showing
// as text, never for rendering as HTML.
func htmlToText(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) / 2)
	i := 0
	text := func(t string) {
		sb.WriteString(html.UnescapeString(t))
	}
	for i < len(s) {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			text(s[i:])
			break
		}
		text(s[i : i+lt])
		i += lt
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			break // an unterminated tag: drop the rest rather than leak markup
		}
		tag := s[i+1 : i+gt]
		i += gt + 1
		name := strings.ToLower(strings.TrimLeft(tag, "/"))
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		switch name {
		case "script", "style", "head", "title", "template":
			if !strings.HasPrefix(tag, "/") {
				end := indexFold(s[i:], "</"+name)
				if end < 0 {
					i = len(s)
				} else {
					i += end
				}
			}
		case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "hr":
			sb.WriteByte('\n')
		case "td", "th":
			sb.WriteByte('\t')
		}
	}
	return collapse(sb.String())
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// collapse trims blanks at line ends, collapses runs of blanks to one space
// and keeps at most one empty line in a row.
func collapse(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	out := make([]string, 0, len(lines))
	empty := true
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '\u00a0' }), " ")
		if l == "" {
			if empty {
				continue
			}
			empty = true
		} else {
			empty = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
