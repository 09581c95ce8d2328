package query

import (
	"cmp"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	stocks "github.com/gantry-dev/gantry/gen/dozer/generated/stocks_meta"
	trips "github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
	"github.com/gantry-dev/gantry/internal/schema"
)

// testLimits are the page limits the tests parse with.
var testLimits = Limits{Default: 50, Max: 100}

// record is one row of a fixture table: its id and canonical values.
type record struct {
	id     int64
	values []any
}

// fixture is an endpoint, an in-memory SQLite table holding its records in
// the store's encoding, and the same records in Go.
type fixture struct {
	ep   *schema.Endpoint
	db   *sql.DB
	recs []record
}

var fixtures = map[string]func() (*fixture, error){
	"trips": sync.OnceValues(func() (*fixture, error) {
		return newFixture(trips.File_dozer_generated_trips_cache_trips_cache_proto, 1)
	}),
	"stocks": sync.OnceValues(func() (*fixture, error) {
		return newFixture(stocks.File_dozer_generated_stocks_meta_stocks_meta_proto, 2)
	}),
	"kinds": sync.OnceValues(func() (*fixture, error) {
		fd, err := kindsFile()
		if err != nil {
			return nil, err
		}
		return newFixture(fd, 3)
	}),
}

// loadFixture returns the named fixture, built once per test binary.
func loadFixture(tb testing.TB, name string) *fixture {
	tb.Helper()
	fx, err := fixtures[name]()
	if err != nil {
		tb.Fatalf("fixture %s: %v", name, err)
	}
	return fx
}

func endpoint(tb testing.TB, name string) *schema.Endpoint {
	tb.Helper()
	return loadFixture(tb, name).ep
}

// kindsFile describes an endpoint with a field of every supported type, Int
// and Text included, which the generated endpoints lack.
func kindsFile() (protoreflect.FileDescriptor, error) {
	opt := func(n int32) *int32 { return &n }
	field := func(name string, n int32, typ descriptorpb.FieldDescriptorProto_Type,
		optional bool) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{
			Name:     proto.String(name),
			Number:   proto.Int32(n),
			Type:     typ.Enum(),
			Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			JsonName: proto.String(name),
		}
		if optional {
			f.Proto3Optional = proto.Bool(true)
			f.OneofIndex = opt(n - 3)
		}
		return f
	}
	const (
		u64 = descriptorpb.FieldDescriptorProto_TYPE_UINT64
		i64 = descriptorpb.FieldDescriptorProto_TYPE_INT64
		dbl = descriptorpb.FieldDescriptorProto_TYPE_DOUBLE
		bln = descriptorpb.FieldDescriptorProto_TYPE_BOOL
		str = descriptorpb.FieldDescriptorProto_TYPE_STRING
		msg = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE
	)

	fields := []*descriptorpb.FieldDescriptorProto{
		field("id", 1, u64, false),
		field("delta", 2, i64, false),
	}
	optional := []*descriptorpb.FieldDescriptorProto{
		field("level", 3, i64, true),
		field("ratio", 4, dbl, true),
		field("flag", 5, bln, true),
		field("body", 6, str, true),
		field("day", 7, str, true),
		field("at", 8, msg, false),
	}
	optional[5].TypeName = proto.String(".google.protobuf.Timestamp")
	optional[3].Options = &descriptorpb.FieldOptions{}
	proto.SetExtension(optional[3].Options, gantryv1.E_Field,
		&gantryv1.Field{Type: gantryv1.FieldType_FIELD_TYPE_TEXT})
	optional[4].Options = &descriptorpb.FieldOptions{}
	proto.SetExtension(optional[4].Options, gantryv1.E_Field,
		&gantryv1.Field{Type: gantryv1.FieldType_FIELD_TYPE_DATE})
	fields = append(fields, optional...)

	var oneofs []*descriptorpb.OneofDescriptorProto
	for _, f := range optional[:5] {
		oneofs = append(oneofs, &descriptorpb.OneofDescriptorProto{
			Name: proto.String("_" + f.GetName()),
		})
	}

	opts := &descriptorpb.FileOptions{}
	proto.SetExtension(opts, gantryv1.E_Endpoint, &gantryv1.Endpoint{
		Name: "kinds", Path: "/kinds", Record: "Kind", PrimaryKey: []string{"id"},
	})
	fdp := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("query_test/kinds.proto"),
		Package: proto.String("query_test"),
		Syntax:  proto.String("proto3"),
		Dependency: []string{
			"google/protobuf/timestamp.proto", "gantry/v1/binding.proto",
		},
		Options: opts,
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Kind"), Field: fields, OneofDecl: oneofs,
		}},
	}
	return protodesc.NewFile(fdp, protoregistry.GlobalFiles)
}

func newFixture(fd protoreflect.FileDescriptor, seed uint64) (*fixture, error) {
	ep, err := schema.FromFile(fd)
	if err != nil {
		return nil, err
	}
	RegisterSQLFunctions()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	// Every connection to :memory: is a database of its own.
	db.SetMaxOpenConns(1)

	fx := &fixture{ep: ep, db: db}
	if _, err := db.Exec(createTable(ep)); err != nil {
		return nil, fmt.Errorf("create table: %w", err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range 300 {
		// Gaps between ids make $after anchors that do not exist.
		rec := record{id: int64(3*i + 1 + i%2), values: make([]any, len(ep.Fields))}
		for j, f := range ep.Fields {
			rec.values[j] = genValue(r, f)
		}
		if err := fx.insert(rec); err != nil {
			return nil, err
		}
	}
	return fx, nil
}

func createTable(ep *schema.Endpoint) string {
	cols := make([]string, len(ep.Fields))
	for i, f := range ep.Fields {
		typ := "TEXT"
		switch f.Type {
		case typespb.Type_UInt, typespb.Type_Int, typespb.Type_Boolean,
			typespb.Type_Timestamp:
			typ = "INTEGER"
		case typespb.Type_Float:
			typ = "REAL"
		}
		if !f.Nullable {
			typ += " NOT NULL"
		}
		cols[i] = ident(f.Name) + " " + typ
	}
	return "CREATE TABLE " + ident(ep.Table) + " (" + strings.Join(cols, ", ") + ")"
}

func (fx *fixture) insert(rec record) error {
	names := []string{"rowid"}
	marks := []string{"?"}
	args := []any{rec.id}
	for i, f := range fx.ep.Fields {
		names = append(names, ident(f.Name))
		marks = append(marks, "?")
		args = append(args, rec.values[i])
	}
	stmt := "INSERT INTO " + ident(fx.ep.Table) + " (" + strings.Join(names, ", ") +
		") VALUES (" + strings.Join(marks, ", ") + ")"
	_, err := fx.db.Exec(stmt, args...)
	fx.recs = append(fx.recs, rec)
	return err
}

// phrases are String and Text values chosen to exercise word matching:
// case, punctuation, digits, non-ASCII letters and empty text.
var phrases = []string{
	"card", "cash", "Card", "no charge", "dispute", "card cash", "cash-card",
	"credit card", "debit/card 42", "unknown", "", "straße café", "Straße",
	"naïve café 東京", "42", "x42", "voided trip", "card,card", "  spaced   words ",
	"NASDAQ", "NYSE Arca", "N", "Q", "G", "ETF fund", "fund", "Fund ETF",
}

var floats = []float64{-2.5, 0, 1, 1.5, 2.25, 10, 99.99, 1e10, -1e-3, 7}

var timeBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// genValue draws a canonical value for f from a small domain, so that
// equality filters hit and sort keys tie.
func genValue(r *rand.Rand, f schema.Field) any {
	if f.Nullable && r.IntN(5) == 0 {
		return nil
	}
	switch f.Type {
	case typespb.Type_UInt:
		if r.IntN(20) == 0 {
			return int64(math.MaxInt64 - r.IntN(2))
		}
		return int64(r.IntN(12))
	case typespb.Type_Int:
		if r.IntN(20) == 0 {
			return int64(math.MinInt64 + r.IntN(2))
		}
		return int64(r.IntN(21) - 10)
	case typespb.Type_Float:
		if r.IntN(3) == 0 {
			return math.Round(r.Float64()*5000) / 100
		}
		return floats[r.IntN(len(floats))]
	case typespb.Type_Boolean:
		return r.IntN(2) == 1
	case typespb.Type_Timestamp:
		return timeBase.Add(time.Duration(r.IntN(60)-10) * time.Hour).UnixNano()
	case typespb.Type_Date:
		return timeBase.AddDate(0, 0, r.IntN(40)-20).Format(dateLayout)
	}
	return phrases[r.IntN(len(phrases))]
}

// run executes a Select statement and returns the record ids it read. It
// checks that every row's columns hold the record's values.
func (fx *fixture) run(st Statement) ([]int64, error) {
	rows, err := fx.db.Query(st.SQL, st.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	byID := make(map[int64]record, len(fx.recs))
	for _, rec := range fx.recs {
		byID[rec.id] = rec
	}
	var ids []int64
	for rows.Next() {
		dest := make([]any, 1+len(fx.ep.Fields))
		ptrs := make([]any, len(dest))
		for i := range dest {
			ptrs[i] = &dest[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		id, _ := dest[0].(int64)
		if err := fx.checkRow(byID[id], dest[1:]); err != nil {
			return nil, fmt.Errorf("record %d: %w", id, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (fx *fixture) checkRow(rec record, got []any) error {
	if rec.values == nil {
		return fmt.Errorf("no such record")
	}
	for i, want := range rec.values {
		g := got[i]
		if b, ok := want.(bool); ok {
			g = g == int64(1)
			if b != g {
				return fmt.Errorf("field %s = %v, want %v",
					fx.ep.Fields[i].Name, got[i], want)
			}
			continue
		}
		if g != want {
			return fmt.Errorf("field %s = %#v, want %#v", fx.ep.Fields[i].Name, g, want)
		}
	}
	return nil
}

func (fx *fixture) count(st Statement) (int64, error) {
	var n int64
	err := fx.db.QueryRow(st.SQL, st.Args...).Scan(&n)
	return n, err
}

// expect computes q's page and count in Go, with Match and a sort, to check
// the SQL against.
func (fx *fixture) expect(q *Query) (ids []int64, count int) {
	var recs []record
	for _, rec := range fx.recs {
		if Match(q.Filter, rec.values) {
			recs = append(recs, rec)
		}
	}
	sortRecords(recs, q.OrderBy)

	if q.After != nil {
		recs = afterAnchor(recs, *q.After, len(q.OrderBy) > 0)
	}
	recs = recs[min(q.Skip, len(recs)):]
	count = len(recs)
	if q.LimitSet {
		count = min(count, q.Limit)
	}
	for _, rec := range recs[:min(q.Limit, len(recs))] {
		ids = append(ids, rec.id)
	}
	return ids, count
}

func afterAnchor(recs []record, after uint64, ordered bool) []record {
	if !ordered {
		var out []record
		for _, rec := range recs {
			if after <= math.MaxInt64 && rec.id > int64(after) {
				out = append(out, rec)
			}
		}
		return out
	}
	for i, rec := range recs {
		if after <= math.MaxInt64 && rec.id == int64(after) {
			return recs[i+1:]
		}
	}
	return nil
}

func sortRecords(recs []record, keys []Order) {
	less := func(a, b record) int {
		for _, k := range keys {
			c := compareNullFirst(a.values[k.Field], b.values[k.Field])
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	}
	slices.SortStableFunc(recs, less)
}

func compareNullFirst(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	c, _ := compare(a, b)
	return c
}
