package source

import (
	"errors"
	"time"
)

// Timestamps are int64 nanoseconds, which reach from 1677 to 2262; the
// bounds are kept a second inside so that the arithmetic cannot overflow.
const (
	minUnixSeconds = -9_223_372_035
	maxUnixSeconds = 9_223_372_035
)

var (
	errTimestampSyntax = errors.New("want RFC 3339 or YYYY-MM-DD HH:MM:SS[.fff]")
	errTimestampRange  = errors.New("outside the years 1678 to 2261")
)

// parseTimestamp parses YYYY-MM-DD(T| )HH:MM:SS[.fraction][zone] into
// nanoseconds since the epoch. zone is Z, ±HH, ±HHMM or ±HH:MM; without one
// the time is UTC. This takes RFC 3339, the space-separated form that
// databases export, and PostgreSQL's timestamptz text ("+00").
func parseTimestamp(s string) (int64, error) {
	if len(s) < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return 0, errTimestampSyntax
	}
	days, ok := parseDays(s[:10])
	if !ok {
		return 0, errTimestampSyntax
	}
	hour, ok1 := twoDigits(s, 11)
	min, ok2 := twoDigits(s, 14)
	sec, ok3 := twoDigits(s, 17)
	if !ok1 || !ok2 || !ok3 || s[13] != ':' || s[16] != ':' ||
		hour > 23 || min > 59 || sec > 59 {
		return 0, errTimestampSyntax
	}

	rest := s[19:]
	var nanos int64
	if len(rest) > 0 && rest[0] == '.' {
		i, digits := 1, 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			// Digits past nanoseconds are dropped, as time.Parse does.
			if digits < 9 {
				nanos = nanos*10 + int64(rest[i]-'0')
				digits++
			}
			i++
		}
		if i == 1 {
			return 0, errTimestampSyntax
		}
		for ; digits < 9; digits++ {
			nanos *= 10
		}
		rest = rest[i:]
	}
	offset, ok := parseZone(rest)
	if !ok {
		return 0, errTimestampSyntax
	}

	secs := days*86400 + int64(hour*3600+min*60+sec) - offset
	if secs < minUnixSeconds || secs > maxUnixSeconds {
		return 0, errTimestampRange
	}
	return secs*1e9 + nanos, nil
}

// parseZone parses "", Z, ±HH, ±HHMM or ±HH:MM into seconds east of UTC.
func parseZone(s string) (int64, bool) {
	switch {
	case s == "":
		return 0, true
	case s == "Z" || s == "z":
		return 0, true
	case s[0] != '+' && s[0] != '-':
		return 0, false
	}
	h, ok := twoDigits(s, 1)
	if !ok || h > 23 {
		return 0, false
	}
	m := 0
	switch len(s) {
	case 3:
	case 5, 6:
		i := 3
		if len(s) == 6 {
			if s[3] != ':' {
				return 0, false
			}
			i = 4
		}
		if m, ok = twoDigits(s, i); !ok || m > 59 {
			return 0, false
		}
	default:
		return 0, false
	}
	off := int64(h*3600 + m*60)
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// isDate reports whether s is a valid date written YYYY-MM-DD.
func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, ok := parseDays(s)
	return ok
}

// parseDays parses YYYY-MM-DD (years 0001 to 9999) into days since
// 1970-01-01.
func parseDays(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	hi, ok1 := twoDigits(s, 0)
	lo, ok2 := twoDigits(s, 2)
	month, ok3 := twoDigits(s, 5)
	day, ok4 := twoDigits(s, 8)
	year := hi*100 + lo
	if !ok1 || !ok2 || !ok3 || !ok4 || year == 0 || month < 1 || month > 12 ||
		day < 1 || day > daysIn(time.Month(month), year) {
		return 0, false
	}
	return daysFromCivil(year, month, day), true
}

func twoDigits(s string, i int) (int, bool) {
	if i+2 > len(s) {
		return 0, false
	}
	a, b := s[i]-'0', s[i+1]-'0'
	if a > 9 || b > 9 {
		return 0, false
	}
	return int(a)*10 + int(b), true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil counts the days from 1970-01-01 to a proleptic Gregorian
// date (the well-known era-based method: 400-year eras of 146097 days).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// formatTimestamp writes nanoseconds since the epoch as RFC 3339 in UTC, for
// values shown as text.
func formatTimestamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}
