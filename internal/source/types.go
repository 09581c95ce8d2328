package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// typeNames are the names ParseType accepts, as written in gantry.yaml.
var typeNames = map[string]typespb.Type{
	"uint":      typespb.Type_UInt,
	"int":       typespb.Type_Int,
	"float":     typespb.Type_Float,
	"decimal":   typespb.Type_Decimal,
	"bool":      typespb.Type_Boolean,
	"string":    typespb.Type_String,
	"text":      typespb.Type_Text,
	"timestamp": typespb.Type_Timestamp,
	"date":      typespb.Type_Date,
	"json":      typespb.Type_Json,
}

// ParseType returns the type a types override names: uint, int, float,
// decimal, bool, string, text, timestamp, date or json. Any other name is an
// error that lists these.
func ParseType(name string) (typespb.Type, error) {
	if t, ok := typeNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return t, nil
	}
	return 0, fmt.Errorf("unknown type %q: want one of uint, int, float, decimal, "+
		"bool, string, text, timestamp, date, json", name)
}

// typeNoun names what a value of type t is, for "x is not a ..." messages.
func typeNoun(t typespb.Type) string {
	switch t {
	case typespb.Type_UInt:
		return "an unsigned integer"
	case typespb.Type_Int:
		return "an integer"
	case typespb.Type_Float:
		return "a float"
	case typespb.Type_Decimal:
		return "a decimal"
	case typespb.Type_Boolean:
		return "a boolean (true or false)"
	case typespb.Type_Timestamp:
		return "a timestamp"
	case typespb.Type_Date:
		return "a date (YYYY-MM-DD)"
	case typespb.Type_Json:
		return "valid JSON"
	case typespb.Type_String, typespb.Type_Text:
		return "valid UTF-8"
	}
	return "a supported type (" + t.String() + ")"
}

// supported reports whether the package produces values of type t.
func supported(t typespb.Type) bool {
	_, ok := canonicalKinds[t]
	return ok
}

var canonicalKinds = map[typespb.Type]bool{
	typespb.Type_UInt: true, typespb.Type_Int: true, typespb.Type_Float: true,
	typespb.Type_Decimal: true, typespb.Type_Boolean: true, typespb.Type_String: true,
	typespb.Type_Text: true, typespb.Type_Timestamp: true, typespb.Type_Date: true,
	typespb.Type_Json: true,
}

// mismatch is a value that does not fit its column's type.
type mismatch struct {
	value string
	typ   typespb.Type
	why   string // optional detail, such as "out of range"
}

func (m *mismatch) Error() string {
	msg := quoteValue(m.value) + " is not " + typeNoun(m.typ)
	if m.why != "" {
		msg += " (" + m.why + ")"
	}
	return msg
}

// quoteValue quotes a value for an error message, cut short when long.
func quoteValue(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("... (%d bytes)", len(s))
}

// fromText converts text to the canonical value of type t. Empty text is
// not NULL here: callers decide what NULL looks like in their format.
func fromText(s string, t typespb.Type) (any, error) {
	switch t {
	case typespb.Type_UInt, typespb.Type_Int:
		v, ok := atoi(s)
		if !ok {
			var err error
			if v, err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, intMismatch(s, t, err)
			}
		}
		if v < 0 && t == typespb.Type_UInt {
			return nil, &mismatch{value: s, typ: t, why: "negative"}
		}
		return v, nil
	case typespb.Type_Float:
		v, ok := parseFloat(s)
		if !ok {
			return nil, &mismatch{value: s, typ: t}
		}
		return v, nil
	case typespb.Type_Decimal:
		v, ok := canonicalDecimal(s)
		if !ok {
			return nil, &mismatch{value: s, typ: t}
		}
		return v, nil
	case typespb.Type_Boolean:
		v, ok := parseBool(s)
		if !ok {
			return nil, &mismatch{value: s, typ: t}
		}
		return v, nil
	case typespb.Type_String, typespb.Type_Text:
		if !utf8.ValidString(s) {
			return nil, errInvalidUTF8
		}
		return s, nil
	case typespb.Type_Timestamp:
		v, err := parseTimestamp(s)
		if err != nil {
			return nil, &mismatch{value: s, typ: t, why: err.Error()}
		}
		return v, nil
	case typespb.Type_Date:
		if !isDate(s) {
			return nil, &mismatch{value: s, typ: t}
		}
		return s, nil
	case typespb.Type_Json:
		v, ok := compactJSON(s)
		if !ok {
			return nil, &mismatch{value: s, typ: t}
		}
		return v, nil
	}
	return nil, fmt.Errorf("type %s is not supported", t)
}

var errInvalidUTF8 = fmt.Errorf("invalid UTF-8")

func intMismatch(s string, t typespb.Type, err error) error {
	why := ""
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		why = "out of range"
	}
	return &mismatch{value: s, typ: t, why: why}
}

// parseBool accepts true and false in any case, and nothing else: 0 and 1
// are integers.
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseFloat accepts decimal number syntax only (no NaN, infinities, hex or
// underscores: the API cannot carry the first two) within float64's range.
func parseFloat(s string) (float64, bool) {
	if v, ok := atofFast(s); ok {
		return v, true
	}
	if _, ok := scanNumber(s); !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// compactJSON returns s as compact JSON, if s is valid JSON in valid UTF-8.
func compactJSON(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b bytes.Buffer
	b.Grow(len(s))
	if err := json.Compact(&b, []byte(s)); err != nil {
		return "", false
	}
	if b.Len() == len(s) {
		return s, true
	}
	return b.String(), true
}

// isNested reports whether s is a JSON object or array, the JSON that
// inference recognises in CSV cells.
func isNested(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return false
	}
	return json.Valid([]byte(s)) && utf8.ValidString(s)
}
