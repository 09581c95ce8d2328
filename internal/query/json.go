package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of JSON arrays and objects accepted. It
// bounds the work and the recursion a hostile document can cause.
const maxDepth = 32

type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// node is one decoded JSON value. Objects keep their members in document
// order, because the order of $order_by keys is the sort priority, and
// numbers keep their text so that no precision is lost before the field's
// type is known.
type node struct {
	kind    kind
	b       bool
	text    string // a string's value or a number's literal
	items   []node
	members []member
}

type member struct {
	key string
	val node
}

// blank reports whether data holds nothing but JSON whitespace.
func blank(data []byte) bool {
	return len(bytes.Trim(data, " \t\r\n")) == 0
}

// decode parses one JSON document. It rejects invalid UTF-8 (which
// encoding/json would silently replace), duplicate object keys, nesting
// deeper than maxDepth and trailing data.
func decode(data []byte) (node, error) {
	if !utf8.Valid(data) {
		return node{}, errorAt("", "query is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	n, err := readValue(dec, "", 0)
	if err != nil {
		return node{}, err
	}

	if _, err := dec.Token(); err != io.EOF {
		return node{}, errorAt("", "malformed JSON: unexpected data after the value")
	}
	return n, nil
}

func readValue(dec *json.Decoder, path string, depth int) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, syntaxError(err)
	}
	switch t := tok.(type) {
	case nil:
		return node{kind: kindNull}, nil
	case bool:
		return node{kind: kindBool, b: t}, nil
	case json.Number:
		return node{kind: kindNumber, text: string(t)}, nil
	case string:
		return node{kind: kindString, text: t}, nil
	case json.Delim:
		if depth >= maxDepth {
			return node{}, errorAt(path, fmt.Sprintf(
				"nesting is deeper than %d levels", maxDepth))
		}
		if t == '[' {
			return readArray(dec, path, depth+1)
		}
		if t == '{' {
			return readObject(dec, path, depth+1)
		}
	}
	return node{}, errorAt(path, "malformed JSON")
}

func readArray(dec *json.Decoder, path string, depth int) (node, error) {
	n := node{kind: kindArray}
	for dec.More() {
		p := path + "[" + strconv.Itoa(len(n.items)) + "]"
		v, err := readValue(dec, p, depth)
		if err != nil {
			return node{}, err
		}
		n.items = append(n.items, v)
	}
	if _, err := dec.Token(); err != nil {
		return node{}, syntaxError(err)
	}
	return n, nil
}

func readObject(dec *json.Decoder, path string, depth int) (node, error) {
	n := node{kind: kindObject}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return node{}, syntaxError(err)
		}
		key, ok := tok.(string)
		if !ok {
			return node{}, errorAt(path, "malformed JSON: object key is not a string")
		}

		// Objects are small, so a linear scan beats a map here.
		for _, m := range n.members {
			if m.key == key {
				return node{}, errorAt(path, fmt.Sprintf("duplicate key %s", quote(key)))
			}
		}

		v, err := readValue(dec, child(path, key), depth)
		if err != nil {
			return node{}, err
		}
		n.members = append(n.members, member{key: key, val: v})
	}
	if _, err := dec.Token(); err != nil {
		return node{}, syntaxError(err)
	}
	return n, nil
}

// syntaxError turns a decoder error into a message for the caller.
func syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errorAt("", fmt.Sprintf("malformed JSON at byte %d: %s",
			se.Offset, se.Error()))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errorAt("", "malformed JSON: unexpected end of input")
	}
	return errorAt("", "malformed JSON")
}

// maxQuoted bounds how much of a caller's value is echoed in a message.
const maxQuoted = 40

// quote returns s as a Go-quoted string, shortened to maxQuoted bytes.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// describe names a JSON value for a message: its kind and, for scalars, a
// short rendering of the value.
func describe(n node) string {
	switch n.kind {
	case kindString:
		return "string " + quote(n.text)
	case kindNumber:
		if len(n.text) > maxQuoted {
			return "number " + n.text[:maxQuoted] + "..."
		}
		return "number " + n.text
	case kindBool:
		return "boolean " + strconv.FormatBool(n.b)
	}
	return n.kind.String()
}
