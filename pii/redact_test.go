package pii

import (
	"bytes"
	"strings"
	"testing"
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
