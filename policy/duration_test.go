package policy

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zoneinfo database
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Duration
		str  string
	}{
		{"10y", Duration{Years: 10}, "10y"},   // seed 001: 10 years after the relationship ends
		{"6m", Duration{Months: 6}, "6m"},     // seed 002: recordings 6 months
		{"12m", Duration{Months: 12}, "12m"},  // seed 002: extension cap 12 months
		{"180d", Duration{Days: 180}, "180d"}, // seed 002: chats, e-mails 180 days
		{"2w", Duration{Days: 14}, "14d"},     // weeks are kept as days
		{"1y6m", Duration{Years: 1, Months: 6}, "1y6m"},
		{"1y2m3w4d", Duration{1, 2, 25}, "1y2m25d"},
		{"P6M", Duration{Months: 6}, "6m"}, // ISO 8601
		{"P3Y", Duration{Years: 3}, "3y"},  // seed 002: statistics 3 years
		{"P1Y6M", Duration{Years: 1, Months: 6}, "1y6m"},
		{"P2W", Duration{Days: 14}, "14d"},
		{"P180D", Duration{Days: 180}, "180d"},
		{"0d", Duration{}, "0d"}, // parses; the policy refuses it as a retention
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if s := got.String(); s != tc.str {
				t.Errorf("String() = %q, want %q", s, tc.str)
			}
			if back, err := ParseDuration(got.String()); err != nil || back != got {
				t.Errorf("String() %q does not parse back: %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestParseDurationRefuses(t *testing.T) {
	for _, in := range []string{
		"", "6", "m", "6x", "6M", "6 m", "6 months", "-6m", "6m1y", "1m1m", "1.5y",
		"P", "PT1H", "P1DT2H", "p6m", "P6m", "9999999y", "99999999999999999999d",
	} {
		t.Run(in, func(t *testing.T) {
			if d, err := ParseDuration(in); err == nil {
				t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
			}
		})
	}
}

func TestDurationAddTo(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 30, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name     string
		start    time.Time
		duration string
		want     time.Time
	}{
		// Issue 5: a 6-month rule from 31 August ends on the last day of February.
		{"SixMonthsFrom31AugustEndsOn28February", day(2024, time.August, 31), "6m", day(2025, time.February, 28)},
		{"SixMonthsFrom31AugustEndsOn29FebruaryInLeapYear", day(2023, time.August, 31), "6m", day(2024, time.February, 29)},
		{"OneMonthFrom31JanuaryIs28February", day(2025, time.January, 31), "1m", day(2025, time.February, 28)},
		{"OneMonthFrom31JanuaryIs29FebruaryInLeapYear", day(2024, time.January, 31), "1m", day(2024, time.February, 29)},
		{"OneMonthFrom30AprilIs30May", day(2025, time.April, 30), "1m", day(2025, time.May, 30)},
		// Seed 001: 10 years after the relationship ended on a leap day.
		{"TenYearsFrom29FebruaryIs28February", day(2024, time.February, 29), "10y", day(2034, time.February, 28)},
		{"EightYearsFrom29FebruaryIs29February", day(2024, time.February, 29), "8y", day(2032, time.February, 29)},
		{"TwelveMonthsIsOneYear", day(2024, time.February, 29), "12m", day(2025, time.February, 28)},
		{"MonthsCarryIntoYears", day(2024, time.November, 15), "1y3m", day(2026, time.February, 15)},
		// Days come after months: 31 Jan + 1m = 28 Feb, then + 1d = 1 Mar.
		{"MonthsThenDays", day(2025, time.January, 31), "1m1d", day(2025, time.March, 1)},
		{"ThirtyDaysFrom1February", day(2025, time.February, 1), "30d", day(2025, time.March, 3)},
		{"TwoWeeks", day(2025, time.December, 25), "2w", day(2026, time.January, 8)},
		// Seed 002: 180 days across the change to summer time keep the wall clock.
		{"180DaysAcrossDSTKeepWallClock",
			time.Date(2025, time.January, 15, 12, 0, 0, 0, helsinki), "180d",
			time.Date(2025, time.July, 14, 12, 0, 0, 0, helsinki)},
		{"180DaysAcrossDSTBackKeepWallClock",
			time.Date(2025, time.September, 1, 0, 30, 0, 0, helsinki), "180d",
			time.Date(2026, time.February, 28, 0, 30, 0, 0, helsinki)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MustParseDuration(tc.duration).AddTo(tc.start)
			if !got.Equal(tc.want) {
				t.Errorf("%s + %s = %s, want %s", tc.start, tc.duration, got, tc.want)
			}
			if got.Location() != tc.start.Location() {
				t.Errorf("location %s, want %s", got.Location(), tc.start.Location())
			}
		})
	}
}

func TestDurationLongerThan(t *testing.T) {
	for _, tc := range []struct {
		d, o string
		want bool
	}{
		{"12m", "6m", true}, // seed 002: the cap of an extended recording
		{"6m", "6m", false},
		{"6m", "12m", false},
		{"180d", "6m", false}, // shorter from most dates
		{"6m", "180d", true},  // six months are at least 181 days
		{"6m", "181d", false}, // from 1 September 2025 both end on 1 March
		{"185d", "6m", true},
		{"1y", "365d", false}, // equal in a non-leap year
		{"1y1d", "1y", true},
		{"32d", "1m", true},
	} {
		t.Run(tc.d+">"+tc.o, func(t *testing.T) {
			if got := MustParseDuration(tc.d).LongerThan(MustParseDuration(tc.o)); got != tc.want {
				t.Errorf("%s.LongerThan(%s) = %v, want %v", tc.d, tc.o, got, tc.want)
			}
		})
	}
}
