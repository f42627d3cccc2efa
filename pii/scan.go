package pii

// Bounds that make the scanner streamable: a recognizer started at position p
// reads at most text[p-maxLookbehind : p+maxLookahead+1], and a candidate found
// from an anchor at p never starts before p-maxStartLag (e-mail local parts are
// found backwards from '@').
const (
	maxLookahead  = 384
	maxLookbehind = 128
	maxStartLag   = 80
)

// byte classes for dispatch in the main loop.
const (
	cOther   = iota // space, punctuation: skipped
	cLetter         // ASCII letter: word start
	cDigit          // ASCII digit: number start
	cHigh           // UTF-8 lead byte of a letter-like rune, or continuation byte
	cHighSep        // UTF-8 lead byte of punctuation/space runes (U+0080–U+00BF, U+2000–U+2FFF)
	cAt             // '@'
	cPlus           // '+'
	cColon          // ':'
	cParen          // '(': "(09) 310 1691"
)

var (
	class    [256]uint8
	wordByte [256]bool // bytes that continue a word (skipped as one run)
	hexVal   [256]int8 // hex digit value or -1
)

func init() {
	for b := 0; b < 256; b++ {
		hexVal[b] = -1
		switch {
		case b >= '0' && b <= '9':
			class[b] = cDigit
			wordByte[b] = true
			hexVal[b] = int8(b - '0')
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
			class[b] = cLetter
			wordByte[b] = true
			if l := b | 0x20; l >= 'a' && l <= 'f' {
				hexVal[b] = int8(l - 'a' + 10)
			}
		case b == 0xC2 || b == 0xE2:
			class[b] = cHighSep
		case b >= 0x80:
			class[b] = cHigh
			wordByte[b] = true
		case b == '@':
			class[b] = cAt
		case b == '+':
			class[b] = cPlus
		case b == ':':
			class[b] = cColon
		case b == '(':
			class[b] = cParen
		}
	}
}

func isDigit(b byte) bool       { return b-'0' < 10 }
func isASCIILetter(b byte) bool { return (b|0x20)-'a' < 26 }
func isASCIIAlnum(b byte) bool  { return isDigit(b) || isASCIILetter(b) }
func upper(b byte) byte {
	if b-'a' < 26 {
		return b - 0x20
	}
	return b
}

// isWordAt reports whether text[p] starts (or continues) a letter or digit.
func isWordAt(text []byte, p int) bool {
	return wordByte[text[p]]
}

// isWordBefore reports whether the rune ending at text[p-1] is a letter or
// digit. Multi-byte runes are classified by their lead byte.
func isWordBefore(text []byte, p int) bool {
	b := text[p-1]
	if b < 0x80 {
		return wordByte[b]
	}
	j := p - 1
	for j > 0 && j > p-4 && text[j]&0xC0 == 0x80 {
		j--
	}
	lead := text[j]
	return lead != 0xC2 && lead != 0xE2
}

// boundaryAfter reports whether a match may end at p.
func boundaryAfter(text []byte, p int) bool {
	return p >= len(text) || !wordByte[text[p]]
}

// skipWord returns the end of the run of word bytes starting at i.
func skipWord(text []byte, i int) int {
	for i+4 <= len(text) {
		w := text[i : i+4 : i+4]
		if !wordByte[w[0]] || !wordByte[w[1]] || !wordByte[w[2]] || !wordByte[w[3]] {
			break
		}
		i += 4
	}
	for i < len(text) && wordByte[text[i]] {
		i++
	}
	return i
}

// scan appends candidate findings (unresolved, roughly ordered) to dst. It
// starts recognizers only at positions in [from, to) and returns the position
// where scanning would continue, which may exceed to but never len(text).
// prevEnd is the end of the last match (or -1); it is returned updated so a
// streaming caller can carry it into the next window.
func (s *Scanner) scan(text []byte, from, to, prevEnd int, dst []Finding) ([]Finding, int, int) {
	n := len(text)
	i := from
	for i < to {
		c := text[i]
		switch class[c] {
		case cOther:
			i++
			for i < to && class[text[i]] == cOther {
				i++
			}
		case cLetter, cHigh:
			wend := skipWord(text, i)
			if i > 0 && wordByte[text[i-1]] && isWordBefore(text, i) {
				i = wend
				continue
			}
			var end int
			dst, end = s.atWord(text, i, wend, dst)
			if end > i {
				i, prevEnd = end, end
				continue
			}
			i = wend
		case cDigit:
			wend := skipWord(text, i)
			if i > 0 && wordByte[text[i-1]] && isWordBefore(text, i) {
				i = wend
				continue
			}
			// A digit group right after "N " or "N-" continues a longer
			// grouped number (RF reference, account number) unless that
			// number was itself a match.
			glued := i >= 2 && (text[i-1] == ' ' || text[i-1] == '-') && isDigit(text[i-2]) && prevEnd != i-1
			var end int
			dst, end = s.atNumber(text, i, wend, glued, dst)
			if end > i {
				i, prevEnd = end, end
				continue
			}
			i = wend
		case cHighSep:
			// Skip the whole rune so that its continuation bytes are not
			// taken for a word start.
			if c == 0xC2 {
				i += 2
			} else {
				i += 3
			}
			if i > n {
				i = n
			}
		case cAt:
			if s.enabled&bitEmail != 0 {
				if st, end, ok := matchEmail(text, i); ok {
					dst = append(dst, Finding{Type: TypeEmail, Start: st, End: end})
					i, prevEnd = end, end
					continue
				}
			}
			i++
		case cPlus:
			if s.enabled&bitPhone != 0 && i+1 < n && isDigit(text[i+1]) && (i == 0 || !isPhoneGlue(text[i-1])) {
				if end, ok := matchPhoneIntl(text, i, i+1); ok {
					dst = append(dst, Finding{Type: TypePhone, Start: i, End: end})
					i, prevEnd = end, end
					continue
				}
			}
			i++
		case cParen:
			if s.enabled&bitPhone != 0 && i+1 < n && text[i+1] == '0' && (i == 0 || !isWordBefore(text, i)) {
				if end, ok := matchPhoneParen(text, i); ok {
					dst = append(dst, Finding{Type: TypePhone, Start: i, End: end})
					i, prevEnd = end, end
					continue
				}
			}
			i++
		case cColon:
			if s.enabled&bitIP != 0 && i+2 < n && text[i+1] == ':' && (i == 0 || (!isWordBefore(text, i) && text[i-1] != ':')) {
				if end, ok := matchIPv6(text, i); ok {
					dst = append(dst, Finding{Type: TypeIP, Start: i, End: end})
					i, prevEnd = end, end
					continue
				}
			}
			i++
		}
	}
	return dst, i, prevEnd
}

// isPhoneGlue reports bytes that, right before '+', make it an operator or
// part of a token rather than the start of a phone number.
func isPhoneGlue(b byte) bool {
	return wordByte[b] || b == '+'
}

// atWord runs the recognizers that start with a letter: IBAN, FI VAT number,
// IPv6 starting with a hex letter, special-category words. wend is the end of
// the word starting at i.
func (s *Scanner) atWord(text []byte, i, wend int, dst []Finding) ([]Finding, int) {
	n := len(text)
	c0 := text[i]
	if c0 < 0x80 {
		if wend-i >= 4 && isASCIILetter(text[i+1]) && isDigit(text[i+2]) && isDigit(text[i+3]) {
			if s.enabled&bitIBAN != 0 {
				if end, ok := matchIBAN(text, i); ok {
					return append(dst, Finding{Type: TypeIBAN, Start: i, End: end, Validated: true}), end
				}
			}
			if s.enabled&bitBizID != 0 && wend-i == 10 {
				if end, ok := matchVAT(text, i); ok {
					return append(dst, Finding{Type: TypeBusinessID, Start: i, End: end, Validated: true}), end
				}
			}
		}
		if wend-i <= 4 && wend < n && text[wend] == ':' && s.enabled&bitIP != 0 && hexColonAhead(text, i) && (i == 0 || text[i-1] != ':') {
			if end, ok := matchIPv6(text, i); ok {
				return append(dst, Finding{Type: TypeIP, Start: i, End: end}), end
			}
		}
	}
	if wend-i >= 3 && s.enabled&bitSpecial != 0 && special.maybe(text, i, wend) {
		if end, cat, ok := special.match(text, i); ok {
			return append(dst, Finding{Type: TypeSpecialCategory, Start: i, End: end, Category: cat}), end
		}
	}
	return dst, i
}

// hexColonAhead reports whether text[i:] starts with 1–4 hex digits and ':'.
func hexColonAhead(text []byte, i int) bool {
	for k := 0; k < 5 && i+k < len(text); k++ {
		b := text[i+k]
		if b == ':' {
			return k > 0
		}
		if hexVal[b] < 0 {
			return false
		}
	}
	return false
}

// atNumber runs the recognizers that start with a digit. wend is the end of
// the alphanumeric run starting at i; cheap shape checks on it and the byte
// after it decide which recognizers can apply.
func (s *Scanner) atNumber(text []byte, i, wend int, glued bool, dst []Finding) ([]Finding, int) {
	en := s.enabled
	n := len(text)
	runLen := wend - i
	next := byte(0)
	if wend < n {
		next = text[wend]
	}
	if en&bitHETU != 0 && (runLen == 6 && (next == '-' || next == '+') || runLen == 11) {
		if end, temp, ok := matchHETU(text, i); ok && (!temp || s.temporary) {
			return append(dst, Finding{Type: TypeIdentityCode, Start: i, End: end, Validated: true, Temporary: temp}), end
		}
	}
	if en&bitBizID != 0 && runLen == 7 && next == '-' {
		if end, ok := matchBusinessID(text, i); ok {
			return append(dst, Finding{Type: TypeBusinessID, Start: i, End: end, Validated: true}), end
		}
	}
	if en&bitIP != 0 {
		if next == '.' && runLen <= 3 {
			if end, ok := matchIPv4(text, i); ok {
				return append(dst, Finding{Type: TypeIP, Start: i, End: end}), end
			}
		}
		if runLen <= 4 && next == ':' && hexColonAhead(text, i) && (i == 0 || text[i-1] != ':') {
			if end, ok := matchIPv6(text, i); ok {
				return append(dst, Finding{Type: TypeIP, Start: i, End: end}), end
			}
		}
	}
	if glued {
		return dst, i
	}
	if en&bitCard != 0 && (runLen == 4 || runLen >= 13 && runLen <= 19) {
		if end, ok := matchCard(text, i); ok {
			return append(dst, Finding{Type: TypePaymentCard, Start: i, End: end, Validated: true}), end
		}
	}
	if en&bitPhone != 0 && text[i] == '0' && runLen >= 2 && runLen <= 11 {
		if end, ok := matchPhoneFI(text, i); ok {
			return append(dst, Finding{Type: TypePhone, Start: i, End: end}), end
		}
	}
	return dst, i
}
