package source

import (
	"reflect"
	"testing"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

func TestParseType(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]typespb.Type{
		"uint": tUInt, "int": tInt, "float": tFloat, "decimal": tDec, "bool": tBool,
		"string": tStr, "text": tText, "timestamp": tTS, "date": tDate, "json": tJSON,
		" Timestamp ": tTS,
	} {
		got, err := ParseType(name)
		if err != nil || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	_, err := ParseType("varchar")
	wantErr(t, err, `unknown type "varchar"`, "uint, int")
}

func ns(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixNano()
}

func TestFromText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		typ   typespb.Type
		want  any
		error string // part of the error, if one is wanted
	}{
		{name: "uint", in: "42", typ: tUInt, want: int64(42)},
		{name: "uint negative", in: "-1", typ: tUInt, error: `"-1" is not an unsigned integer (negative)`},
		{name: "int", in: "-42", typ: tInt, want: int64(-42)},
		{name: "int plus", in: "+7", typ: tInt, want: int64(7)},
		{name: "int overflow", in: "9223372036854775808", typ: tInt, error: "out of range"},
		{name: "int float text", in: "1.5", typ: tInt, error: `"1.5" is not an integer`},
		{name: "float", in: "2.5", typ: tFloat, want: 2.5},
		{name: "float exponent", in: "1e3", typ: tFloat, want: 1000.0},
		{name: "float abc", in: "abc", typ: tFloat, error: `"abc" is not a float`},
		{name: "float NaN", in: "NaN", typ: tFloat, error: "is not a float"},
		{name: "float Inf", in: "-Inf", typ: tFloat, error: "is not a float"},
		{name: "float hex", in: "0x1p3", typ: tFloat, error: "is not a float"},
		{name: "float overflow", in: "1e999", typ: tFloat, error: "is not a float"},
		{name: "decimal as written", in: "12.50", typ: tDec, want: "12.50"},
		{name: "decimal plus", in: "+12.50", typ: tDec, want: "12.50"},
		{name: "decimal exponent", in: "1.25e2", typ: tDec, want: "125"},
		{name: "decimal small exponent", in: "-1.5E-3", typ: tDec, want: "-0.0015"},
		{name: "decimal leading zeros", in: "007.10", typ: tDec, want: "7.10"},
		{name: "decimal bare point", in: ".5", typ: tDec, want: "0.5"},
		{name: "decimal trailing point", in: "5.", typ: tDec, want: "5"},
		{name: "decimal negative zero", in: "-0.00", typ: tDec, want: "0.00"},
		{name: "decimal huge exponent", in: "1e100000", typ: tDec, error: "is not a decimal"},
		{name: "decimal word", in: "ten", typ: tDec, error: `"ten" is not a decimal`},
		{name: "bool", in: "TRUE", typ: tBool, want: true},
		{name: "bool false", in: "False", typ: tBool, want: false},
		{name: "bool digit", in: "1", typ: tBool, error: "is not a boolean"},
		{name: "string", in: "héllo", typ: tStr, want: "héllo"},
		{name: "text bad utf8", in: "a\xffb", typ: tText, error: "invalid UTF-8"},
		{name: "timestamp rfc3339", in: "2024-03-01T10:20:30Z", typ: tTS,
			want: ns("2024-03-01T10:20:30Z")},
		{name: "timestamp offset", in: "2024-03-01T10:20:30.5+02:00", typ: tTS,
			want: ns("2024-03-01T08:20:30.5Z")},
		{name: "timestamp space", in: "2024-03-01 10:20:30.123", typ: tTS,
			want: ns("2024-03-01T10:20:30.123Z")},
		{name: "timestamp postgres", in: "2024-03-01 10:20:30.123456+00", typ: tTS,
			want: ns("2024-03-01T10:20:30.123456Z")},
		{name: "timestamp without zone is UTC", in: "2024-03-01T10:20:30", typ: tTS,
			want: ns("2024-03-01T10:20:30Z")},
		{name: "timestamp before 1970", in: "1969-12-31T23:59:59Z", typ: tTS, want: int64(-1e9)},
		{name: "timestamp bad day", in: "2023-02-29 00:00:00", typ: tTS, error: "is not a timestamp"},
		{name: "timestamp out of range", in: "9999-01-01T00:00:00Z", typ: tTS, error: "1678"},
		{name: "date", in: "2024-02-29", typ: tDate, want: "2024-02-29"},
		{name: "date invalid", in: "2024-13-01", typ: tDate, error: "is not a date"},
		{name: "json compacted", in: `{ "a" : [1, 2] }`, typ: tJSON, want: `{"a":[1,2]}`},
		{name: "json scalar", in: `12`, typ: tJSON, want: `12`},
		{name: "json invalid", in: `{"a":`, typ: tJSON, error: "is not valid JSON"},
		{name: "long value cut in message", in: string(make([]byte, 100)), typ: tInt,
			error: "(100 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := fromText(tt.in, tt.typ)
			if tt.error != "" {
				wantErr(t, err, tt.error)
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fromText(%q, %v) = %#v, %v; want %#v", tt.in, tt.typ, got, err, tt.want)
			}
		})
	}
}

func TestParseTimestampMatchesTimePackage(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"1678-01-01T00:00:00Z", "2000-02-29T12:00:00.000000001Z", "2261-12-31T23:59:59Z",
		"1900-03-01T00:00:00-05:30", "0044-03-15T12:00:00Z",
	} {
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseTimestamp(s)
		if want.Year() < 1678 {
			if err == nil {
				t.Errorf("parseTimestamp(%q) = %d, want a range error", s, got)
			}
			continue
		}
		if err != nil || got != want.UnixNano() {
			t.Errorf("parseTimestamp(%q) = %d, %v; want %d", s, got, err, want.UnixNano())
		}
	}
}

func TestScaleDecimal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		digits string
		scale  int
		want   string
	}{
		{"1250", 2, "12.50"}, {"-1250", 2, "-12.50"}, {"5", 3, "0.005"},
		{"-5", 2, "-0.05"}, {"0", 2, "0.00"}, {"12", 0, "12"}, {"12", -2, "1200"},
	} {
		if got := scaleDecimal(tt.digits, tt.scale); got != tt.want {
			t.Errorf("scaleDecimal(%q, %d) = %q, want %q", tt.digits, tt.scale, got, tt.want)
		}
	}
}

func TestSuggestName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"trip id": "trip_id", "2nd": "_2nd", "fare ($)": "fare", "": "column",
		" Pick-Up Time ": "Pick_Up_Time", "é": "column",
	} {
		if got := suggestName(in); got != want {
			t.Errorf("suggestName(%q) = %q, want %q", in, got, want)
		}
	}
}
