package policy

import (
	"slices"

	"gopkg.in/yaml.v3"
)

// Redaction says what happens to personal data found in a register's free
// text (transcripts, bodies, notes) before it is stored: per PII type one of
// redact, mask, hash, keep (seed 002: chats keep no identifying data; seed
// 000 §2: store only what is needed).
type Redaction map[string]string

// PIITypes are the scanner's types (package pii) a redaction rule may name.
var PIITypes = []string{"fi_personal_identity_code", "fi_business_id", "iban", "payment_card", "phone_number", "email_address", "ip_address", "special_category"}

// RedactionOperators are the operators a redaction rule may use.
var RedactionOperators = []string{"redact", "mask", "hash", "keep"}

// DefaultRedaction applies to every type a register's rules do not name:
// identity codes, payment cards, IBANs and special-category words never
// stay in free text (seed 000 §2–§3: store only what is needed, special
// categories need extra care; an e-mail with them is stored redacted); the
// rest is kept. A register names a type to decide otherwise (seed 002's
// chats keep special-category words).
var DefaultRedaction = Redaction{"fi_personal_identity_code": "redact", "payment_card": "redact", "iban": "redact", "special_category": "redact"}

// Operator returns the operator for a PII type in a register: its own rule,
// else the default (so a register that names only e-mail addresses still
// never keeps an identity code), else keep.
func (r *Register) Operator(piiType string) string {
	if op, ok := r.Redaction[piiType]; ok {
		return op
	}
	if op, ok := DefaultRedaction[piiType]; ok {
		return op
	}
	return "keep"
}

func (p *parser) redaction(path string, n *yaml.Node, r *Register) {
	f := p.mappingWith(path+".redaction", n, "in redaction", joinAny(PIITypes), func(k string) bool { return slices.Contains(PIITypes, k) }, "PII type")
	if f == nil {
		return
	}
	r.Redaction = Redaction{}
	for _, t := range PIITypes {
		v, ok := f.get(t)
		if !ok {
			continue
		}
		op := p.scalar(path+".redaction."+t, v)
		if !slices.Contains(RedactionOperators, op) {
			p.addf(v, "%s.redaction.%s: unknown operator %q (allowed: %s)", path, t, op, joinAny(RedactionOperators))
			continue
		}
		r.Redaction[t] = op
	}
	if r.Records != RecordsContacts && len(r.Redaction) > 0 {
		p.addf(n, "%s.redaction: only a register with records: contacts stores free text", path)
	}
}
