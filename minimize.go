package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
)

// ContentFlags tell what the PII scanner found in a contact's free text on
// the way in (types only, never values), so that the record can be handled
// with the care it needs (seed 000 §2: special categories need extra care).
type ContentFlags struct {
	Found           []string `json:"found,omitempty"`     // PII types found in the text as received
	Minimised       []string `json:"minimised,omitempty"` // types redacted, masked or hashed before storing
	SpecialCategory bool     `json:"special_category"`
}

var scanner = pii.New()

// Kinds of mention keys: identifiers found in free text, recorded as blind
// indexes pointing at the record (the mentions index), so a data-subject
// request finds a transcript that mentions a person who is not linked to it.
const KeyIBAN = "iban"

// mentionKey normalises a found identifier the way subject keys are
// normalised, so a subject's key and a mention of it blind to the same index.
func mentionKey(t pii.Type, v string) (SubjectKey, bool) {
	switch t {
	case pii.TypeIdentityCode:
		if code, _, err := ParseIdentityCode(v); err == nil {
			return SubjectKey{Kind: KeyIdentityCode, Value: code}, true
		}
	case pii.TypeEmail:
		return SubjectKey{Kind: KeyEmail, Value: strings.ToLower(v)}, true
	case pii.TypePhone:
		if p, err := NormalizePhone("phone", v); err == nil {
			return SubjectKey{Kind: KeyPhone, Value: p}, true
		}
	case pii.TypeIBAN:
		return SubjectKey{Kind: KeyIBAN, Value: strings.ToUpper(strings.ReplaceAll(v, " ", ""))}, true
	}
	return SubjectKey{}, false
}

// minimize applies a register's redaction rules to a text and returns the
// text to store, what was found, and the mentions to index.
func (s *Service) minimize(reg *policy.Register, text string) (string, ContentFlags, []SubjectKey, error) {
	var flags ContentFlags
	findings := scanner.Scan([]byte(text))
	if len(findings) == 0 {
		return text, flags, nil, nil
	}
	ops := map[pii.Type]pii.Operator{}
	var mentions []SubjectKey
	for _, f := range findings {
		t := string(f.Type)
		if !slices.Contains(flags.Found, t) {
			flags.Found = append(flags.Found, t)
		}
		flags.SpecialCategory = flags.SpecialCategory || f.Type == pii.TypeSpecialCategory
		if k, ok := mentionKey(f.Type, text[f.Start:f.End]); ok && !slices.Contains(mentions, k) {
			mentions = append(mentions, k)
		}
		op, err := pii.ParseOperator(reg.Operator(t))
		if err != nil {
			return "", flags, nil, err
		}
		ops[f.Type] = op
		if op.Kind != pii.OperatorKeep && !slices.Contains(flags.Minimised, t) {
			flags.Minimised = append(flags.Minimised, t)
		}
	}
	red, err := pii.NewRedactor(scanner, ops, s.HashKey)
	if err != nil {
		return "", flags, nil, err
	}
	out, _ := red.Redact([]byte(text))
	return string(out), flags, mentions, nil
}

// Merge adds o's findings to f.
func (f *ContentFlags) Merge(o ContentFlags) {
	for _, t := range o.Found {
		if !slices.Contains(f.Found, t) {
			f.Found = append(f.Found, t)
		}
	}
	for _, t := range o.Minimised {
		if !slices.Contains(f.Minimised, t) {
			f.Minimised = append(f.Minimised, t)
		}
	}
	f.SpecialCategory = f.SpecialCategory || o.SpecialCategory
}

// FindMentions finds contacts whose free text mentions a person's exact
// identifiers (identity code, e-mail, phone), linked to them or not — for
// the data protection officer answering a data-subject request. Audited as
// a search, by blind-index references only.
func (s *Service) FindMentions(ctx context.Context, q *SubjectQuery) ([]*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleDPO {
		return nil, s.refuse(ctx, s.event(a, ActionSearch, OutcomeDenied, "mentions", nil, nil, "mentions index"),
			Errorf(EFORBIDDEN, "only the data protection officer may search the mentions index"))
	}
	exact := SubjectQuery{IdentityCode: q.IdentityCode, Email: q.Email, Phone: q.Phone}
	if exact != *q || exact == (SubjectQuery{}) {
		return nil, FieldError("identity_code", "the mentions index is searched by identity code, e-mail or phone only")
	}
	keys, err := exact.Keys()
	if err != nil {
		return nil, err
	}
	return s.Store.FindMentions(ctx, keys, func(cs []*Contact) (*AuditEvent, error) {
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		return s.event(a, ActionSearch, OutcomeOK, "mentions", ids, nil, fmt.Sprintf("mentions %s; matches: %d", s.criteriaDetail(keys), len(cs))), nil
	})
}
