package pii

import (
	"regexp"
	"strings"
)

// regexpScanner is the benchmark baseline: the straightforward design the
// issue compares against, one regular expression per recognizer run over the
// whole text, with the same checksum validators and the same overlap
// resolution. It is deliberately plain (what a user writes first), not tuned.
type regexpScanner struct {
	rules []regexpRule
}

type regexpRule struct {
	typ      Type
	re       *regexp.Regexp
	validate func(m []byte) (ok, validated bool)
}

func newRegexpScanner() *regexpScanner {
	var stems []string
	for _, terms := range specialTerms {
		for _, term := range terms {
			w := regexp.QuoteMeta(strings.TrimSuffix(term, "*"))
			w = strings.ReplaceAll(w, `\* `, `\pL* `)
			if strings.HasSuffix(term, "*") {
				w += `\pL*`
			}
			stems = append(stems, w)
		}
	}
	whole := func(f func([]byte, int) (int, bool)) func([]byte) (bool, bool) {
		return func(m []byte) (bool, bool) {
			e, ok := f(m, 0)
			return ok && e == len(m), true
		}
	}
	return &regexpScanner{rules: []regexpRule{
		{TypeIdentityCode, regexp.MustCompile(`\b\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]\b`), func(m []byte) (bool, bool) {
			e, _, ok := matchHETU(m, 0)
			return ok && e == len(m), true
		}},
		{TypeBusinessID, regexp.MustCompile(`\b\d{7}-\d\b`), whole(matchBusinessID)},
		{TypeBusinessID, regexp.MustCompile(`\bFI\d{8}\b`), whole(matchVAT)},
		{TypeIBAN, regexp.MustCompile(`\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?\b`), whole(matchIBAN)},
		{TypePaymentCard, regexp.MustCompile(`\b\d{4}(?:[ -]?\d{2,6}){2,4}\b|\b\d{13,19}\b`), whole(matchCard)},
		{TypePhone, regexp.MustCompile(`(?:\+|\b00)\d{1,3}(?:[ -]?\(0\))?(?:[ -]?\d{1,5}){2,5}\b|\b0\d{1,3}(?:[ -]?\d{2,7}){1,3}\b`), func(m []byte) (bool, bool) {
			var e int
			var ok bool
			if m[0] == '+' {
				e, ok = matchPhoneIntl(m, 0, 1)
			} else {
				e, ok = matchPhoneFI(m, 0)
			}
			return ok && e == len(m), false
		}},
		{TypeEmail, regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b`), func([]byte) (bool, bool) { return true, false }},
		{TypeIP, regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`), func([]byte) (bool, bool) { return true, false }},
		{TypeIP, regexp.MustCompile(`(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})`), func(m []byte) (bool, bool) {
			e, ok := matchIPv6(m, 0)
			return ok && e == len(m), false
		}},
		{TypeSpecialCategory, regexp.MustCompile(`(?i)\b(?:` + strings.Join(stems, "|") + `)\b`), func([]byte) (bool, bool) { return true, false }},
	}}
}

func (s *regexpScanner) Scan(text []byte) []Finding {
	var out []Finding
	for _, r := range s.rules {
		for _, loc := range r.re.FindAllIndex(text, -1) {
			ok, validated := r.validate(text[loc[0]:loc[1]])
			if ok {
				out = append(out, Finding{Type: r.typ, Start: loc[0], End: loc[1], Validated: validated && r.typ != TypeSpecialCategory})
			}
		}
	}
	return resolve(out)
}
