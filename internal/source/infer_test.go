package source

import (
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

func TestInferCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		values   string // the column's cells, one a line, after header x
		types    map[string]string
		want     typespb.Type
		nullable bool
	}{
		{name: "non-negative integers", values: "0\n7\n42", want: tUInt},
		{name: "negative integer", values: "3\n-4", want: tInt},
		{name: "integer past int64", values: "1\n99999999999999999999", want: tDec},
		{name: "floats", values: "1.5\n2.25", want: tFloat},
		{name: "mixed int and float", values: "1\n2.5\n-3", want: tFloat},
		{name: "float with exponent", values: "1e3\n2", want: tFloat},
		{name: "money stays float", values: "12.50\n3.10", want: tFloat},
		{name: "more digits than float64", values: "1.5\n12345678901234567.25", want: tDec},
		{name: "big integer among floats", values: "1.5\n9007199254740993", want: tDec},
		{name: "booleans", values: "true\nFALSE\nTrue", want: tBool},
		{name: "zero and one are integers", values: "0\n1", want: tUInt},
		{name: "dates", values: "2024-01-31\n1999-12-01", want: tDate},
		{name: "rfc3339 timestamps", values: "2024-01-31T10:00:00Z\n2024-02-01T00:00:00.5+01:00", want: tTS},
		{name: "space timestamps", values: "2024-01-31 10:00:00\n2024-01-31 10:00:00.250", want: tTS},
		{name: "dates and timestamps mixed", values: "2024-01-31\n2024-01-31 10:00:00", want: tStr},
		{name: "json objects", values: "\"{\"\"a\"\":1}\"\n\"[1,2]\"", want: tJSON},
		{name: "json and text", values: "\"{\"\"a\"\":1}\"\nhello", want: tStr},
		{name: "strings", values: "a\n1", want: tStr},
		{name: "NaN is a string", values: "1.5\nNaN", want: tStr},
		{name: "nulls", values: "1\n\n2", want: tUInt, nullable: true},
		{name: "only nulls", values: "\n\"\"", want: tStr, nullable: true},
		{name: "override", values: "1\n2", types: map[string]string{"x": "decimal"}, want: tDec},
		{name: "override to text", values: "1\n", types: map[string]string{"x": "text"},
			want: tText, nullable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A second column keeps lines of a NULL x from being blank.
			csv := "x,y\n"
			for _, line := range splitLines(tt.values) {
				csv += line + ",y\n"
			}
			root := writeFiles(t, map[string]string{"d.csv": csv})
			s := mustOpen(t, Spec{Path: "d.csv", Types: tt.types}, root)
			cols, _ := readAll(t, s)
			wantColumns(t, cols[:1], []Column{{Name: "x", Type: tt.want, Nullable: tt.nullable}})
		})
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestInferJSONL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		values   []string // JSON values of key x, one a line; "" leaves the key out
		want     typespb.Type
		nullable bool
	}{
		{name: "unsigned", values: []string{"1", "2"}, want: tUInt},
		{name: "signed", values: []string{"1", "-2"}, want: tInt},
		{name: "float", values: []string{"1", "2.5"}, want: tFloat},
		{name: "decimal digits", values: []string{"0.1234567890123456789"}, want: tDec},
		{name: "bool", values: []string{"true", "false"}, want: tBool},
		{name: "numeric strings stay strings", values: []string{`"1"`, `"2"`}, want: tStr},
		{name: "date strings", values: []string{`"2024-05-01"`}, want: tDate},
		{name: "timestamp strings", values: []string{`"2024-05-01T00:00:00Z"`}, want: tTS},
		{name: "objects", values: []string{`{"a":1}`, `[1]`}, want: tJSON},
		{name: "objects and scalars", values: []string{`{"a":1}`, `2`}, want: tJSON},
		{name: "numbers and strings", values: []string{`1`, `"a"`}, want: tStr},
		{name: "null", values: []string{"1", "null"}, want: tUInt, nullable: true},
		{name: "missing key", values: []string{"1", ""}, want: tUInt, nullable: true},
		{name: "key appears late", values: []string{"", "1"}, want: tUInt, nullable: true},
		{name: "only nulls", values: []string{"null"}, want: tStr, nullable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := ""
			for _, v := range tt.values {
				if v == "" {
					data += `{"y":1}` + "\n"
					continue
				}
				data += `{"y":1,"x":` + v + "}\n"
			}
			root := writeFiles(t, map[string]string{"d.jsonl": data})
			cols, _ := readAll(t, mustOpen(t, Spec{Path: "d.jsonl"}, root))
			var got []Column
			for _, c := range cols {
				if c.Name == "x" {
					got = append(got, c)
				}
			}
			wantColumns(t, got, []Column{{Name: "x", Type: tt.want, Nullable: tt.nullable}})
		})
	}
}
