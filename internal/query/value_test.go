package query

import (
	"reflect"
	"testing"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	field := func(name string, typ typespb.Type) schema.Field {
		return schema.Field{Name: name, Type: typ}
	}
	tests := []struct {
		name  string
		field schema.Field
		text  string
		want  any
	}{
		{name: "uint", field: field("id", typespb.Type_UInt), text: "42",
			want: int64(42)},
		{name: "uint max", field: field("id", typespb.Type_UInt),
			text: "9223372036854775807", want: int64(9223372036854775807)},
		{name: "uint with a plus sign, as Rust's parser accepts",
			field: field("id", typespb.Type_UInt), text: "+7", want: int64(7)},
		{name: "int", field: field("n", typespb.Type_Int), text: "-42",
			want: int64(-42)},
		{name: "float", field: field("f", typespb.Type_Float), text: "1.5", want: 1.5},
		{name: "boolean", field: field("b", typespb.Type_Boolean), text: "true",
			want: true},
		{name: "string", field: field("s", typespb.Type_String), text: "AAPL",
			want: "AAPL"},
		{name: "text", field: field("s", typespb.Type_Text), text: "a b", want: "a b"},
		{name: "timestamp", field: field("t", typespb.Type_Timestamp),
			text: "1970-01-01T00:00:01Z", want: int64(time.Second)},
		{name: "date", field: field("d", typespb.Type_Date), text: "2024-02-29",
			want: "2024-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseKey(tt.field, tt.text)
			if err != nil {
				t.Fatalf("ParseKey(%q): %v", tt.text, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseKey(%q) = %#v, want %#v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseKeyErrors(t *testing.T) {
	t.Parallel()
	field := func(name string, typ typespb.Type) schema.Field {
		return schema.Field{Name: name, Type: typ}
	}
	tests := []struct {
		name  string
		field schema.Field
		text  string
		want  string
	}{
		{name: "uint letters", field: field("trip_id", typespb.Type_UInt), text: "abc",
			want: `trip_id: expects an unsigned integer, got "abc"`},
		{name: "uint negative", field: field("trip_id", typespb.Type_UInt), text: "-1",
			want: `trip_id: expects an unsigned integer, got "-1"`},
		{name: "uint beyond int64", field: field("trip_id", typespb.Type_UInt),
			text: "9223372036854775808",
			want: `trip_id: expects an unsigned integer no larger than ` +
				`9223372036854775807, got "9223372036854775808"`},
		{name: "int empty", field: field("n", typespb.Type_Int), text: "",
			want: `n: expects an integer, got ""`},
		{name: "float infinite", field: field("f", typespb.Type_Float), text: "Inf",
			want: `f: expects a number that fits in a 64-bit float, got "Inf"`},
		{name: "float NaN", field: field("f", typespb.Type_Float), text: "NaN",
			want: `f: expects a number that fits in a 64-bit float, got "NaN"`},
		{name: "boolean digit", field: field("b", typespb.Type_Boolean), text: "1",
			want: `b: expects a boolean, got "1"`},
		{name: "timestamp", field: field("t", typespb.Type_Timestamp),
			text: "2024-01-01",
			want: `t: expects an RFC 3339 timestamp string, got "2024-01-01"`},
		{name: "date", field: field("d", typespb.Type_Date), text: "2024-1-1",
			want: `d: expects a YYYY-MM-DD date string, got "2024-1-1"`},
		{name: "unsupported type", field: field("x", typespb.Type_Decimal), text: "1",
			want: `x: cannot be a key: its type Decimal is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseKey(tt.field, tt.text)
			if err == nil {
				t.Fatalf("ParseKey(%q) = %#v, want error %q", tt.text, got, tt.want)
			}
			checkError(t, err, tt.want)
		})
	}
}
