package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a calendar duration: years and months are calendar units, not
// a number of hours, so "6m" from 31 August ends on the last day of
// February. Weeks are kept as days.
type Duration struct{ Years, Months, Days int }

// maxComponent bounds every number in a duration so that arithmetic never
// overflows; no retention rule needs more than a thousand years.
const maxComponent = 1_000_000

// ParseDuration parses a retention duration. The short form is one or more
// numbers each followed by a unit, largest unit first: y (years), m
// (months), w (weeks), d (days) — "10y", "6m", "180d", "2w", "1y6m". The
// ISO 8601 date form "P1Y6M", "P6M", "P2W", "P180D" is accepted too; a
// time part ("PT1H") is not, since retention is counted in days.
func ParseDuration(s string) (Duration, error) {
	if s == "" {
		return Duration{}, errors.New("empty duration")
	}
	if strings.ContainsAny(s, " \t") {
		return Duration{}, fmt.Errorf("bad duration %q: write the number and unit together, e.g. 6m, 180d or 1y6m", s)
	}
	body, units := s, "ymwd"
	if s[0] == 'P' || s[0] == 'p' {
		body, units = s[1:], "YMWD"
		if strings.ContainsAny(body, "Tt") {
			return Duration{}, fmt.Errorf("bad duration %q: hours, minutes and seconds are not supported; use days", s)
		}
		if body == "" {
			return Duration{}, fmt.Errorf("bad duration %q: no number after P", s)
		}
	}
	var d Duration
	next := 0 // index in units of the smallest unit still allowed
	for body != "" {
		i := 0
		for i < len(body) && body[i] >= '0' && body[i] <= '9' {
			i++
		}
		if i == 0 {
			return Duration{}, fmt.Errorf("bad duration %q: expected a number at %q", s, body)
		}
		if i == len(body) {
			return Duration{}, fmt.Errorf("bad duration %q: number %s has no unit (y, m, w or d)", s, body)
		}
		n, err := strconv.Atoi(body[:i])
		if err != nil || n > maxComponent {
			return Duration{}, fmt.Errorf("bad duration %q: number %s too large", s, body[:i])
		}
		u := strings.IndexByte(units, body[i])
		if u < 0 {
			return Duration{}, fmt.Errorf("bad duration %q: unknown unit %q (use y, m, w or d)", s, body[i:i+1])
		}
		if u < next {
			return Duration{}, fmt.Errorf("bad duration %q: units must come largest first, each once (e.g. 1y6m)", s)
		}
		next = u + 1
		switch u {
		case 0:
			d.Years = n
		case 1:
			d.Months = n
		case 2:
			d.Days += 7 * n
		case 3:
			d.Days += n
		}
		body = body[i+1:]
	}
	return d, nil
}

// MustParseDuration is ParseDuration for constants in code and tests; it
// panics on a bad duration.
func MustParseDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// AddTo returns t plus d in t's location. Years and months are added first,
// and a day that does not exist in the resulting month is clamped to the
// month's last day (31 Aug + 6m = 28 Feb, or 29 in a leap year; 29 Feb +
// 10y = 28 Feb); then days are added as calendar days, so the wall-clock
// time stays the same across a daylight-saving change.
func (d Duration) AddTo(t time.Time) time.Time {
	y, m, day := t.Date()
	hh, mm, ss := t.Clock()
	months := int(m) - 1 + d.Months
	y += d.Years + months/12
	months %= 12
	if months < 0 {
		months += 12
		y--
	}
	month := time.Month(months + 1)
	if last := daysIn(y, month); day > last {
		day = last
	}
	return time.Date(y, month, day+d.Days, hh, mm, ss, t.Nanosecond(), t.Location())
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String returns the canonical short form, e.g. "1y6m", "180d"; weeks are
// shown as days. The zero duration is "0d".
func (d Duration) String() string {
	if d.IsZero() {
		return "0d"
	}
	var b strings.Builder
	if d.Years != 0 {
		fmt.Fprintf(&b, "%dy", d.Years)
	}
	if d.Months != 0 {
		fmt.Fprintf(&b, "%dm", d.Months)
	}
	if d.Days != 0 {
		fmt.Fprintf(&b, "%dd", d.Days)
	}
	return b.String()
}

// MarshalText writes the canonical form, so that JSON and YAML show "6m".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses any form ParseDuration accepts.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is no time at all.
func (d Duration) IsZero() bool { return d == Duration{} }

// LongerThan reports whether d ends strictly later than o whatever the start
// date: calendar units make "1m" and "30d" incomparable in general, so
// both are applied to every first and last day of the months of a four-year
// (leap) cycle: "12m" is longer than "6m", "1m" is not longer than "30d"
// (from 1 February it is shorter), and "32d" is longer than "1m".
func (d Duration) LongerThan(o Duration) bool {
	for y := 2023; y < 2027; y++ {
		for m := time.January; m <= time.December; m++ {
			for _, day := range []int{1, daysIn(y, m)} {
				t := time.Date(y, m, day, 12, 0, 0, 0, time.UTC)
				if !d.AddTo(t).After(o.AddTo(t)) {
					return false
				}
			}
		}
	}
	return true
}
