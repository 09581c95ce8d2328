// Package schema turns an endpoint .proto file into the endpoint's schema: its
// binding (name, path, table, keys, indexes) and its typed fields.
package schema

import (
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
)

// Field names of the record message that carry the record's identity, not data.
const (
	RecordIDField      = "__dozer_record_id"
	RecordVersionField = "__dozer_record_version"
)

// Field is one data field of an endpoint's records.
type Field struct {
	Name     string
	Type     typespb.Type
	Nullable bool
	// Desc is the field in the record message.
	Desc protoreflect.FieldDescriptor
}

// Endpoint is the schema of one endpoint. It is immutable once built and safe
// for concurrent use.
type Endpoint struct {
	Name  string
	Path  string
	Table string
	// Fields are the data fields in record order.
	Fields []Field
	// PrimaryKey holds indexes into Fields.
	PrimaryKey []int
	// Indexes holds secondary indexes as lists of indexes into Fields.
	Indexes [][]int
	// Record is the endpoint's record message.
	Record protoreflect.MessageDescriptor
	// IDField and VersionField are the record message's identity fields, or
	// nil when it has none.
	IDField, VersionField protoreflect.FieldDescriptor

	byName map[string]int
}

// FieldIndex returns the index in Fields of the named field.
func (e *Endpoint) FieldIndex(name string) (int, bool) {
	i, ok := e.byName[name]
	return i, ok
}

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// FromFile reads the (gantry.v1.endpoint) option of an endpoint file and
// returns the endpoint's schema, or an error naming what is wrong.
func FromFile(fd protoreflect.FileDescriptor) (*Endpoint, error) {
	opts, _ := fd.Options().(*descriptorpb.FileOptions)
	if opts == nil || !proto.HasExtension(opts, gantryv1.E_Endpoint) {
		return nil, fmt.Errorf("%s: no (gantry.v1.endpoint) option", fd.Path())
	}
	b := proto.GetExtension(opts, gantryv1.E_Endpoint).(*gantryv1.Endpoint)
	e, err := build(fd, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fd.Path(), err)
	}
	return e, nil
}

func build(fd protoreflect.FileDescriptor, b *gantryv1.Endpoint) (*Endpoint, error) {
	e := &Endpoint{Name: b.GetName(), Path: b.GetPath(), Table: b.GetTable(), byName: map[string]int{}}
	if e.Table == "" {
		e.Table = e.Name
	}
	if !namePattern.MatchString(e.Name) || !namePattern.MatchString(e.Table) {
		return nil, fmt.Errorf("endpoint name %q and table %q must be identifiers", e.Name, e.Table)
	}
	if len(e.Path) < 2 || e.Path[0] != '/' {
		return nil, fmt.Errorf("endpoint %s: path %q must start with / and name something", e.Name, e.Path)
	}
	e.Record = fd.Messages().ByName(protoreflect.Name(b.GetRecord()))
	if e.Record == nil {
		return nil, fmt.Errorf("endpoint %s: record message %q not found", e.Name, b.GetRecord())
	}
	if err := e.addFields(); err != nil {
		return nil, err
	}
	var err error
	if e.PrimaryKey, err = e.indexesOf(b.GetPrimaryKey()); err != nil {
		return nil, fmt.Errorf("endpoint %s: primary key: %w", e.Name, err)
	}
	for _, ix := range b.GetIndexes() {
		cols, err := e.indexesOf(ix.GetFields())
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: index: %w", e.Name, err)
		}
		e.Indexes = append(e.Indexes, cols)
	}
	return e, nil
}

func (e *Endpoint) addFields() error {
	fields := e.Record.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch fd.Name() {
		case RecordIDField:
			e.IDField = fd
			continue
		case RecordVersionField:
			e.VersionField = fd
			continue
		}
		if reservedColumn(string(fd.Name())) {
			return fmt.Errorf("endpoint %s: field name %s is reserved by the store; rename it",
				e.Name, fd.Name())
		}
		typ, err := fieldType(fd)
		if err != nil {
			return fmt.Errorf("endpoint %s: field %s: %w", e.Name, fd.Name(), err)
		}
		e.byName[string(fd.Name())] = len(e.Fields)
		e.Fields = append(e.Fields, Field{
			Name:     string(fd.Name()),
			Type:     typ,
			Nullable: fd.HasOptionalKeyword(),
			Desc:     fd,
		})
	}
	if len(e.Fields) == 0 {
		return fmt.Errorf("endpoint %s: record %s has no fields", e.Name, e.Record.Name())
	}
	return nil
}

// reservedColumn reports names SQLite gives the record id column.
func reservedColumn(name string) bool {
	switch strings.ToLower(name) {
	case "rowid", "oid", "_rowid_":
		return true
	}
	return false
}

func (e *Endpoint) indexesOf(names []string) ([]int, error) {
	out := make([]int, 0, len(names))
	for _, n := range names {
		i, ok := e.byName[n]
		if !ok {
			return nil, fmt.Errorf("unknown field %q", n)
		}
		out = append(out, i)
	}
	return out, nil
}

// fieldType maps a record field's proto type, and its (gantry.v1.field)
// option, to a Dozer type.
func fieldType(fd protoreflect.FieldDescriptor) (typespb.Type, error) {
	if fd.IsList() || fd.IsMap() {
		return 0, fmt.Errorf("repeated and map fields are not supported")
	}
	declared := gantryv1.FieldType_FIELD_TYPE_UNSPECIFIED
	if opts, _ := fd.Options().(*descriptorpb.FieldOptions); opts != nil && proto.HasExtension(opts, gantryv1.E_Field) {
		declared = proto.GetExtension(opts, gantryv1.E_Field).(*gantryv1.Field).GetType()
	}
	switch fd.Kind() {
	case protoreflect.StringKind:
		switch declared {
		case gantryv1.FieldType_FIELD_TYPE_DATE:
			return typespb.Type_Date, nil
		case gantryv1.FieldType_FIELD_TYPE_TEXT:
			return typespb.Type_Text, nil
		case gantryv1.FieldType_FIELD_TYPE_DECIMAL:
			return typespb.Type_Decimal, nil
		case gantryv1.FieldType_FIELD_TYPE_JSON:
			return typespb.Type_Json, nil
		}
		return typespb.Type_String, nil
	case protoreflect.Uint64Kind, protoreflect.Uint32Kind:
		return typespb.Type_UInt, nil
	case protoreflect.Int64Kind, protoreflect.Int32Kind, protoreflect.Sint64Kind, protoreflect.Sint32Kind:
		return typespb.Type_Int, nil
	case protoreflect.DoubleKind, protoreflect.FloatKind:
		return typespb.Type_Float, nil
	case protoreflect.BoolKind:
		return typespb.Type_Boolean, nil
	case protoreflect.MessageKind:
		if fd.Message().FullName() == "google.protobuf.Timestamp" {
			return typespb.Type_Timestamp, nil
		}
	}
	return 0, fmt.Errorf("type %s is not supported", fd.Kind())
}

// Restrict returns a view of e in which only the fields with visible[i] set
// can be named, so that queries cannot filter or sort on hidden fields. The
// view keeps e's field indexes; a nil visible returns e.
func (e *Endpoint) Restrict(visible []bool) *Endpoint {
	if visible == nil {
		return e
	}
	v := *e
	v.byName = make(map[string]int, len(e.byName))
	for name, i := range e.byName {
		if visible[i] {
			v.byName[name] = i
		}
	}
	return &v
}
