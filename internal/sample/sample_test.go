package sample

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gantry-dev/gantry/gen/dozer/generated/pickup"
	"github.com/gantry-dev/gantry/gen/dozer/generated/stocks_meta"
	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

var tables = []string{"stocks_meta", "trips_cache", "pickup"}

var files = map[string]protoreflect.FileDescriptor{
	"stocks_meta": stocks_meta.File_dozer_generated_stocks_meta_stocks_meta_proto,
	"trips_cache": trips_cache.File_dozer_generated_trips_cache_trips_cache_proto,
	"pickup":      pickup.File_dozer_generated_pickup_pickup_proto,
}

// endpoint returns the schema of a sample table from its generated proto.
func endpoint(tb testing.TB, table string) *schema.Endpoint {
	tb.Helper()
	ep, err := schema.FromFile(files[table])
	if err != nil {
		tb.Fatalf("schema of %s: %v", table, err)
	}
	return ep
}

// dataset returns a sample table's dataset and schema.
func dataset(tb testing.TB, table string) (*Dataset, *schema.Endpoint) {
	tb.Helper()
	d, ok := For(table)
	if !ok {
		tb.Fatalf("For(%q) = false", table)
	}
	return d, endpoint(tb, table)
}

// collect returns every row of a table, in the order of its schema.
func collect(tb testing.TB, table string) (*schema.Endpoint, [][]any) {
	tb.Helper()
	d, ep := dataset(tb, table)
	var rows [][]any
	err := d.Rows(ep, func(row []any) error {
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		tb.Fatalf("Rows(%s): %v", table, err)
	}
	return ep, rows
}

// field returns the index of a field in ep.
func field(tb testing.TB, ep *schema.Endpoint, name string) int {
	tb.Helper()
	i, ok := ep.FieldIndex(name)
	if !ok {
		tb.Fatalf("%s has no field %q", ep.Name, name)
	}
	return i
}

func TestFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		table string
		ok    bool
	}{
		{table: "stocks_meta", ok: true},
		{table: "trips_cache", ok: true},
		{table: "pickup", ok: true},
		{table: "nope", ok: false},
		{table: "", ok: false},
		{table: "Pickup", ok: false},
	}
	for _, tt := range tests {
		t.Run("table "+strconv.Quote(tt.table), func(t *testing.T) {
			t.Parallel()
			d, ok := For(tt.table)
			if ok != tt.ok || (d != nil) != tt.ok {
				t.Errorf("For(%q) = %v, %v; want ok %v", tt.table, d, ok, tt.ok)
			}
		})
	}
}

// digests pin the data. A change to a generator changes them; update them
// only when the change is meant.
var digests = map[string]string{
	"stocks_meta": "39314b4dadb796643b48091bf7fb3b826d68e88a25a11ce2528caa5df4ec9dbc",
	"trips_cache": "f7c59a807faa25910dc35066c6a282f800d4faee38a7504f3ad4883f066381aa",
	"pickup":      "deca3818f6092359c1aa8191d0cd3b9d753bbf07c1cde2e736e674afc8cadd66",
}

func TestRowsAreStable(t *testing.T) {
	t.Parallel()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			d, ep := dataset(t, table)
			first, second := digest(t, d, ep), digest(t, d, ep)
			if first != second {
				t.Fatalf("two runs differ: %s, then %s", first, second)
			}
			if first != digests[table] {
				t.Errorf("digest = %s, want %s", first, digests[table])
			}
		})
	}
}

// digest hashes every row of d, with each value's Go type.
func digest(tb testing.TB, d *Dataset, ep *schema.Endpoint) string {
	tb.Helper()
	h := sha256.New()
	err := d.Rows(ep, func(row []any) error {
		for _, v := range row {
			writeValue(tb, h, v)
		}
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		tb.Fatalf("Rows: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeValue(tb testing.TB, h hash.Hash, v any) {
	var b []byte
	switch v := v.(type) {
	case nil:
		b = append(b, 'n')
	case int64:
		b = strconv.AppendInt(append(b, 'i'), v, 10)
	case float64:
		b = strconv.AppendFloat(append(b, 'f'), v, 'g', -1, 64)
	case bool:
		b = strconv.AppendBool(append(b, 'b'), v)
	case string:
		b = strconv.AppendQuote(append(b, 's'), v)
	default:
		tb.Fatalf("value %v has type %T", v, v)
	}
	h.Write(append(b, ';'))
}

func TestRowsHaveSchemaTypes(t *testing.T) {
	t.Parallel()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			d, _ := For(table)
			ep, rows := collect(t, table)
			if len(rows) != d.Len() {
				t.Fatalf("Rows gave %d rows, Len() = %d", len(rows), d.Len())
			}
			for i, row := range rows {
				if len(row) != len(ep.Fields) {
					t.Fatalf("row %d has %d values, want %d", i, len(row), len(ep.Fields))
				}
				for j, f := range ep.Fields {
					if err := checkValue(f, row[j]); err != nil {
						t.Fatalf("row %d: %v", i, err)
					}
				}
			}
		})
	}
}

// checkValue reports whether v is a canonical value of f.
func checkValue(f schema.Field, v any) error {
	if v == nil {
		if !f.Nullable {
			return fmt.Errorf("%s is nil but not nullable", f.Name)
		}
		return nil
	}
	ok := false
	switch f.Type {
	case typespb.Type_UInt, typespb.Type_Int, typespb.Type_Timestamp:
		_, ok = v.(int64)
	case typespb.Type_Float:
		_, ok = v.(float64)
	case typespb.Type_Boolean:
		_, ok = v.(bool)
	case typespb.Type_String, typespb.Type_Text:
		_, ok = v.(string)
	case typespb.Type_Date:
		s, isString := v.(string)
		_, err := time.Parse(time.DateOnly, s)
		ok = isString && err == nil
	}
	if !ok {
		return fmt.Errorf("%s: %T %v is not a %s", f.Name, v, v, f.Type)
	}
	return nil
}

func TestPrimaryKeysAreUnique(t *testing.T) {
	t.Parallel()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			ep, rows := collect(t, table)
			if len(ep.PrimaryKey) != 1 {
				t.Fatalf("primary key has %d fields, want 1", len(ep.PrimaryKey))
			}
			k := ep.PrimaryKey[0]
			seen := make(map[any]bool, len(rows))
			for i, row := range rows {
				if row[k] == nil || seen[row[k]] {
					t.Fatalf("row %d: key %v is nil or repeated", i, row[k])
				}
				seen[row[k]] = true
			}
		})
	}
}

func TestRowsFollowFieldOrder(t *testing.T) {
	t.Parallel()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			d, ep := dataset(t, table)
			_, want := collect(t, table)

			// A reversed subset: every other field, last first.
			var fields []schema.Field
			var from []int
			for j := len(ep.Fields) - 1; j >= 0; j -= 2 {
				fields = append(fields, ep.Fields[j])
				from = append(from, j)
			}
			i := 0
			err := d.Rows(&schema.Endpoint{Name: table, Fields: fields}, func(row []any) error {
				for k, j := range from {
					if row[k] != want[i][j] {
						t.Fatalf("row %d, %s = %v, want %v",
							i, fields[k].Name, row[k], want[i][j])
					}
				}
				i++
				return nil
			})
			if err != nil || i != len(want) {
				t.Fatalf("Rows gave %d rows and %v, want %d rows", i, err, len(want))
			}
		})
	}
}

func TestRowsRejectsUnfillableSchema(t *testing.T) {
	t.Parallel()
	ep := endpoint(t, "stocks_meta")
	retyped := func(name string, typ typespb.Type, nullable bool) []schema.Field {
		fields := slices.Clone(ep.Fields)
		fields[field(t, ep, name)] = schema.Field{Name: name, Type: typ, Nullable: nullable}
		return fields
	}
	tests := []struct {
		name   string
		fields []schema.Field
		want   error
	}{
		{
			name: "unknown field",
			fields: append(slices.Clone(ep.Fields),
				schema.Field{Name: "nope", Type: typespb.Type_String}),
			want: ErrUnknownField,
		},
		{
			name:   "string field typed as int",
			fields: retyped("symbol", typespb.Type_Int, false),
			want:   ErrFieldType,
		},
		{
			name:   "date field typed as timestamp",
			fields: retyped("listed_on", typespb.Type_Timestamp, false),
			want:   ErrFieldType,
		},
		{
			name:   "nullable data in a non-nullable field",
			fields: retyped("financial_status", typespb.Type_String, false),
			want:   ErrFieldType,
		},
	}
	d, _ := For("stocks_meta")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			ep := &schema.Endpoint{Name: "stocks_meta", Fields: tt.fields}
			err := d.Rows(ep, func([]any) error {
				calls++
				return nil
			})
			if !errors.Is(err, tt.want) || calls != 0 {
				t.Errorf("Rows = %v after %d rows, want %v before any", err, calls, tt.want)
			}
		})
	}
}

func TestRowsAcceptsSiblingTypes(t *testing.T) {
	t.Parallel()
	d, ep := dataset(t, "stocks_meta")
	fields := slices.Clone(ep.Fields)
	fields[field(t, ep, "symbol")].Type = typespb.Type_Text
	fields[field(t, ep, "round_lot_size")].Type = typespb.Type_Int
	rows := 0
	err := d.Rows(&schema.Endpoint{Fields: fields}, func([]any) error {
		rows++
		return nil
	})
	if err != nil || rows != d.Len() {
		t.Errorf("Rows = %v after %d rows, want nil after %d", err, rows, d.Len())
	}
}

func TestRowsStopsAtYieldError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			d, ep := dataset(t, table)
			calls := 0
			err := d.Rows(ep, func([]any) error {
				calls++
				if calls == 3 {
					return stop
				}
				return nil
			})
			if err != stop || calls != 3 {
				t.Errorf("Rows = %v after %d rows, want the yield error after 3", err, calls)
			}
		})
	}
}

func TestRowsRejectsNilSchema(t *testing.T) {
	t.Parallel()
	d, _ := For("pickup")
	if err := d.Rows(nil, func([]any) error { return nil }); err == nil {
		t.Error("Rows(nil) = nil, want an error")
	}
}

func BenchmarkTrips(b *testing.B) {
	benchmarkRows(b, "trips_cache")
}

func BenchmarkStocks(b *testing.B) {
	benchmarkRows(b, "stocks_meta")
}

func BenchmarkPickup(b *testing.B) {
	benchmarkRows(b, "pickup")
}

func benchmarkRows(b *testing.B, table string) {
	d, ep := dataset(b, table)
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Rows(ep, func([]any) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
