package scaffold

import (
	"slices"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// recordOf reads the record message of a rendered file.
func recordOf(t *testing.T, src []byte, record string) *message {
	t.Helper()
	prev, err := parsePrevious(src)
	if err != nil {
		t.Fatal(err)
	}
	m, err := prev.recordMessage(record)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fieldNumbers(m *message) map[string]int32 {
	out := map[string]int32{}
	for _, f := range m.fields {
		out[f.name] = f.number
	}
	return out
}

func fieldOrder(m *message) []string {
	var out []string
	for _, f := range m.fields {
		out = append(out, f.name)
	}
	return out
}

func TestRenderPrevious(t *testing.T) {
	t.Parallel()
	base := Endpoint{Name: "trips", Fields: []Field{
		{Name: "a", Type: typespb.Type_UInt},
		{Name: "b", Type: typespb.Type_String},
		{Name: "c", Type: typespb.Type_Float},
	}}
	v1, err := Render(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(fields ...Field) Endpoint {
		e := base
		e.Fields = fields
		return e
	}
	a, b, c := base.Fields[0], base.Fields[1], base.Fields[2]
	d := Field{Name: "d", Type: typespb.Type_Date}

	tests := []struct {
		name     string
		previous []byte
		e        Endpoint
		numbers  map[string]int32
		order    []string
		reserved []numRange
		names    []string
	}{
		{
			name:    "new file counts from one",
			e:       base,
			numbers: map[string]int32{"a": 1, "b": 2, "c": 3, recordIDField: 4, recordVersionField: 5},
			order:   []string{"a", "b", "c", recordIDField, recordVersionField},
		},
		{
			name:     "add a field",
			previous: v1,
			e:        edit(a, b, c, d),
			numbers:  map[string]int32{"a": 1, "b": 2, "c": 3, "d": 6, recordIDField: 4, recordVersionField: 5},
			order:    []string{"a", "b", "c", "d", recordIDField, recordVersionField},
		},
		{
			name:     "remove a field",
			previous: v1,
			e:        edit(a, c),
			numbers:  map[string]int32{"a": 1, "c": 3, recordIDField: 4, recordVersionField: 5},
			order:    []string{"a", "c", recordIDField, recordVersionField},
			reserved: []numRange{{2, 2}},
			names:    []string{"b"},
		},
		{
			name:     "reorder fields",
			previous: v1,
			e:        edit(c, a, b),
			numbers:  map[string]int32{"a": 1, "b": 2, "c": 3, recordIDField: 4, recordVersionField: 5},
			order:    []string{"c", "a", "b", recordIDField, recordVersionField},
		},
		{
			name:     "change a type keeps the number",
			previous: v1,
			e:        edit(a, Field{Name: "b", Type: typespb.Type_Int}, c),
			numbers:  map[string]int32{"a": 1, "b": 2, "c": 3, recordIDField: 4, recordVersionField: 5},
			order:    []string{"a", "b", "c", recordIDField, recordVersionField},
		},
		{
			name:     "remove and add at once",
			previous: v1,
			e:        edit(d, a),
			numbers:  map[string]int32{"a": 1, "d": 6, recordIDField: 4, recordVersionField: 5},
			order:    []string{"d", "a", recordIDField, recordVersionField},
			reserved: []numRange{{2, 3}},
			names:    []string{"b", "c"},
		},
		{
			name:     "numbers stay above reserved ones",
			previous: mustRender(t, edit(a), v1),
			e:        edit(a, d),
			numbers:  map[string]int32{"a": 1, "d": 6, recordIDField: 4, recordVersionField: 5},
			order:    []string{"a", "d", recordIDField, recordVersionField},
			reserved: []numRange{{2, 3}},
			names:    []string{"b", "c"},
		},
		{
			name:     "a field comes back with a new number",
			previous: mustRender(t, edit(a, c), v1),
			e:        edit(a, b, c),
			numbers:  map[string]int32{"a": 1, "b": 6, "c": 3, recordIDField: 4, recordVersionField: 5},
			order:    []string{"a", "b", "c", recordIDField, recordVersionField},
			reserved: []numRange{{2, 2}},
		},
		{
			name: "identity fields get numbers when missing",
			previous: []byte(`syntax = "proto3";
package dozer.generated.trips;
message TripsRecord { uint64 a = 1; reserved 7 to 9; string b = 2; }`),
			e:        edit(a, b),
			numbers:  map[string]int32{"a": 1, "b": 2, recordIDField: 10, recordVersionField: 11},
			order:    []string{"a", "b", recordIDField, recordVersionField},
			reserved: []numRange{{7, 9}},
		},
		{
			name: "new numbers skip protobuf's own range",
			previous: []byte(`message TripsRecord { uint64 a = 1; reserved 3 to 18999; }
option (gantry.v1.endpoint) = {record: "TripsRecord"};`),
			e:        edit(a),
			numbers:  map[string]int32{"a": 1, recordIDField: 20000, recordVersionField: 20001},
			order:    []string{"a", recordIDField, recordVersionField},
			reserved: []numRange{{3, 18999}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := Render(tc.e, tc.previous)
			if err != nil {
				t.Fatal(err)
			}
			_, _, record := Names(tc.e.Name)
			m := recordOf(t, out, record)
			if got := fieldNumbers(m); !mapsEqual(got, tc.numbers) {
				t.Errorf("numbers = %v, want %v", got, tc.numbers)
			}
			if got := fieldOrder(m); !slices.Equal(got, tc.order) {
				t.Errorf("order = %v, want %v", got, tc.order)
			}
			if !slices.Equal(m.reserved, tc.reserved) {
				t.Errorf("reserved = %v, want %v", m.reserved, tc.reserved)
			}
			if !slices.Equal(m.reservedNames, tc.names) {
				t.Errorf("reserved names = %q, want %q", m.reservedNames, tc.names)
			}
		})
	}
}

func mapsEqual(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
