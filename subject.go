package kirjaamo

import (
	"strings"
	"time"
)

// Subject kinds.
const (
	PersonSubject       = "person"
	OrganisationSubject = "organisation"
)

// Subject is a data subject in the customer register: a person or an
// organisation. Its personal data is kept encrypted at rest as one sealed
// document; lookups go through keyed blind indexes (see SubjectKey).
type Subject struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Register string `json:"register"`

	FirstName      string   `json:"first_name,omitempty"`
	LastName       string   `json:"last_name,omitempty"`
	Name           string   `json:"name,omitempty"` // organisation name
	IdentityCode   string   `json:"identity_code,omitempty"`
	BusinessID     string   `json:"business_id,omitempty"`
	CustomerNumber string   `json:"customer_number,omitempty"`
	BirthDate      string   `json:"birth_date,omitempty"` // YYYY-MM-DD
	Emails         []string `json:"emails,omitempty"`
	Phones         []string `json:"phones,omitempty"`
	Address        *Address `json:"address,omitempty"`
	// Lang is the language the person is written to in (asiointikieli):
	// fi, sv or en; empty is Finnish. Letters such as an art. 34 breach
	// notification follow it.
	Lang string `json:"lang,omitempty"`

	// RelationshipEndedAt starts the customer register's retention (seed 001:
	// 10 years from the end of the customer relationship).
	RelationshipEndedAt *time.Time `json:"relationship_ended_at,omitempty"`
	LastActivityAt      *time.Time `json:"last_activity_at,omitempty"`
	Restricted          bool       `json:"restricted"`
	// Retention is the subject record's retention state (see PartRetention).
	Retention []PartRetention `json:"retention"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
}

// Language is the language letters to the subject are written in.
func (s *Subject) Language() string {
	if s.Lang == "" {
		return "fi"
	}
	return s.Lang
}

// FullName is the person's first and last name, or the organisation's name.
func (s *Subject) FullName() string {
	if s.Kind == OrganisationSubject {
		return s.Name
	}
	return strings.TrimSpace(s.FirstName + " " + s.LastName)
}

// Validate checks and normalises the subject in place: identifiers are
// verified (check characters included), e-mails lower-cased, phones put in
// E.164 form, and a person's birth date derived from the identity code. The
// error names the first offending field.
func (s *Subject) Validate() error {
	switch s.Kind {
	case "":
		s.Kind = PersonSubject
	case PersonSubject, OrganisationSubject:
	default:
		return FieldError("kind", "kind must be person or organisation")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"first_name", &s.FirstName, 200}, {"last_name", &s.LastName, 200}, {"name", &s.Name, 300},
		{"customer_number", &s.CustomerNumber, 64},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if len(*f.v) > f.max {
			return FieldError(f.name, "%s is longer than %d bytes", f.name, f.max)
		}
	}
	if s.Kind == PersonSubject {
		if s.Name != "" {
			return FieldError("name", "name is for organisations; use first_name and last_name for a person")
		}
		if s.BusinessID != "" {
			return FieldError("business_id", "business_id is for organisations")
		}
		if s.LastName == "" && s.IdentityCode == "" && s.CustomerNumber == "" && len(s.Emails) == 0 && len(s.Phones) == 0 {
			return FieldError("last_name", "a person needs a last name or an identifier")
		}
	} else {
		if s.FirstName != "" || s.LastName != "" || s.IdentityCode != "" || s.BirthDate != "" {
			return FieldError("name", "an organisation has a name and a business ID, not a person's names, identity code or birth date")
		}
		if s.Name == "" {
			return FieldError("name", "an organisation needs a name")
		}
	}
	if s.IdentityCode != "" {
		code, birth, err := ParseIdentityCode(s.IdentityCode)
		if err != nil {
			return err
		}
		s.IdentityCode = code
		derived := birth.Format(time.DateOnly)
		if s.BirthDate != "" && s.BirthDate != derived {
			return FieldError("birth_date", "birth date does not match the identity code")
		}
		s.BirthDate = derived
	}
	if s.BirthDate != "" {
		if _, err := time.Parse(time.DateOnly, s.BirthDate); err != nil {
			return FieldError("birth_date", "birth date must be YYYY-MM-DD")
		}
	}
	if s.BusinessID != "" {
		id, err := ValidBusinessID(s.BusinessID)
		if err != nil {
			return err
		}
		s.BusinessID = id
	}
	switch s.Lang {
	case "", "fi", "sv", "en":
	default:
		return FieldError("lang", "lang must be fi, sv or en")
	}
	if len(s.Emails) > 10 || len(s.Phones) > 10 {
		return FieldError("emails", "at most 10 e-mail addresses and 10 phone numbers")
	}
	for i, e := range s.Emails {
		n, err := NormalizeEmail("emails", e)
		if err != nil {
			return err
		}
		s.Emails[i] = n
	}
	for i, p := range s.Phones {
		n, err := NormalizePhone("phones", p)
		if err != nil {
			return err
		}
		s.Phones[i] = n
	}
	if a := s.Address; a != nil {
		for _, f := range []*string{&a.Street, &a.PostalCode, &a.City, &a.Country} {
			*f = strings.TrimSpace(*f)
			if len(*f) > 200 {
				return FieldError("address", "address fields are limited to 200 bytes")
			}
		}
		if *a == (Address{}) {
			s.Address = nil
		}
	}
	return nil
}

// Kinds of subject lookup keys. Each is a keyed blind index (HMAC) of a
// normalised value, so the database can find a subject by an identifier
// without ever holding the identifier in plain text.
const (
	KeyIdentityCode   = "identity_code"
	KeyBusinessID     = "business_id"
	KeyEmail          = "email"
	KeyPhone          = "phone"
	KeyCustomerNumber = "customer_number"
	KeyFullName       = "full_name"
	KeyBirthDate      = "birth_date"
	KeyAddress        = "address"
)

// UniqueKey reports whether at most one subject may hold a key of this kind.
func UniqueKey(kind string) bool {
	return kind == KeyIdentityCode || kind == KeyBusinessID || kind == KeyCustomerNumber
}

// SubjectKey is one lookup key of a subject before blinding.
type SubjectKey struct {
	Kind  string
	Value string // normalised plain value; blinded by the store, never stored
}

// Keys returns the lookup keys of a validated subject.
func (s *Subject) Keys() []SubjectKey {
	var keys []SubjectKey
	add := func(kind, v string) {
		if v != "" {
			keys = append(keys, SubjectKey{kind, v})
		}
	}
	add(KeyIdentityCode, s.IdentityCode)
	add(KeyBusinessID, s.BusinessID)
	add(KeyCustomerNumber, s.CustomerNumber)
	for _, e := range s.Emails {
		add(KeyEmail, e)
	}
	for _, p := range s.Phones {
		add(KeyPhone, p)
	}
	add(KeyFullName, normalizeText(s.FullName()))
	add(KeyBirthDate, s.BirthDate)
	if s.Address != nil {
		add(KeyAddress, normalizeText(s.Address.Street))
	}
	return dedupeKeys(keys)
}

func dedupeKeys(keys []SubjectKey) []SubjectKey {
	out := keys[:0]
	seen := make(map[SubjectKey]bool, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
