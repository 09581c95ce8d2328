package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// maxFilterDepth bounds how deeply a filter expression may nest. Real filters
// are a few levels deep; the bound keeps hostile input from costing much.
const maxFilterDepth = 32

// Access is a token's access claim: every endpoint (All) or a filter per
// endpoint (Custom). Its JSON form is Dozer's externally tagged enum; see
// ParseAccess.
type Access struct {
	All bool
	// Custom maps an endpoint name to the rows and fields the token may read.
	// It is nil when All is set; an endpoint it does not name is forbidden.
	Custom map[string]Filter
}

// Filter restricts one endpoint of a Custom access.
type Filter struct {
	// Filter is a bare filter expression as sent, compacted, for example
	// {"trip_id":{"$lt":100}}. It is nil when the filter is missing or JSON
	// null, which grants every row.
	Filter json.RawMessage
	// Fields lists the fields the token may read; nil grants every field.
	Fields []string
}

// AccessError reports why access JSON was rejected. It wraps ErrInvalidAccess,
// and its message is written for the client that sent the JSON.
type AccessError struct {
	// Path locates the problem, such as Custom["trips"].fields[2]; it is
	// empty when the problem is the whole value.
	Path string
	// Problem says what is wrong, such as "must be a string".
	Problem string
}

func (e *AccessError) Error() string { return "invalid access: " + e.detail() }

// detail is the message without its prefix, for callers that add their own.
func (e *AccessError) detail() string {
	if e.Path == "" {
		return e.Problem
	}
	return e.Path + ": " + e.Problem
}

// Unwrap returns ErrInvalidAccess.
func (e *AccessError) Unwrap() error { return ErrInvalidAccess }

func accessError(path, problem string) error {
	return &AccessError{Path: path, Problem: problem}
}

// ParseAccess parses Dozer's access JSON: "All", {"All":null} or
// {"Custom":{"<endpoint>":{"filter":<expression or null>,"fields":[...]}}},
// where both filter and fields may be left out ({"Custom":{"trips":{}}}
// grants the whole endpoint).
//
// It is stricter than Dozer: unknown or duplicate keys (at any depth of a
// filter too, so that no later parser reads the filter differently), wrong
// types, an empty Custom map, empty or repeated names, a filter that is not an
// object, invalid UTF-8 and trailing data are all rejected. Errors are
// *AccessError values.
func ParseAccess(data []byte) (Access, error) {
	if !utf8.Valid(data) {
		return Access{}, accessError("", "is not valid UTF-8")
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	access, err := parseVariant(dec)
	if err != nil {
		return Access{}, err
	}

	if _, err := dec.Token(); err != io.EOF {
		return Access{}, accessError("", "has data after the access value")
	}
	return access, nil
}

// UnmarshalJSON parses data with ParseAccess, so Access can sit in a request
// body.
func (a *Access) UnmarshalJSON(data []byte) error {
	parsed, err := ParseAccess(data)
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// parseVariant reads the externally tagged enum: a bare "All" or an object
// with exactly one key.
func parseVariant(dec *json.Decoder) (Access, error) {
	const shape = `must be "All", {"All":null} or {"Custom":{...}}`

	tok, err := dec.Token()
	if err != nil {
		return Access{}, syntaxError("", err)
	}
	switch tok {
	case "All":
		return Access{All: true}, nil
	case json.Delim('{'):
	default:
		return Access{}, accessError("", shape)
	}

	if !dec.More() {
		return Access{}, accessError("", shape)
	}
	key, err := objectKey(dec, "")
	if err != nil {
		return Access{}, err
	}

	var access Access
	switch key {
	case "All":
		tok, err := dec.Token()
		if err != nil {
			return Access{}, syntaxError("All", err)
		}
		if tok != nil {
			return Access{}, accessError("All", "must be null")
		}
		access.All = true
	case "Custom":
		if access.Custom, err = parseCustom(dec); err != nil {
			return Access{}, err
		}
	default:
		return Access{}, accessError("", "unknown variant "+strconv.Quote(key)+"; "+shape)
	}

	if dec.More() {
		return Access{}, accessError("", "must have exactly one key, All or Custom")
	}
	return access, closeDelim(dec, "")
}

func parseCustom(dec *json.Decoder) (map[string]Filter, error) {
	const path = "Custom"
	if err := openDelim(dec, '{', path, "must be an object of endpoint names"); err != nil {
		return nil, err
	}

	custom := make(map[string]Filter)
	for dec.More() {
		name, err := objectKey(dec, path)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, accessError(path, "has an empty endpoint name")
		}
		if _, dup := custom[name]; dup {
			return nil, accessError(path, "names endpoint "+strconv.Quote(name)+" twice")
		}
		if custom[name], err = parseFilter(dec, endpointPath(name)); err != nil {
			return nil, err
		}
	}
	if err := closeDelim(dec, path); err != nil {
		return nil, err
	}

	if len(custom) == 0 {
		return nil, accessError(path, "must name at least one endpoint")
	}
	return custom, nil
}

func parseFilter(dec *json.Decoder, path string) (Filter, error) {
	err := openDelim(dec, '{', path, `must be an object with optional "filter" and "fields"`)
	if err != nil {
		return Filter{}, err
	}

	var f Filter
	var sawFilter, sawFields bool
	for dec.More() {
		key, err := objectKey(dec, path)
		if err != nil {
			return Filter{}, err
		}
		switch {
		case key == "filter" && !sawFilter:
			sawFilter = true
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return Filter{}, syntaxError(path+".filter", err)
			}
			if f.Filter, err = checkFilter(raw, path+".filter"); err != nil {
				return Filter{}, err
			}
		case key == "fields" && !sawFields:
			sawFields = true
			if f.Fields, err = parseFields(dec, path+".fields"); err != nil {
				return Filter{}, err
			}
		case key == "filter" || key == "fields":
			return Filter{}, accessError(path, "has key "+strconv.Quote(key)+" twice")
		default:
			return Filter{}, accessError(path, "has unknown key "+strconv.Quote(key))
		}
	}
	return f, closeDelim(dec, path)
}

// parseFields reads an array of field names; an empty array becomes nil so
// that both spellings of "every field" compare equal.
func parseFields(dec *json.Decoder, path string) ([]string, error) {
	if err := openDelim(dec, '[', path, "must be an array of field names"); err != nil {
		return nil, err
	}

	var fields []string
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(path, err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, accessError(path+"["+strconv.Itoa(i)+"]", "must be a string")
		}
		fields = append(fields, name)
	}
	if err := checkFields(fields, path); err != nil {
		return nil, err
	}
	return fields, closeDelim(dec, path)
}

func checkFields(fields []string, path string) error {
	for i, name := range fields {
		if name == "" {
			return accessError(path+"["+strconv.Itoa(i)+"]", "must not be empty")
		}
		if slices.Contains(fields[:i], name) {
			return accessError(path, "names field "+strconv.Quote(name)+" twice")
		}
	}
	return nil
}

// checkFilter validates a filter expression and returns it compacted, or nil
// for a missing or null filter. The expression's grammar belongs to the query
// package; here it must only be a JSON object with no duplicate keys.
func checkFilter(raw []byte, path string) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, accessError(path, "must be a JSON object or null")
	}
	if !utf8.Valid(raw) {
		return nil, accessError(path, "is not valid UTF-8")
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := walkValue(dec, path, 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, accessError(path, "has data after the filter")
	}

	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, syntaxError(path, err)
	}
	return buf.Bytes(), nil
}

// walkValue reads one JSON value, rejecting duplicate object keys and nesting
// deeper than maxFilterDepth.
func walkValue(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(path, err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth > maxFilterDepth {
		return accessError(path, "nests deeper than "+strconv.Itoa(maxFilterDepth)+" levels")
	}

	var seen map[string]struct{}
	if delim == '{' {
		seen = make(map[string]struct{})
	}
	for dec.More() {
		if seen != nil {
			key, err := objectKey(dec, path)
			if err != nil {
				return err
			}
			if _, dup := seen[key]; dup {
				return accessError(path, "has duplicate key "+strconv.Quote(key))
			}
			seen[key] = struct{}{}
		}
		if err := walkValue(dec, path, depth+1); err != nil {
			return err
		}
	}
	return closeDelim(dec, path)
}

func objectKey(dec *json.Decoder, path string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", syntaxError(path, err)
	}
	// The decoder only yields strings in key position.
	key, _ := tok.(string)
	return key, nil
}

func openDelim(dec *json.Decoder, want json.Delim, path, problem string) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(path, err)
	}
	if tok != want {
		return accessError(path, problem)
	}
	return nil
}

// closeDelim consumes the '}' or ']' that ends the value being read; the
// decoder has already checked that it matches.
func closeDelim(dec *json.Decoder, path string) error {
	if _, err := dec.Token(); err != nil {
		return syntaxError(path, err)
	}
	return nil
}

func syntaxError(path string, err error) error {
	var syntax *json.SyntaxError
	switch {
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return accessError(path, "ends unexpectedly")
	case errors.As(err, &syntax):
		return accessError(path, "is not valid JSON: "+syntax.Error())
	default:
		return accessError(path, "is not valid JSON")
	}
}

func endpointPath(name string) string {
	return "Custom[" + strconv.Quote(name) + "]"
}

// MarshalJSON returns the access in the form ParseAccess reads: "All" or
// {"Custom":{...}} with endpoints in sorted order and filters compacted. It
// returns an *AccessError for an access that ParseAccess would refuse, such
// as one that grants nothing or sets both All and Custom.
func (a Access) MarshalJSON() ([]byte, error) {
	switch {
	case a.All && len(a.Custom) > 0:
		return nil, accessError("", "sets both All and Custom")
	case a.All:
		return []byte(`"All"`), nil
	case len(a.Custom) == 0:
		return nil, accessError("", "grants nothing; set All or name an endpoint in Custom")
	}

	// One encoder with HTML escaping off, so that the bytes read back by
	// ParseAccess are the bytes written.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	writeString := func(s string) {
		_ = enc.Encode(s) // a string always encodes
		buf.Truncate(buf.Len() - 1)
	}

	buf.WriteString(`{"Custom":{`)
	for i, name := range slices.Sorted(maps.Keys(a.Custom)) {
		path := endpointPath(name)
		if name == "" {
			return nil, accessError("Custom", "has an empty endpoint name")
		}
		f := a.Custom[name]
		filter, err := checkFilter(f.Filter, path+".filter")
		if err != nil {
			return nil, err
		}
		if err := checkFields(f.Fields, path+".fields"); err != nil {
			return nil, err
		}

		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(name)
		buf.WriteString(":{")
		if filter != nil {
			buf.WriteString(`"filter":`)
			buf.Write(filter)
		}
		if len(f.Fields) > 0 {
			if filter != nil {
				buf.WriteByte(',')
			}
			buf.WriteString(`"fields":[`)
			for j, field := range f.Fields {
				if j > 0 {
					buf.WriteByte(',')
				}
				writeString(field)
			}
			buf.WriteByte(']')
		}
		buf.WriteByte('}')
	}
	buf.WriteString("}}")
	return buf.Bytes(), nil
}

// clone returns a deep copy, so that a caller cannot change claims that the
// verified-token cache shares.
func (a Access) clone() Access {
	if a.Custom == nil {
		return a
	}
	custom := make(map[string]Filter, len(a.Custom))
	for name, f := range a.Custom {
		custom[name] = Filter{Filter: bytes.Clone(f.Filter), Fields: slices.Clone(f.Fields)}
	}
	return Access{All: a.All, Custom: custom}
}
