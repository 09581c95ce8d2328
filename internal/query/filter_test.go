package query

import (
	"math"
	"reflect"
	"testing"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter string
		want   Expr
	}{
		{name: "empty", filter: "", want: nil},
		{name: "whitespace", filter: "  \n", want: nil},
		{name: "null", filter: "null", want: nil},
		{name: "empty object", filter: "{}", want: nil},
		{name: "event filter", filter: `{"trip_id":32}`,
			want: &Cond{Field: tripID, Value: int64(32)}},
		{name: "access filter", filter: `{"trip_id":{"$lt":100}}`,
			want: &Cond{Field: tripID, Op: OpLt, Value: int64(100)}},
		{name: "Dozer's serialized $and",
			filter: `{"$and":[{"trip_id":{"$gte":2}},{"payment_type":"cash"}]}`,
			want: &AndExpr{Exprs: []Expr{
				&Cond{Field: tripID, Op: OpGte, Value: int64(2)},
				&Cond{Field: paymentType, Value: "cash"},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFilter([]byte(tt.filter), endpoint(t, "trips"))
			if err != nil {
				t.Fatalf("ParseFilter(%s): %v", tt.filter, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseFilter(%s) = %s, want %s", tt.filter, showExpr(got),
					showExpr(tt.want))
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter string
		want   string
	}{
		{name: "a whole query", filter: `{"$filter":{"trip_id":1}}`,
			want: `unknown key "$filter"; expected $and, $or, $not or a field name`},
		{name: "an array", filter: `[{"trip_id":1}]`,
			want: "expects a filter object, got array"},
		{name: "unknown field", filter: `{"film_id":1}`,
			want: `unknown field "film_id"`},
		{name: "wrong type", filter: `{"trip_id":{"$gt":"1"}}`,
			want: "trip_id: $gt expects an unsigned integer, got string"},
		{name: "nested path", filter: `{"$or":[{"$not":{"fare_amount":true}}]}`,
			want: "$or[0].$not.fare_amount: expects a number, got boolean"},
		{name: "malformed", filter: `{"trip_id":}`,
			want: "malformed JSON at byte 11: invalid character '}' looking for " +
				"beginning of value"},
		{name: "invalid UTF-8", filter: "{\"\xc3\":1}",
			want: "query is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := ParseFilter([]byte(tt.filter), endpoint(t, "trips"))
			if err == nil {
				t.Fatalf("ParseFilter(%s) = %s, want error %q",
					tt.filter, showExpr(e), tt.want)
			}
			checkError(t, err, tt.want)
		})
	}
}

func TestAnd(t *testing.T) {
	t.Parallel()
	a := Eq(tripID, int64(1))
	b := Eq(fareAmount, 2.5)
	tests := []struct {
		name  string
		exprs []Expr
		want  Expr
	}{
		{name: "no operand", exprs: nil, want: nil},
		{name: "nil operand", exprs: []Expr{nil}, want: nil},
		{name: "one operand", exprs: []Expr{nil, a}, want: a},
		{name: "two operands", exprs: []Expr{a, nil, b},
			want: &AndExpr{Exprs: []Expr{a, b}}},
		{name: "flattened", exprs: []Expr{&AndExpr{Exprs: []Expr{a, b}}, a},
			want: &AndExpr{Exprs: []Expr{a, b, a}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := And(tt.exprs...); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("And(...) = %s, want %s", showExpr(got), showExpr(tt.want))
			}
		})
	}
}

func TestEqNormalizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value any
		want  any
	}{
		{name: "int", value: 7, want: int64(7)},
		{name: "uint32", value: uint32(7), want: int64(7)},
		{name: "uint64 in range", value: uint64(7), want: int64(7)},
		{name: "uint64 out of range", value: uint64(math.MaxUint64),
			want: uint64(math.MaxUint64)},
		{name: "float32", value: float32(1.5), want: 1.5},
		{name: "string", value: "x", want: "x"},
		{name: "nil", value: nil, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := &Cond{Field: tripID, Value: tt.want}
			if got := Eq(tripID, tt.value); !reflect.DeepEqual(got, want) {
				t.Errorf("Eq(%#v) = %s, want %s",
					tt.value, showExpr(got), showExpr(want))
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	// A trips record with no tip and no passenger count.
	rec := []any{
		int64(5), int64(1e18), nil, int64(3), int64(4), nil, 2.5, 10.0, nil,
		"credit card",
	}
	tests := []struct {
		name string
		expr Expr
		want bool
	}{
		{name: "nil matches", expr: nil, want: true},
		{name: "equal", expr: Eq(tripID, 5), want: true},
		{name: "float field, integer value", expr: Eq(fareAmount, 10), want: true},
		{name: "integer field, float value",
			expr: &Cond{Field: tripID, Op: OpLt, Value: 5.5}, want: true},
		{name: "is null", expr: Eq(tipAmount, nil), want: true},
		{name: "not null", expr: Eq(tripID, nil), want: false},
		{name: "range never matches null",
			expr: &Cond{Field: tipAmount, Op: OpGte, Value: 0.0}, want: false},
		{name: "not of a null comparison matches",
			expr: &NotExpr{Expr: &Cond{Field: tipAmount, Op: OpGt, Value: 5.0}},
			want: true},
		{name: "range with nil value", expr: &Cond{Field: tripID, Op: OpGt},
			want: false},
		{name: "mismatched types", expr: Eq(tripID, "5"), want: false},
		{name: "non-canonical value", expr: Eq(tripID, uint64(math.MaxUint64)),
			want: false},
		{name: "field out of range", expr: Eq(42, 1), want: false},
		{name: "negative field", expr: Eq(-1, 1), want: false},
		{name: "word", expr: &Cond{Field: paymentType, Op: OpContains,
			Words: []string{"card"}}, want: true},
		{name: "text operator on a NULL field", expr: &Cond{Field: tipAmount,
			Op: OpContains, Words: []string{"card"}}, want: false},
		{name: "all words", expr: &Cond{Field: paymentType, Op: OpMatchesAll,
			Words: []string{"card", "credit"}}, want: true},
		{name: "not all words", expr: &Cond{Field: paymentType, Op: OpMatchesAll,
			Words: []string{"card", "debit"}}, want: false},
		{name: "no words", expr: &Cond{Field: paymentType, Op: OpMatchesAll},
			want: false},
		{name: "empty or", expr: &OrExpr{}, want: false},
		{name: "empty and", expr: &AndExpr{}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Match(tt.expr, rec); got != tt.want {
				t.Errorf("Match(%s) = %t, want %t", showExpr(tt.expr), got, tt.want)
			}
		})
	}
}

func TestCompareFloatInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    float64
		i    int64
		want int
	}{
		{name: "equal", f: 3, i: 3, want: 0},
		{name: "fraction above", f: 3.5, i: 3, want: 1},
		{name: "negative fraction below", f: -3.5, i: -3, want: -1},
		{name: "beyond int64", f: 0x1p63, i: math.MaxInt64, want: 1},
		{name: "below int64", f: -0x1p64, i: math.MinInt64, want: -1},
		{name: "not rounded", f: 0x1p62, i: 1<<62 + 1, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := compareFloatInt(tt.f, tt.i); got != tt.want {
				t.Errorf("compareFloatInt(%v, %d) = %d, want %d",
					tt.f, tt.i, got, tt.want)
			}
		})
	}
}
