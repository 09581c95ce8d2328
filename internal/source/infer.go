package source

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// guess collects what one column's values rule out. Each not* flag is set
// by the first value that cannot be of that type.
type guess struct {
	values, nulls bool // seen a value; seen a NULL

	notUInt, notInt, notNumber, decimal bool
	notBool, notDate, notTimestamp      bool
	// nested is set by a JSON object or array; notJSON by a CSV cell that
	// is no such thing (in JSON Lines any value is JSON).
	nested, notJSON bool
}

// text records a value known only as text: a CSV cell or a JSON string's
// contents. jsonString says it was a JSON string, which is never a number
// or a boolean.
func (g *guess) text(s string, jsonString bool) {
	g.values = true
	if jsonString {
		g.notUInt, g.notInt, g.notNumber, g.notBool = true, true, true, true
	} else {
		g.number(s)
		if !g.notBool {
			_, ok := parseBool(s)
			g.notBool = !ok
		}
		if !g.notJSON {
			if isNested(s) {
				g.nested = true
			} else {
				g.notJSON = true
			}
		}
	}
	if !g.notDate {
		g.notDate = !isDate(s)
	}
	if !g.notTimestamp {
		_, err := parseTimestamp(s)
		g.notTimestamp = err != nil
	}
}

// number records a value that may be a number literal.
func (g *guess) number(s string) {
	if g.notNumber {
		return
	}
	n, ok := scanNumber(s)
	if !ok {
		g.notUInt, g.notInt, g.notNumber = true, true, true
		return
	}
	if n.integer() {
		v, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil:
			// Past int64: only a decimal holds it exactly.
			g.notUInt, g.notInt, g.decimal = true, true, true
		case v < 0:
			g.notUInt = true
			fallthrough
		default:
			// In a column that turns out to be Float, an integer that float64
			// cannot hold exactly makes it Decimal instead.
			if v > 1<<53 || v < -(1<<53) {
				g.decimal = g.decimal || int64(float64(v)) != v
			}
		}
		return
	}
	g.notUInt, g.notInt = true, true
	if _, ok := parseFloat(s); !ok && n.hasExp {
		g.notNumber = true
		return
	}
	if !g.decimal && needsDecimal(s, n) {
		g.decimal = true
	}
}

// jsonScalar records a JSON number or boolean; raw is its text.
func (g *guess) jsonScalar(raw string, isBool bool) {
	g.values = true
	g.notDate, g.notTimestamp = true, true
	if isBool {
		g.notUInt, g.notInt, g.notNumber = true, true, true
		return
	}
	g.notBool = true
	g.number(raw)
}

// jsonNested records a JSON object or array.
func (g *guess) jsonNested() {
	g.values, g.nested = true, true
	g.notUInt, g.notInt, g.notNumber, g.notBool = true, true, true, true
	g.notDate, g.notTimestamp = true, true
}

// column decides the column's type from what the values left possible.
func (g *guess) column(name string) Column {
	c := Column{Name: name, Type: typespb.Type_String, Nullable: g.nulls || !g.values}
	switch {
	case !g.values:
	case !g.notUInt:
		c.Type = typespb.Type_UInt
	case !g.notInt:
		c.Type = typespb.Type_Int
	case !g.notNumber && g.decimal:
		c.Type = typespb.Type_Decimal
	case !g.notNumber:
		c.Type = typespb.Type_Float
	case !g.notBool:
		c.Type = typespb.Type_Boolean
	case !g.notDate:
		c.Type = typespb.Type_Date
	case !g.notTimestamp:
		c.Type = typespb.Type_Timestamp
	case g.nested && !g.notJSON:
		c.Type = typespb.Type_Json
	}
	return c
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkNames checks that column names are identifiers and that no two are
// equal ignoring case (the store's columns are case-insensitive).
func checkNames(names []string) error {
	var bad []string
	for _, n := range names {
		if !identifier.MatchString(n) {
			bad = append(bad, fmt.Sprintf("%q (try %s)", n, suggestName(n)))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("column names must match [A-Za-z_][A-Za-z0-9_]*: %s",
			strings.Join(bad, ", "))
	}
	seen := make(map[string]string, len(names))
	for _, n := range names {
		key := strings.ToLower(n)
		if prev, ok := seen[key]; ok {
			if prev == n {
				return fmt.Errorf("duplicate column name %s", n)
			}
			return fmt.Errorf("column names %s and %s differ only in case", prev, n)
		}
		seen[key] = n
	}
	return nil
}

// suggestName turns a name into an identifier: runs of other characters
// become one underscore, and a leading digit gets an underscore before it.
func suggestName(n string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.TrimSpace(n) {
		ok := r == '_' || r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
			r >= '0' && r <= '9')
		if !ok {
			if !under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = true
			continue
		}
		b.WriteRune(r)
		under = false
	}
	s := strings.TrimRight(b.String(), "_")
	if s == "" {
		return "column"
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s
}
