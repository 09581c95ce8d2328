package api

import (
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

// recordBuilder converts canonical values to Dozer's Records. A response
// holds a Value message, a oneof wrapper and often a Timestamp per field
// of every row; the builder carves them out of a few shared slices rather
// than allocating each on its own, which is most of the cost of building a
// page of records.
type recordBuilder struct {
	ep    *schema.Endpoint
	g     *Grant
	shown int // visible fields per record
	chunk int // records per allocation

	records    []typespb.Record
	values     []typespb.Value
	ptrs       []*typespb.Value
	ints       []typespb.Value_IntValue
	uints      []typespb.Value_UintValue
	floats     []typespb.Value_FloatValue
	bools      []typespb.Value_BoolValue
	strings    []typespb.Value_StringValue
	times      []typespb.Value_TimestampValue
	timestamps []timestamppb.Timestamp
}

// newRecordBuilder returns a builder for about rows records: the page's
// limit, which the result may not reach.
func newRecordBuilder(ep *schema.Endpoint, g *Grant, rows int) *recordBuilder {
	b := &recordBuilder{ep: ep, g: g, chunk: min(max(rows, 1), maxChunk)}
	for i := range ep.Fields {
		if g.visible(i) {
			b.shown++
		}
	}
	return b
}

// maxChunk caps the records a builder allocates for at once.
const maxChunk = 64

// take returns the next element of *pool, refilling it with n elements
// when it runs out.
func take[T any](pool *[]T, n int) *T {
	if len(*pool) == 0 {
		*pool = make([]T, n)
	}
	p := &(*pool)[0]
	*pool = (*pool)[1:]
	return p
}

// record converts one row, keeping only the visible fields.
func (b *recordBuilder) record(id uint64, values []any) *typespb.Record {
	n := b.shown
	if len(b.ptrs) < n {
		b.ptrs = make([]*typespb.Value, n*b.chunk)
	}
	r := take(&b.records, b.chunk)
	r.Id, r.Version = id, 1
	r.Values, b.ptrs = b.ptrs[:0:n], b.ptrs[n:]
	for i, v := range values {
		if b.g.visible(i) {
			r.Values = append(r.Values, b.value(b.ep.Fields[i].Type, v))
		}
	}
	return r
}

// value follows Dozer's mapping: Text and Date travel as string_value, and
// NULL is a Value with nothing set.
func (b *recordBuilder) value(t typespb.Type, v any) *typespb.Value {
	out := take(&b.values, b.chunk*b.shown)
	switch x := v.(type) {
	case int64:
		switch t {
		case typespb.Type_UInt:
			w := take(&b.uints, b.chunk)
			w.UintValue = uint64(x)
			out.Value = w
		case typespb.Type_Timestamp:
			ts := take(&b.timestamps, b.chunk)
			ts.Seconds, ts.Nanos = splitNanos(x)
			w := take(&b.times, b.chunk)
			w.TimestampValue = ts
			out.Value = w
		default:
			w := take(&b.ints, b.chunk)
			w.IntValue = x
			out.Value = w
		}
	case float64:
		w := take(&b.floats, b.chunk)
		w.FloatValue = x
		out.Value = w
	case bool:
		w := take(&b.bools, b.chunk)
		w.BoolValue = x
		out.Value = w
	case string:
		w := take(&b.strings, b.chunk)
		w.StringValue = x
		out.Value = w
	}
	return out
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
			sec, nanos := splitNanos(ns)
			ts.Set(fields.ByNumber(1), protoreflect.ValueOfInt64(sec))
			ts.Set(fields.ByNumber(2), protoreflect.ValueOfInt32(nanos))
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

// splitNanos splits nanoseconds since the epoch into a Timestamp's seconds
// and non-negative nanoseconds.
func splitNanos(ns int64) (int64, int32) {
	sec := ns / 1e9
	if ns%1e9 < 0 {
		sec--
	}
	return sec, int32(ns - sec*1e9)
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
