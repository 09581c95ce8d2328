package scaffold

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// The shipped endpoints, as the fields of their files describe them.
var (
	tripsCache = Endpoint{
		Name:       "trips_cache",
		Path:       "/trips",
		PrimaryKey: []string{"trip_id"},
		Indexes:    [][]string{{"pickup_at"}, {"pickup_location_id"}, {"fare_amount"}},
		Fields: []Field{
			{Name: "trip_id", Type: typespb.Type_UInt},
			{Name: "pickup_at", Type: typespb.Type_Timestamp},
			{Name: "dropoff_at", Type: typespb.Type_Timestamp},
			{Name: "pickup_location_id", Type: typespb.Type_UInt},
			{Name: "dropoff_location_id", Type: typespb.Type_UInt},
			{Name: "passenger_count", Type: typespb.Type_UInt, Nullable: true},
			{Name: "trip_distance", Type: typespb.Type_Float},
			{Name: "fare_amount", Type: typespb.Type_Float},
			{Name: "tip_amount", Type: typespb.Type_Float, Nullable: true},
			{Name: "payment_type", Type: typespb.Type_String},
		},
	}
	stocksMeta = Endpoint{
		Name:       "stocks_meta",
		PrimaryKey: []string{"symbol"},
		Indexes:    [][]string{{"listing_exchange"}, {"market_category"}},
		Fields: []Field{
			{Name: "symbol", Type: typespb.Type_String},
			{Name: "security_name", Type: typespb.Type_String},
			{Name: "listing_exchange", Type: typespb.Type_String},
			{Name: "market_category", Type: typespb.Type_String},
			{Name: "etf", Type: typespb.Type_Boolean},
			{Name: "round_lot_size", Type: typespb.Type_UInt},
			{Name: "financial_status", Type: typespb.Type_String, Nullable: true},
			{Name: "listed_on", Type: typespb.Type_Date},
		},
	}
	pickup = Endpoint{
		Name:       "pickup",
		PrimaryKey: []string{"zone_id"},
		Indexes:    [][]string{{"borough"}, {"pickups"}},
		Fields: []Field{
			{Name: "zone_id", Type: typespb.Type_UInt},
			{Name: "borough", Type: typespb.Type_String},
			{Name: "zone", Type: typespb.Type_String},
			{Name: "pickups", Type: typespb.Type_UInt},
			{Name: "last_pickup_at", Type: typespb.Type_Timestamp, Nullable: true},
		},
	}
)

// everyType has a field of every type Render supports, in both nullabilities,
// and every option of the endpoint binding.
var everyType = Endpoint{
	Name:       "every_type",
	Path:       "/every/type",
	Table:      "kinds",
	PrimaryKey: []string{"id", "name"},
	Indexes:    [][]string{{"created_at"}, {"name", "amount"}},
	Fields: []Field{
		{Name: "id", Type: typespb.Type_UInt},
		{Name: "delta", Type: typespb.Type_Int},
		{Name: "ratio", Type: typespb.Type_Float, Nullable: true},
		{Name: "active", Type: typespb.Type_Boolean},
		{Name: "name", Type: typespb.Type_String},
		{Name: "body", Type: typespb.Type_Text, Nullable: true},
		{Name: "born_on", Type: typespb.Type_Date},
		{Name: "amount", Type: typespb.Type_Decimal},
		{Name: "extra", Type: typespb.Type_Json, Nullable: true},
		{Name: "created_at", Type: typespb.Type_Timestamp},
		{Name: "deleted_at", Type: typespb.Type_Timestamp, Nullable: true},
		{Name: "Mixed_Case", Type: typespb.Type_String},
	},
}

func readShipped(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(FilePath(name))))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var blankLines = regexp.MustCompile(`\n\n+`)

// TestRenderKeepsShipped regenerates each shipped file from its endpoint and
// its current content: the result is the file itself, blank lines aside.
func TestRenderKeepsShipped(t *testing.T) {
	t.Parallel()
	for _, e := range []Endpoint{tripsCache, stocksMeta, pickup} {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			shipped := readShipped(t, e.Name)
			got, err := Render(e, shipped)
			if err != nil {
				t.Fatal(err)
			}
			g := blankLines.ReplaceAllString(string(got), "\n")
			w := blankLines.ReplaceAllString(string(shipped), "\n")
			if g != w {
				t.Fatalf("Render(%s, shipped) differs from shipped:\n%s", e.Name, diffLines(w, g))
			}
		})
	}

	// trips_cache has buf format's blank lines, so it matches byte for byte.
	shipped := readShipped(t, "trips_cache")
	got, err := Render(tripsCache, shipped)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(shipped) {
		t.Fatalf("Render(trips_cache, shipped) differs:\n%s", diffLines(string(shipped), string(got)))
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

var comments = regexp.MustCompile(`(?m)^\s*//.*\n`)

// TestRenderNewMatchesShipped renders trips_cache from scratch: only the
// comments differ from the shipped file.
func TestRenderNewMatchesShipped(t *testing.T) {
	t.Parallel()
	got, err := Render(tripsCache, nil)
	if err != nil {
		t.Fatal(err)
	}
	normalize := func(s string) string {
		return blankLines.ReplaceAllString(comments.ReplaceAllString(s, ""), "\n")
	}
	g, w := normalize(string(got)), normalize(string(readShipped(t, "trips_cache")))
	if g != w {
		t.Fatalf("Render(trips_cache, nil) differs from shipped:\n%s", diffLines(w, g))
	}
}

// TestRenderGolden pins the file for an endpoint that uses every type and
// option; testdata/every_type.proto.golden shows what users get.
func TestRenderGolden(t *testing.T) {
	t.Parallel()
	got, err := Render(everyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "every_type.proto.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("Render(every_type) differs from the golden file:\n%s", diffLines(string(want), string(got)))
	}
}

// diffLines lists the lines where two texts first differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + wl + "\n  got: " + gl
		}
	}
	return "(no line differs)"
}

func TestRenderDefaults(t *testing.T) {
	t.Parallel()
	e := Endpoint{Name: "sales_2024", Fields: []Field{{Name: "id", Type: typespb.Type_UInt}}}
	got, err := Render(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`path: "/sales-2024"`, `get: "/sales-2024/{id}"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("file lacks %s", want)
		}
	}
	for _, absent := range []string{"table:", "primary_key:", "indexes:", "timestamp.proto"} {
		if strings.Contains(string(got), absent) {
			t.Errorf("file has %s", absent)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	t.Parallel()
	id := Field{Name: "id", Type: typespb.Type_UInt}
	tests := []struct {
		name string
		e    Endpoint
		// want is in the error, which names what is wrong.
		want string
	}{
		{
			name: "bad endpoint name",
			e:    Endpoint{Name: "Trips", Fields: []Field{id}},
			want: `"Trips"`,
		},
		{name: "no fields", e: Endpoint{Name: "trips"}, want: "at least one field"},
		{
			name: "field names not identifiers",
			e: Endpoint{Name: "trips", Fields: []Field{
				id, {Name: "fare amount"}, {Name: "2nd"}, {Name: "é"}, {Name: ""}, {Name: "ok_name"},
			}},
			want: `field names "fare amount", "2nd", "é", "" are not proto identifiers`,
		},
		{
			name: "duplicate field",
			e:    Endpoint{Name: "trips", Fields: []Field{id, id}},
			want: "field id is declared twice",
		},
		{
			name: "same JSON name",
			e:    Endpoint{Name: "trips", Fields: []Field{{Name: "foo_bar"}, {Name: "fooBar"}}},
			want: "fields foo_bar and fooBar have the same JSON name fooBar",
		},
		{
			name: "identity field",
			e:    Endpoint{Name: "trips", Fields: []Field{{Name: "__dozer_record_id"}}},
			want: "field __dozer_record_id is declared twice or is reserved",
		},
		{
			name: "identity JSON name",
			e:    Endpoint{Name: "trips", Fields: []Field{{Name: "DozerRecordVersion"}}},
			want: "fields __dozer_record_version and DozerRecordVersion",
		},
		{
			name: "clashes with generated Go",
			e:    Endpoint{Name: "trips", Fields: []Field{{Name: "proto_reflect"}}},
			want: "field proto_reflect would clash with the ProtoReflect method",
		},
		{
			name: "unsupported type",
			e:    Endpoint{Name: "trips", Fields: []Field{id, {Name: "shape", Type: typespb.Type_Point}}},
			want: "field shape: type Point is not supported",
		},
		{
			name: "binary type",
			e:    Endpoint{Name: "trips", Fields: []Field{{Name: "blob", Type: typespb.Type_Binary}}},
			want: "field blob: type Binary is not supported",
		},
		{
			name: "unknown primary key",
			e:    Endpoint{Name: "trips", PrimaryKey: []string{"trip_id"}, Fields: []Field{id}},
			want: `primary key names unknown field "trip_id"`,
		},
		{
			name: "repeated primary key",
			e:    Endpoint{Name: "trips", PrimaryKey: []string{"id", "id"}, Fields: []Field{id}},
			want: "primary key names field id twice",
		},
		{
			name: "unknown index field",
			e:    Endpoint{Name: "trips", Indexes: [][]string{{"id"}, {"nope"}}, Fields: []Field{id}},
			want: `index names unknown field "nope"`,
		},
		{
			name: "empty index",
			e:    Endpoint{Name: "trips", Indexes: [][]string{{}}, Fields: []Field{id}},
			want: "an index names no fields",
		},
		{
			name: "bad table",
			e:    Endpoint{Name: "trips", Table: "a-b", Fields: []Field{id}},
			want: `table "a-b"`,
		},
		{
			name: "relative path",
			e:    Endpoint{Name: "trips", Path: "trips", Fields: []Field{id}},
			want: `path "trips"`,
		},
		{
			name: "root path",
			e:    Endpoint{Name: "trips", Path: "/", Fields: []Field{id}},
			want: `path "/"`,
		},
		{
			name: "path template",
			e:    Endpoint{Name: "trips", Path: "/t/{x}", Fields: []Field{id}},
			want: `path "/t/{x}"`,
		},
		{
			name: "path verb",
			e:    Endpoint{Name: "trips", Path: "/t:x", Fields: []Field{id}},
			want: `path "/t:x"`,
		},
		{
			name: "path quote",
			e:    Endpoint{Name: "trips", Path: `/t"`, Fields: []Field{id}},
			want: `path "/t\""`,
		},
		{
			name: "trailing slash",
			e:    Endpoint{Name: "trips", Path: "/t/", Fields: []Field{id}},
			want: `path "/t/"`,
		},
		{
			name: "dot segment",
			e:    Endpoint{Name: "trips", Path: "/t/..", Fields: []Field{id}},
			want: `".." segment`,
		},
		{
			name: "gantry route",
			e:    Endpoint{Name: "trips", Path: "/health", Fields: []Field{id}},
			want: "gantry's own routes",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render(tc.e, nil)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Render = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func mustRender(t testing.TB, e Endpoint, previous []byte) []byte {
	t.Helper()
	out, err := Render(e, previous)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderKeepsComments(t *testing.T) {
	t.Parallel()
	e := Endpoint{Name: "trips", Fields: []Field{
		{Name: "a", Type: typespb.Type_UInt},
		{Name: "b", Type: typespb.Type_String},
	}}
	v1 := strings.Replace(string(mustRender(t, e, nil)),
		"  string b = 2;", "  // b is the second field.\n  //   indented.\n  string b = 2; // trailing\n", 1)
	v1 = strings.Replace(v1, "// count returns how many records match the query.",
		"// count counts trips.", 1)
	v1 = strings.Replace(v1, "// Endpoint trips:", "/* block */\n// Endpoint trips:", 1)

	e.Fields = append(e.Fields, Field{Name: "c", Type: typespb.Type_Int})
	got := string(mustRender(t, e, []byte(v1)))
	for _, want := range []string{
		"  // b is the second field.\n  //   indented.\n  string b = 2;\n",
		"  // count counts trips.\n  rpc count(",
		"\n// Endpoint trips:",
		"  int64 c = 5;\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("file lacks %q:\n%s", want, got)
		}
	}
	for _, absent := range []string{"trailing", "block"} {
		if strings.Contains(got, absent) {
			t.Errorf("file keeps %q", absent)
		}
	}
}
