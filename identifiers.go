package kirjaamo

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
)

// Identifier validation for the fields of a subject. The PII scanner (pii/)
// finds these identifiers inside free text; these functions check one value
// that a client put in a named field, and say precisely what is wrong.

const hetuCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// ParseIdentityCode validates a Finnish personal identity code (henkilötunnus)
// DDMMYYCZZZQ and returns it upper-cased with its birth date. Century signs
// follow the 2023 reform: + (1800s); - Y X W V U (1900s); A B C D E F (2000s).
// The individual number must be 002–899, or 900–999 for temporary codes.
// The returned error never quotes the value.
func ParseIdentityCode(s string) (code string, birth time.Time, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 11 {
		return "", time.Time{}, FieldError("identity_code", "identity code must be 11 characters (DDMMYYCZZZQ)")
	}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return "", time.Time{}, FieldError("identity_code", "identity code must have digits in positions 1–6 and 8–10")
		}
	}
	var century int
	switch s[6] {
	case '+':
		century = 1800
	case '-', 'Y', 'X', 'W', 'V', 'U':
		century = 1900
	case 'A', 'B', 'C', 'D', 'E', 'F':
		century = 2000
	default:
		return "", time.Time{}, FieldError("identity_code", "identity code has an unknown century sign")
	}
	num := func(a, b int) int { return int(s[a]-'0')*10 + int(s[b]-'0') }
	dd, mm, yy := num(0, 1), num(2, 3), num(4, 5)
	year := century + yy
	birth = time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if mm < 1 || mm > 12 || dd < 1 || birth.Day() != dd || int(birth.Month()) != mm {
		return "", time.Time{}, FieldError("identity_code", "identity code contains a date that does not exist")
	}
	ind := int(s[7]-'0')*100 + num(8, 9)
	if ind < 2 {
		return "", time.Time{}, FieldError("identity_code", "identity code individual number must be 002–999")
	}
	n := dd*10000000 + mm*100000 + yy*1000 + ind
	if hetuCheck[n%31] != s[10] {
		return "", time.Time{}, FieldError("identity_code", "identity code check character is wrong")
	}
	return s, birth, nil
}

// MaskIdentityCode returns the on-screen form of a valid identity code:
// birth date and century sign kept, individual number hidden, check
// character kept (010190-***X), so an agent can confirm a code read out by
// the caller without the screen showing it whole.
func MaskIdentityCode(code string) string {
	if len(code) != 11 {
		return "***********"
	}
	return code[:7] + "***" + code[10:]
}

// ValidBusinessID validates a Finnish business ID (Y-tunnus) NNNNNNN-C and
// returns it normalised. Weights 7,9,10,5,8,4,2; r = sum mod 11; r = 0 gives
// check 0, r = 1 is never valid, otherwise 11 − r. Old six-digit forms are
// zero-padded.
func ValidBusinessID(s string) (string, error) {
	s = strings.TrimSpace(s)
	dash := strings.IndexByte(s, '-')
	if dash == 6 {
		s = "0" + s
		dash = 7
	}
	if len(s) != 9 || dash != 7 {
		return "", FieldError("business_id", "business ID must have the form NNNNNNN-C")
	}
	weights := [7]int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", FieldError("business_id", "business ID must have the form NNNNNNN-C")
		}
		sum += int(s[i]-'0') * weights[i]
	}
	r := sum % 11
	want := 0
	switch {
	case r == 1:
		return "", FieldError("business_id", "business ID check digit is wrong")
	case r > 1:
		want = 11 - r
	}
	if s[8] != byte('0'+want) {
		return "", FieldError("business_id", "business ID check digit is wrong")
	}
	return s, nil
}

// NormalizeEmail validates an e-mail address and returns it lower-cased.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", FieldError(field, "not a valid e-mail address")
	}
	return strings.ToLower(s), nil
}

// NormalizePhone validates a telephone number and returns it in E.164 form.
// Finnish national numbers (leading 0) become +358…; international numbers
// must start with + or 00. Spaces, dashes and parentheses are ignored.
func NormalizePhone(field, s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", FieldError(field, "phone number may contain only digits, spaces, dashes, parentheses and a leading +")
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+"):
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	case strings.HasPrefix(n, "0"):
		n = "+358" + n[1:]
	default:
		return "", FieldError(field, "phone number must start with 0 (Finnish) or + and a country code")
	}
	if len(n) < 8 || len(n) > 16 || n[1] == '0' {
		return "", FieldError(field, "phone number has the wrong number of digits")
	}
	return n, nil
}

// normalizeText is the comparison form of names and addresses for the blind
// index: case-folded, with runs of white space collapsed.
func normalizeText(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}
