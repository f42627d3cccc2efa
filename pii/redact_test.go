package pii

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii/piitest"
)

func TestMask(t *testing.T) {
	code := h(1, 1, 90, '-', 123)
	cases := []struct {
		name string
		typ  Type
		in   string
		want string
	}{
		{"IdentityCodeKeepsDateAndCheck", TypeIdentityCode, code, code[:7] + "***" + code[10:]},
		{"CardLastFour", TypePaymentCard, "4111 1111 1111 1234", "**** **** **** 1234"},
		{"IBANCountryAndLastFour", TypeIBAN, "FI21 1234 5600 0007 85", "FI** **** **** **07 85"},
		{"PhonePrefixAndLastTwo", TypePhone, "040 123 4567", "040 *** **67"},
		{"PhoneCompact", TypePhone, "0401234567", "040*****67"},
		{"PhoneInternational", TypePhone, "+358 40 123 4567", "+358 ** *** **67"},
		{"EmailFirstLetterAndDomain", TypeEmail, "matti.m@example.fi", "m***@example.fi"},
		{"IPv4FirstTwoOctets", TypeIP, "192.168.1.10", "192.168.*.**"},
		{"IPv6FirstGroup", TypeIP, "2001:db8::1", "2001:****"},
		{"BusinessIDCheckDigit", TypeBusinessID, "0737546-2", "*******-2"},
		{"SpecialFirstLetter", TypeSpecialCategory, "äidinkieli", "ä***"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Mask(tc.typ, []byte(tc.in)); got != tc.want {
				t.Errorf("Mask(%s, %q) = %q, want %q", tc.typ, tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactorOperators(t *testing.T) {
	code := h(1, 1, 90, '-', 123)
	text := []byte("hetu " + code + ", puh 040 123 4567, posti a.b@example.fi, kortti 4111 1111 1111 1111.")
	key := []byte("synthetic test key")

	t.Run("RedactByDefault", func(t *testing.T) {
		r, err := NewRedactor(nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, fs := r.Redact(text)
		want := "hetu [fi_personal_identity_code], puh [phone_number], posti [email_address], kortti [payment_card]."
		if string(out) != want || len(fs) != 4 {
			t.Errorf("got %q (%d findings), want %q", out, len(fs), want)
		}
	})
	t.Run("MaskWithTail", func(t *testing.T) {
		r, _ := NewRedactor(nil, map[Type]Operator{TypePaymentCard: {Kind: OperatorMask, Tail: 2}, TypeIdentityCode: {Kind: OperatorMask}}, nil)
		out, _ := r.Redact(text)
		if !bytes.Contains(out, []byte("**** **** **** **11")) || !bytes.Contains(out, []byte(code[:7]+"***"+code[10:])) {
			t.Errorf("got %q", out)
		}
	})
	t.Run("KeepLeavesValue", func(t *testing.T) {
		r, _ := NewRedactor(nil, map[Type]Operator{TypePhone: {Kind: OperatorKeep}}, nil)
		out, _ := r.Redact(text)
		if !bytes.Contains(out, []byte("040 123 4567")) {
			t.Errorf("got %q", out)
		}
	})
	t.Run("HashIsStableAndLinksForms", func(t *testing.T) {
		r, _ := NewRedactor(nil, map[Type]Operator{TypePhone: {Kind: OperatorHash}}, key)
		a, _ := r.Redact([]byte("puh 040 123 4567"))
		b, _ := r.Redact([]byte("puh 040-1234567"))
		c, _ := r.Redact([]byte("puh 040 123 4568"))
		if string(a) != string(b) || string(a) == string(c) || !strings.HasPrefix(string(a), "puh [phone_number:") {
			t.Errorf("got %q, %q, %q", a, b, c)
		}
		other, _ := NewRedactor(nil, map[Type]Operator{TypePhone: {Kind: OperatorHash}}, []byte("another key"))
		if d, _ := other.Redact([]byte("puh 040 123 4567")); string(d) == string(a) {
			t.Errorf("different keys gave the same token %q", d)
		}
	})
	t.Run("EncryptRoundTrip", func(t *testing.T) {
		r, _ := NewRedactor(nil, map[Type]Operator{TypeIdentityCode: {Kind: OperatorEncrypt}}, key)
		out, fs := r.Redact(text)
		if bytes.Contains(out, []byte(code)) || len(fs) != 4 {
			t.Fatalf("identity code still visible: %q", out)
		}
		start := bytes.Index(out, []byte(encPrefix))
		end := bytes.IndexByte(out[start:], ']') + start + 1
		typ, v, err := r.Decrypt(string(out[start:end]))
		if err != nil || typ != TypeIdentityCode || string(v) != code {
			t.Errorf("Decrypt = %s, %q, %v; want %s, %q", typ, v, err, TypeIdentityCode, code)
		}
		other, _ := NewRedactor(nil, map[Type]Operator{TypeIdentityCode: {Kind: OperatorEncrypt}}, []byte("wrong key"))
		if _, _, err := other.Decrypt(string(out[start:end])); err != ErrBadToken {
			t.Errorf("Decrypt with wrong key: err = %v, want ErrBadToken", err)
		}
	})
	t.Run("ErrKeyRequired", func(t *testing.T) {
		if _, err := NewRedactor(nil, map[Type]Operator{TypeEmail: {Kind: OperatorHash}}, nil); err != ErrKeyRequired {
			t.Errorf("err = %v, want ErrKeyRequired", err)
		}
	})
}

func TestParseOperator(t *testing.T) {
	for in, want := range map[string]Operator{
		"redact": {Kind: OperatorRedact}, "mask": {Kind: OperatorMask}, "mask:4": {Kind: OperatorMask, Tail: 4},
		"hash": {Kind: OperatorHash}, "encrypt": {Kind: OperatorEncrypt}, "keep": {Kind: OperatorKeep},
	} {
		if got, err := ParseOperator(in); err != nil || got != want {
			t.Errorf("ParseOperator(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "delete", "hash:3", "mask:x", "mask:-1"} {
		if _, err := ParseOperator(in); err == nil {
			t.Errorf("ParseOperator(%q): want error", in)
		}
	}
}

// validatedMatchers are the recognizers of the validated types, called
// where scan calls them (a word start of the right shape, see atNumber and
// atWord); each returns the end of the match or -1.
var validatedMatchers = []struct {
	name  string
	match func(text []byte, i int) int
}{
	{"HETU", func(t []byte, i int) int {
		if n, next, ok := numberAt(t, i); !ok || !(n == 6 && (next == '-' || next == '+') || n == 11) {
			return -1
		}
		if end, _, ok := matchHETU(t, i); ok {
			return end
		}
		return -1
	}},
	{"BusinessID", func(t []byte, i int) int {
		if n, next, ok := numberAt(t, i); !ok || n != 7 || next != '-' {
			return -1
		}
		if end, ok := matchBusinessID(t, i); ok {
			return end
		}
		return -1
	}},
	{"Card", func(t []byte, i int) int {
		if n, _, ok := numberAt(t, i); !ok || !(n == 4 || n >= 13 && n <= 19) {
			return -1
		}
		if end, ok := matchCard(t, i); ok {
			return end
		}
		return -1
	}},
	{"IBAN", func(t []byte, i int) int {
		if !ibanShapeAt(t, i) {
			return -1
		}
		if end, ok := matchIBAN(t, i); ok {
			return end
		}
		return -1
	}},
	{"VAT", func(t []byte, i int) int {
		if !ibanShapeAt(t, i) || skipWord(t, i)-i != 10 {
			return -1
		}
		if end, ok := matchVAT(t, i); ok {
			return end
		}
		return -1
	}},
}

// wordStartAt reports whether scan starts recognizers at text[i].
func wordStartAt(t []byte, i int) bool {
	return wordByte[t[i]] && !(i > 0 && wordByte[t[i-1]] && isWordBefore(t, i))
}

// numberAt returns the length of the alphanumeric run at a number start i
// and the byte after it.
func numberAt(t []byte, i int) (n int, next byte, ok bool) {
	if !isDigit(t[i]) || !wordStartAt(t, i) {
		return 0, 0, false
	}
	end := skipWord(t, i)
	if end < len(t) {
		next = t[end]
	}
	return end - i, next, true
}

// ibanShapeAt reports whether atWord tries an IBAN at i: letter, letter,
// digit, digit.
func ibanShapeAt(t []byte, i int) bool {
	return i+4 <= len(t) && isASCIILetter(t[i]) && wordStartAt(t, i) && skipWord(t, i)-i >= 4 &&
		isASCIILetter(t[i+1]) && isDigit(t[i+2]) && isDigit(t[i+3])
}

// checkValidatedReach fails when a validated recognizer at some position of
// text gives a different result on text cut to rescanBehind bytes before
// the position and rescanAhead bytes from it: later redaction passes rescan
// only that far around a replacement (zoneAround).
func checkValidatedReach(t *testing.T, text []byte) {
	t.Helper()
	for i := range text {
		lo, hi := max(0, i-rescanBehind), min(len(text), i+rescanAhead)
		for _, m := range validatedMatchers {
			want := m.match(text, i)
			got := m.match(text[lo:hi], i-lo)
			if got >= 0 {
				got += lo
			}
			if got != want {
				t.Fatalf("%s at %d of %q: %d on the whole text, %d within the rescan bounds", m.name, i, text, want, got)
			}
		}
	}
}

// Rule: the recognizers of validated types read no further than the bounds
// later redaction passes rescan, on the longest forms they accept.
func TestValidatedRecognizersReach(t *testing.T) {
	r := piitest.NewRand(5)
	spaced := func(s string) string { // a space between any two characters after the fourth
		return s[:4] + " " + strings.Join(strings.Split(s[4:], ""), " ")
	}
	ru := longestIBAN(r)
	ref := cardReference()
	cases := []struct {
		name, text string
		typ        Type // a finding of this type must be in text; "" for none
	}{
		{"IBANSpacedEverywhere", "tili " + spaced(ru) + " kiitos", TypeIBAN},
		{"IBANSpacedRunsOn", spaced(ru) + "0", ""},
		{"CardSixGroups", "kortti 4111 111 111 111 111 1111 9 x", ""},
		{"CardThenLongRun", "4111 1111 1111 1111 0000000 x", ""},
		{"ReferenceWord40BytesBefore", "viite " + strings.Repeat("x", 33) + " " + ref, ""},
		{"CardWithoutReferenceWord", "viite " + strings.Repeat("x", 34) + " " + ref, TypePaymentCard},
		{"Corpus", func() string { c, _ := piitest.Corpus(15, 20000); return c }(), TypeIBAN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.typ != "" && !slices.ContainsFunc(New().Scan([]byte(c.text)), func(f Finding) bool { return f.Type == c.typ }) {
				t.Fatalf("no %s found: the case does not test the recognizer", c.typ)
			}
			checkValidatedReach(t, []byte(c.text))
		})
	}
}

// longestIBAN returns a valid compact IBAN of the longest registered length
// (Russia, 33 characters).
func longestIBAN(r *rand.Rand) string {
	bban := make([]byte, IBANLength("RU")-4)
	for k := range bban {
		bban[k] = byte('0' + r.IntN(10))
	}
	for cd := 2; cd < 100; cd++ {
		s := fmt.Sprintf("RU%02d%s", cd, bban)
		if ibanValid([]byte(s)) {
			return s
		}
	}
	panic("no check digits")
}

// cardReference returns a compact card number that also passes the
// reference-number check, so a "viite" before it decides what it is.
func cardReference() string {
	for n := 4111111111110000; ; n++ {
		s := strconv.Itoa(n)
		d := []byte(s)
		for k := range d {
			d[k] -= '0'
		}
		if cardValid(d) && refCheck731(d) {
			return s
		}
	}
}

func FuzzValidatedRecognizersReach(f *testing.F) {
	f.Add([]byte("tili FI21 1234 5600 0007 85, kortti 4111 1111 1111 1111, Y 0737546-2 FI07375462"))
	f.Add([]byte("ref 4111111111111111 " + h(1, 1, 90, '-', 123)))
	for _, text := range fuzzSeeds(f, "FuzzScan") {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if len(text) > 512 {
			text = text[:512]
		}
		checkValidatedReach(t, text)
	})
}
