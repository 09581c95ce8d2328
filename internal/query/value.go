package query

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

const dateLayout = "2006-01-02"

// expected names what a value of type t must look like, for messages.
func expected(t typespb.Type) string {
	switch t {
	case typespb.Type_UInt:
		return "an unsigned integer"
	case typespb.Type_Int:
		return "an integer"
	case typespb.Type_Float:
		return "a number"
	case typespb.Type_Boolean:
		return "a boolean"
	case typespb.Type_String, typespb.Type_Text:
		return "a string"
	case typespb.Type_Timestamp:
		return "an RFC 3339 timestamp string"
	case typespb.Type_Date:
		return "a YYYY-MM-DD date string"
	}
	return "a supported type"
}

// jsonKind is the JSON kind that carries values of type t.
func jsonKind(t typespb.Type) (kind, bool) {
	switch t {
	case typespb.Type_UInt, typespb.Type_Int, typespb.Type_Float:
		return kindNumber, true
	case typespb.Type_Boolean:
		return kindBool, true
	case typespb.Type_String, typespb.Type_Text, typespb.Type_Timestamp,
		typespb.Type_Date:
		return kindString, true
	}
	return 0, false
}

// scalar converts a non-null JSON scalar to the canonical value of a field
// of type t. On failure it returns the end of a message, such as "expects a
// number, got string".
func scalar(t typespb.Type, n node) (any, string) {
	want, ok := jsonKind(t)
	if !ok {
		return nil, "cannot be filtered: its type " + t.String() + " is not supported"
	}
	if n.kind != want {
		return nil, "expects " + expected(t) + ", got " + n.kind.String()
	}
	if t == typespb.Type_Boolean {
		return n.b, ""
	}
	v, limit, ok := fromText(t, n.text)
	if !ok {
		return nil, "expects " + expected(t) + limit + ", got " + describe(n)
	}
	return v, ""
}

// fromText converts the text of a number or of a string to the canonical
// value of type t. On failure, limit is empty or qualifies the expected
// type, such as " no larger than 9223372036854775807".
func fromText(t typespb.Type, s string) (v any, limit string, ok bool) {
	switch t {
	case typespb.Type_UInt, typespb.Type_Int:
		return integer(t, s)
	case typespb.Type_Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, " that fits in a 64-bit float", false
		}
		return f, "", true
	case typespb.Type_Boolean:
		switch s {
		case "true":
			return true, "", true
		case "false":
			return false, "", true
		}
	case typespb.Type_String, typespb.Type_Text:
		return s, "", true
	case typespb.Type_Timestamp:
		return timestamp(s)
	case typespb.Type_Date:
		if len(s) == len(dateLayout) {
			if _, err := time.Parse(dateLayout, s); err == nil {
				return s, "", true
			}
		}
	}
	return nil, "", false
}

func integer(t typespb.Type, s string) (any, string, bool) {
	i, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-"):
		return nil, " no larger than 9223372036854775807", false
	case errors.Is(err, strconv.ErrRange) && t == typespb.Type_Int:
		return nil, " no smaller than -9223372036854775808", false
	case err != nil, t == typespb.Type_UInt && i < 0:
		return nil, "", false
	}
	return i, "", true
}

// timestamp parses an RFC 3339 time to int64 nanoseconds since the epoch,
// which reach from 1677 to 2262.
func timestamp(s string) (any, string, bool) {
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, "", false
	}
	ns := ts.UnixNano()
	if !time.Unix(0, ns).Equal(ts) {
		return nil, " between 1677-09-21 and 2262-04-11", false
	}
	return ns, "", true
}

// ParseKey converts the text of a primary key taken from a URL path to the
// canonical value of field f. UInt and Int keys are decimal integers,
// Boolean keys are true or false, Timestamp keys are RFC 3339 and Date keys
// are YYYY-MM-DD. On failure it returns an *Error whose Path is f's name.
func ParseKey(f schema.Field, s string) (any, error) {
	if _, ok := jsonKind(f.Type); !ok {
		return nil, errorAt(f.Name, "cannot be a key: its type "+f.Type.String()+
			" is not supported")
	}
	v, limit, ok := fromText(f.Type, s)
	if !ok {
		return nil, errorAt(f.Name, "expects "+expected(f.Type)+limit+", got "+quote(s))
	}
	return v, nil
}
