package kirjaamo

import (
	"strings"
	"testing"
)

// A login that names no user must cost what a wrong password costs (no
// user enumeration by timing): CheckNoPassword checks an argon2id hash with
// the parameters HashPassword uses, and never succeeds.
func TestCheckNoPasswordCostsARealCheck(t *testing.T) {
	real, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	params := func(h string) string { return strings.Join(strings.Split(h, "$")[1:4], "$") }
	if got, want := params(noUserHash()), params(real); got != want {
		t.Fatalf("no-user hash has parameters %s, a real hash %s", got, want)
	}
	for _, pw := range []string{"", "a long enough password", "no such user, only for timing"} {
		if CheckNoPassword(pw) {
			t.Fatalf("CheckNoPassword accepted a password")
		}
	}
}
