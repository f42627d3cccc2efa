package pii

var emailLocal [256]bool

func init() {
	for b := 0; b < 128; b++ {
		emailLocal[b] = isASCIIAlnum(byte(b))
	}
	for _, b := range []byte("._%+-'") {
		emailLocal[b] = true
	}
}

// matchEmail matches an e-mail address around the '@' at text[at]: an ASCII
// local part of up to 64 characters found backwards, and a domain of labels
// separated by dots ending in an alphabetic top-level domain.
func matchEmail(text []byte, at int) (start, end int, ok bool) {
	n := len(text)
	s := at
	// The local part may hold non-ASCII letters (jaana.mäkinen@…); runes
	// from the punctuation blocks (no-break space, dashes, quotes) end it.
	for s > 0 && at-s < 64 {
		b := text[s-1]
		if b < 0x80 {
			if !emailLocal[b] {
				break
			}
			s--
			continue
		}
		j := s - 1
		for j > 0 && j > s-4 && text[j]&0xC0 == 0x80 {
			j--
		}
		if l := text[j]; l < 0xC0 || l == 0xC2 || l == 0xE2 {
			break
		}
		s = j
	}
	// A longer run is not an address we can delimit reliably.
	if s > 0 && at-s >= 64 && (emailLocal[text[s-1]] || isWordBefore(text, s)) {
		return 0, 0, false
	}
	for s < at && (text[s] == '.' || text[s] == '\'' || text[s] == '-' || text[s] == '+') {
		s++
	}
	if s == at || text[at-1] == '.' {
		return 0, 0, false
	}
	j := at + 1
	labels := 0
	tldAlpha := false
	for {
		k := j
		alpha := true
		for k < n && k-j < 64 && (isASCIIAlnum(text[k]) || text[k] == '-' || text[k] >= 0x80 && class[text[k]] == cHigh) {
			if !isASCIILetter(text[k]) {
				alpha = false
			}
			k++
		}
		if k == j || text[j] == '-' || text[k-1] == '-' || k-j >= 64 {
			break
		}
		labels++
		tldAlpha = alpha && k-j >= 2
		j = k
		if j+1 < n && text[j] == '.' && (isASCIIAlnum(text[j+1]) || class[text[j+1]] == cHigh) && j-at < 250 {
			j++
			continue
		}
		break
	}
	if labels < 2 || !tldAlpha || !boundaryAfter(text, j) {
		return 0, 0, false
	}
	return s, j, true
}

// matchIPv4 matches a dotted-quad IPv4 address at text[i]; a following
// ":port" is not part of the match. Octets are 0–255 without leading zeros,
// and a fifth ".N" or a preceding "N." (version strings, dates) rejects it.
func matchIPv4(text []byte, i int) (int, bool) {
	n := len(text)
	if i > 0 && text[i-1] == '.' {
		return 0, false
	}
	j := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if j+1 >= n || text[j] != '.' || !isDigit(text[j+1]) {
				return 0, false
			}
			j++
		}
		v, k := 0, 0
		for j < n && isDigit(text[j]) && k < 4 {
			v = v*10 + int(text[j]-'0')
			j++
			k++
		}
		if k == 0 || k > 3 || v > 255 || (k > 1 && text[j-k] == '0') {
			return 0, false
		}
	}
	if !boundaryAfter(text, j) || (j+1 < n && text[j] == '.' && isDigit(text[j+1])) {
		return 0, false
	}
	if isVersionContext(text, i) {
		return 0, false
	}
	return j, true
}

// isVersionContext reports "versio 1.2.3.4" / "version 1.2.3.4".
func isVersionContext(text []byte, i int) bool {
	from := max(i-12, 0)
	return containsFold(text[from:i], "versio") || containsFold(text[from:i], "build")
}

// matchIPv6 matches an IPv6 address at text[i]: eight groups of 1–4 hex
// digits, or fewer with one "::", optionally ending in a dotted IPv4.
func matchIPv6(text []byte, i int) (int, bool) {
	n := len(text)
	j := i
	groups := 0
	dbl := false
	if j+1 < n && text[j] == ':' {
		if text[j+1] != ':' {
			return 0, false
		}
		dbl = true
		j += 2
	}
	for groups < 9 {
		k := j
		for k < n && k-j < 5 && hexVal[text[k]] >= 0 {
			k++
		}
		if k == j {
			break
		}
		if k-j > 4 {
			return 0, false
		}
		if k < n && text[k] == '.' && groups <= 6 {
			if e, ok := matchIPv4(text, j); ok {
				groups += 2
				j = e
				break
			}
			return 0, false
		}
		groups++
		j = k
		if j+1 < n && text[j] == ':' {
			if text[j+1] == ':' {
				if dbl {
					return 0, false
				}
				dbl = true
				j += 2
				continue
			}
			if hexVal[text[j+1]] >= 0 {
				j++
				continue
			}
		}
		break
	}
	if groups == 0 || groups > 8 || (!dbl && groups != 8) || (dbl && groups > 7) {
		return 0, false
	}
	if !boundaryAfter(text, j) {
		return 0, false
	}
	return j, true
}
