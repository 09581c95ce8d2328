package api

import (
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// fieldDefinitions returns Dozer's definitions of the fields g shows.
func fieldDefinitions(ep *schema.Endpoint, g *Grant) []*typespb.FieldDefinition {
	out := make([]*typespb.FieldDefinition, 0, len(ep.Fields))
	for i, f := range ep.Fields {
		if g.visible(i) {
			out = append(out, &typespb.FieldDefinition{Typ: f.Type, Name: f.Name, Nullable: f.Nullable})
		}
	}
	return out
}

// primaryIndex returns the primary key's positions among the visible fields;
// hidden key fields are left out.
func primaryIndex(ep *schema.Endpoint, g *Grant) []int32 {
	pos := make([]int32, len(ep.Fields))
	n := int32(0)
	for i := range ep.Fields {
		pos[i] = n
		if g.visible(i) {
			n++
		}
	}
	var out []int32
	for _, k := range ep.PrimaryKey {
		if g.visible(k) {
			out = append(out, pos[k])
		}
	}
	return out
}

// dozerRecord converts canonical values to Dozer's Record, keeping only the
// visible fields.
func dozerRecord(ep *schema.Endpoint, g *Grant, id uint64, values []any) *typespb.Record {
	r := &typespb.Record{Id: id, Version: 1, Values: make([]*typespb.Value, 0, len(values))}
	for i, v := range values {
		if g.visible(i) {
			r.Values = append(r.Values, dozerValue(ep.Fields[i].Type, v))
		}
	}
	return r
}

// dozerValue follows Dozer's mapping: Text and Date travel as string_value,
// and NULL is a Value with nothing set.
func dozerValue(t typespb.Type, v any) *typespb.Value {
	switch x := v.(type) {
	case int64:
		switch t {
		case typespb.Type_UInt:
			return &typespb.Value{Value: &typespb.Value_UintValue{UintValue: uint64(x)}}
		case typespb.Type_Timestamp:
			return &typespb.Value{Value: &typespb.Value_TimestampValue{
				TimestampValue: timestamppb.New(time.Unix(0, x)),
			}}
		}
		return &typespb.Value{Value: &typespb.Value_IntValue{IntValue: x}}
	case float64:
		return &typespb.Value{Value: &typespb.Value_FloatValue{FloatValue: x}}
	case bool:
		return &typespb.Value{Value: &typespb.Value_BoolValue{BoolValue: x}}
	case string:
		return &typespb.Value{Value: &typespb.Value_StringValue{StringValue: x}}
	}
	return &typespb.Value{}
}

// fillTyped sets the visible fields of a typed record message. NULLs and
// hidden fields stay unset, so they are absent on the wire.
func fillTyped(ep *schema.Endpoint, g *Grant, m protoreflect.Message, id uint64, values []any) {
	for i, v := range values {
		if v == nil || !g.visible(i) {
			continue
		}
		fd := ep.Fields[i].Desc
		if ep.Fields[i].Type == typespb.Type_Timestamp {
			ns := v.(int64)
			ts := m.Mutable(fd).Message()
			fields := ts.Descriptor().Fields()
			ts.Set(fields.ByNumber(1), protoreflect.ValueOfInt64(floorDiv(ns, 1e9)))
			ts.Set(fields.ByNumber(2), protoreflect.ValueOfInt32(int32(ns-floorDiv(ns, 1e9)*1e9)))
			continue
		}
		m.Set(fd, scalar(fd, v))
	}
	if ep.IDField != nil {
		m.Set(ep.IDField, scalar(ep.IDField, int64(id)))
	}
	if ep.VersionField != nil {
		m.Set(ep.VersionField, scalar(ep.VersionField, int64(1)))
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// scalar converts a canonical value to the proto kind of fd.
func scalar(fd protoreflect.FieldDescriptor, v any) protoreflect.Value {
	switch x := v.(type) {
	case int64:
		switch fd.Kind() {
		case protoreflect.Uint64Kind:
			return protoreflect.ValueOfUint64(uint64(x))
		case protoreflect.Uint32Kind:
			return protoreflect.ValueOfUint32(uint32(x))
		case protoreflect.Int32Kind, protoreflect.Sint32Kind:
			return protoreflect.ValueOfInt32(int32(x))
		}
		return protoreflect.ValueOfInt64(x)
	case float64:
		if fd.Kind() == protoreflect.FloatKind {
			return protoreflect.ValueOfFloat32(float32(x))
		}
		return protoreflect.ValueOfFloat64(x)
	case bool:
		return protoreflect.ValueOfBool(x)
	case string:
		return protoreflect.ValueOfString(x)
	}
	return fd.Default()
}
