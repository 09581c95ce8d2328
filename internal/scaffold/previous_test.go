package scaffold

import (
	"slices"
	"strings"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

func TestParsePrevious(t *testing.T) {
	t.Parallel()
	src := `syntax = "proto3";
// Detached.

// Kept
//about the package.
package dozer.generated.x; // trailing
import "a.proto";
option go_package = "x";
option (gantry.v1.endpoint) = {
  name: "x"
  indexes: [{fields: ["a"]}; {fields: ['b']}]
  record: 'Rec'
};
enum E { E_UNSPECIFIED = 0; }
message Rec {
  option deprecated = true;
  reserved 0x10, 3 to 4, 100 to max;
  reserved "gone", 'went';
  /* block */
  optional .google.protobuf.Timestamp at = 1 [deprecated = true, json_name = "x;y"];
  // The a field.
  repeated string a = 2;;
}
service S {
  option deprecated = true;
  // The m method.
  rpc m(Rec) returns (stream Rec);
  rpc n(Rec) returns (Rec) { option idempotency_level = NO_SIDE_EFFECTS; }
}
`
	p, err := parsePrevious([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.record != "Rec" {
		t.Errorf("record = %q, want Rec", p.record)
	}
	m := p.messages["Rec"]
	if m == nil {
		t.Fatal("no message Rec")
	}
	wantFields := []prevField{
		{name: "at", number: 1},
		{name: "a", number: 2, lead: []string{" The a field."}},
	}
	if !slices.EqualFunc(m.fields, wantFields, func(a, b prevField) bool {
		return a.name == b.name && a.number == b.number && slices.Equal(a.lead, b.lead)
	}) {
		t.Errorf("fields = %+v, want %+v", m.fields, wantFields)
	}
	wantRanges := []numRange{{16, 16}, {3, 4}, {100, maxFieldNumber}}
	if !slices.Equal(m.reserved, wantRanges) {
		t.Errorf("reserved = %v, want %v", m.reserved, wantRanges)
	}
	if !slices.Equal(m.reservedNames, []string{"gone", "went"}) {
		t.Errorf("reserved names = %q", m.reservedNames)
	}
	comments := map[string][]string{
		"package":   {" Kept", "about the package."},
		"message E": nil,
		"rpc S.m":   {" The m method."},
		"rpc S.n":   nil,
		"service S": nil,
	}
	for key, want := range comments {
		if got := p.comments[key]; !slices.Equal(got, want) {
			t.Errorf("comment %s = %q, want %q", key, got, want)
		}
	}
	merged := []numRange{{3, 4}, {16, 16}, {100, maxFieldNumber}}
	if got := mergeRanges(m.reserved); !slices.Equal(got, merged) {
		t.Errorf("merged = %v", got)
	}
	if got := joinRanges(mergeRanges(m.reserved)); got != "3 to 4, 16, 100 to max" {
		t.Errorf("joined = %q", got)
	}
}

// FuzzRenderPrevious feeds Render arbitrary previous files. It must not
// panic, and whatever it writes must read back to itself.
func FuzzRenderPrevious(f *testing.F) {
	for _, name := range []string{"trips_cache", "stocks_meta", "pickup"} {
		f.Add(string(readShipped(f, name)))
	}
	f.Add(string(mustRender(f, everyType, nil)))
	f.Add(`message EveryType { reserved 1, 3 to 5, "x"; uint64 id = 2; }`)
	f.Add("// c\npackage p; /* b */ option (gantry.v1.endpoint) = {record: 'EveryType'};")

	f.Fuzz(func(t *testing.T, previous string) {
		out, err := Render(everyType, []byte(previous))
		if err != nil {
			return
		}
		again, err := Render(everyType, out)
		if err != nil {
			t.Fatalf("Render over its own output: %v\n%s", err, out)
		}
		if string(again) != string(out) {
			t.Fatalf("Render over its own output changed it:\n%s", diffLines(string(out), string(again)))
		}
	})
}

func TestRenderBadPrevious(t *testing.T) {
	t.Parallel()
	e := Endpoint{Name: "trips", Fields: []Field{{Name: "a", Type: typespb.Type_UInt}}}
	tests := []struct {
		name     string
		previous string
		want     string
	}{
		{
			name:     "no record",
			previous: `syntax = "proto3"; message Other {}`,
			want:     "record message TripsRecord not found",
		},
		{
			name:     "option names a missing record",
			previous: `option (gantry.v1.endpoint) = {record: "Trip"};`,
			want:     "record message Trip not found",
		},
		{
			name:     "oneof",
			previous: `message TripsRecord { oneof x { string a = 1; } }`,
			want:     "cannot keep a oneof",
		},
		{
			name:     "map",
			previous: `message TripsRecord { map<string, string> m = 1; }`,
			want:     "cannot keep a map",
		},
		{
			name:     "duplicate number",
			previous: `message TripsRecord { uint64 a = 1; string b = 1; }`,
			want:     "fields a and b share number 1",
		},
		{
			name:     "duplicate name",
			previous: `message TripsRecord { uint64 a = 1; string a = 2; }`,
			want:     "field a is declared twice",
		},
		{
			name:     "bad number",
			previous: `message TripsRecord { uint64 a = 0; }`,
			want:     `line 1: bad field number "0"`,
		},
		{
			name:     "unterminated",
			previous: "message TripsRecord {\n  string a = 1;\n",
			want:     "line 2: unexpected end of file",
		},
		{name: "string", previous: `option x = "abc`, want: "unterminated string"},
		{name: "comment", previous: `/* abc`, want: "unterminated block comment"},
		{
			name:     "garbage",
			previous: "syntax = \"proto3\";\n\n%%",
			want:     `line 3: unexpected character '%'`,
		},
		{
			name:     "no numbers left",
			previous: `message TripsRecord { reserved 2 to max; }`,
			want:     "no field number left for a",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render(e, []byte(tc.previous))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render = %v, want an error containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "previous file: ") {
				t.Fatalf("Render = %q, want a previous file error", err)
			}
		})
	}
}
