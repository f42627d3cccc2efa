package pii

// hetuCheckChars maps DDMMYYZZZ mod 31 to the identity-code check character.
const hetuCheckChars = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// hetuCentury returns the century of an identity-code century sign, or 0.
// Since the 2023 reform the 1900s also use Y X W V U and the 2000s B–F.
// Lower-case letters are accepted because chat users type them.
func hetuCentury(c byte) int {
	switch c {
	case '+':
		return 1800
	case '-', 'Y', 'X', 'W', 'V', 'U', 'y', 'x', 'w', 'v', 'u':
		return 1900
	case 'A', 'B', 'C', 'D', 'E', 'F', 'a', 'b', 'c', 'd', 'e', 'f':
		return 2000
	}
	return 0
}

func digits(text []byte, i, k int) (int, bool) {
	v := 0
	for j := i; j < i+k; j++ {
		d := text[j] - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int(d)
	}
	return v, true
}

func daysIn(month, year int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 0
}

// matchHETU matches a personal identity code DDMMYYCZZZQ at text[i]. It
// returns the end, whether the individual number is temporary (900–999), and
// whether the code is valid: existing date in the century of the sign,
// individual number 002–999, matching check character.
func matchHETU(text []byte, i int) (end int, temporary, ok bool) {
	if len(text)-i < 11 {
		return
	}
	date, ok1 := digits(text, i, 6)
	century := hetuCentury(text[i+6])
	if !ok1 || century == 0 {
		return
	}
	ind, ok2 := digits(text, i+7, 3)
	if !ok2 || ind < 2 {
		return
	}
	end = i + 11
	if !boundaryAfter(text, end) {
		return 0, false, false
	}
	dd, mm, yy := date/10000, date/100%100, date%100
	if dd < 1 || dd > daysIn(mm, century+yy) {
		return 0, false, false
	}
	if upper(text[i+10]) != hetuCheckChars[(date*1000+ind)%31] {
		return 0, false, false
	}
	return end, ind >= 900, true
}

// businessIDCheck returns the check digit of the 7-digit Y-tunnus body, or -1
// when no check digit exists (remainder 1).
func businessIDCheck(body int) int {
	weights := [7]int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := 6; k >= 0; k-- {
		sum += body % 10 * weights[k]
		body /= 10
	}
	switch r := sum % 11; r {
	case 0:
		return 0
	case 1:
		return -1
	default:
		return 11 - r
	}
}

// matchBusinessID matches a Y-tunnus NNNNNNN-C at text[i].
func matchBusinessID(text []byte, i int) (int, bool) {
	if len(text)-i < 9 || text[i+7] != '-' {
		return 0, false
	}
	body, ok := digits(text, i, 7)
	if !ok || !isDigit(text[i+8]) || !boundaryAfter(text, i+9) {
		return 0, false
	}
	if businessIDCheck(body) != int(text[i+8]-'0') {
		return 0, false
	}
	return i + 9, true
}

// matchVAT matches the Finnish VAT number FI + 8 digits (the Y-tunnus without
// its dash) at text[i].
func matchVAT(text []byte, i int) (int, bool) {
	if len(text)-i < 10 || upper(text[i]) != 'F' || upper(text[i+1]) != 'I' {
		return 0, false
	}
	v, ok := digits(text, i+2, 8)
	if !ok || !boundaryAfter(text, i+10) {
		return 0, false
	}
	if businessIDCheck(v/10) != v%10 {
		return 0, false
	}
	return i + 10, true
}

// ibanLengths is the IBAN length per country code (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16,
	"BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22,
	"CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20,
	"EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22,
	"GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21,
	"HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30,
	"KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
	"PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26,
	"UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// ibanLen is ibanLengths as a 26×26 table for the hot path.
var ibanLen [26 * 26]uint8

func init() {
	for cc, l := range ibanLengths {
		ibanLen[int(cc[0]-'A')*26+int(cc[1]-'A')] = uint8(l)
	}
}

// IBANLength returns the IBAN length for an upper-case country code, or 0 when
// the country does not use IBAN. RF (creditor reference) is not a country.
func IBANLength(cc string) int { return ibanLengths[cc] }

// matchIBAN matches an IBAN at text[i], compact or grouped with single spaces
// after the check digits, in any case, with the country's length and mod-97 check.
func matchIBAN(text []byte, i int) (int, bool) {
	a, b := upper(text[i])-'A', upper(text[i+1])-'A'
	if a >= 26 || b >= 26 {
		return 0, false
	}
	l := int(ibanLen[int(a)*26+int(b)])
	if l == 0 {
		return 0, false
	}
	var buf [34]byte
	n := len(text)
	j, count := i, 0
	for count < l {
		if j >= n {
			return 0, false
		}
		c := text[j]
		if isASCIIAlnum(c) {
			buf[count] = upper(c)
			count++
			j++
			continue
		}
		// Groups are normally of four, but any single space between
		// characters is accepted: the length and mod 97 still have to hold.
		if c == ' ' && count >= 4 && j+1 < n && isASCIIAlnum(text[j+1]) && text[j-1] != ' ' {
			j++
			continue
		}
		return 0, false
	}
	if !boundaryAfter(text, j) || !ibanValid(buf[:l]) {
		return 0, false
	}
	return j, true
}

// ibanValid checks the mod-97 rule on a compact upper-case IBAN.
func ibanValid(s []byte) bool {
	r := 0
	for k := 0; k < len(s); k++ {
		c := s[(k+4)%len(s)]
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return r == 1
}
