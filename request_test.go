package kirjaamo_test

import (
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// GDPR art. 12(3): one month from receipt, in calendar months, extendable
// by two further months.
func TestRequestDeadline(t *testing.T) {
	for _, tc := range []struct {
		name     string
		received string
		extended int
		want     string
	}{
		{"MidMonth", "2026-03-15", 0, "2026-04-15"},
		{"EndOfJanuaryToEndOfFebruary", "2026-01-31", 0, "2026-02-28"},
		{"LeapYear", "2028-01-31", 0, "2028-02-29"},
		{"EndOfMarchToEndOfApril", "2026-03-31", 0, "2026-04-30"},
		{"ExtendedOneMonth", "2026-01-31", 1, "2026-03-31"},
		{"ExtendedTwoMonths", "2026-01-31", 2, "2026-04-30"},
		{"YearEnd", "2026-12-31", 0, "2027-01-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := kirjaamo.RequestDeadline(day(tc.received), tc.extended)
			if got.Format(time.DateOnly) != tc.want {
				t.Fatalf("got %s, want %s", got.Format(time.DateOnly), tc.want)
			}
		})
	}
}
