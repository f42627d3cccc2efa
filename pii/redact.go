package pii

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// OperatorKind says what the redactor does with a finding.
type OperatorKind int

const (
	// OperatorRedact replaces the value with its type: [fi_personal_identity_code].
	OperatorRedact OperatorKind = iota
	// OperatorMask hides all but a tail of the value: 010190-***X.
	OperatorMask
	// OperatorHash replaces the value with a keyed HMAC-SHA-256 token; the
	// same value always gives the same token, so records stay linkable.
	OperatorHash
	// OperatorEncrypt replaces the value with an AES-GCM token that Decrypt
	// reverses with the same key.
	OperatorEncrypt
	// OperatorKeep leaves the value as it is.
	OperatorKeep
)

var operatorNames = []string{"redact", "mask", "hash", "encrypt", "keep"}

func (k OperatorKind) String() string {
	if k >= 0 && int(k) < len(operatorNames) {
		return operatorNames[k]
	}
	return fmt.Sprintf("OperatorKind(%d)", int(k))
}

// Operator is an operator with its parameters. The zero value redacts.
type Operator struct {
	Kind OperatorKind
	// Tail is, for OperatorMask, how many trailing letters and digits stay
	// visible; 0 uses the per-type form of Mask.
	Tail int
}

// ParseOperator parses "redact", "mask", "mask:N", "hash", "encrypt", "keep".
func ParseOperator(s string) (Operator, error) {
	name, arg, hasArg := strings.Cut(s, ":")
	for k, n := range operatorNames {
		if n != name {
			continue
		}
		op := Operator{Kind: OperatorKind(k)}
		if hasArg {
			if op.Kind != OperatorMask {
				return Operator{}, fmt.Errorf("operator %q takes no argument", name)
			}
			if _, err := fmt.Sscanf(arg, "%d", &op.Tail); err != nil || op.Tail < 0 {
				return Operator{}, fmt.Errorf("invalid mask tail %q", arg)
			}
		}
		return op, nil
	}
	return Operator{}, fmt.Errorf("unknown operator %q", s)
}

// Redactor replaces findings in text according to an operator per type.
type Redactor struct {
	s       *Scanner
	ops     map[Type]Operator
	hashKey []byte
	aead    cipher.AEAD
}

// ErrKeyRequired is returned by NewRedactor when a hash or encrypt operator is
// chosen without a key.
var ErrKeyRequired = errors.New("pii: hash and encrypt operators need a key")

// NewRedactor returns a redactor using s (New() when nil). Types missing from
// ops are redacted. key is needed for hash and encrypt; separate hash and
// encryption keys are derived from it.
func NewRedactor(s *Scanner, ops map[Type]Operator, key []byte) (*Redactor, error) {
	if s == nil {
		s = New()
	}
	r := &Redactor{s: s, ops: make(map[Type]Operator, len(ops))}
	needKey := false
	for t, op := range ops {
		r.ops[t] = op
		if op.Kind == OperatorHash || op.Kind == OperatorEncrypt {
			needKey = true
		}
	}
	if len(key) == 0 {
		if needKey {
			return nil, ErrKeyRequired
		}
		return r, nil
	}
	r.hashKey = deriveKey(key, "kirjaamo pii hash")
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	r.aead = aead
	return r, nil
}

func deriveKey(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(deriveKey(key, "kirjaamo pii encrypt"))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Redact returns text with every finding replaced, and the findings (offsets
// into the input).
//
// A replacement can uncover an identifier that only its neighbour hid (the
// card in "4111 1111 1111 1111 0000::" reads as too long until the IPv6
// address after it is replaced; found by fuzzing). So after the first pass,
// up to maxRedactPasses-1 more passes look again, each only within reach of
// what the pass before replaced (zoneAround, scanZones), and replace the
// validated identifiers they find there; unvalidated findings of a later pass are left as they
// are, so that no pass takes apart what an earlier one wrote (a hash or
// encrypt token can hold a word that reads as a special-category term).
// The findings returned are the first pass's, at offsets into text; what
// later passes replace is redacted but not reported. RedactReader writes
// exactly the same bytes.
func (r *Redactor) Redact(text []byte) ([]byte, []Finding) {
	fs := r.s.Scan(text)
	if len(fs) == 0 {
		return append([]byte(nil), text...), fs
	}
	out, zones := r.replace(text, fs, make([]zone, 0, len(fs)))
	var cands []Finding
	for pass := 2; pass <= maxRedactPasses && len(zones) > 0; pass++ {
		cands, _, _, _ = r.s.scanZones(out, 0, zones, 0, len(out), -1, cands[:0])
		more := slices.DeleteFunc(resolve(cands), func(f Finding) bool { return !f.Validated })
		if len(more) == 0 {
			break
		}
		out, zones = r.replace(out, more, zones[:0])
	}
	return out, fs
}

// maxRedactPasses bounds the passes over one text, in Redact and
// RedactReader alike.
const maxRedactPasses = 3

// replace returns text with fs replaced and appends to zones the
// neighbourhood of each replacement in the output.
func (r *Redactor) replace(text []byte, fs []Finding, zones []zone) ([]byte, []zone) {
	out := make([]byte, 0, len(text)+len(fs)*16)
	last := 0
	for _, f := range fs {
		out = append(out, text[last:f.Start]...)
		start := len(out)
		out = r.appendReplacement(out, f, text[f.Start:f.End])
		zones = append(zones, zoneAround(start, len(out)))
		last = f.End
	}
	return append(out, text[last:]...), zones
}

// zone is a range of absolute offsets [start, end) in which a later
// redaction pass starts recognizers.
type zone struct{ start, end int }

// Later redaction passes replace only validated identifiers (identity code,
// business ID, IBAN, card), and their recognizers read less than the
// scanner's general bounds: at most rescanAhead bytes from the anchor on (the
// longest is an IBAN of 33 characters with a single space between any two
// after the fourth, and the byte after it: 63 bytes) and at most
// rescanBehind bytes before it (a card that passes the reference check is a
// reference when "viite" or "ref" is in the 40 bytes before it).
// TestValidatedRecognizersReach and FuzzValidatedRecognizersReach check both.
const (
	rescanAhead  = 72
	rescanBehind = 48
)

// zoneAround returns the zone of a replacement at [start, end): every
// position from which a recognizer of a validated type reads a byte of it,
// so every position where a later pass can find a validated identifier the
// replacement uncovered. (The scanner-wide bounds, 384 bytes ahead for
// e-mail domains, made the later passes cost half a full scan on the
// finding-dense corpus; these cost a fifth.)
func zoneAround(start, end int) zone {
	return zone{start - rescanAhead, end + rescanBehind}
}

// scanZones is scan restricted to recognizers anchored inside zones: it
// scans [from, to) of text (text[0] is at absolute offset base; zones are
// absolute, in order) skipping what lies outside every zone, and returns the
// zones not yet passed. A match that ends exactly at a zone's end extends the
// zone by one token, because the number group after it reads differently
// when it follows a match ("glued", see scan). Scanning [from, to) in any
// number of consecutive calls gives the same candidates as one call, which
// keeps RedactReader equal to Redact.
func (s *Scanner) scanZones(text []byte, base int, zones []zone, from, to, prevEnd int, dst []Finding) ([]Finding, []zone, int, int) {
	i := from
	for i < to {
		for len(zones) > 0 && zones[0].end <= base+i {
			if prevEnd == i {
				zones[0].end = base + i + 2
				break
			}
			zones = zones[1:]
		}
		if len(zones) == 0 || zones[0].start-base >= to {
			return dst, zones, to, prevEnd
		}
		i = max(i, zones[0].start-base)
		dst, i, prevEnd = s.scan(text, i, min(to, zones[0].end-base), prevEnd, dst)
	}
	return dst, zones, i, prevEnd
}

// RedactReader copies src to dst with every finding replaced, streaming: it
// writes the same bytes as Redact over the whole input. Each pass is a
// streamer over the output of the pass before (the first reads src, the
// later ones are fed by push), so memory is at most about maxRedactPasses
// windows of 2*chunkSize+maxLookahead+maxLookbehind bytes plus the output
// buffer: about 0.5 MB with the 64 KB chunk, whatever the input size
// (TestStreamingMemoryFlat).
func (r *Redactor) RedactReader(dst io.Writer, src io.Reader) error {
	w := bufio.NewWriterSize(dst, chunkSize)
	write := func(b []byte) error {
		_, err := w.Write(b)
		return err
	}
	// Build the passes from the last to the first; each writes its text and
	// replacements into the next.
	text, replacement := write, write
	later := make([]*streamer, 0, maxRedactPasses-1)
	for range maxRedactPasses - 1 {
		st := &streamer{s: r.s, prevEnd: -1, zoned: true}
		nextText, nextRepl := text, replacement
		var scratch []byte
		st.text = nextText
		st.emit = func(f Finding, value []byte) error {
			if !f.Validated {
				return nextText(value)
			}
			scratch = r.appendReplacement(scratch[:0], f, value)
			return nextRepl(scratch)
		}
		text, replacement = st.write, st.writeReplacement
		later = append(later, st)
	}
	var scratch []byte
	first := &streamer{s: r.s, r: src, prevEnd: -1, text: text}
	first.emit = func(f Finding, value []byte) error {
		scratch = r.appendReplacement(scratch[:0], f, value)
		return replacement(scratch)
	}
	if err := first.run(); err != nil {
		return err
	}
	// later[len-1] is the second pass: close it first so that its last
	// output reaches the third.
	for k := len(later) - 1; k >= 0; k-- {
		if err := later[k].close(); err != nil {
			return err
		}
	}
	return w.Flush()
}

func (r *Redactor) appendReplacement(dst []byte, f Finding, value []byte) []byte {
	op := r.ops[f.Type]
	switch op.Kind {
	case OperatorKeep:
		return append(dst, value...)
	case OperatorMask:
		if op.Tail > 0 {
			return appendMaskTail(dst, value, op.Tail)
		}
		return appendMask(dst, f.Type, value)
	case OperatorHash:
		dst = append(dst, '[')
		dst = append(dst, f.Type...)
		dst = append(dst, ':')
		dst = append(dst, r.Token(f.Type, value)...)
		return append(dst, ']')
	case OperatorEncrypt:
		return append(dst, r.encrypt(f.Type, value)...)
	default:
		dst = append(dst, '[')
		dst = append(dst, f.Type...)
		return append(dst, ']')
	}
}

// Token returns the hash token for a value: the first 16 bytes of
// HMAC-SHA-256 over the type and the normalised value, in hex. Normalisation
// drops spaces and dashes and upper-cases IBANs, cards, identity codes and
// business IDs, and lower-cases e-mail addresses, so that "040 123 4567" and
// "040-1234567" link.
func (r *Redactor) Token(t Type, value []byte) string {
	m := hmac.New(sha256.New, r.hashKey)
	m.Write([]byte(t))
	m.Write([]byte{0})
	m.Write(normalize(t, value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func normalize(t Type, v []byte) []byte {
	out := make([]byte, 0, len(v))
	switch t {
	case TypeEmail:
		for _, b := range v {
			if b-'A' < 26 {
				b += 0x20
			}
			out = append(out, b)
		}
	case TypeSpecialCategory:
		return v
	default:
		for _, b := range v {
			if b == ' ' || b == '-' || b == '(' || b == ')' {
				continue
			}
			out = append(out, upper(b))
		}
	}
	return out
}

const encPrefix = "[enc:"

func (r *Redactor) encrypt(t Type, value []byte) string {
	nonce := make([]byte, r.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	sealed := r.aead.Seal(nonce, nonce, value, []byte(t))
	return encPrefix + string(t) + ":" + base64.RawURLEncoding.EncodeToString(sealed) + "]"
}

// ErrBadToken is returned by Decrypt for a token that is malformed or was not
// made with the key.
var ErrBadToken = errors.New("pii: invalid encrypted token")

// Decrypt reverses an OperatorEncrypt token "[enc:TYPE:…]" made with the same
// key, returning the type and the original value.
func (r *Redactor) Decrypt(token string) (Type, []byte, error) {
	if r.aead == nil {
		return "", nil, ErrKeyRequired
	}
	if !strings.HasPrefix(token, encPrefix) || !strings.HasSuffix(token, "]") {
		return "", nil, ErrBadToken
	}
	t, data, ok := strings.Cut(token[len(encPrefix):len(token)-1], ":")
	if !ok {
		return "", nil, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	ns := r.aead.NonceSize()
	if err != nil || len(raw) < ns {
		return "", nil, ErrBadToken
	}
	v, err := r.aead.Open(nil, raw[:ns], raw[ns:], []byte(t))
	if err != nil {
		return "", nil, ErrBadToken
	}
	return Type(t), v, nil
}

// Mask returns the masked form of a value shown in CLI output and the UI:
// identity code 010190-***X (date and check character kept), card and IBAN
// with the last four characters, phone with the prefix and last two digits,
// e-mail m***@example.fi, IPv4 192.168.*.*, special-category words by their
// first letter.
func Mask(t Type, value []byte) string {
	return string(appendMask(nil, t, value))
}

func appendMask(dst []byte, t Type, v []byte) []byte {
	switch t {
	case TypeIdentityCode:
		if len(v) == 11 {
			dst = append(dst, v[:7]...)
			dst = append(dst, "***"...)
			return append(dst, v[10])
		}
	case TypeBusinessID:
		return appendMaskTail(dst, v, 1)
	case TypePaymentCard, TypeIBAN:
		k := len(dst)
		dst = appendMaskTail(dst, v, 4)
		if t == TypeIBAN && len(v) >= 2 {
			dst[k], dst[k+1] = v[0], v[1]
		}
		return dst
	case TypePhone:
		return appendMaskPhone(dst, v)
	case TypeEmail:
		at := strings.LastIndexByte(string(v), '@')
		if at > 0 {
			dst = append(dst, v[0])
			dst = append(dst, "***"...)
			return append(dst, v[at:]...)
		}
	case TypeIP:
		return appendMaskIP(dst, v)
	case TypeSpecialCategory:
		_, size := utf8.DecodeRune(v)
		dst = append(dst, v[:size]...)
		return append(dst, "***"...)
	}
	return appendMaskTail(dst, v, 0)
}

// appendMaskTail replaces letters and digits with '*' except the last tail of
// them; separators stay, so the shape remains readable.
func appendMaskTail(dst, v []byte, tail int) []byte {
	alnum := 0
	for _, b := range v {
		if isASCIIAlnum(b) {
			alnum++
		}
	}
	seen := 0
	for _, b := range v {
		if isASCIIAlnum(b) {
			seen++
			if seen <= alnum-tail {
				b = '*'
			}
		}
		dst = append(dst, b)
	}
	return dst
}

func appendMaskPhone(dst, v []byte) []byte {
	// Keep the first group (prefix or +country code) and the last two digits.
	keep := 0
	for keep < len(v) && v[keep] != ' ' && v[keep] != '-' {
		keep++
	}
	if keep == len(v) {
		keep = min(3, len(v))
		if v[0] == '+' {
			keep = min(4, len(v))
		}
	}
	k := len(dst)
	dst = appendMaskTail(dst, v, 2)
	copy(dst[k:], v[:keep])
	return dst
}

func appendMaskIP(dst, v []byte) []byte {
	if strings.IndexByte(string(v), ':') >= 0 {
		end := strings.IndexByte(string(v), ':')
		dst = append(dst, v[:end]...)
		return append(dst, ":****"...)
	}
	dots := 0
	for _, b := range v {
		if b == '.' {
			dots++
		}
		if dots >= 2 && b != '.' {
			b = '*'
		}
		dst = append(dst, b)
	}
	return dst
}
