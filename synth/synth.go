// Package synth generates synthetic personal data for tests, benchmarks and
// the demo: valid-looking identity codes, names, addresses, e-mails and
// phone numbers that belong to nobody. Tests and fixtures use it instead of
// real-looking data of real people, and it is deterministic for a seed.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// Gen is a deterministic generator.
type Gen struct{ r *rand.Rand }

// New returns a generator for seed.
func New(seed uint64) *Gen { return &Gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// Syllables make names that sound Finnish but are drawn at random, so no
// generated full name is a real person's by design.
var (
	firstA = []string{"Aa", "Ee", "Ii", "Oo", "Uu", "Ve", "Sa", "Ka", "Mi", "Te", "Lo", "Ha", "Ri", "Ju", "Pe", "Ai", "No", "Vi"}
	firstB = []string{"nu", "ra", "lo", "ssi", "kka", "tta", "mo", "li", "va", "ne", "ri", "ppi", "lja", "nni", "sto"}
	lastA  = []string{"Kor", "Mä", "Vir", "Lah", "Hei", "Nie", "Saa", "Ket", "Pel", "Ruo", "Tuo", "Jär", "Lei", "Ahl", "Hak"}
	lastB  = []string{"ki", "la", "ta", "me", "vi", "lu", "ru", "po", "ko", "ne", "sa"}
	lastC  = []string{"nen", "lä", "la", "nen", "mäki", "sto", "järvi", "niemi", "oja", "salo"}
	street = []string{"Koivu", "Pihlaja", "Kuusi", "Mänty", "Tammi", "Vaahtera", "Haapa", "Kataja", "Leppä", "Paju"}
	suffix = []string{"tie", "katu", "kuja", "polku", "raitti"}
	cities = []string{"Kuvitelmala", "Esimerkkilä", "Testilä", "Mallila", "Harjoitusvaara"}
)

func (g *Gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// FirstName returns a synthetic first name.
func (g *Gen) FirstName() string { return g.pick(firstA) + g.pick(firstB) }

// LastName returns a synthetic last name.
func (g *Gen) LastName() string { return g.pick(lastA) + g.pick(lastB) + g.pick(lastC) }

// BirthDate returns a date between 1930 and 2010.
func (g *Gen) BirthDate() time.Time {
	return time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(80*365))
}

// IdentityCode returns a valid henkilötunnus for birth. Individual numbers
// are drawn from 900–999, the range of temporary codes, so a generated code
// is never a permanent code of a real person.
func (g *Gen) IdentityCode(birth time.Time) string {
	sign := byte('-')
	switch {
	case birth.Year() >= 2000:
		sign = "ABCDEF"[g.r.IntN(6)]
	case birth.Year() < 1900:
		sign = '+'
	default:
		sign = "-YXWVU"[g.r.IntN(6)]
	}
	ind := 900 + g.r.IntN(100)
	n := birth.Day()*10000000 + int(birth.Month())*100000 + birth.Year()%100*1000 + ind
	return fmt.Sprintf("%02d%02d%02d%c%03d%c", birth.Day(), int(birth.Month()), birth.Year()%100, sign, ind, "0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

// BusinessID returns a valid Y-tunnus.
func (g *Gen) BusinessID() string {
	for {
		var d [7]int
		sum := 0
		for i, w := range []int{7, 9, 10, 5, 8, 4, 2} {
			d[i] = g.r.IntN(10)
			sum += d[i] * w
		}
		r := sum % 11
		if r == 1 {
			continue
		}
		c := 0
		if r > 1 {
			c = 11 - r
		}
		return fmt.Sprintf("%d%d%d%d%d%d%d-%d", d[0], d[1], d[2], d[3], d[4], d[5], d[6], c)
	}
}

// Email returns an address under example.com (RFC 2606), unique per call
// with high probability.
func (g *Gen) Email() string { return fmt.Sprintf("asiakas.%08x@example.com", g.r.Uint32()) }

// Phone returns a Finnish mobile number in national form.
func (g *Gen) Phone() string { return fmt.Sprintf("040 %03d %04d", g.r.IntN(1000), g.r.IntN(10000)) }

// Address returns a street address in a fictional town.
func (g *Gen) Address() *kirjaamo.Address {
	return &kirjaamo.Address{
		Street:     fmt.Sprintf("%s%s %d", g.pick(street), g.pick(suffix), 1+g.r.IntN(120)),
		PostalCode: fmt.Sprintf("%05d", 10*g.r.IntN(9999)),
		City:       g.pick(cities), Country: "FI",
	}
}

// Person returns a synthetic person with an identity code, e-mail, phone
// and address.
func (g *Gen) Person() *kirjaamo.Subject {
	birth := g.BirthDate()
	return &kirjaamo.Subject{
		Kind: kirjaamo.PersonSubject, FirstName: g.FirstName(), LastName: g.LastName(),
		IdentityCode: g.IdentityCode(birth), Emails: []string{g.Email()}, Phones: []string{g.Phone()},
		Address: g.Address(), CustomerNumber: fmt.Sprintf("C%09d", g.r.IntN(1e9)),
	}
}

// Organisation returns a synthetic company.
func (g *Gen) Organisation() *kirjaamo.Subject {
	return &kirjaamo.Subject{
		Kind: kirjaamo.OrganisationSubject, Name: g.LastName() + " Oy", BusinessID: g.BusinessID(),
		Emails: []string{g.Email()}, Address: g.Address(),
	}
}

// Sentence returns a short customer-service note without personal data.
func (g *Gen) Sentence() string {
	return g.pick([]string{
		"Asiakas kysyi laskun eräpäivästä.", "Asiakas pyysi soittopyyntöä huomiselle.",
		"Neuvottiin verkkoasioinnin käytössä.", "Kunden frågade om sin ansökan.",
		"Customer asked about the status of the application.", "Ohjattiin oikeaan palveluun.",
	})
}

// Int returns a number in [0, n).
func (g *Gen) Int(n int) int { return g.r.IntN(n) }
