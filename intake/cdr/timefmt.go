package cdr

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

var errTime = errors.New("not a time")

// timeParser returns the parser for a time format name or Go layout.
//
//	finnish  D.M.YYYY H.MM[.SS] — also with ':' in the time ("2.1.2026 14:05:03")
//	iso8601  2026-01-02T14:05:03[.frac][Z|±hh:mm], 'T' or a space; no offset means the mapping's zone
//	unix     seconds since 1970 (UTC), optionally with a fraction
//	unix_ms  milliseconds since 1970 (UTC)
//	other    a Go layout such as "02/01/2006 15:04", read in the mapping's zone
func timeParser(format string) (func(string, *time.Location) (time.Time, error), error) {
	switch format {
	case "finnish":
		return parseFinnish, nil
	case "iso8601":
		return parseISO, nil
	case "unix":
		return parseUnix, nil
	case "unix_ms":
		return parseUnixMS, nil
	case "":
		return nil, errors.New("must be finnish, iso8601, unix, unix_ms or a Go layout")
	}
	// A Go layout: it must round-trip a reference time to the second, or it
	// is missing a part (a layout without the year would read every call as
	// year 0).
	ref := time.Date(2026, 11, 23, 14, 5, 3, 0, time.UTC)
	got, err := time.ParseInLocation(format, ref.Format(format), time.UTC)
	if err != nil || !got.Truncate(time.Minute).Equal(ref.Truncate(time.Minute)) {
		return nil, errors.New("must be finnish, iso8601, unix, unix_ms or a Go layout with year, month, day, hour and minute (e.g. \"02.01.2006 15:04:05\")")
	}
	return func(s string, loc *time.Location) (time.Time, error) {
		t, err := time.ParseInLocation(format, s, loc)
		if err != nil || t.Location() != loc {
			return t, err // an error, or the layout carried an offset
		}
		// Read the wall clock again as UTC to check it exists in loc.
		u, err := time.Parse(format, s)
		if err != nil {
			return t, err
		}
		return inZone(u, loc)
	}, nil
}

// num reads 1..max digits from s at i.
func num(s string, i, max int) (v, j int, ok bool) {
	j = i
	for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
		v = v*10 + int(s[j]-'0')
		j++
	}
	return v, j, j > i
}

// parseFinnish reads the form Finnish PBX exports and Excel use:
// "2.1.2026 14.05.03", "02.01.2026 14:05", with seconds optional. Written by
// hand because it is the hot path of a Finnish import and time.Parse cannot
// take both separators.
func parseFinnish(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	d, i, ok := num(s, 0, 2)
	if !ok || i >= len(s) || s[i] != '.' {
		return time.Time{}, errTime
	}
	mo, i, ok := num(s, i+1, 2)
	if !ok || i >= len(s) || s[i] != '.' {
		return time.Time{}, errTime
	}
	start := i + 1
	y, i, ok := num(s, start, 4)
	if !ok || i-start != 4 {
		return time.Time{}, errTime
	}
	if i >= len(s) || s[i] != ' ' {
		return time.Time{}, errTime
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	h, i, ok := num(s, i, 2)
	if !ok || i >= len(s) || (s[i] != '.' && s[i] != ':') {
		return time.Time{}, errTime
	}
	sep := s[i]
	start = i + 1
	mi, i, ok := num(s, start, 2)
	if !ok || i-start != 2 {
		return time.Time{}, errTime
	}
	sec := 0
	if i < len(s) {
		if s[i] != sep {
			return time.Time{}, errTime
		}
		sec, i, ok = num(s, i+1, 2)
		if !ok || i != len(s) {
			return time.Time{}, errTime
		}
	}
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, errTime
	}
	return local(y, time.Month(mo), d, h, mi, sec, 0, loc)
}

// earliest resolves a wall-clock time that occurs twice (the hour repeated
// when daylight saving time ends) to the first of the two instants, and
// refuses one that does not occur at all (the hour skipped in spring):
// time.Date picks either side without saying which, and a call record must
// not move by an hour on that.
func earliest(t time.Time, loc *time.Location) (time.Time, error) {
	if t.Location() != loc {
		return t, nil // the input had its own offset
	}
	e := t.Add(-time.Hour)
	if e.Hour() == t.Hour() && e.Minute() == t.Minute() && e.Second() == t.Second() && e.Day() == t.Day() {
		return e, nil
	}
	return t, nil
}

// local builds a wall-clock time in loc, or fails if that wall-clock time
// does not exist there.
func local(y int, mo time.Month, d, h, mi, sec, ns int, loc *time.Location) (time.Time, error) {
	t := time.Date(y, mo, d, h, mi, sec, ns, loc)
	if t.Day() != d || t.Hour() != h || t.Minute() != mi { // 31.2., or a skipped hour
		return time.Time{}, errTime
	}
	return earliest(t, loc)
}

// inZone reads a time parsed without an offset (as if UTC) as wall-clock
// time in loc.
func inZone(t time.Time, loc *time.Location) (time.Time, error) {
	return local(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

func parseISO(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return inZone(t, loc)
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return inZone(t, loc)
	}
	return time.Time{}, errTime
}

// unix times before 2000 or after 2200 are almost surely a wrong column or
// milliseconds read as seconds.
const minUnix, maxUnix = 946684800, 7258118400

func parseUnix(s string, _ *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec < minUnix || sec > maxUnix {
		return time.Time{}, errTime
	}
	var ns int64
	if frac != "" {
		if len(frac) > 9 {
			return time.Time{}, errTime
		}
		f, err := strconv.ParseUint(frac, 10, 32)
		if err != nil {
			return time.Time{}, errTime
		}
		ns = int64(f)
		for k := len(frac); k < 9; k++ {
			ns *= 10
		}
	}
	return time.Unix(sec, ns), nil
}

func parseUnixMS(s string, _ *time.Location) (time.Time, error) {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ms/1000 < minUnix || ms/1000 > maxUnix {
		return time.Time{}, errTime
	}
	return time.UnixMilli(ms), nil
}

// maxCall bounds a duration: a week-long call is a mis-mapped column.
const maxCall = 7 * 24 * time.Hour

// parseDuration reads whole (or decimal) seconds, or [H:]MM:SS.
func parseDuration(s, format string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	var d time.Duration
	switch format {
	case "seconds":
		whole, frac, _ := strings.Cut(s, ".")
		if whole == "" {
			return 0, false
		}
		sec, err := strconv.ParseUint(whole, 10, 32)
		if err != nil {
			return 0, false
		}
		d = time.Duration(sec) * time.Second
		if frac != "" {
			f, err := strconv.ParseUint(frac, 10, 32)
			if err != nil || len(frac) > 9 {
				return 0, false
			}
			ns := time.Duration(f)
			for k := len(frac); k < 9; k++ {
				ns *= 10
			}
			d += ns
		}
	case "hms":
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, false
		}
		var v [3]int
		for k, p := range parts {
			n, j, ok := num(p, 0, 6)
			if !ok || j != len(p) {
				return 0, false
			}
			v[3-len(parts)+k] = n
		}
		if v[1] > 59 || v[2] > 59 {
			return 0, false
		}
		d = time.Duration(v[0])*time.Hour + time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second
	default:
		return 0, false
	}
	return d, d <= maxCall
}
