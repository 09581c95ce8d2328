package auth

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func mustMarshal(t testing.TB, a Access) []byte {
	t.Helper()
	data, err := a.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	return data
}

func TestParseAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Access
	}{
		{name: "bare All", in: `"All"`, want: Access{All: true}},
		{name: "All with white space", in: " \n\"All\"\t", want: Access{All: true}},
		{name: "All as a unit variant", in: `{"All":null}`, want: Access{All: true}},
		{
			name: "whole endpoint",
			in:   `{"Custom":{"trips":{}}}`,
			want: Access{Custom: map[string]Filter{"trips": {}}},
		},
		{
			name: "Dozer's example",
			in:   `{"Custom":{"films":{"filter":{"film_id":{"$lt":100}},"fields":["film_id"]}}}`,
			want: Access{Custom: map[string]Filter{"films": {
				Filter: json.RawMessage(`{"film_id":{"$lt":100}}`),
				Fields: []string{"film_id"},
			}}},
		},
		{
			name: "null filter and empty fields mean everything",
			in:   `{"Custom":{"films":{"filter":null,"fields":[]}}}`,
			want: Access{Custom: map[string]Filter{"films": {}}},
		},
		{
			name: "filter is compacted and kept as sent",
			in:   `{"Custom":{"t":{"filter": { "b" : 1.50, "a" : "\u00e9<" } }}}`,
			want: Access{Custom: map[string]Filter{"t": {
				Filter: json.RawMessage(`{"b":1.50,"a":"\u00e9<"}`),
			}}},
		},
		{
			name: "several endpoints and a compound filter",
			in: `{"Custom":{"a":{"fields":["x","y"]},` +
				`"b":{"filter":{"$and":[{"x":{"$gt":1}},{"x":{"$lt":9}}]}}}}`,
			want: Access{Custom: map[string]Filter{
				"a": {Fields: []string{"x", "y"}},
				"b": {Filter: json.RawMessage(`{"$and":[{"x":{"$gt":1}},{"x":{"$lt":9}}]}`)},
			}},
		},
		{
			name: "keys in any order",
			in:   `{"Custom":{"a":{"fields":["x"],"filter":{"x":1}}}}`,
			want: Access{Custom: map[string]Filter{"a": {
				Filter: json.RawMessage(`{"x":1}`),
				Fields: []string{"x"},
			}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAccess([]byte(tc.in))
			if err != nil {
				t.Fatalf("ParseAccess: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseAccess = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseAccessRejects(t *testing.T) {
	t.Parallel()
	const shape = `must be "All", {"All":null} or {"Custom":{...}}`
	deep := `{"Custom":{"a":{"filter":` + strings.Repeat(`{"x":`, 40) + "1" +
		strings.Repeat("}", 40) + "}}}"
	tests := []struct {
		name    string
		in      string
		path    string
		problem string
	}{
		{name: "empty", in: ``, problem: "ends unexpectedly"},
		{name: "lower-case all", in: `"all"`, problem: shape},
		{name: "bare Custom", in: `"Custom"`, problem: shape},
		{name: "null", in: `null`, problem: shape},
		{name: "number", in: `1`, problem: shape},
		{name: "array", in: `["All"]`, problem: shape},
		{name: "empty object", in: `{}`, problem: shape},
		{name: "All with a value", in: `{"All":{}}`, path: "All", problem: "must be null"},
		{name: "All with true", in: `{"All":true}`, path: "All", problem: "must be null"},
		{name: "two variants", in: `{"All":null,"Custom":{"a":{}}}`, problem: "exactly one key"},
		{name: "All twice", in: `{"All":null,"All":null}`, problem: "exactly one key"},
		{name: "unknown variant", in: `{"Some":{}}`, problem: `unknown variant "Some"`},
		{name: "lower-case custom", in: `{"custom":{"a":{}}}`, problem: `unknown variant "custom"`},
		{
			name:    "empty Custom",
			in:      `{"Custom":{}}`,
			path:    "Custom",
			problem: "at least one endpoint",
		},
		{name: "null Custom", in: `{"Custom":null}`, path: "Custom", problem: "must be an object"},
		{name: "array Custom", in: `{"Custom":[]}`, path: "Custom", problem: "must be an object"},
		{
			name:    "empty endpoint name",
			in:      `{"Custom":{"":{}}}`,
			path:    "Custom",
			problem: "empty endpoint name",
		},
		{
			name: "endpoint twice", in: `{"Custom":{"a":{},"a":{"fields":["x"]}}}`,
			path: "Custom", problem: `names endpoint "a" twice`,
		},
		{
			name: "null endpoint", in: `{"Custom":{"a":null}}`,
			path: `Custom["a"]`, problem: "must be an object",
		},
		{
			name: "unknown filter key", in: `{"Custom":{"a":{"filters":{}}}}`,
			path: `Custom["a"]`, problem: `unknown key "filters"`,
		},
		{
			name: "capitalised key", in: `{"Custom":{"a":{"Filter":{}}}}`,
			path: `Custom["a"]`, problem: `unknown key "Filter"`,
		},
		{
			name: "filter twice", in: `{"Custom":{"a":{"filter":null,"filter":{"x":1}}}}`,
			path: `Custom["a"]`, problem: `key "filter" twice`,
		},
		{
			name: "fields twice", in: `{"Custom":{"a":{"fields":[],"fields":["x"]}}}`,
			path: `Custom["a"]`, problem: `key "fields" twice`,
		},
		{
			name: "filter a number", in: `{"Custom":{"a":{"filter":1}}}`,
			path: `Custom["a"].filter`, problem: "must be a JSON object or null",
		},
		{
			name: "filter a string", in: `{"Custom":{"a":{"filter":"x = 1"}}}`,
			path: `Custom["a"].filter`, problem: "must be a JSON object or null",
		},
		{
			name: "filter an array", in: `{"Custom":{"a":{"filter":[{"x":1}]}}}`,
			path: `Custom["a"].filter`, problem: "must be a JSON object or null",
		},
		{
			name: "duplicate filter key", in: `{"Custom":{"a":{"filter":{"x":1,"x":2}}}}`,
			path: `Custom["a"].filter`, problem: `duplicate key "x"`,
		},
		{
			name: "duplicate key spelled with an escape",
			in:   `{"Custom":{"a":{"filter":{"x":1,"\u0078":2}}}}`,
			path: `Custom["a"].filter`, problem: `duplicate key "x"`,
		},
		{
			name: "nested duplicate key",
			in:   `{"Custom":{"a":{"filter":{"$and":[{"y":{"$gt":1,"$gt":5}}]}}}}`,
			path: `Custom["a"].filter`, problem: `duplicate key "$gt"`,
		},
		{
			name:    "deep filter",
			in:      deep,
			path:    `Custom["a"].filter`,
			problem: "nests deeper than 32",
		},
		{
			name: "fields a string", in: `{"Custom":{"a":{"fields":"x"}}}`,
			path: `Custom["a"].fields`, problem: "must be an array",
		},
		{
			name: "fields null", in: `{"Custom":{"a":{"fields":null}}}`,
			path: `Custom["a"].fields`, problem: "must be an array",
		},
		{
			name: "field a number", in: `{"Custom":{"a":{"fields":[1]}}}`,
			path: `Custom["a"].fields[0]`, problem: "must be a string",
		},
		{
			name: "field null", in: `{"Custom":{"a":{"fields":["x",null]}}}`,
			path: `Custom["a"].fields[1]`, problem: "must be a string",
		},
		{
			name: "field an object", in: `{"Custom":{"a":{"fields":[{"x":1}]}}}`,
			path: `Custom["a"].fields[0]`, problem: "must be a string",
		},
		{
			name: "empty field", in: `{"Custom":{"a":{"fields":[""]}}}`,
			path: `Custom["a"].fields[0]`, problem: "must not be empty",
		},
		{
			name: "field twice", in: `{"Custom":{"a":{"fields":["x","y","x"]}}}`,
			path: `Custom["a"].fields`, problem: `names field "x" twice`,
		},
		{name: "two values", in: `"All" "All"`, problem: "data after"},
		{name: "trailing garbage", in: `"All"x`, problem: "data after"},
		{name: "extra brace", in: `{"All":null}}`, problem: "data after"},
		{name: "invalid UTF-8", in: "\"All\xff\"", problem: "not valid UTF-8"},
		{
			name:    "truncated",
			in:      `{"Custom":{"a":{`,
			path:    `Custom["a"]`,
			problem: "ends unexpectedly",
		},
		{
			name: "bad JSON in filter", in: `{"Custom":{"a":{"filter":{"x":}}}}`,
			path: `Custom["a"].filter`, problem: "not valid JSON",
		},
		{name: "single quotes", in: `{'All':null}`, problem: "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAccess([]byte(tc.in))
			if err == nil {
				t.Fatalf("ParseAccess = %#v, want an error", got)
			}
			if !errors.Is(err, ErrInvalidAccess) {
				t.Errorf("error %v does not wrap ErrInvalidAccess", err)
			}
			var ae *AccessError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T is not an *AccessError", err)
			}
			if ae.Path != tc.path || !strings.Contains(ae.Problem, tc.problem) {
				t.Errorf("error at %q: %q; want at %q: %q", ae.Path, ae.Problem, tc.path, tc.problem)
			}
		})
	}
}

func TestAccessMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		access Access
		want   string
	}{
		{name: "all", access: Access{All: true}, want: `"All"`},
		{
			name:   "all with an empty map",
			access: Access{All: true, Custom: map[string]Filter{}},
			want:   `"All"`,
		},
		{
			name:   "whole endpoint",
			access: Access{Custom: map[string]Filter{"trips": {}}},
			want:   `{"Custom":{"trips":{}}}`,
		},
		{
			name:   "sorted, compacted, not HTML-escaped",
			access: tripsAccess(),
			want: `{"Custom":{"trips":{"filter":{"trip_id":{"$lt":100},"note":"<a&b>"},` +
				`"fields":["trip_id","fare"]},"zones":{}}}`,
		},
		{
			name: "fields only, null filter, odd names",
			access: Access{Custom: map[string]Filter{
				`a"b<`: {Filter: json.RawMessage(" null "), Fields: []string{"é", "x&y"}},
			}},
			want: `{"Custom":{"a\"b<":{"fields":["é","x&y"]}}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := mustMarshal(t, tc.access)
			if string(data) != tc.want {
				t.Errorf("MarshalJSON = %s, want %s", data, tc.want)
			}

			back, err := ParseAccess(data)
			if err != nil {
				t.Fatalf("ParseAccess(MarshalJSON) = %v", err)
			}
			if again := mustMarshal(t, back); string(again) != string(data) {
				t.Errorf("second round trip = %s, want %s", again, data)
			}
		})
	}
}

func TestAccessMarshalJSONRejects(t *testing.T) {
	t.Parallel()
	one := func(f Filter) Access { return Access{Custom: map[string]Filter{"a": f}} }
	tests := []struct {
		name    string
		access  Access
		problem string
	}{
		{name: "zero value", access: Access{}, problem: "grants nothing"},
		{
			name:    "empty Custom",
			access:  Access{Custom: map[string]Filter{}},
			problem: "grants nothing",
		},
		{
			name:    "both",
			access:  Access{All: true, Custom: map[string]Filter{"a": {}}},
			problem: "both All and Custom",
		},
		{
			name:    "empty name",
			access:  Access{Custom: map[string]Filter{"": {}}},
			problem: "empty endpoint name",
		},
		{
			name:    "filter not JSON",
			access:  one(Filter{Filter: json.RawMessage(`{"x":`)}),
			problem: "ends unexpectedly",
		},
		{
			name:    "filter an array",
			access:  one(Filter{Filter: json.RawMessage(`[]`)}),
			problem: "JSON object or null",
		},
		{
			name:    "two filters",
			access:  one(Filter{Filter: json.RawMessage(`{} {}`)}),
			problem: "data after",
		},
		{
			name:    "duplicate key",
			access:  one(Filter{Filter: json.RawMessage(`{"x":1,"x":1}`)}),
			problem: "duplicate key",
		},
		{
			name:    "bad UTF-8",
			access:  one(Filter{Filter: json.RawMessage("{\"\xff\":1}")}),
			problem: "UTF-8",
		},
		{
			name:    "empty field",
			access:  one(Filter{Fields: []string{"x", ""}}),
			problem: "must not be empty",
		},
		{name: "field twice", access: one(Filter{Fields: []string{"x", "x"}}), problem: "twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := tc.access.MarshalJSON()
			if err == nil {
				t.Fatalf("MarshalJSON = %s, want an error", data)
			}
			if !errors.Is(err, ErrInvalidAccess) || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("MarshalJSON error = %v, want ErrInvalidAccess saying %q", err, tc.problem)
			}
		})
	}
}

func TestAccessInRequestBody(t *testing.T) {
	t.Parallel()
	var body struct {
		Access Access `json:"access"`
	}
	err := json.Unmarshal([]byte(`{"access":{"Custom":{"a":{"fields":["x"]}}}}`), &body)
	if err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	want := Access{Custom: map[string]Filter{"a": {Fields: []string{"x"}}}}
	if !reflect.DeepEqual(body.Access, want) {
		t.Errorf("Access = %#v, want %#v", body.Access, want)
	}

	err = json.Unmarshal([]byte(`{"access":{"Custom":{}}}`), &body)
	if !errors.Is(err, ErrInvalidAccess) {
		t.Errorf("Unmarshal of an empty Custom = %v, want ErrInvalidAccess", err)
	}
}

func FuzzParseAccess(f *testing.F) {
	for _, seed := range []string{
		`"All"`, `{"All":null}`, `{"Custom":{"a":{}}}`,
		`{"Custom":{"films":{"filter":{"film_id":{"$lt":100}},"fields":["film_id"]}}}`,
		`{"Custom":{"a":{"filter":{"$and":[{"x":1},{"y":"<&>"}]},"fields":["x","y"]},"b":{}}}`,
		`{"Custom":{"a":{"filter":{"x":1,"x":2}}}}`, `{"Custom":{}}`, `{}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		access, err := ParseAccess(data)
		if err != nil {
			var ae *AccessError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T is not an *AccessError", err)
			}
			return
		}

		out, err := access.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of parsed %q: %v", data, err)
		}
		back, err := ParseAccess(out)
		if err != nil {
			t.Fatalf("ParseAccess(%s) of MarshalJSON output: %v", out, err)
		}
		if !reflect.DeepEqual(back, access) {
			t.Fatalf("round trip changed the access:\n%#v\n%#v", access, back)
		}
		if !json.Valid(out) {
			t.Fatalf("MarshalJSON wrote invalid JSON %q", out)
		}
	})
}
