package kirjaamo_test

import (
	"testing"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/synth"
)

// The identity codes below are synthetic: individual numbers 900–999 are
// temporary codes, never a person's permanent code.
func TestParseIdentityCode(t *testing.T) {
	for _, tc := range []struct {
		name, code, wantBirth string
		ok                    bool
	}{
		{"CenturySignMinus1900s", "131052-9107", "1952-10-13", true},
		{"CenturySignY1900sReform2023", "131052Y9107", "1952-10-13", true},
		{"CenturySignA2000s", "010203A9301", "2003-02-01", true},
		{"CenturySignF2000s", "010203F9301", "2003-02-01", true},
		{"CenturySignPlus1800s", "010199+9001", "1899-01-01", true},
		{"LowerCaseAccepted", "010203a9301", "2003-02-01", true},
		{"ErrCheckCharacter", "131052-9108", "", false},
		{"ErrFebruary29NotLeap2023", "290223A9009", "", false},
		{"ErrMonth13", "011352-910W", "", false},
		{"ErrUnknownCenturySign", "131052G9107", "", false},
		{"ErrIndividualNumber001", "131052-001F", "", false},
		{"ErrTooShort", "131052-910", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, birth, err := kirjaamo.ParseIdentityCode(tc.code)
			if (err == nil) != tc.ok {
				t.Fatalf("got error %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if kirjaamo.ErrorField(err) != "identity_code" {
					t.Fatalf("error does not name the field: %v", err)
				}
				return
			}
			if got := birth.Format("2006-01-02"); got != tc.wantBirth {
				t.Fatalf("got birth %s, want %s", got, tc.wantBirth)
			}
		})
	}
}

func TestParseIdentityCodeAcceptsGenerated(t *testing.T) {
	g := synth.New(1)
	for range 2000 {
		code := g.IdentityCode(g.BirthDate())
		if _, _, err := kirjaamo.ParseIdentityCode(code); err != nil {
			t.Fatalf("generated code rejected: %v", err)
		}
	}
}

func TestMaskIdentityCodeKeepsDateAndCheckCharacter(t *testing.T) {
	if got, want := kirjaamo.MaskIdentityCode("010190-9xyX"), "010190-***X"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// Y-tunnus: weights 7,9,10,5,8,4,2; r = sum mod 11; r = 0 → 0; r = 1 never
// valid; else 11 − r.
func TestValidBusinessID(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		ok       bool
	}{
		{"Valid", "2492090-1", true},
		{"CheckZero", "0000000-0", true},
		{"OldSixDigitFormPadded", "737546-2", true},
		{"ErrCheckDigit", "2492090-2", false},
		{"ErrNoDash", "24920901", false},
		{"ErrLetters", "249209A-1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kirjaamo.ValidBusinessID(tc.id)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"040 123 4567", "+358401234567"},
		{"040-1234567", "+358401234567"},
		{"+358 40 123 4567", "+358401234567"},
		{"00358 40 123 4567", "+358401234567"},
		{"09 310 1691", "+35893101691"},
		{"+46 8 123 456 78", "+46812345678"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := kirjaamo.NormalizePhone("phone", tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"123", "040 abc", "+0 12345678", "1234567890"} {
		if _, err := kirjaamo.NormalizePhone("phone", bad); kirjaamo.ErrorField(err) != "phone" {
			t.Errorf("NormalizePhone(%q): got %v, want an error naming phone", bad, err)
		}
	}
}

func TestSubjectValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     kirjaamo.Subject
		field string
	}{
		{"BadIdentityCode", kirjaamo.Subject{LastName: "Mallila", IdentityCode: "131052-9108"}, "identity_code"},
		{"BirthDateContradictsCode", kirjaamo.Subject{LastName: "Mallila", IdentityCode: "131052-9107", BirthDate: "1952-10-14"}, "birth_date"},
		{"BadEmail", kirjaamo.Subject{LastName: "Mallila", Emails: []string{"not-an-address"}}, "emails"},
		{"BadPhone", kirjaamo.Subject{LastName: "Mallila", Phones: []string{"12"}}, "phones"},
		{"PersonWithoutNameOrIdentifier", kirjaamo.Subject{FirstName: "Aanu"}, "last_name"},
		{"OrganisationWithoutName", kirjaamo.Subject{Kind: kirjaamo.OrganisationSubject, BusinessID: "2492090-1"}, "name"},
		{"OrganisationBadBusinessID", kirjaamo.Subject{Kind: kirjaamo.OrganisationSubject, Name: "Testi Oy", BusinessID: "2492090-2"}, "business_id"},
		{"UnknownKind", kirjaamo.Subject{Kind: "robot", LastName: "X"}, "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if kirjaamo.ErrorCode(err) != kirjaamo.EINVALID || kirjaamo.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
	t.Run("BirthDateDerivedFromCode", func(t *testing.T) {
		s := kirjaamo.Subject{LastName: "Mallila", IdentityCode: "131052-9107", Emails: []string{"Asiakas@Example.com"}}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if s.BirthDate != "1952-10-13" || s.Emails[0] != "asiakas@example.com" {
			t.Fatalf("got birth %s email %s", s.BirthDate, s.Emails[0])
		}
	})
}

// Seed 000 §4: never search by first name alone. A search needs an exact
// identifier or at least two of full name, birth date and address.
func TestSearchGuard(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    kirjaamo.SubjectQuery
		ok   bool
	}{
		{"IdentityCodeAlone", kirjaamo.SubjectQuery{IdentityCode: "131052-9107"}, true},
		{"BusinessIDAlone", kirjaamo.SubjectQuery{BusinessID: "2492090-1"}, true},
		{"EmailAlone", kirjaamo.SubjectQuery{Email: "asiakas@example.com"}, true},
		{"PhoneAlone", kirjaamo.SubjectQuery{Phone: "040 123 4567"}, true},
		{"CustomerNumberAlone", kirjaamo.SubjectQuery{CustomerNumber: "C1"}, true},
		{"FullNameAndBirthDate", kirjaamo.SubjectQuery{FirstName: "Aanu", LastName: "Mallila", BirthDate: "1952-10-13"}, true},
		{"FullNameAndAddress", kirjaamo.SubjectQuery{FirstName: "Aanu", LastName: "Mallila", Address: "Koivutie 1"}, true},
		{"BirthDateAndAddress", kirjaamo.SubjectQuery{BirthDate: "1952-10-13", Address: "Koivutie 1"}, true},
		{"RefusedFirstNameAlone", kirjaamo.SubjectQuery{FirstName: "Aanu"}, false},
		{"RefusedFullNameAlone", kirjaamo.SubjectQuery{FirstName: "Aanu", LastName: "Mallila"}, false},
		{"RefusedFirstNameAndBirthDate", kirjaamo.SubjectQuery{FirstName: "Aanu", BirthDate: "1952-10-13"}, false},
		{"RefusedBirthDateAlone", kirjaamo.SubjectQuery{BirthDate: "1952-10-13"}, false},
		{"RefusedEmpty", kirjaamo.SubjectQuery{}, false},
		{"RefusedInvalidIdentityCode", kirjaamo.SubjectQuery{IdentityCode: "131052-9108"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.Keys()
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && kirjaamo.ErrorCode(err) != kirjaamo.EINVALID {
				t.Fatalf("got code %s, want EINVALID", kirjaamo.ErrorCode(err))
			}
		})
	}
}
