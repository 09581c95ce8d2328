package source

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// jsonKind is the kind of a JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonNested // object or array
)

// member is one key and value of a JSON object, as slices of the line.
type member struct {
	key        []byte // between the quotes, escapes not decoded
	keyEscaped bool
	kind       jsonKind
	raw        []byte // the value's JSON text
	escaped    bool   // a string value holds escapes
}

var (
	errNotObject = errors.New("not a JSON object")
	errBadJSON   = errors.New("invalid JSON")
)

// splitObject splits a line holding one JSON object into its members,
// appending them to dst. Scalars are checked here; nested values only for
// balance, and fully when converted.
func splitObject(line []byte, dst []member) ([]member, error) {
	i := skipSpace(line, 0)
	if i == len(line) || line[i] != '{' {
		return dst, errNotObject
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return dst, trailing(line, i+1)
	}
	for {
		if i == len(line) || line[i] != '"' {
			return dst, errBadJSON
		}
		end, escaped, err := scanString(line, i)
		if err != nil {
			return dst, err
		}
		m := member{key: line[i+1 : end-1], keyEscaped: escaped}
		i = skipSpace(line, end)
		if i == len(line) || line[i] != ':' {
			return dst, errBadJSON
		}
		i = skipSpace(line, i+1)
		if end, err = scanValue(line, i, &m); err != nil {
			return dst, err
		}
		m.raw = line[i:end]
		dst = append(dst, m)

		i = skipSpace(line, end)
		if i == len(line) {
			return dst, errBadJSON
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return dst, trailing(line, i+1)
		default:
			return dst, errBadJSON
		}
	}
}

func trailing(line []byte, i int) error {
	if skipSpace(line, i) != len(line) {
		return errors.New("text after the JSON object")
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// scanValue finds the end of the value starting at i and sets m.kind.
func scanValue(b []byte, i int, m *member) (int, error) {
	if i == len(b) {
		return 0, errBadJSON
	}
	switch c := b[i]; {
	case c == '"':
		m.kind = jsonString
		end, escaped, err := scanString(b, i)
		m.escaped = escaped
		return end, err
	case c == '{' || c == '[':
		m.kind = jsonNested
		return scanNested(b, i)
	case c == 't' || c == 'f' || c == 'n':
		end := i
		for end < len(b) && b[end] >= 'a' && b[end] <= 'z' {
			end++
		}
		switch string(b[i:end]) {
		case "true", "false":
			m.kind = jsonBool
		case "null":
			m.kind = jsonNull
		default:
			return 0, errBadJSON
		}
		return end, nil
	case c == '-' || (c >= '0' && c <= '9'):
		m.kind = jsonNumber
		end := i + 1
		for end < len(b) && isNumberByte(b[end]) {
			end++
		}
		if !validJSONNumber(b[i:end]) {
			return 0, errBadJSON
		}
		return end, nil
	}
	return 0, errBadJSON
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// validJSONNumber checks JSON's number grammar, which is stricter than
// scanNumber's: no leading +, no leading zeros, digits on both sides of the
// point.
func validJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(b)
}

// scanString finds the end (past the closing quote) of the string starting
// at b[i] == '"', and whether it holds escapes. Control characters and
// invalid UTF-8 are errors.
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	for j := i + 1; j < len(b); {
		c := b[j]
		switch {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			j += 2
		case c < 0x20:
			return 0, false, errors.New("control character in a JSON string")
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size == 1 {
				return 0, false, errInvalidUTF8
			}
			j += size
		}
	}
	return 0, false, errors.New("unterminated JSON string")
}

// scanNested finds the end of the object or array starting at b[i] by
// matching brackets outside strings.
func scanNested(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); {
		switch b[j] {
		case '"':
			end, _, err := scanString(b, j)
			if err != nil {
				return 0, err
			}
			j = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
		j++
	}
	return 0, errBadJSON
}

// decodeString returns the contents of the JSON string raw.
func decodeString(raw []byte, escaped bool) (string, error) {
	if !escaped {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errBadJSON
	}
	return s, nil
}
