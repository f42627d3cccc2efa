package pii

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii/piitest"
)

// h builds a synthetic identity code with a computed check character.
func h(d, m, yy int, sign byte, ind int) string { return piitest.HETUFor(d, m, yy, sign, ind) }

// badCheck returns code with its check character replaced by a wrong one.
func badCheck(code string) string {
	c := code[10]
	for _, r := range "0123456789ABCDEFHJKLMNPRSTUVWXY" {
		if byte(r) != c {
			return code[:10] + string(r)
		}
	}
	return code
}

type scanCase struct {
	name string
	text string
	want []string // "type=value", in order; nil means no finding
}

func describe(text string, fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s=%s", f.Type, text[f.Start:f.End]))
	}
	return out
}

func runCases(t *testing.T, s *Scanner, cases []scanCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := describe(tc.text, s.Scan([]byte(tc.text)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Scan(%q)\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

func one(typ Type, v string) []string { return []string{string(typ) + "=" + v} }

func TestIdentityCode(t *testing.T) {
	s := New(WithTypes(TypeIdentityCode))
	id := func(v string) []string { return one(TypeIdentityCode, v) }
	c1900 := h(1, 1, 90, '-', 123)
	var cases []scanCase
	// Rule: every century sign of the 2023 reform is accepted with a date
	// that exists in its century.
	for _, sign := range "-YXWVU" {
		v := h(15, 6, 85, byte(sign), 234)
		cases = append(cases, scanCase{"CenturySign1900_" + string(sign), "tunnus " + v + " ok", id(v)})
	}
	for _, sign := range "ABCDEF" {
		v := h(3, 3, 12, byte(sign), 456)
		cases = append(cases, scanCase{"CenturySign2000_" + string(sign), "tunnus " + v + ".", id(v)})
	}
	cases = append(cases,
		scanCase{"CenturySign1800Plus", "syntynyt " + h(31, 12, 99, '+', 789) + ".", id(h(31, 12, 99, '+', 789))},
		// Rule: 29 February exists only in leap years of the sign's century.
		scanCase{"LeapDay2024", h(29, 2, 24, 'A', 345), id(h(29, 2, 24, 'A', 345))},
		scanCase{"LeapDay2000", h(29, 2, 0, 'A', 345), id(h(29, 2, 0, 'A', 345))},
		scanCase{"NoLeapDay2023", "koodi " + h(29, 2, 23, 'A', 345), nil},
		scanCase{"NoLeapDay1900", "koodi " + h(29, 2, 0, '-', 345), nil},
		scanCase{"NoLeapDay1800", "koodi " + h(29, 2, 0, '+', 345), nil},
		scanCase{"LeapDay1996", h(29, 2, 96, '-', 345), id(h(29, 2, 96, '-', 345))},
		// Rule: impossible dates are not identity codes even with a matching check character.
		scanCase{"Day31InApril", h(31, 4, 80, '-', 222), nil},
		scanCase{"Month13", h(1, 13, 80, '-', 222), nil},
		scanCase{"Day00", h(0, 5, 80, '-', 222), nil},
		// Rule: individual numbers 000 and 001 are never issued.
		scanCase{"Individual000", h(1, 1, 90, '-', 0), nil},
		scanCase{"Individual001", h(1, 1, 90, '-', 1), nil},
		scanCase{"Individual002", h(1, 1, 90, '-', 2), id(h(1, 1, 90, '-', 2))},
		// Rule: the check character must be DDMMYYZZZ mod 31 in the table.
		scanCase{"InvalidCheckChar", "hetu " + badCheck(c1900) + " väärin", nil},
		// Rule: lower-case letters typed in chat are accepted.
		scanCase{"LowerCase", strings.ToLower(h(3, 3, 12, 'A', 456)), id(strings.ToLower(h(3, 3, 12, 'A', 456)))},
		// Rule: a code glued to letters or digits is part of another token.
		scanCase{"GluedBefore", "X" + c1900, nil},
		scanCase{"GluedAfter", c1900 + "9", nil},
		scanCase{"InPunctuation", "(" + c1900 + "), \"" + c1900 + "\"", []string{"fi_personal_identity_code=" + c1900, "fi_personal_identity_code=" + c1900}},
		scanCase{"UTF8Neighbours", "tunnus:" + c1900 + "—ok ä" + c1900 + " ", id(c1900)},
	)
	runCases(t, s, cases)

	// Rule: individual numbers 900–999 are temporary codes, flagged, and
	// reported only when configured.
	tmp := h(1, 1, 90, '-', 950)
	fs := New().Scan([]byte("tilapäinen " + tmp))
	if len(fs) != 1 || !fs[0].Temporary || !fs[0].Validated {
		t.Errorf("temporary code: got %+v, want one validated temporary finding", fs)
	}
	if fs := New(WithTemporaryCodes(false)).Scan([]byte("tilapäinen " + tmp)); len(fs) != 0 {
		t.Errorf("temporary code with reporting off: got %+v, want none", fs)
	}
	if fs := New().Scan([]byte(c1900)); len(fs) != 1 || fs[0].Temporary {
		t.Errorf("regular code: got %+v, want not temporary", fs)
	}
}

func TestBusinessID(t *testing.T) {
	s := New(WithTypes(TypeBusinessID))
	r := piitest.NewRand(1)
	y := piitest.BusinessID(r)
	vat := piitest.VATNumber(r)
	// find a body whose remainder is 1: no check digit exists for it.
	var r1 string
	for b := 1000000; ; b++ {
		if piitest.BusinessIDCheck(fmt.Sprint(b)) == -1 {
			r1 = fmt.Sprint(b)
			break
		}
	}
	var r1cases []scanCase
	for d := 0; d <= 9; d++ {
		// Rule: remainder 1 never gives a valid Y-tunnus, whatever the digit.
		r1cases = append(r1cases, scanCase{fmt.Sprintf("Remainder1Digit%d", d), "Y-tunnus " + r1 + "-" + fmt.Sprint(d), nil})
	}
	runCases(t, s, append(r1cases, []scanCase{
		// Rule: weights 7,9,10,5,8,4,2, check = 11 - sum mod 11 (0 for remainder 0).
		{"Valid", "Y-tunnus " + y + ".", one(TypeBusinessID, y)},
		{"PublicExample", "Y-tunnus 0737546-2", one(TypeBusinessID, "0737546-2")},
		{"InvalidCheck", "Y-tunnus " + y[:8] + fmt.Sprint((int(y[8]-'0')+1)%10), nil},
		// Rule: the VAT form is FI + the eight digits without the dash.
		{"VATForm", "ALV " + vat + ".", one(TypeBusinessID, vat)},
		{"VATInvalid", "ALV FI" + y[:7] + fmt.Sprint((int(y[8]-'0')+3)%10), nil},
		{"NoDash", "tilaus " + y[:7] + y[8:], nil},
		{"Glued", "A" + y, nil},
	}...))
}

func TestIBAN(t *testing.T) {
	s := New(WithTypes(TypeIBAN))
	r := piitest.NewRand(2)
	fi := piitest.IBANCompact(r, "FI")
	var cases []scanCase
	for _, cc := range []string{"FI", "SE", "DE", "GB", "NO", "EE", "FR", "DK", "NL", "ES", "PL", "LT"} {
		v := piitest.IBANCompact(r, cc)
		// Rule: every country's length with mod 97, compact or grouped by four.
		cases = append(cases,
			scanCase{"Compact" + cc, "tili " + v + ".", one(TypeIBAN, v)},
			scanCase{"Grouped" + cc, "tili " + piitest.Group4(v) + ".", one(TypeIBAN, piitest.Group4(v))},
		)
	}
	wrongCheck := fi[:2] + fmt.Sprintf("%02d", (int(fi[2]-'0')*10+int(fi[3]-'0'))%97+1) + fi[4:]
	cases = append(cases, []scanCase{
		{"PublicExampleFI", "IBAN FI21 1234 5600 0007 85", one(TypeIBAN, "FI21 1234 5600 0007 85")},
		// Rule: any case.
		{"LowerCase", "tili " + strings.ToLower(piitest.Group4(fi)), one(TypeIBAN, strings.ToLower(piitest.Group4(fi)))},
		{"WrongCheckDigits", "tili " + wrongCheck, nil},
		{"IrregularGroups", "tili FI21 123456 00000785", one(TypeIBAN, "FI21 123456 00000785")},
		{"FollowedByNumber", "tili FI21 1234 5600 0007 85 12 kpl", one(TypeIBAN, "FI21 1234 5600 0007 85")},
		// Rule: length must be the country's: one digit more or less is not an IBAN.
		{"TooLong", "tili " + fi + "1", nil},
		{"TooShort", "tili " + fi[:17], nil},
		// Rule: ISO 11649 creditor references pass mod 97 but are not IBANs.
		{"CreditorReference", "viite " + piitest.CreditorReference(r), nil},
		{"CreditorReferenceExample", "viite RF18 5390 0754 7034", nil},
		// Rule: BIC codes are not IBANs.
		{"BIC", "BIC NDEAFIHH ja OKOYFIHH", nil},
		{"UnknownCountry", "XX21 1234 5600 0007 85", nil},
	}...)
	runCases(t, s, cases)
}

func TestPaymentCard(t *testing.T) {
	s := New(WithTypes(TypePaymentCard))
	runCases(t, s, []scanCase{
		// Rule: 13–19 digits, Luhn-valid, known issuer prefix; spaces, dashes or compact.
		{"VisaSpaces", "kortti 4111 1111 1111 1111.", one(TypePaymentCard, "4111 1111 1111 1111")},
		{"VisaDashes", "kortti 4111-1111-1111-1111", one(TypePaymentCard, "4111-1111-1111-1111")},
		{"VisaCompact", "kortti 4111111111111111", one(TypePaymentCard, "4111111111111111")},
		{"Visa13", "4222222222222", one(TypePaymentCard, "4222222222222")},
		{"Mastercard", "MC 5555 5555 5555 4444", one(TypePaymentCard, "5555 5555 5555 4444")},
		{"Mastercard2Series", "MC 2223 0031 2200 3222", one(TypePaymentCard, "2223 0031 2200 3222")},
		{"AmexGrouped465", "Amex 3782 822463 10005", one(TypePaymentCard, "3782 822463 10005")},
		{"Discover", "6011 1111 1111 1117", one(TypePaymentCard, "6011 1111 1111 1117")},
		{"JCB", "3530111333300000", one(TypePaymentCard, "3530111333300000")},
		{"Diners14Grouped464", "3056 930902 5904", one(TypePaymentCard, "3056 930902 5904")},
		{"Diners14Grouped4442", "3056 9309 0259 04", one(TypePaymentCard, "3056 9309 0259 04")},
		{"TrailingCount", "kortti 4111 1111 1111 1111 2 kpl", one(TypePaymentCard, "4111 1111 1111 1111")},
		// Rule: a long run of digits after the card is the next token (found by fuzzing).
		{"ThenBusinessID", "kortti 4111 1111 1111 1111 0737546-2", one(TypePaymentCard, "4111 1111 1111 1111")},
		{"CompactThenBusinessID", "kortti 4111111111111111 0737546-2", one(TypePaymentCard, "4111111111111111")},
		{"ThenGluedWord", "kortti 4111 1111 1111 1111 5kpl", one(TypePaymentCard, "4111 1111 1111 1111")},
		{"CompactThenYear", "kortti 4111111111111111 2024", one(TypePaymentCard, "4111111111111111")},
		// Rule: Luhn must pass.
		{"BadLuhn", "kortti 4111 1111 1111 1112", nil},
		// Rule: unknown issuer prefixes are not cards.
		{"UnknownPrefix", "numero 1234 5678 9012 3452", nil},
		{"CompactThenDigit", "378282246310005 0", one(TypePaymentCard, "378282246310005")},
		// Rule: Finnish reference numbers (groups of five, 7-3-1 check) are not cards.
		{"ViitenumeroFives", "viite 4111 11111 11111 11", nil},
		{"ViitenumeroGroupsOf5", "viitenumero 12345 67890 12345 6", nil},
		{"ViitenumeroCompactAfterViite", "viitenumero 4111111111111111" + "", viiteOrCard("4111111111111111")},
		// Rule: amounts and long order numbers are not cards.
		{"Amount", "summa 1 234 567,89 €", nil},
		{"TooLong", "4111 1111 1111 1111 1111", nil},
		{"PartOfRF", "RF71 4111 1111 1111 1111", nil},
	})
}

// viiteOrCard gives the expected result for a compact number after "viite":
// a reference when it passes 7-3-1, a card otherwise.
func viiteOrCard(v string) []string {
	d := make([]byte, len(v))
	for k := range v {
		d[k] = v[k] - '0'
	}
	if refCheck731(d) {
		return nil
	}
	return one(TypePaymentCard, v)
}

func TestPhone(t *testing.T) {
	s := New(WithTypes(TypePhone))
	p := func(v string) []string { return one(TypePhone, v) }
	var cases []scanCase
	// Rule: every common written form of Finnish numbers.
	for _, v := range []string{
		"040 123 4567", "0401234567", "040-1234567", "+358 40 123 4567", "+358-40-123 4567",
		"+358401234567", "+358 (0)40 123 4567", "00358 40 123 4567", "09 310 1691",
		"029 56 66700", "0295 024 000", "050 1234 567", "010 123 4567", "013 123 4567",
		"02 123 4567", "0800 123 456", "(09) 310 1691", "(040) 123 4567", "040/123 4567", "09/310 1691",
	} {
		cases = append(cases,
			scanCase{"Form_" + v, "soita " + v + ".", p(v)},
			scanCase{"FormAtEnd_" + v, v, p(v)},
		)
	}
	h1 := h(1, 1, 90, '-', 123)
	cases = append(cases, []scanCase{
		// Rule: international numbers with + and a country code.
		{"Sweden", "ring +46 8 123 456 78", p("+46 8 123 456 78")},
		{"UK", "call +44 20 7946 0958.", p("+44 20 7946 0958")},
		{"US", "call +1 202 555 0143, thanks", p("+1 202 555 0143")},
		{"Estonia", "+372 5123 4567", p("+372 5123 4567")},
		{"AfterDot", "tel.+358401234567", p("+358401234567")},
		{"BracketedAreaCode", "call +1 (202) 555-0143", p("+1 (202) 555-0143")},
		{"SwedishMobile", "+46 70 123 45 67", p("+46 70 123 45 67")},
		{"HelsinkiInternational", "+358 9 310 1691", p("+358 9 310 1691")},
		{"TwoNumbers", "040 123 4567 tai 050 765 4321", []string{"phone_number=040 123 4567", "phone_number=050 765 4321"}},
		// Rule: never a date, an amount, a time, a postal code or an identity-code shape.
		{"DateDots", "päivä 01.02.2024", nil},
		{"DateDashes", "päivä 09-12-2024", nil},
		{"ISODate", "2024-03-12", nil},
		{"Amount", "1 234,56 €", nil},
		{"AmountZero", "0,50 €", nil},
		{"TimeDot", "klo 14.30", nil},
		{"TimeColon", "klo 09:30", nil},
		{"PostalCode", "00100 Helsinki", nil},
		{"PostalCodeWithPL", "PL 164, 00101 Helsinki", nil},
		{"HETUShape", "tunnus " + h1, nil},
		{"HETUShapeBadCheck", "tunnus 010190-1234", nil},
		{"BusinessIDShape", "0412345-6", nil},
		{"TooLong", "040123456789012", nil},
		{"ShortInternational", "+35 °C", nil},
		{"Arithmetic", "2+3581234567", nil},
		{"InsideRF", "RF18 5390 0754 7034", nil},
		{"Version", "versio 0.40.1234", nil},
		{"OpeningHours", "ma-pe 9-16", nil},
		{"BracketedShort", "(09) 12", nil},
		{"SlashDate", "09/12/2024", nil},
		{"SlashMonth", "voimassa 09/2027", nil},
		{"SlashAfterSecondGroup", "040 123/4567", nil},
		{"BracketedNotPrefix", "(01) 234 5678", nil},
	}...)
	runCases(t, s, cases)
}

func TestEmail(t *testing.T) {
	s := New(WithTypes(TypeEmail))
	e := func(v string) []string { return one(TypeEmail, v) }
	runCases(t, s, []scanCase{
		{"Simple", "posti matti.meikalainen@example.fi.", e("matti.meikalainen@example.fi")},
		{"Plus", "<a.b+tag@mail.example.com>", e("a.b+tag@mail.example.com")},
		{"Hyphenated", "kirjaamo.etela-savo@ely-keskus.fi", e("kirjaamo.etela-savo@ely-keskus.fi")},
		{"Mailto", "mailto:asiakas@example.org", e("asiakas@example.org")},
		{"UpperCase", "Matti.M@Example.FI", e("Matti.M@Example.FI")},
		{"NoTLD", "user@localhost", nil},
		{"AtOnly", "hinta @ 5 €", nil},
		{"Handle", "@kirjaamo", nil},
		{"NumericTLD", "a@b.c1", nil},
		{"TrailingDot", "a@example.fi.", e("a@example.fi")},
		// Rule: Finnish letters in the local part and domain belong to the address.
		{"NonASCIILocal", "posti jaana.mäkinen@example.fi", e("jaana.mäkinen@example.fi")},
		{"NonASCIIDomain", "info@sähkö.example.fi", e("info@sähkö.example.fi")},
		{"NoBreakSpaceBefore", "posti\u00a0a@example.fi", e("a@example.fi")},
	})
}

func TestIPAddress(t *testing.T) {
	s := New(WithTypes(TypeIP))
	ip := func(v string) []string { return one(TypeIP, v) }
	runCases(t, s, []scanCase{
		{"IPv4", "osoite 192.168.1.10.", ip("192.168.1.10")},
		// Rule: an IPv4 followed by :port is reported without the port.
		{"IPv4Port", "192.168.1.10:8080", ip("192.168.1.10")},
		{"IPv4OutOfRange", "300.1.1.1", nil},
		{"IPv4LeadingZero", "192.168.01.1", nil},
		{"IPv4FiveParts", "1.2.3.4.5", nil},
		{"VersionThreeParts", "versio 2.4.1", nil},
		{"VersionFourParts", "versio 10.0.190.1", nil},
		{"Date", "12.03.2024", nil},
		{"IPv6Full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", ip("2001:0db8:85a3:0000:0000:8a2e:0370:7334")},
		{"IPv6Compressed", "from 2001:db8::1 ok", ip("2001:db8::1")},
		{"IPv6LinkLocal", "fe80::1ff:fe23:4567:890a", ip("fe80::1ff:fe23:4567:890a")},
		{"IPv6Loopback", "::1", ip("::1")},
		{"IPv6Mapped", "::ffff:192.0.2.128", ip("::ffff:192.0.2.128")},
		{"Time", "klo 14:30:00", nil},
		{"MAC", "00:1a:2b:3c:4d:5e", nil},
		{"TwoDoubleColons", "1::2::3", nil},
		{"CppScope", "std::vector", nil},
	})
}

func TestSpecialCategory(t *testing.T) {
	s := New(WithTypes(TypeSpecialCategory))
	cases := []struct {
		name, text, word, cat string
	}{
		{"HealthInflectedFi", "asiakkaalla on todettu masennuksen oireita", "masennuksen", CategoryHealth},
		{"HealthIllative", "epäily syöpään liittyen", "syöpään", CategoryHealth},
		{"HealthCompound", "mielenterveysongelmia", "mielenterveysongelmia", CategoryHealth},
		{"HealthSv", "hon är sjukskriven", "sjukskriven", CategoryHealth},
		{"HealthEn", "was diagnosed last year", "diagnosed", CategoryHealth},
		{"HealthCapitalised", "Raskaana oleva asiakas", "Raskaana", CategoryHealth},
		{"ReligionFi", "kuuluu seurakuntaan", "seurakuntaan", CategoryReligion},
		{"ReligionPhrase", "hän on Jehovan todistaja", "Jehovan todistaja", CategoryReligion},
		{"ReligionSvUmlaut", "religiösa skäl", "religiösa", CategoryReligion},
		{"EthnicityPhrase", "etnisen taustan vuoksi", "etnisen taustan", CategoryEthnicity},
		{"EthnicityFi", "saamelaisena", "saamelaisena", CategoryEthnicity},
		{"UnionFi", "ammattiliiton jäsen", "ammattiliiton", CategoryTradeUnion},
		{"UnionEn", "a trade union member", "trade union", CategoryTradeUnion},
		{"OrientationPhrase", "seksuaalisen suuntautumisen vuoksi", "seksuaalisen suuntautumisen", CategorySexualOrientation},
		{"OrientationSv", "bisexuell", "bisexuell", CategorySexualOrientation},
		{"WelfareFi", "asioi sosiaalitoimistossa", "sosiaalitoimistossa", CategorySocialWelfare},
		{"WelfareCompoundWins", "päihdehuollon asiakas", "päihdehuollon", CategorySocialWelfare},
		{"WelfareEn", "met a social worker", "social worker", CategorySocialWelfare},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := s.Scan([]byte(tc.text))
			if len(fs) != 1 || tc.text[fs[0].Start:fs[0].End] != tc.word || fs[0].Category != tc.cat {
				t.Errorf("Scan(%q) = %v, want %q (%s)", tc.text, describe(tc.text, fs), tc.word, tc.cat)
			}
		})
	}
	// Rule: stems match only at word starts and avoid everyday words.
	for _, text := range []string{
		"uskon että asia hoituu", // "I believe"
		"Kristiina soitti",       // a name, not "kristitty"
		"homogeeninen aineisto",
		"raskaan liikenteen maksu",
		"Kirkkonummen toimipiste",
		"epäsairaalloinen", // stem not at word start
		"the same day",
		"Sami soitti eilen",              // a first name
		"matka Romaniaan",                // a country, not the Roma
		"Christian asked about the bill", // a first name
		"ohjelmiston riippuvuudet",       // software dependencies
		"budjetin leikkaukset",           // budget cuts
	} {
		if fs := s.Scan([]byte(text)); len(fs) != 0 {
			t.Errorf("Scan(%q) = %v, want none", text, describe(text, fs))
		}
	}
}

// Rule: overlapping candidates resolve to one finding, the validated and then
// the longer one.
func TestOverlapResolution(t *testing.T) {
	cases := []struct {
		name string
		in   []Finding
		want []Finding
	}{
		{"ValidatedWins",
			[]Finding{{Type: TypePhone, Start: 0, End: 12}, {Type: TypePaymentCard, Start: 2, End: 10, Validated: true}},
			[]Finding{{Type: TypePaymentCard, Start: 2, End: 10, Validated: true}}},
		{"LongerWins",
			[]Finding{{Type: TypeSpecialCategory, Start: 3, End: 8}, {Type: TypeEmail, Start: 0, End: 20}},
			[]Finding{{Type: TypeEmail, Start: 0, End: 20}}},
		{"DisjointKept",
			[]Finding{{Type: TypePhone, Start: 5, End: 9}, {Type: TypeIP, Start: 0, End: 4}},
			[]Finding{{Type: TypeIP, Start: 0, End: 4}, {Type: TypePhone, Start: 5, End: 9}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(slices.Clone(tc.in)); !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	// An e-mail whose local part looks like a phone number is one e-mail.
	text := "0401234567@example.fi"
	if got := describe(text, New().Scan([]byte(text))); !slices.Equal(got, one(TypeEmail, text)) {
		t.Errorf("got %q, want the e-mail only", got)
	}
}

// Rule: the documented decoys produce no finding at all.
func TestDecoys(t *testing.T) {
	r := piitest.NewRand(3)
	gens := map[string]func() string{
		"BadCheckHETU":    func() string { return piitest.HETUBadCheck(r) },
		"BadDateHETU":     func() string { return piitest.HETUBadDate(r) },
		"BadIndividual":   func() string { return piitest.HETUBadIndividual(r) },
		"BadBusinessID":   func() string { return piitest.BusinessIDBad(r) },
		"BadIBAN":         func() string { return piitest.IBANBad(r) },
		"BadCard":         func() string { return piitest.CardBadLuhn(r) },
		"RFReference":     func() string { return piitest.CreditorReference(r) },
		"Viitenumero":     func() string { return piitest.Viitenumero(r) },
		"AmountFi":        func() string { return "1 234,56 €" },
		"TimeKlo":         func() string { return "klo 14.30" },
		"PostalCode":      func() string { return "33100 Tampere" },
		"Version":         func() string { return "v2.14.3 ja versio 1.2.3" },
		"TrackingPosti":   func() string { return "JJFI64123450012345678" },
		"TrackingUPU":     func() string { return "CA123456789FI" },
		"TrackingUPS":     func() string { return "1Z999AA10123456784" },
		"BIC":             func() string { return "NDEAFIHH OKOYFIHH HELSFIHH" },
		"OrderNumber":     func() string { return "tilausnumero 2024-00123 / 1234567" },
		"ISODateAndTimes": func() string { return "2024-03-12T14:30:00Z" },
	}
	s := New(WithTypes(TypeIdentityCode, TypeBusinessID, TypeIBAN, TypePaymentCard, TypePhone, TypeEmail, TypeIP))
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			for k := 0; k < 200; k++ {
				text := "Asiakas: " + gen() + "."
				if fs := s.Scan([]byte(text)); len(fs) != 0 {
					t.Fatalf("Scan(%q) = %v, want none", text, describe(text, fs))
				}
			}
		})
	}
}

// Rule: generated valid identifiers are all found, whole.
func TestGeneratedIdentifiers(t *testing.T) {
	r := piitest.NewRand(4)
	gens := map[Type]func() string{
		TypeIdentityCode: func() string { return piitest.HETU(r) },
		TypeBusinessID:   func() string { return piitest.BusinessID(r) },
		TypeIBAN:         func() string { return piitest.IBAN(r) },
		TypePaymentCard:  func() string { return piitest.Card(r) },
		TypePhone:        func() string { return piitest.Phone(r) },
		TypeEmail:        func() string { return piitest.Email(r) },
		TypeIP:           func() string { return piitest.IPv6(r) },
	}
	s := New()
	for typ, gen := range gens {
		t.Run(string(typ), func(t *testing.T) {
			for k := 0; k < 500; k++ {
				v := gen()
				text := "Tieto: " + v + ", kiitos."
				got := describe(text, s.Scan([]byte(text)))
				if !slices.Equal(got, one(typ, v)) {
					t.Fatalf("Scan(%q) = %q, want %q", text, got, one(typ, v))
				}
			}
		})
	}
}
