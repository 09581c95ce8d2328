package scaffold

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// The record message's identity fields, which follow the data fields. They
// match schema.RecordIDField and schema.RecordVersionField.
const (
	recordIDField      = "__dozer_record_id"
	recordVersionField = "__dozer_record_version"
)

// Field is one data field of an endpoint's records.
type Field struct {
	Name     string
	Type     typespb.Type
	Nullable bool
}

// Endpoint describes one endpoint file.
type Endpoint struct {
	// Name identifies the endpoint, for example "trips" or "sales_2024"; see
	// CheckName.
	Name string
	// Path is the REST path; "/" + Name with _ turned into - when empty.
	Path string
	// Table is the store table; Name when empty.
	Table string
	// PrimaryKey optionally names the fields that identify a record.
	PrimaryKey []string
	// Indexes lists secondary indexes, each as the fields it covers.
	Indexes [][]string
	// Fields are the record's data fields, in order.
	Fields []Field
}

// fieldType is how a Dozer type is declared in a record message.
type fieldType struct {
	proto string
	// option is the (gantry.v1.field).type value, or "".
	option string
}

const timestampType = "google.protobuf.Timestamp"

// fieldTypes mirrors schema's mapping from proto back to Dozer types.
var fieldTypes = map[typespb.Type]fieldType{
	typespb.Type_UInt:      {proto: "uint64"},
	typespb.Type_Int:       {proto: "int64"},
	typespb.Type_Float:     {proto: "double"},
	typespb.Type_Boolean:   {proto: "bool"},
	typespb.Type_String:    {proto: "string"},
	typespb.Type_Text:      {proto: "string", option: "FIELD_TYPE_TEXT"},
	typespb.Type_Date:      {proto: "string", option: "FIELD_TYPE_DATE"},
	typespb.Type_Decimal:   {proto: "string", option: "FIELD_TYPE_DECIMAL"},
	typespb.Type_Json:      {proto: "string", option: "FIELD_TYPE_JSON"},
	typespb.Type_Timestamp: {proto: timestampType},
}

var (
	identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	pathPattern  = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)
)

// reservedPaths are taken by gantry's own REST routes.
var reservedPaths = map[string]bool{"/health": true}

// withDefaults returns e with its empty Path and Table filled in.
func (e Endpoint) withDefaults() Endpoint {
	if e.Path == "" {
		e.Path = "/" + strings.ReplaceAll(e.Name, "_", "-")
	}
	if e.Table == "" {
		e.Table = e.Name
	}
	return e
}

// validate returns an error wrapping ErrInvalid for the first problem of e,
// which must have its defaults.
func (e Endpoint) validate() error {
	if err := CheckName(e.Name); err != nil {
		return err
	}
	if !identPattern.MatchString(e.Table) {
		return fmt.Errorf("%w: table %q must be an identifier", ErrInvalid, e.Table)
	}
	if err := checkPath(e.Path); err != nil {
		return err
	}
	if err := checkFields(e.Fields); err != nil {
		return err
	}
	if err := checkKey(e.Fields, "primary key", e.PrimaryKey, true); err != nil {
		return err
	}
	for _, ix := range e.Indexes {
		if err := checkKey(e.Fields, "index", ix, false); err != nil {
			return err
		}
	}
	return nil
}

func checkPath(path string) error {
	if !pathPattern.MatchString(path) {
		return fmt.Errorf(
			"%w: path %q must be /-separated segments of letters, digits and . _ ~ -",
			ErrInvalid, path)
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%w: path %q has a %q segment", ErrInvalid, path, seg)
		}
	}
	if reservedPaths[path] {
		return fmt.Errorf("%w: path %q is one of gantry's own routes", ErrInvalid, path)
	}
	return nil
}

func checkFields(fields []Field) error {
	if len(fields) == 0 {
		return fmt.Errorf("%w: an endpoint needs at least one field", ErrInvalid)
	}
	var bad []string
	for _, f := range fields {
		if !identPattern.MatchString(f.Name) {
			bad = append(bad, fmt.Sprintf("%q", f.Name))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: field names %s are not proto identifiers "+
			"(a letter or _, then letters, digits and _)",
			ErrInvalid, strings.Join(bad, ", "))
	}

	// Proto3 rejects two fields whose JSON names (foo_bar, fooBar) match,
	// and the identity fields take two of those names.
	byJSON := map[string]string{
		jsonName(recordIDField):      recordIDField,
		jsonName(recordVersionField): recordVersionField,
	}
	for _, f := range fields {
		if other, ok := byJSON[jsonName(f.Name)]; ok {
			if other == f.Name {
				return fmt.Errorf("%w: field %s is declared twice or is reserved", ErrInvalid, f.Name)
			}
			return fmt.Errorf("%w: fields %s and %s have the same JSON name %s",
				ErrInvalid, other, f.Name, jsonName(f.Name))
		}
		byJSON[jsonName(f.Name)] = f.Name
		if goName(f.Name) == "ProtoReflect" {
			return fmt.Errorf("%w: field %s would clash with the ProtoReflect method of "+
				"the generated Go code", ErrInvalid, f.Name)
		}
		if _, ok := fieldTypes[f.Type]; !ok {
			return fmt.Errorf("%w: field %s: type %s is not supported", ErrInvalid, f.Name, f.Type)
		}
	}
	return nil
}

// checkKey checks that a primary key or index names distinct fields.
func checkKey(fields []Field, what string, names []string, mayBeEmpty bool) error {
	if len(names) == 0 && !mayBeEmpty {
		return fmt.Errorf("%w: an %s names no fields", ErrInvalid, what)
	}
	for i, n := range names {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == n }) {
			return fmt.Errorf("%w: %s names unknown field %q", ErrInvalid, what, n)
		}
		if slices.Contains(names[:i], n) {
			return fmt.Errorf("%w: %s names field %s twice", ErrInvalid, what, n)
		}
	}
	return nil
}

// jsonName is protoc's default JSON name of a field: underscores dropped and
// the letter after each one upper-cased.
func jsonName(name string) string {
	var b strings.Builder
	upper := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_':
			upper = true
			continue
		case upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	return b.String()
}

// goName is the Go name protoc-gen-go gives a field: a leading _ becomes X,
// an _ before a lowercase letter is dropped, and a lowercase letter that
// starts a word (one not after a letter) is upper-cased. protoc-gen-go adds
// _ to names that clash with its methods, but not to ProtoReflect.
func goName(name string) string {
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	isLetter := func(c byte) bool { return isLower(c) || c >= 'A' && c <= 'Z' }
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' && i == 0:
			b.WriteByte('X')
		case c == '_' && i+1 < len(name) && isLower(name[i+1]):
		case isLower(c) && (i == 0 || !isLetter(name[i-1])):
			b.WriteByte(c - ('a' - 'A'))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
