package pii

// matchCard matches a payment card number at text[i]: 13–19 digits, compact
// or in groups separated by single spaces or dashes (first group of four),
// with a known issuer prefix for its length and a valid Luhn check. Numbers
// printed in groups of five are Finnish reference numbers (viitenumero), and a
// compact number that passes the 7-3-1 reference check right after the word
// "viite"/"ref" is taken as a reference, not a card.
func matchCard(text []byte, i int) (int, bool) {
	n := len(text)
	var num [19]byte
	var glen [19]int
	var gend [19]int
	ng, total := 0, 0
	j := i
	sep := byte(0)
groups:
	for {
		k := 0
		for j < n && isDigit(text[j]) {
			if total == 19 {
				// The digits after a space that make the number too long
				// belong to the following text when they follow a compact
				// number ("4100000000000001 2024") or are a run too long
				// to be a card group, over six, after grouped digits
				// ("4111 1111 1111 1111 0737546-2": a card, then a
				// business ID). A group of card length after grouped
				// digits makes the whole number too long ("4111 1111 1111
				// 1111 1111"): no card. Found by fuzzing.
				e := j
				for e < n && isDigit(text[e]) {
					e++
				}
				if ng == 0 || sep != ' ' || ng >= 2 && e-(j-k) <= 6 {
					return 0, false
				}
				total -= k
				j = gend[ng-1]
				break groups
			}
			num[total] = text[j] - '0'
			total++
			k++
			j++
		}
		glen[ng], gend[ng] = k, j
		ng++
		if j+1 < n && (text[j] == ' ' || text[j] == '-') && isDigit(text[j+1]) {
			if sep == 0 {
				sep = text[j]
			} else if text[j] != sep {
				break
			}
			j++
			continue
		}
		break
	}
	if total >= 13 && boundaryAfter(text, j) && cardGroupsOK(glen[:ng]) && cardValid(num[:total]) && !isReference(text, i, num[:total], ng) {
		return j, true
	}
	// A trailing group may belong to the following text ("… 1111 5 kpl"),
	// also when it runs into it ("… 1111 0A0::", an IPv6 address; found by
	// fuzzing).
	if ng >= 2 && sep == ' ' {
		t := total - glen[ng-1]
		if t >= 13 && cardGroupsOK(glen[:ng-1]) && cardValid(num[:t]) {
			return gend[ng-2], true
		}
	}
	return 0, false
}

func cardGroupsOK(g []int) bool {
	if len(g) == 1 {
		return true
	}
	if g[0] != 4 {
		return false
	}
	fives := 0
	for x, k := range g[1:] {
		// The last group may be short (4-4-4-2 for 14 digits, 4-4-4-4-3 for 19).
		if k > 6 || k < 3 && x != len(g)-2 {
			return false
		}
		if k == 5 {
			fives++
		}
	}
	// Two groups of five is how reference numbers are printed; no card
	// layout has them (Amex 4-6-5 has one).
	return fives < 2
}

func cardValid(d []byte) bool {
	l := len(d)
	if l < 13 || l > 19 || !cardIssuer(d) {
		return false
	}
	sum := 0
	for k := 0; k < l; k++ {
		v := int(d[l-1-k])
		if k%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// cardIssuer checks the issuer prefix against the number length.
func cardIssuer(d []byte) bool {
	l := len(d)
	p2 := int(d[0])*10 + int(d[1])
	p3 := p2*10 + int(d[2])
	p4 := p3*10 + int(d[3])
	switch d[0] {
	case 4: // Visa
		return l == 13 || l == 16 || l == 19
	case 5:
		if p2 >= 51 && p2 <= 55 { // Mastercard
			return l == 16
		}
		return p2 == 50 || p2 >= 56 // Maestro
	case 2:
		if p4 >= 2221 && p4 <= 2720 { // Mastercard 2-series
			return l == 16
		}
		return p4 >= 2200 && p4 <= 2204 && l >= 16 // Mir
	case 3:
		switch {
		case p2 == 34 || p2 == 37: // American Express
			return l == 15
		case p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38, p2 == 39: // Diners
			return l >= 14
		case p4 >= 3528 && p4 <= 3589: // JCB
			return l >= 16
		}
		return false
	case 6: // Discover, UnionPay, Maestro
		return true
	}
	return false
}

// refCheck731 reports whether d passes the Finnish reference-number check:
// weights 7, 3, 1 from the right over the digits before the check digit.
func refCheck731(d []byte) bool {
	l := len(d)
	w := [3]int{7, 3, 1}
	sum := 0
	for k := 0; k < l-1; k++ {
		sum += int(d[l-2-k]) * w[k%3]
	}
	return (10-sum%10)%10 == int(d[l-1])
}

// isReference reports whether a compact digit run that passes the 7-3-1 check
// is introduced as a reference number ("viite", "viitenumero", "ref",
// "referens", "reference") in the preceding 40 bytes.
func isReference(text []byte, i int, d []byte, groups int) bool {
	if groups != 1 || !refCheck731(d) {
		return false
	}
	from := max(i-40, 0)
	return containsFold(text[from:i], "viite") || containsFold(text[from:i], "ref")
}

// containsFold reports whether lower-case ASCII needle occurs in hay, ignoring
// ASCII case.
func containsFold(hay []byte, needle string) bool {
outer:
	for k := 0; k+len(needle) <= len(hay); k++ {
		for m := 0; m < len(needle); m++ {
			if hay[k+m]|0x20 != needle[m] {
				continue outer
			}
		}
		return true
	}
	return false
}

// phoneGroups reads digit groups separated by single spaces or dashes, up to
// maxDigits digits in total. A group that would exceed the limit ends the
// number before it.
type phoneGroups struct {
	n      int
	total  int
	glen   [8]int
	gend   [8]int
	gtotal [8]int
	sep    [8]byte
}

func (g *phoneGroups) read(text []byte, j, maxDigits int, parens bool) {
	n := len(text)
	for g.n < len(g.glen) {
		// International numbers may bracket the area code, "+1 (202) 555 0143",
		// or the Finnish trunk zero, "+358 (0)40 …", which is not counted.
		if parens && g.n > 0 && j < n && text[j] == '(' {
			k := j + 1
			for k < n && isDigit(text[k]) && k-j <= 5 {
				k++
			}
			if k == j+1 || k >= n || text[k] != ')' {
				return
			}
			trunk := k == j+2 && text[j+1] == '0'
			if !trunk {
				if g.total+k-j-1 > maxDigits {
					return
				}
				g.total += k - j - 1
				g.glen[g.n], g.gtotal[g.n] = k-j-1, g.total
			}
			k++ // ')'
			if k < n && (text[k] == ' ' || text[k] == '-') && k+1 < n && isDigit(text[k+1]) {
				k++
			}
			if k >= n || !isDigit(text[k]) {
				return
			}
			if !trunk {
				g.gend[g.n] = k
				g.n++
			}
			j = k
			continue
		}
		k := j
		for k < n && isDigit(text[k]) && k-j <= maxDigits {
			k++
		}
		if k == j || g.total+k-j > maxDigits {
			return
		}
		g.total += k - j
		g.glen[g.n], g.gend[g.n], g.gtotal[g.n] = k-j, k, g.total
		g.n++
		j = k
		// "040/123 4567": a slash is accepted only after the area code of a
		// national number (parens is false there); dates are rejected later.
		slash := !parens && g.n == 1 && j < n && text[j] == '/'
		if j+1 < n && (text[j] == ' ' || text[j] == '-' || slash) && (isDigit(text[j+1]) || parens && text[j+1] == '(') {
			g.sep[g.n-1] = text[j]
			j++
			continue
		}
		if parens && j < n && text[j] == '(' {
			continue
		}
		return
	}
}

// matchPhoneFI matches a Finnish national phone number starting with 0 at
// text[i] (040 123 4567, 0401234567, 040-1234567, 09 310 1691, 029 56 66700,
// 0295 024 000), or 00358 followed by the national number without 0.
func matchPhoneFI(text []byte, i int) (int, bool) {
	n := len(text)
	if i+1 >= n {
		return 0, false
	}
	if text[i+1] == '0' {
		if i+5 < n && text[i+2] == '3' && text[i+3] == '5' && text[i+4] == '8' {
			return matchPhoneIntl(text, i, i+2)
		}
		return 0, false
	}
	var g phoneGroups
	g.read(text, i, 11, false)
	if g.n == 0 || !fiPrefixOK(text[i:g.gend[0]]) {
		return 0, false
	}
	// Never an identity-code or business-ID shape: DDMMYY-… or NNNNNNN-C.
	if g.glen[0] == 6 && g.n > 1 && g.sep[0] == '-' {
		return 0, false
	}
	if g.gend[0] < n && (text[g.gend[0]] == '-' || text[g.gend[0]] == '+') && g.glen[0] == 6 {
		return 0, false
	}
	for c := g.n; c >= 1; c-- {
		t := g.gtotal[c-1]
		if t < 8 {
			break
		}
		if t > 11 || !phoneRestOK(g.glen[1:c]) || isDateShape(text, i, g.glen[:c]) {
			continue
		}
		end := g.gend[c-1]
		if !boundaryAfter(text, end) {
			return 0, false
		}
		return end, true
	}
	return 0, false
}

// phoneRestOK requires the groups after the first to have at least two digits.
func phoneRestOK(g []int) bool {
	for _, k := range g {
		if k < 2 {
			return false
		}
	}
	return true
}

// isDateShape reports dd-mm-yyyy / dd mm yy written as three groups.
func isDateShape(text []byte, i int, g []int) bool {
	if len(g) != 3 || g[0] != 2 || g[1] != 2 || (g[2] != 4 && g[2] != 2) {
		return false
	}
	dd, _ := digits(text, i, 2)
	mm, _ := digits(text, i+3, 2)
	return dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12
}

// fiPrefixOK checks that the first group holds a whole Finnish prefix: area
// codes 02 03 05 06 08 09 013–019, mobile 040–046 049 050, service 010 020 029
// 030 06xx 07xx 08xx.
func fiPrefixOK(g []byte) bool {
	if len(g) < 2 {
		return false
	}
	switch g[1] {
	case '2', '3', '5', '6', '7', '8', '9':
		return true
	case '1':
		return len(g) >= 3 && g[2] != '1' && g[2] != '2'
	case '4':
		return len(g) >= 3 && (g[2] <= '6' || g[2] == '9')
	}
	return false
}

// matchPhoneIntl matches an international number at text[start] ('+' or
// "00"), with the country code starting at text[j]: 8–15 digits in groups,
// optionally "(0)" after the country code. Finnish numbers (+358) have a
// national part of 5–10 digits that does not start with 0.
func matchPhoneIntl(text []byte, start, j int) (int, bool) {
	n := len(text)
	if j >= n || text[j] == '0' || !isDigit(text[j]) {
		return 0, false
	}
	var g phoneGroups
	g.read(text, j, 15, true)
	if g.n == 0 {
		return 0, false
	}
	fi := text[j] == '3' && j+2 < n && text[j+1] == '5' && text[j+2] == '8'
	for c := g.n; c >= 1; c-- {
		t := g.gtotal[c-1]
		if t < 8 {
			break
		}
		if fi && (t-3 < 5 || t-3 > 10) {
			continue
		}
		end := g.gend[c-1]
		if !boundaryAfter(text, end) {
			return 0, false
		}
		return end, true
	}
	return 0, false
}

// matchPhoneParen matches a Finnish number with the area code in brackets,
// "(09) 310 1691", "(040) 123 4567", at text[i] == '('.
func matchPhoneParen(text []byte, i int) (int, bool) {
	n := len(text)
	k := i + 1
	for k < n && isDigit(text[k]) && k-i <= 5 {
		k++
	}
	if k >= n || text[k] != ')' || !fiPrefixOK(text[i+1:k]) {
		return 0, false
	}
	area := k - i - 1
	j := k + 1
	if j < n && text[j] == ' ' {
		j++
	}
	if j >= n || !isDigit(text[j]) {
		return 0, false
	}
	var g phoneGroups
	g.read(text, j, 11-area, false)
	for c := g.n; c >= 1; c-- {
		t := area + g.gtotal[c-1]
		if t < 8 {
			break
		}
		if !phoneRestOK(g.glen[:c]) {
			continue
		}
		end := g.gend[c-1]
		if !boundaryAfter(text, end) {
			return 0, false
		}
		return end, true
	}
	return 0, false
}
