// Package email reads customer e-mails and keeps identity codes and special
// categories of personal data out of ordinary e-mail (seed 000 §3: such data
// is not sent by unencrypted e-mail; a customer who sends it gets a reply
// with the content removed and a pointer to the secure channel).
//
// It is pure logic: Parse turns an RFC 5322 message into text and attachment
// streams, Check finds what must not travel by ordinary e-mail, Redacted
// removes it, ReplyText writes the reply and OutboundCheck guards drafts.
// Storage and HTTP live elsewhere.
package email

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits bound the work Parse does for one message. A zero field takes its
// default from DefaultLimits.
type Limits struct {
	// MaxMessageBytes bounds the raw message, headers and encoded body.
	MaxMessageBytes int64
	// MaxParts bounds the MIME parts, counted over all nesting levels and
	// inside attached messages.
	MaxParts int
	// MaxDepth bounds nesting: a multipart inside a multipart is depth 2, an
	// attached message adds one level.
	MaxDepth int
	// MaxHeaderBytes bounds the header block of the message and of each part.
	MaxHeaderBytes int
	// MaxTextBytes bounds the decoded body text and the text kept for
	// scanning from each attachment; longer text is cut and marked.
	MaxTextBytes int
	// MaxOfficeBytes bounds an office document (.docx, .xlsx, .odt, …)
	// held in memory to read its text; a larger one is not scanned.
	MaxOfficeBytes int
}

// DefaultLimits suit customer e-mail: 32 MiB (a 25 MB attachment after
// base64), 100 parts, depth 8, 64 KiB of headers, 1 MiB of text, office
// documents up to 16 MiB read.
func DefaultLimits() Limits {
	return Limits{MaxMessageBytes: 32 << 20, MaxParts: 100, MaxDepth: 8, MaxHeaderBytes: 64 << 10, MaxTextBytes: 1 << 20,
		MaxOfficeBytes: 16 << 20}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	if l.MaxOfficeBytes <= 0 {
		l.MaxOfficeBytes = d.MaxOfficeBytes
	}
	return l
}

// Message is a parsed e-mail. Header texts are decoded to UTF-8.
type Message struct {
	From      *mail.Address // nil when missing or unreadable
	To, Cc    []*mail.Address
	ReplyTo   []*mail.Address
	Subject   string
	Date      time.Time // zero when missing or unreadable
	MessageID string    // without angle brackets
	InReplyTo string    // without angle brackets
	// Body is the message text: text/plain parts, or text converted from
	// text/html when a part has no plain alternative.
	Body          string
	BodyFromHTML  bool
	BodyTruncated bool // Body was cut at Limits.MaxTextBytes
	Attachments   []Attachment
	// Warnings say what was damaged and repaired or skipped, by part
	// number, without quoting content.
	Warnings []string
}

// Attachment is a file in a message.
type Attachment struct {
	Number      int    // 1-based position in Message.Attachments
	Filename    string // base name only; "attachment-N" when none was given
	ContentType string // media type without parameters, e.g. "application/pdf"
	Inline      bool   // Content-Disposition inline (e.g. a pasted image)
	ContentID   string
	Size        int64 // decoded bytes
	// Text is the decoded text of a text/* attachment (HTML converted) or of
	// an attached message (subject, body and its text attachments), up to
	// Limits.MaxTextBytes, for scanning; empty for other types.
	Text          string
	TextTruncated bool
	// Scannable says Text holds the attachment's content; false for types
	// whose content cannot be read as text (PDF, images, legacy office
	// files) and for an office document that could not be read.
	Scannable bool
	// Unread says why an office document's text was not read (too large,
	// damaged or encrypted); empty otherwise.
	Unread string
}

// AttachmentFunc receives each attachment's decoded content as Parse meets
// it, so the caller can stream it into a blob store without Parse holding
// it. a is valid only during the call and its Size and Text are not yet
// known; they are set in Message.Attachments[a.Number-1] afterwards. Content
// not read by the function is drained. An error stops Parse.
type AttachmentFunc func(a *Attachment, content io.Reader) error

// Errors Parse returns, to test with errors.Is. Their messages name the
// limit or defect and never quote the message.
var (
	ErrTooLarge       = errors.New("message larger than the size limit")
	ErrTooManyParts   = errors.New("too many MIME parts")
	ErrTooDeep        = errors.New("MIME parts nested too deep")
	ErrHeaderTooLarge = errors.New("header block larger than the limit")
	ErrMalformed      = errors.New("malformed message")
	ErrRead           = errors.New("reading the message failed")
	ErrAttachment     = errors.New("attachment handler failed")
)

// Error is the error Parse returns. Error() is safe to show to a client;
// Unwrap gives the kind (one of the Err values) and the cause, whose text
// may quote the input and must not be shown or logged.
type Error struct {
	Kind   error
	Detail string
	cause  error
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "email: " + e.Kind.Error()
	}
	return "email: " + e.Kind.Error() + ": " + e.Detail
}

func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.cause}
}

func errorf(kind error, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...), cause: cause}
}

// Parse reads a message with default handling of attachments: their content
// is drained and only their metadata and bounded text are kept. Use
// ParseFunc to store attachment content.
func Parse(r io.Reader, limits Limits) (*Message, error) {
	return ParseFunc(r, limits, nil)
}

// ParseFunc reads an RFC 5322 message from r and calls fn (when not nil)
// with each attachment's content. Damage that can be repaired (bad base64,
// unknown charsets, broken address headers, a missing final boundary) is
// repaired and noted in Message.Warnings; exceeding a limit is an error.
func ParseFunc(r io.Reader, limits Limits, fn AttachmentFunc) (*Message, error) {
	lim := limits.withDefaults()
	src := &limitReader{r: r, max: lim.MaxMessageBytes}
	p := &parser{lim: lim, fn: fn, src: src}
	br := bufio.NewReaderSize(src, 32<<10)
	msg, err := p.message(br, 0, "")
	if err == nil {
		if _, derr := io.Copy(io.Discard, br); derr != nil {
			err = derr
		}
	}
	switch {
	case src.exceeded:
		return nil, errorf(ErrTooLarge, nil, "limit %d bytes", p.lim.MaxMessageBytes)
	case src.err != nil:
		return nil, &Error{Kind: ErrRead, cause: src.err}
	case err != nil:
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, &Error{Kind: ErrMalformed, cause: err}
	}
	return msg, nil
}

// limitReader fails once more than max bytes are read and remembers whether
// it did, so the size error wins over whatever error a decoder made of it.
type limitReader struct {
	r        io.Reader
	n, max   int64
	exceeded bool
	err      error
}

var errLimit = errors.New("size limit")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.exceeded {
		return 0, errLimit
	}
	if rest := l.max - l.n + 1; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.exceeded = true
		return n - int(l.n-l.max), errLimit
	}
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

type parser struct {
	lim      Limits
	src      *limitReader
	fn       AttachmentFunc
	parts    int
	warnings []string
	atts     []Attachment
}

func (p *parser) warn(format string, args ...any) {
	if len(p.warnings) < 50 {
		p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
	}
}

// message parses a header block and body at the given depth. where prefixes
// warnings for attached messages.
func (p *parser) message(br *bufio.Reader, depth int, where string) (*Message, error) {
	h, err := p.readHeader(br, where)
	if err != nil {
		return nil, err
	}
	msg := &Message{}
	msg.Subject = strings.TrimSpace(decodeHeader(h.Get("Subject")))
	msg.From = p.firstAddress(h, "From", where)
	msg.To = p.addresses(h, "To", where)
	msg.Cc = p.addresses(h, "Cc", where)
	msg.ReplyTo = p.addresses(h, "Reply-To", where)
	if d := h.Get("Date"); d != "" {
		if t, err := mail.ParseDate(d); err == nil {
			msg.Date = t
		} else {
			p.warn("%sDate header unreadable", where)
		}
	}
	msg.MessageID = msgID(h.Get("Message-Id"))
	msg.InReplyTo = msgID(h.Get("In-Reply-To"))

	b, err := p.entity(h, br, depth, "text/plain", where)
	if err != nil {
		return nil, err
	}
	msg.Body, msg.BodyFromHTML, msg.BodyTruncated = b.text, b.html, b.truncated
	msg.Attachments = p.atts
	msg.Warnings = p.warnings
	return msg, nil
}

// readHeader reads the top header block itself rather than through
// net/textproto, which has no size bound and rejects a whole message for one
// malformed line (mbox "From " lines, spam). Bad lines are skipped.
func (p *parser) readHeader(br *bufio.Reader, where string) (textproto.MIMEHeader, error) {
	h := textproto.MIMEHeader{}
	total, bad := 0, 0
	var key string
	var val []byte
	flush := func() {
		if key != "" {
			h.Add(key, strings.TrimSpace(string(val)))
		}
		key, val = "", val[:0]
	}
	for first := true; ; first = false {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				if total+len(long) > p.lim.MaxHeaderBytes {
					return nil, errorf(ErrHeaderTooLarge, nil, "%slimit %d bytes", where, p.lim.MaxHeaderBytes)
				}
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		total += len(line)
		if total > p.lim.MaxHeaderBytes {
			return nil, errorf(ErrHeaderTooLarge, nil, "%slimit %d bytes", where, p.lim.MaxHeaderBytes)
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		switch {
		case len(trimmed) == 0 && (len(line) > 0 || err == io.EOF):
			flush()
			if first && err == io.EOF && len(h) == 0 {
				return nil, errorf(ErrMalformed, nil, "%sempty message", where)
			}
			if bad > 0 {
				p.warn("%s%d malformed header lines skipped", where, bad)
			}
			return h, nil
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if key != "" {
				val = append(val, trimmed...)
			}
		default:
			flush()
			name, rest, ok := bytes.Cut(trimmed, []byte(":"))
			if !ok || !validFieldName(name) {
				bad++
				break
			}
			key = textproto.CanonicalMIMEHeaderKey(string(name))
			val = append(val[:0], rest...)
		}
		if err == io.EOF {
			flush()
			return h, nil
		}
	}
}

func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

func msgID(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	}
	if len(v) > 998 || strings.ContainsAny(v, " \t\r\n<>") {
		return ""
	}
	return v
}

var addrParser = &mail.AddressParser{WordDecoder: wordDecoder}

func (p *parser) addresses(h textproto.MIMEHeader, key, where string) []*mail.Address {
	var out []*mail.Address
	for _, v := range h.Values(key) {
		v = toUTF8("", []byte(v))
		if strings.TrimSpace(v) == "" {
			continue
		}
		list, err := addrParser.ParseList(v)
		if err != nil {
			list = lenientAddresses(v)
			p.warn("%s%s header is not a valid address list; addresses recovered: %d", where, key, len(list))
		}
		out = append(out, list...)
		if len(out) > 1000 {
			return out[:1000]
		}
	}
	return out
}

func (p *parser) firstAddress(h textproto.MIMEHeader, key, where string) *mail.Address {
	if l := p.addresses(h, key, where); len(l) > 0 {
		return l[0]
	}
	return nil
}

// lenientAddresses recovers what looks like addresses from a header that
// net/mail rejects: each comma-separated item yields the text in angle
// brackets, or else a word containing '@'.
func lenientAddresses(v string) []*mail.Address {
	var out []*mail.Address
	for _, item := range strings.Split(v, ",") {
		if a, err := addrParser.Parse(item); err == nil {
			out = append(out, a)
			continue
		}
		addr := ""
		if i := strings.LastIndexByte(item, '<'); i >= 0 {
			if j := strings.IndexByte(item[i:], '>'); j > 0 {
				addr = item[i+1 : i+j]
			}
		}
		if addr == "" {
			for _, w := range strings.Fields(item) {
				if strings.Contains(w, "@") {
					addr = strings.Trim(w, `<>"'();:`)
					break
				}
			}
		}
		if addr = strings.TrimSpace(addr); strings.Contains(addr, "@") {
			name := strings.TrimSpace(item)
			if i := strings.LastIndexByte(name, '<'); i >= 0 {
				name = strings.Trim(strings.TrimSpace(name[:i]), `"`)
			} else {
				name = ""
			}
			out = append(out, &mail.Address{Name: decodeHeader(name), Address: addr})
		}
	}
	return out
}

// body is the text an entity contributes to the message body.
type body struct {
	text      string
	html      bool // text was converted from HTML
	truncated bool
	found     bool
}

// entity parses one MIME entity (the message itself or a part) and returns
// its body text; attachments go to p.atts and p.fn.
func (p *parser) entity(h textproto.MIMEHeader, r io.Reader, depth int, defaultType, where string) (body, error) {
	if depth > p.lim.MaxDepth {
		return body{}, errorf(ErrTooDeep, nil, "limit %d levels", p.lim.MaxDepth)
	}
	mediaType, params := contentType(h.Get("Content-Type"), defaultType)
	partNo := p.parts
	if strings.HasPrefix(mediaType, "multipart/") {
		if params["boundary"] == "" {
			p.warn("%s%s: multipart without boundary read as text", where, partName(partNo))
			mediaType, params = "text/plain", nil
		} else {
			return p.multipart(mediaType, params["boundary"], r, depth, where)
		}
	}

	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	// An extended (RFC 2231) name is decoded here first: package mime drops
	// charsets other than UTF-8 and garbles their continuations.
	filename := rfc2231Param(h.Get("Content-Disposition"), "filename")
	for _, f := range []string{dparams["filename"], rfc2231Param(h.Get("Content-Type"), "name"), params["name"]} {
		if filename == "" {
			filename = f
		}
	}
	filename = cleanFilename(filename)
	content := p.transferDecoder(h.Get("Content-Transfer-Encoding"), r, where, partNo)

	if (mediaType == "text/plain" || mediaType == "text/html") && disp != "attachment" && filename == "" {
		raw, truncated, err := readBounded(content, p.lim.MaxTextBytes)
		if err != nil {
			return body{}, err
		}
		p.checkDecoders(content, where, partNo)
		text := toUTF8(params["charset"], raw)
		isHTML := mediaType == "text/html"
		if isHTML {
			text = htmlToText(text)
		}
		var cut bool
		if text, cut = capText(text, p.lim.MaxTextBytes); cut {
			truncated = true
		}
		if truncated {
			p.warn("%s%s: text longer than %d bytes cut", where, partName(partNo), p.lim.MaxTextBytes)
		}
		return body{text: text, html: isHTML, truncated: truncated, found: true}, nil
	}
	return body{}, p.attachment(mediaType, params, disp, filename, h, content, depth, where, partNo)
}

func contentType(v, def string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		v = def
	}
	mt, params, err := mime.ParseMediaType(v)
	if mt == "" || (err != nil && err != mime.ErrInvalidMediaParameter) {
		// Unparseable: keep the bare type if it looks like one.
		bare, _, _ := strings.Cut(v, ";")
		bare = strings.ToLower(strings.TrimSpace(bare))
		if t, sub, ok := strings.Cut(bare, "/"); ok && t != "" && sub != "" && !strings.ContainsAny(bare, " \t\"") {
			return bare, map[string]string{}
		}
		return def, map[string]string{}
	}
	if params == nil {
		params = map[string]string{}
	}
	for k, pv := range params {
		if strings.Contains(pv, "=?") {
			params[k] = decodeHeader(pv) // RFC 2047 in a parameter, as Outlook writes file names
		}
	}
	return mt, params
}

func (p *parser) multipart(mediaType, boundary string, r io.Reader, depth int, where string) (body, error) {
	mr := multipart.NewReader(r, boundary)
	var kids []body
	childDefault := "text/plain"
	if mediaType == "multipart/digest" {
		childDefault = "message/rfc822"
	}
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if p.hard(err) {
				return body{}, err
			}
			p.warn("%smultipart structure broken after part %d; the rest was skipped", where, p.parts)
			break
		}
		p.parts++
		if p.parts > p.lim.MaxParts {
			return body{}, errorf(ErrTooManyParts, nil, "limit %d", p.lim.MaxParts)
		}
		hb := 0
		for k, vs := range part.Header {
			for _, v := range vs {
				hb += len(k) + len(v) + 4
			}
		}
		if hb > p.lim.MaxHeaderBytes {
			return body{}, errorf(ErrHeaderTooLarge, nil, "%spart %d: limit %d bytes", where, p.parts, p.lim.MaxHeaderBytes)
		}
		pr := &softReader{r: part, p: p, where: where, partNo: p.parts}
		b, err := p.entity(part.Header, pr, depth+1, childDefault, where)
		if err != nil {
			return body{}, err
		}
		if _, err := io.Copy(io.Discard, pr); err != nil {
			return body{}, err
		}
		if b.found {
			kids = append(kids, b)
		}
	}
	if len(kids) == 0 {
		return body{}, nil
	}
	if mediaType == "multipart/alternative" {
		// Plain text wins over HTML (no markup to strip, what the sender's
		// client wrote), unless it is empty, as some clients send it.
		for _, k := range kids {
			if !k.html && strings.TrimSpace(k.text) != "" {
				return k, nil
			}
		}
		for _, k := range kids {
			if strings.TrimSpace(k.text) != "" {
				return k, nil
			}
		}
		return kids[0], nil
	}
	out := kids[0]
	var sb strings.Builder
	for i, k := range kids {
		if i > 0 {
			sb.WriteString("\n\n")
			out.html = out.html && k.html
			out.truncated = out.truncated || k.truncated
		}
		sb.WriteString(k.text)
	}
	var cut bool
	if out.text, cut = capText(sb.String(), p.lim.MaxTextBytes); cut {
		out.truncated = true
	}
	return out, nil
}

// partName names a MIME part in warnings: part 0 is the message's own body.
func partName(n int) string {
	if n == 0 {
		return "body"
	}
	return fmt.Sprintf("part %d", n)
}

// hard reports whether err must stop parsing: the size limit or a failing
// source. Anything else is damage in the message, repaired or skipped.
func (p *parser) hard(err error) bool {
	return errors.Is(err, errLimit) || p.src.err != nil || p.src.exceeded
}

// softReader ends a part at the first structural error (a missing final
// boundary, a torn part) with a warning and io.EOF, so an attachment handler
// stores what arrived rather than failing the whole message; the size limit
// and source errors still come through.
type softReader struct {
	r      io.Reader
	p      *parser
	where  string
	partNo int
	done   bool
}

func (s *softReader) Read(b []byte) (int, error) {
	if s.done {
		return 0, io.EOF
	}
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF && !s.p.hard(err) {
		s.done = true
		s.p.warn("%spart %d: content ends early", s.where, s.partNo)
		return n, io.EOF
	}
	return n, err
}

// transferDecoder undoes Content-Transfer-Encoding. Unknown encodings are
// passed through as they are, so their text can still be scanned.
func (p *parser) transferDecoder(cte string, r io.Reader, where string, partNo int) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return &b64Reader{r: r}
	case "quoted-printable":
		return &qpReader{r: r}
	case "", "7bit", "8bit", "binary":
		return r
	}
	p.warn("%s%s: unknown transfer encoding, content kept as is", where, partName(partNo))
	return r
}

// checkDecoders notes repaired transfer-encoding damage, once per part.
func (p *parser) checkDecoders(r io.Reader, where string, partNo int) {
	switch d := r.(type) {
	case *b64Reader:
		if d.skipped > 0 {
			p.warn("%s%s: broken base64, %d bad characters skipped", where, partName(partNo), d.skipped)
		}
	case *qpReader:
		if d.bad > 0 {
			p.warn("%s%s: broken quoted-printable, %d sequences kept as they were", where, partName(partNo), d.bad)
		}
	}
}

// readBounded reads all of r and keeps the first max bytes.
func readBounded(r io.Reader, max int) ([]byte, bool, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, false, err
	}
	if n <= int64(max) {
		return buf.Bytes(), false, nil
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, false, err
	}
	return buf.Bytes()[:max], true, nil
}

// captureReader counts what passes and keeps its first max bytes.
type captureReader struct {
	r   io.Reader
	n   int64
	max int
	buf []byte
}

func (c *captureReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if room := c.max - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	return n, err
}

func (p *parser) attachment(mediaType string, params map[string]string, disp, filename string, h textproto.MIMEHeader, content io.Reader, depth int, where string, partNo int) error {
	a := Attachment{
		Number:      len(p.atts) + 1,
		Filename:    filename,
		ContentType: mediaType,
		Inline:      disp == "inline",
		ContentID:   msgID(h.Get("Content-Id")),
	}
	if a.Filename == "" {
		a.Filename = fmt.Sprintf("attachment-%d", a.Number)
		if mediaType == "message/rfc822" {
			a.Filename += ".eml"
		}
	}
	kind := textKind(mediaType, a.Filename)
	isMsg := kind == "message"
	a.Scannable = kind != ""
	keep := 0
	switch {
	case kind == "office":
		keep = p.lim.MaxOfficeBytes + 1 // a ZIP is read from its end
	case a.Scannable:
		keep = p.lim.MaxTextBytes + 1
	}
	cr := &captureReader{r: content, max: keep}
	if p.fn != nil {
		view := a
		if err := p.fn(&view, cr); err != nil {
			if p.hard(err) {
				return err
			}
			return errorf(ErrAttachment, err, "%sattachment %d", where, a.Number)
		}
	}
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return err
	}
	p.checkDecoders(content, where, partNo)
	a.Size = cr.n
	if kind == "office" {
		p.officeAttachment(&a, cr.buf)
	} else if a.Scannable {
		raw := cr.buf
		if len(raw) > p.lim.MaxTextBytes {
			raw, a.TextTruncated = raw[:p.lim.MaxTextBytes], true
		}
		if isMsg {
			text, err := p.attachedMessage(raw, depth, fmt.Sprintf("%sattachment %d: ", where, a.Number))
			if err != nil {
				return err
			}
			a.Text = text
		} else {
			a.Text = toUTF8(params["charset"], raw)
			if kind == "html" {
				a.Text = htmlToText(a.Text)
			}
		}
		var cut bool
		if a.Text, cut = capText(a.Text, p.lim.MaxTextBytes); cut {
			a.TextTruncated = true
		}
	}
	p.atts = append(p.atts, a)
	return nil
}

// officeAttachment reads the text of an office document kept whole in raw.
func (p *parser) officeAttachment(a *Attachment, raw []byte) {
	if len(raw) > p.lim.MaxOfficeBytes {
		a.Scannable, a.Unread = false, fmt.Sprintf("office document larger than the %d MiB read for scanning", p.lim.MaxOfficeBytes>>20)
		return
	}
	text, cut, err := officeText(raw, p.lim.MaxTextBytes)
	if err != nil {
		a.Scannable, a.Unread = false, "office document could not be read (damaged, encrypted or not what its name says)"
		return
	}
	a.Text, a.TextTruncated = text, cut
}

// textKind says how an attachment's content is read for scanning: "text",
// "html", "message" (an attached e-mail), "office" (an OOXML or
// OpenDocument file), or "" when it cannot be read as text. Mailers label CSV exports and .txt files application/octet-stream or
// application/vnd.ms-excel, and those are exactly the lists of identity codes
// a customer attaches, so the file extension counts too.
func textKind(mediaType, filename string) string {
	ext := strings.ToLower(path.Ext(filename))
	switch {
	case mediaType == "message/rfc822" || mediaType == "message/global" || ext == ".eml":
		return "message"
	case mediaType == "text/html" || ext == ".html" || ext == ".htm":
		return "html"
	case strings.HasPrefix(mediaType, "text/"),
		mediaType == "application/json", mediaType == "application/xml", mediaType == "application/csv",
		mediaType == "application/x-csv", strings.HasSuffix(mediaType, "+json"), strings.HasSuffix(mediaType, "+xml"):
		return "text"
	}
	switch ext {
	case ".txt", ".csv", ".tsv", ".json", ".xml", ".md", ".log", ".ics", ".vcf", ".rtf":
		return "text"
	}
	if isOffice(mediaType, ext) {
		return "office"
	}
	return ""
}

// attachedMessage parses a forwarded message (the bounded bytes kept of
// it) for scanning: its subject, body and text attachments become one text.
// Its own attachments stay inside the .eml the caller stored; they are not
// passed to the AttachmentFunc again.
func (p *parser) attachedMessage(raw []byte, depth int, where string) (string, error) {
	if depth+1 > p.lim.MaxDepth {
		return "", errorf(ErrTooDeep, nil, "limit %d levels", p.lim.MaxDepth)
	}
	sub := &parser{lim: p.lim, parts: p.parts, src: p.src}
	m, err := sub.message(bufio.NewReader(bytes.NewReader(raw)), depth+1, where)
	p.parts = sub.parts
	for _, w := range sub.warnings {
		p.warn("%s", w)
	}
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			return toUTF8("", raw), nil
		}
		return "", err
	}
	var sb strings.Builder
	sb.WriteString(m.Subject)
	sb.WriteString("\n\n")
	sb.WriteString(m.Body)
	for _, a := range m.Attachments {
		if a.Text != "" {
			sb.WriteString("\n\n")
			sb.WriteString(a.Text)
		}
	}
	return sb.String(), nil
}

// cleanFilename keeps the base name of a sender's file name, without
// control characters, at most 255 bytes.
func cleanFilename(s string) string {
	s = toUTF8("", []byte(s))
	s = strings.ReplaceAll(strings.TrimSpace(s), `\`, "/")
	s = path.Base(s)
	if s == "." || s == "/" || s == ".." {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	if len(s) > 255 {
		s = strings.ToValidUTF8(s[:255], "")
	}
	return s
}

// capText cuts s to at most max bytes at a rune boundary. Decoding can grow
// text (a Latin-1 byte becomes two UTF-8 bytes), so the bound is applied
// again after it.
func capText(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

// rfc2231Param decodes an extended parameter (key*=charset'lang'%XX…) in a
// charset package mime drops, such as filename*=iso-8859-1”p%E4%E4t%F6s.pdf
// from older Outlook. Continuations (key*0*=) are joined in order.
func rfc2231Param(header, key string) string {
	var charset string
	var value strings.Builder
	for i, seg := range strings.Split(header, ";") {
		if i == 0 {
			continue
		}
		name, v, ok := strings.Cut(strings.TrimSpace(seg), "=")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch {
		case name == key+"*" || name == key+"*0*":
			cs, rest, ok := strings.Cut(v, "'")
			if !ok {
				continue
			}
			_, rest, ok = strings.Cut(rest, "'")
			if !ok {
				continue
			}
			charset = cs
			value.Reset()
			value.WriteString(rest)
		case strings.HasPrefix(name, key+"*") && charset != "":
			value.WriteString(v)
		}
	}
	if charset == "" {
		return ""
	}
	raw := value.String()
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' && i+2 < len(raw) {
			hi, ok1 := unhex(raw[i+1])
			lo, ok2 := unhex(raw[i+2])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				i += 2
				continue
			}
		}
		b = append(b, raw[i])
	}
	return toUTF8(charset, b)
}
