// Package pii finds personal data in customer-service text and minimises it.
//
// The scanner is a hand-written single pass over UTF-8 bytes. It dispatches on
// the class of the byte at each token start (digit, letter, '@', '+', ':') and
// runs only the recognizers that can start there, so ordinary prose is skipped a
// word at a time with a table lookup per byte. Identifiers are validated with
// their check characters (henkilötunnus, Y-tunnus, IBAN, Luhn) so that look-alikes
// such as creditor references, Finnish reference numbers and impossible dates are
// not reported. Offsets are byte offsets into the scanned text.
package pii

// Type names a kind of personal data. The string values are part of the
// external contract (CLI JSON output, API) and must not change.
type Type string

const (
	TypeIdentityCode    Type = "fi_personal_identity_code"
	TypeBusinessID      Type = "fi_business_id"
	TypeIBAN            Type = "iban"
	TypePaymentCard     Type = "payment_card"
	TypePhone           Type = "phone_number"
	TypeEmail           Type = "email_address"
	TypeIP              Type = "ip_address"
	TypeSpecialCategory Type = "special_category"
)

// Types lists every type the scanner knows, identifiers first.
var Types = []Type{
	TypeIdentityCode, TypeBusinessID, TypeIBAN, TypePaymentCard,
	TypePhone, TypeEmail, TypeIP, TypeSpecialCategory,
}

// Categories of special (GDPR art. 9 and Finnish social-welfare) data reported
// in Finding.Category for TypeSpecialCategory.
const (
	CategoryHealth            = "health"
	CategoryReligion          = "religion"
	CategoryEthnicity         = "ethnicity"
	CategoryTradeUnion        = "trade_union"
	CategorySexualOrientation = "sexual_orientation"
	CategorySocialWelfare     = "social_welfare"
)

// Finding is one piece of personal data at text[Start:End].
type Finding struct {
	Type  Type `json:"type"`
	Start int  `json:"start"`
	End   int  `json:"end"`
	// Validated is true when a check character or checksum confirmed the
	// value (identity code, business ID, IBAN, payment card).
	Validated bool `json:"validated"`
	// Category is set for TypeSpecialCategory, e.g. "health".
	Category string `json:"category,omitempty"`
	// Temporary marks an identity code with an individual number 900–999,
	// issued as a temporary code.
	Temporary bool `json:"temporary,omitempty"`
}

func typeBit(t Type) uint16 {
	switch t {
	case TypeIdentityCode:
		return 1 << 0
	case TypeBusinessID:
		return 1 << 1
	case TypeIBAN:
		return 1 << 2
	case TypePaymentCard:
		return 1 << 3
	case TypePhone:
		return 1 << 4
	case TypeEmail:
		return 1 << 5
	case TypeIP:
		return 1 << 6
	case TypeSpecialCategory:
		return 1 << 7
	}
	return 0
}

const (
	bitHETU    = 1 << 0
	bitBizID   = 1 << 1
	bitIBAN    = 1 << 2
	bitCard    = 1 << 3
	bitPhone   = 1 << 4
	bitEmail   = 1 << 5
	bitIP      = 1 << 6
	bitSpecial = 1 << 7
	bitAll     = 1<<8 - 1
)

// Scanner finds personal data. A Scanner is immutable after New and safe for
// concurrent use.
type Scanner struct {
	enabled   uint16
	temporary bool
}

// Option configures a Scanner.
type Option func(*Scanner)

// WithTypes restricts the scanner to the given types. Unknown types are
// ignored; with no known type the scanner finds nothing.
func WithTypes(types ...Type) Option {
	return func(s *Scanner) {
		s.enabled = 0
		for _, t := range types {
			s.enabled |= typeBit(t)
		}
	}
}

// WithTemporaryCodes sets whether identity codes with an individual number
// 900–999 (temporary codes) are reported. The default is true: a temporary code
// still identifies a person.
func WithTemporaryCodes(report bool) Option {
	return func(s *Scanner) { s.temporary = report }
}

// New returns a scanner for all types, reporting temporary identity codes.
func New(opts ...Option) *Scanner {
	s := &Scanner{enabled: bitAll, temporary: true}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Scan returns the findings in text, ordered by Start, without overlaps.
func (s *Scanner) Scan(text []byte) []Finding {
	return s.AppendScan(nil, text)
}

// AppendScan appends the findings in text to dst and returns the extended
// slice. Reusing dst across calls avoids allocation.
func (s *Scanner) AppendScan(dst []Finding, text []byte) []Finding {
	n0 := len(dst)
	dst, _, _ = s.scan(text, 0, len(text), -1, dst)
	out := resolve(dst[n0:])
	return dst[:n0+len(out)]
}

// better reports whether a should replace b when they overlap: a validated
// finding wins over an unvalidated one, then the longer one.
func better(a, b Finding) bool {
	if a.Validated != b.Validated {
		return a.Validated
	}
	return a.End-a.Start > b.End-b.Start
}

// sortFindings orders candidates by Start, longer first. Candidates arrive
// almost sorted (only e-mail addresses start before the anchor that found
// them), so insertion sort is linear in practice.
func sortFindings(c []Finding) {
	for i := 1; i < len(c); i++ {
		f := c[i]
		j := i
		for j > 0 && less(f, c[j-1]) {
			c[j] = c[j-1]
			j--
		}
		c[j] = f
	}
}

func less(a, b Finding) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.End > b.End
}

// resolve sorts candidates and keeps one finding per overlapping group, in
// place.
func resolve(c []Finding) []Finding {
	sortFindings(c)
	out := c[:0]
	for _, f := range c {
		if k := len(out); k > 0 && f.Start < out[k-1].End {
			if better(f, out[k-1]) {
				out[k-1] = f
			}
			continue
		}
		out = append(out, f)
	}
	return out
}
