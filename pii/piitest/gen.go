// Package piitest generates synthetic personal data for tests: identifiers with
// correct check characters (so no real person's data is ever needed in a test),
// decoys that look like identifiers but are not, and an annotated corpus of
// Finnish, Swedish and English customer-service text with ground-truth spans.
//
// It computes check characters independently of package pii so that tests
// cross-check the scanner rather than repeat it.
package piitest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// NewRand returns a deterministic generator for seed.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed*0x9E3779B97F4A7C15+1))
}

const hetuChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// HETUCheck returns the check character of a personal identity code for the
// date DDMMYY and individual number.
func HETUCheck(ddmmyy string, individual int) byte {
	n := 0
	for _, c := range ddmmyy {
		n = n*10 + int(c-'0')
	}
	return hetuChecks[(n*1000+individual)%31]
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func monthDays(m, y int) int {
	switch m {
	case 2:
		if leap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// HETUFor builds an identity code with a correct check character; it does not
// check the date.
func HETUFor(d, m, yy int, sign byte, individual int) string {
	date := fmt.Sprintf("%02d%02d%02d", d, m, yy)
	return fmt.Sprintf("%s%c%03d%c", date, sign, individual, HETUCheck(date, individual))
}

// HETU returns a valid identity code with individual number 002–899 and a
// century sign drawn from all signs in use since the 2023 reform.
func HETU(r *rand.Rand) string {
	return hetu(r, 2+r.IntN(898))
}

// TemporaryHETU returns a valid identity code with individual number 900–999.
func TemporaryHETU(r *rand.Rand) string {
	return hetu(r, 900+r.IntN(100))
}

func hetu(r *rand.Rand, individual int) string {
	signs := "--------YXWVU+AAAABCDEF"
	sign := signs[r.IntN(len(signs))]
	century := 1900
	switch {
	case sign == '+':
		century = 1800
	case sign >= 'A' && sign <= 'F':
		century = 2000
	}
	yy := r.IntN(100)
	if century == 2000 {
		yy = r.IntN(25)
	}
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(monthDays(m, century+yy))
	return HETUFor(d, m, yy, sign, individual)
}

// HETUBadCheck returns a valid-looking identity code whose check character is
// wrong.
func HETUBadCheck(r *rand.Rand) string {
	h := []byte(HETU(r))
	good := h[10]
	for h[10] == good {
		h[10] = hetuChecks[r.IntN(len(hetuChecks))]
	}
	return string(h)
}

// HETUBadDate returns an identity code with a correct check character for a
// date that does not exist in its century: 29 February in a common year,
// 31st of a 30-day month, day 00 or month 13.
func HETUBadDate(r *rand.Rand) string {
	ind := 2 + r.IntN(898)
	switch r.IntN(4) {
	case 0:
		yy := 1 + r.IntN(98)
		for leap(1900 + yy) {
			yy = 1 + r.IntN(98)
		}
		return HETUFor(29, 2, yy, '-', ind)
	case 1:
		return HETUFor(31, []int{4, 6, 9, 11}[r.IntN(4)], r.IntN(100), '-', ind)
	case 2:
		return HETUFor(0, 1+r.IntN(12), r.IntN(100), '-', ind)
	default:
		return HETUFor(1+r.IntN(28), 13+r.IntN(87), r.IntN(100), 'A', ind)
	}
}

// HETUBadIndividual returns a code with individual number 000 or 001 and a
// correct check character.
func HETUBadIndividual(r *rand.Rand) string {
	m := 1 + r.IntN(12)
	return HETUFor(1+r.IntN(28), m, r.IntN(100), '-', r.IntN(2))
}

// BusinessIDCheck returns the Y-tunnus check digit for a 7-digit body, or -1
// when the body has none (remainder 1).
func BusinessIDCheck(body string) int {
	w := []int{7, 9, 10, 5, 8, 4, 2}
	s := 0
	for k, c := range body {
		s += int(c-'0') * w[k]
	}
	switch r := s % 11; r {
	case 0:
		return 0
	case 1:
		return -1
	default:
		return 11 - r
	}
}

func businessBody(r *rand.Rand) (string, int) {
	for {
		body := fmt.Sprintf("%07d", r.IntN(10_000_000))
		if c := BusinessIDCheck(body); c >= 0 {
			return body, c
		}
	}
}

// BusinessID returns a valid Y-tunnus NNNNNNN-C.
func BusinessID(r *rand.Rand) string {
	b, c := businessBody(r)
	return fmt.Sprintf("%s-%d", b, c)
}

// VATNumber returns a valid Finnish VAT number FI + 8 digits.
func VATNumber(r *rand.Rand) string {
	b, c := businessBody(r)
	return fmt.Sprintf("FI%s%d", b, c)
}

// BusinessIDBad returns a Y-tunnus with a wrong check digit.
func BusinessIDBad(r *rand.Rand) string {
	b, c := businessBody(r)
	return fmt.Sprintf("%s-%d", b, (c+1+r.IntN(9))%10)
}

// mod97 computes the ISO 7064 mod 97-10 remainder of an alphanumeric string.
func mod97(s string) int {
	m := 0
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			m = (m*100 + int(c-'A') + 10) % 97
		} else {
			m = (m*10 + int(c-'0')) % 97
		}
	}
	return m
}

// ibanBBAN describes the BBAN of a few countries: 'n' digit, 'a' letter, 'c'
// alphanumeric.
var ibanBBAN = map[string]string{
	"FI": "nnnnnnnnnnnnnn", "SE": "nnnnnnnnnnnnnnnnnnnn", "DE": "nnnnnnnnnnnnnnnnnn",
	"GB": "aaaannnnnnnnnnnnnn", "NO": "nnnnnnnnnnn", "EE": "nnnnnnnnnnnnnnnn",
	"FR": "nnnnnnnnnnccccccccccnnn", "DK": "nnnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn",
	"ES": "nnnnnnnnnnnnnnnnnnnn", "PL": "nnnnnnnnnnnnnnnnnnnnnnnn", "LT": "nnnnnnnnnnnnnnnn",
}

// IBANCountries lists the countries IBAN can generate.
var IBANCountries = []string{"FI", "FI", "FI", "FI", "SE", "DE", "GB", "NO", "EE", "FR", "DK", "NL", "ES", "PL", "LT"}

// IBANCompact returns a valid compact IBAN for country.
func IBANCompact(r *rand.Rand, country string) string {
	var b strings.Builder
	for _, k := range ibanBBAN[country] {
		switch k {
		case 'n':
			b.WriteByte(byte('0' + r.IntN(10)))
		case 'a':
			b.WriteByte(byte('A' + r.IntN(26)))
		default:
			if r.IntN(2) == 0 {
				b.WriteByte(byte('0' + r.IntN(10)))
			} else {
				b.WriteByte(byte('A' + r.IntN(26)))
			}
		}
	}
	bban := b.String()
	check := 98 - mod97(bban+country+"00")
	return fmt.Sprintf("%s%02d%s", country, check, bban)
}

// Group4 inserts a space after every four characters.
func Group4(s string) string {
	var b strings.Builder
	for k := 0; k < len(s); k++ {
		if k > 0 && k%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(s[k])
	}
	return b.String()
}

// IBAN returns a valid IBAN in a random country, grouped or compact,
// sometimes in lower case.
func IBAN(r *rand.Rand) string {
	s := IBANCompact(r, IBANCountries[r.IntN(len(IBANCountries))])
	if r.IntN(3) > 0 {
		s = Group4(s)
	}
	if r.IntN(10) == 0 {
		s = strings.ToLower(s)
	}
	return s
}

// IBANBad returns an IBAN whose check digits are wrong.
func IBANBad(r *rand.Rand) string {
	s := []byte(IBANCompact(r, "FI"))
	c := int(s[2]-'0')*10 + int(s[3]-'0')
	c = (c+1+r.IntN(90))%97 + 2
	if c > 98 {
		c = 2
	}
	s[2], s[3] = byte('0'+c/10), byte('0'+c%10)
	return Group4(string(s))
}

// CreditorReference returns an ISO 11649 RF creditor reference, grouped by
// four like an IBAN; it passes mod 97 but is not an IBAN.
func CreditorReference(r *rand.Rand) string {
	ref := fmt.Sprintf("%d", 1000+r.IntN(1_000_000_000))
	check := 98 - mod97(ref+"RF00")
	return Group4(fmt.Sprintf("RF%02d%s", check, ref))
}

// ReferenceCheck returns the Finnish 7-3-1 reference-number check digit.
func ReferenceCheck(base string) int {
	w := []int{7, 3, 1}
	s := 0
	for k := 0; k < len(base); k++ {
		s += int(base[len(base)-1-k]-'0') * w[k%3]
	}
	return (10 - s%10) % 10
}

// Viitenumero returns a Finnish reference number of 13–19 digits printed in
// groups of five from the right, like on a giro slip.
func Viitenumero(r *rand.Rand) string {
	l := 12 + r.IntN(7)
	var b strings.Builder
	b.WriteByte(byte('1' + r.IntN(9)))
	for b.Len() < l {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	s := b.String()
	s += fmt.Sprint(ReferenceCheck(s))
	var out []string
	for len(s) > 5 {
		out = append([]string{s[len(s)-5:]}, out...)
		s = s[:len(s)-5]
	}
	out = append([]string{s}, out...)
	return strings.Join(out, " ")
}

func luhnComplete(prefix string, length int, r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < length-1 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	s := b.String()
	sum := 0
	for k := 0; k < len(s); k++ {
		d := int(s[len(s)-1-k] - '0')
		if k%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

// CardCompact returns a valid card number (Visa, Mastercard, Amex, Discover,
// JCB, Maestro) without separators.
func CardCompact(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0, 1, 2:
		return luhnComplete("4", 16, r)
	case 3:
		return luhnComplete(fmt.Sprint(51+r.IntN(5)), 16, r)
	case 4:
		return luhnComplete(fmt.Sprint(2221+r.IntN(500)), 16, r)
	case 5:
		return luhnComplete([]string{"34", "37"}[r.IntN(2)], 15, r)
	case 6:
		return luhnComplete("6011", 16, r)
	default:
		return luhnComplete(fmt.Sprint(3528+r.IntN(62)), 16, r)
	}
}

// FormatCard groups a card number the way it is printed: 4-6-5 for 15 digits,
// fours otherwise, with spaces or dashes, or compact.
func FormatCard(r *rand.Rand, s string) string {
	sep := []string{" ", " ", "-", ""}[r.IntN(4)]
	if sep == "" {
		return s
	}
	if len(s) == 15 {
		return s[:4] + sep + s[4:10] + sep + s[10:]
	}
	var parts []string
	for k := 0; k < len(s); k += 4 {
		parts = append(parts, s[k:min(k+4, len(s))])
	}
	return strings.Join(parts, sep)
}

// Card returns a valid, formatted card number.
func Card(r *rand.Rand) string { return FormatCard(r, CardCompact(r)) }

// CardBadLuhn returns a 16-digit Visa-prefixed number failing the Luhn check.
func CardBadLuhn(r *rand.Rand) string {
	s := []byte(luhnComplete("4", 16, r))
	s[15] = byte('0' + (int(s[15]-'0')+1+r.IntN(9))%10)
	return FormatCard(r, string(s))
}

func digitsN(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for k := range b {
		b[k] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// Phone returns a Finnish or international phone number in one of the
// common written forms.
func Phone(r *rand.Rand) string {
	mob := []string{"40", "41", "44", "45", "46", "50", "42", "43"}[r.IntN(8)]
	sub := digitsN(r, 7)
	switch r.IntN(20) {
	case 19:
		return "0" + mob + "/" + sub[:3] + " " + sub[3:]
	case 16:
		return "(0" + []string{"9", "2", "3", "40", "50"}[r.IntN(5)] + ") " + digitsN(r, 3) + " " + digitsN(r, 4)
	case 17:
		return "+46 70 " + digitsN(r, 3) + " " + digitsN(r, 2) + " " + digitsN(r, 2)
	case 18:
		return "+1 (" + fmt.Sprint(201+r.IntN(700)) + ") " + digitsN(r, 3) + "-" + digitsN(r, 4)
	case 0, 1:
		return "0" + mob + " " + sub[:3] + " " + sub[3:]
	case 2:
		return "0" + mob + sub
	case 3:
		return "0" + mob + "-" + sub
	case 4:
		return "+358 " + mob + " " + sub[:3] + " " + sub[3:]
	case 5:
		return "+358" + mob + sub
	case 6:
		return "+358-" + mob + "-" + sub[:3] + " " + sub[3:]
	case 7:
		return "09 " + digitsN(r, 3) + " " + digitsN(r, 4)
	case 8:
		return "029 " + digitsN(r, 2) + " " + digitsN(r, 5)
	case 9:
		return "0295 " + digitsN(r, 3) + " " + digitsN(r, 3)
	case 10:
		return "0" + []string{"2", "3", "5", "6", "8", "13", "14", "17", "19"}[r.IntN(9)] + " " + digitsN(r, 3) + " " + digitsN(r, 4)
	case 11:
		return "+358 (0)" + mob + " " + sub[:3] + " " + sub[3:]
	case 12:
		return "00358 " + mob + " " + sub[:3] + " " + sub[3:]
	case 13:
		return []string{"+46 8 ", "+44 20 ", "+49 30 ", "+372 5", "+1 202 "}[r.IntN(5)] + digitsN(r, 3) + " " + digitsN(r, 4)
	case 14:
		return "0" + mob + " " + sub[:4] + " " + sub[4:]
	default:
		return "010 " + digitsN(r, 3) + " " + digitsN(r, 4)
	}
}

var (
	firstNames = []string{"matti", "maija", "anna", "juha", "liisa", "erik", "sofia", "john", "emma", "antti", "sanna", "olli", "karin", "lars", "mika", "tiina", "pekka", "aino"}
	lastNames  = []string{"virtanen", "korhonen", "nieminen", "makinen", "smith", "lindqvist", "heikkinen", "koskinen", "johansson", "laine", "jarvinen", "lehtonen"}
	domains    = []string{"example.fi", "example.com", "esimerkki.fi", "mail.example.org", "posti.example.net", "yritys.example.fi", "example.se"}
)

// Email returns a synthetic e-mail address under example domains.
func Email(r *rand.Rand) string {
	f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	d := domains[r.IntN(len(domains))]
	switch r.IntN(5) {
	case 0:
		return f + "." + l + "@" + d
	case 1:
		return f + l + fmt.Sprint(r.IntN(100)) + "@" + d
	case 2:
		return f[:1] + "." + l + "@" + d
	case 3:
		return f + "_" + l + "+asiakas@" + d
	default:
		return strings.ToUpper(f[:1]) + f[1:] + "." + strings.ToUpper(l[:1]) + l[1:] + "@" + d
	}
}

// IPv4 returns a dotted-quad address.
func IPv4(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

// IPv6 returns a full or compressed IPv6 address.
func IPv6(r *rand.Rand) string {
	g := make([]string, 8)
	for k := range g {
		g[k] = fmt.Sprintf("%x", r.IntN(65536))
	}
	switch r.IntN(3) {
	case 0:
		return strings.Join(g, ":")
	case 1:
		return "2001:db8:" + g[2] + "::" + g[7]
	default:
		return "fe80::" + g[5] + ":" + g[6] + ":" + g[7]
	}
}
