package api

import (
	"bytes"
	"math"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
	"github.com/gantry-dev/gantry/internal/schema"
)

// mixed has one field of every kind a canonical value can take.
var mixed = &schema.Endpoint{Name: "mixed", Fields: []schema.Field{
	{Name: "u", Type: typespb.Type_UInt},
	{Name: "i", Type: typespb.Type_Int},
	{Name: "f", Type: typespb.Type_Float},
	{Name: "b", Type: typespb.Type_Boolean},
	{Name: "s", Type: typespb.Type_String},
	{Name: "t", Type: typespb.Type_Timestamp, Nullable: true},
	{Name: "d", Type: typespb.Type_Date},
}}

// wantValue is Dozer's mapping written out one message at a time, as the
// builder's arena must reproduce it.
func wantValue(t typespb.Type, v any) *typespb.Value {
	switch x := v.(type) {
	case int64:
		switch t {
		case typespb.Type_UInt:
			return &typespb.Value{Value: &typespb.Value_UintValue{UintValue: uint64(x)}}
		case typespb.Type_Timestamp:
			return &typespb.Value{Value: &typespb.Value_TimestampValue{TimestampValue: timestamppb.New(time.Unix(0, x))}}
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

func mixedRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		ns := int64(i-n/2)*1_700_000_123 + 7 // negative and positive instants
		var ts any = ns
		if i%5 == 0 {
			ts = nil
		}
		rows[i] = []any{int64(i) << 40, int64(-i), float64(i) / 3, i%2 == 0, "row é " + string(rune('a'+i%26)), ts, "2024-01-02"}
	}
	return rows
}

func TestRecordBuilder(t *testing.T) {
	hidden := &Grant{Visible: []bool{true, false, true, true, false, true, true}}
	for name, g := range map[string]*Grant{"all": {}, "restricted": hidden} {
		t.Run(name, func(t *testing.T) {
			// More rows than the hint and than one chunk, so that refills
			// are exercised.
			rows := mixedRows(3*maxChunk + 5)
			b := newRecordBuilder(mixed, g, 20)
			got := make([]*typespb.Record, len(rows))
			for i, row := range rows {
				got[i] = b.record(uint64(i), row)
			}
			for i, row := range rows {
				want := &typespb.Record{Id: uint64(i), Version: 1}
				for j, v := range row {
					if g.visible(j) {
						want.Values = append(want.Values, wantValue(mixed.Fields[j].Type, v))
					}
				}
				if !proto.Equal(got[i], want) {
					t.Fatalf("row %d:\n got %v\nwant %v", i, got[i], want)
				}
			}
		})
	}
}

// TestCodecMatchesProto checks that the vtprotobuf marshallers write the
// same bytes as the reflection-based proto.Marshal for the messages gantry
// answers with, and that messages without them still encode.
func TestCodecMatchesProto(t *testing.T) {
	b := newRecordBuilder(mixed, &Grant{}, 50)
	page := &commonpb.QueryResponse{Fields: fieldDefinitions(mixed, &Grant{})}
	for i, row := range mixedRows(40) {
		page.Records = append(page.Records, b.record(uint64(i), row))
	}
	extremes := &typespb.Record{Values: []*typespb.Value{
		{Value: &typespb.Value_FloatValue{FloatValue: math.Inf(-1)}},
		{Value: &typespb.Value_FloatValue{FloatValue: math.NaN()}},
		{Value: &typespb.Value_IntValue{IntValue: math.MinInt64}},
		{Value: &typespb.Value_UintValue{UintValue: math.MaxUint64}},
		{Value: &typespb.Value_StringValue{StringValue: ""}},
		{},
	}}
	messages := map[string]proto.Message{
		"query page":   page,
		"extremes":     extremes,
		"empty":        &commonpb.QueryResponse{},
		"count":        &commonpb.CountResponse{Count: 120000},
		"records":      &gantryv1.RecordsResponse{Fields: page.Fields, Records: page.Records},
		"no vtproto":   timestamppb.New(time.Unix(-5, 3)),
		"unknown kept": withUnknown(&commonpb.CountResponse{Count: 1}),
	}
	codec := Codec().(vtCodec)
	for name, m := range messages {
		t.Run(name, func(t *testing.T) {
			want, err := proto.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := codec.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("codec wrote %x\nproto.Marshal %x", got, want)
			}
			prefix := []byte("frame")
			appended, err := codec.MarshalAppend(prefix, m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(appended, append([]byte("frame"), want...)) {
				t.Fatalf("MarshalAppend wrote %x", appended)
			}
			back := m.ProtoReflect().New().Interface()
			if err := codec.Unmarshal(got, back); err != nil {
				t.Fatal(err)
			}
			if name != "extremes" && !proto.Equal(back, m) { // NaN is never equal
				t.Fatalf("round trip: got %v, want %v", back, m)
			}
		})
	}
	if _, err := codec.Marshal("not a message"); err == nil {
		t.Fatal("codec marshalled a string")
	}
	if err := codec.Unmarshal([]byte{0xff}, &commonpb.CountResponse{}); err == nil {
		t.Fatal("codec accepted a truncated message")
	}
}

func withUnknown(m *commonpb.CountResponse) *commonpb.CountResponse {
	m.ProtoReflect().SetUnknown([]byte{0x78, 0x01}) // field 15, varint 1
	return m
}
