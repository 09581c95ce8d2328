package source

import (
	"strconv"
	"strings"
)

// number is the syntax of a decimal number literal:
// [+-] (digits [. digits] | . digits) [(e|E) [+-] digits].
type number struct {
	negative bool
	whole    string // digits before the point
	frac     string // digits after the point
	point    bool
	exp      int // exponent, clamped to ±maxExponent+1
	hasExp   bool
}

// maxExponent bounds the exponent a decimal may be written with, so that a
// short literal cannot expand into a huge string.
const maxExponent = 400

// integer reports whether the literal has neither point nor exponent.
func (n number) integer() bool { return !n.point && !n.hasExp }

// scanNumber parses the syntax of s as a decimal number literal.
func scanNumber(s string) (number, bool) {
	var n number
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.negative = s[i] == '-'
		i++
	}
	start := i
	i = skipDigits(s, i)
	n.whole = s[start:i]
	if i < len(s) && s[i] == '.' {
		n.point = true
		i++
		start = i
		i = skipDigits(s, i)
		n.frac = s[start:i]
	}
	if n.whole == "" && n.frac == "" {
		return n, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		n.hasExp = true
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		start = i
		i = skipDigits(s, i)
		if i == start {
			return n, false
		}
		for _, c := range s[start:i] {
			n.exp = n.exp*10 + int(c-'0')
			if n.exp > maxExponent {
				n.exp = maxExponent + 1
				break
			}
		}
		if neg {
			n.exp = -n.exp
		}
	}
	return n, i == len(s)
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// canonicalDecimal returns s as canonical decimal text: no leading +, no
// exponent, no redundant leading zeros, and the fraction digits as written
// ("12.50" stays "12.50"). Zero has no sign.
func canonicalDecimal(s string) (string, bool) {
	n, ok := scanNumber(s)
	if !ok || n.exp > maxExponent || n.exp < -maxExponent {
		return "", false
	}
	whole, frac := n.whole, n.frac
	if n.hasExp {
		whole, frac = shiftPoint(whole+frac, len(whole)+n.exp)
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	zero := whole == "0" && strings.Trim(frac, "0") == ""

	// Most values are already canonical; return them without allocating.
	asWritten := !n.hasExp && s[0] != '+' && n.whole == whole &&
		n.point == (frac != "") && !(n.negative && zero)
	if asWritten {
		return s, true
	}

	var b strings.Builder
	b.Grow(len(whole) + len(frac) + 2)
	if n.negative && !zero {
		b.WriteByte('-')
	}
	b.WriteString(whole)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String(), true
}

// shiftPoint places a decimal point after the first at digits of digits,
// padding with zeros on either side as needed.
func shiftPoint(digits string, at int) (whole, frac string) {
	switch {
	case at <= 0:
		return "0", strings.Repeat("0", -at) + digits
	case at >= len(digits):
		return digits + strings.Repeat("0", at-len(digits)), ""
	}
	return digits[:at], digits[at:]
}

// needsDecimal reports whether the fixed-point literal s holds more than a
// float64 keeps: its value differs from the shortest float64 text. Literals
// with an exponent are floats by the way they are written.
func needsDecimal(s string, n number) bool {
	if n.hasExp {
		return false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return true
	}
	got := strconv.FormatFloat(f, 'f', -1, 64)
	got = strings.TrimPrefix(got, "-")

	whole := strings.TrimLeft(n.whole, "0")
	frac := strings.TrimRight(n.frac, "0")
	if whole == "" {
		whole = "0"
	}
	want := whole
	if frac != "" {
		want += "." + frac
	}
	return got != want
}

// atoi parses [+-]digits of at most 18 digits, which cannot overflow; it
// reports false for anything else, which strconv then handles.
func atoi(s string) (int64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	if i == len(s) || len(s)-i > 18 {
		return 0, false
	}
	var n int64
	for ; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	if neg {
		n = -n
	}
	return n, true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15}

// atofFast parses [+-]digits[.digits] of at most 15 digits in all. Such a
// mantissa and power of ten are exact float64s, so one division rounds
// correctly: the result equals strconv.ParseFloat's. It reports false for
// anything else.
func atofFast(s string) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	var mant uint64
	digits, frac, point := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
