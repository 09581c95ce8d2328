package source

import (
	"strings"
	"testing"
)

func TestJSONLRows(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"events.jsonl": "" +
		`{"id": 1, "at": "2024-01-01T00:00:00Z", "tags": ["a", "b"], "ok": true, "name": "caf\u00e9"}` + "\n" +
		"\n" +
		`{"id": 2, "at": "2024-01-02T00:00:00Z", "tags": {"x": {"y": [1]}}, "ok": false, "name": null, "extra": 1.5}` + "\r\n",
	})
	s := mustOpen(t, Spec{Path: "events.jsonl"}, root)
	cols, rows := readAll(t, s)

	wantColumns(t, cols, []Column{
		{Name: "id", Type: tUInt},
		{Name: "at", Type: tTS},
		{Name: "tags", Type: tJSON},
		{Name: "ok", Type: tBool},
		{Name: "name", Type: tStr, Nullable: true},
		{Name: "extra", Type: tFloat, Nullable: true},
	})
	wantRows(t, rows, [][]any{
		{int64(1), ns("2024-01-01T00:00:00Z"), `["a","b"]`, true, "café", nil},
		{int64(2), ns("2024-01-02T00:00:00Z"), `{"x":{"y":[1]}}`, false, nil, 1.5},
	})
}

func TestJSONLOverrides(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"d.jsonl": "" +
		`{"price": "12.50", "n": 3, "doc": {"a": 1}, "flag": true}` + "\n" +
		`{"price": 7, "n": 4, "doc": "text", "flag": false}` + "\n"})
	s := mustOpen(t, Spec{Path: "d.jsonl", Types: map[string]string{
		"price": "decimal", "n": "string", "doc": "json", "flag": "string",
	}}, root)
	cols, rows := readAll(t, s)
	wantColumns(t, cols, []Column{
		{Name: "price", Type: tDec}, {Name: "n", Type: tStr},
		{Name: "doc", Type: tJSON}, {Name: "flag", Type: tStr},
	})
	wantRows(t, rows, [][]any{
		{"12.50", "3", `{"a":1}`, "true"},
		{"7", "4", `"text"`, "false"},
	})
}

func TestJSONLBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  string
		types map[string]string
		want  []string
	}{
		{name: "empty file", data: "", want: []string{"d.jsonl: empty file"}},
		{name: "blank lines only", data: "\n  \n", want: []string{"d.jsonl: empty file"}},
		{name: "not an object", data: `{"a":1}` + "\n[1,2]\n", want: []string{"d.jsonl:2: not a JSON object"}},
		{name: "truncated", data: `{"a":1}` + "\n" + `{"a":` + "\n", want: []string{"d.jsonl:2: invalid JSON"}},
		{name: "text after the object", data: `{"a":1} x`, want: []string{"d.jsonl:1: text after the JSON object"}},
		{name: "bad number", data: `{"a":01}`, want: []string{"d.jsonl:1: invalid JSON"}},
		{name: "bad nested", data: `{"a":[1,,2]}`, want: []string{"d.jsonl:1: column a: invalid JSON"}},
		{name: "invalid utf-8", data: "{\"a\":\"ok\"}\n{\"a\":\"\xff\"}\n", want: []string{"d.jsonl:2: invalid UTF-8"}},
		{name: "duplicate key", data: `{"a":1,"a":2}`, want: []string{"d.jsonl:1: key a appears twice"}},
		{name: "bad key", data: `{"a b":1}`, want: []string{`"a b" (try a_b)`}},
		{name: "keys differing in case", data: `{"a":1}` + "\n" + `{"A":1}`,
			want: []string{"d.jsonl:2: column names a and A differ only in case"}},
		{name: "value against override", data: `{"a":1}` + "\n" + `{"a":"x"}`,
			types: map[string]string{"a": "int"}, want: []string{`d.jsonl:2: column a: "x" is not an integer`}},
		{name: "object against override", data: `{"a":{"b":1}}`,
			types: map[string]string{"a": "float"}, want: []string{`column a: "{\"b\":1}" is not a float`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := writeFiles(t, map[string]string{"d.jsonl": tt.data})
			s := mustOpen(t, Spec{Path: "d.jsonl", Types: tt.types}, root)
			wantErr(t, schemaOrRowsErr(s), tt.want...)
		})
	}
}

func TestJSONLRowsErrors(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"d.jsonl": `{"a":1}` + "\n" + `{"b":2}` + "\n"})
	s := mustOpen(t, Spec{Path: "d.jsonl"}, root)
	_, err := collect(s, []Column{{Name: "a", Type: tInt}})
	wantErr(t, err, "d.jsonl:2: column a: null or missing value in a column that is not nullable")
}

func TestJSONLLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("z", 10<<20)
	root := writeFiles(t, map[string]string{"d.jsonl": `{"id":1,"blob":"` + long + `"}` + "\n" + `{"id":2,"blob":"s"}`})
	cols, rows := readAll(t, mustOpen(t, Spec{Path: "d.jsonl"}, root))
	wantColumns(t, cols, []Column{{Name: "id", Type: tUInt}, {Name: "blob", Type: tStr}})
	if len(rows) != 2 || rows[0][1] != long || rows[1][1] != "s" {
		t.Errorf("long line not read back whole (%d rows)", len(rows))
	}
}
