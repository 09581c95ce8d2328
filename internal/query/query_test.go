package query

import (
	"cmp"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Field indexes of the trips_cache endpoint.
const (
	tripID = iota
	pickupAt
	dropoffAt
	pickupLocationID
	dropoffLocationID
	passengerCount
	tripDistance
	fareAmount
	tipAmount
	paymentType
)

// Field indexes of the stocks_meta endpoint.
const (
	symbol = iota
	securityName
	listingExchange
	marketCategory
	etf
	roundLotSize
	financialStatus
	listedOn
)

func ptr[T any](v T) *T { return &v }

func TestParse(t *testing.T) {
	t.Parallel()
	ts := time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC).UnixNano()
	tests := []struct {
		name     string
		endpoint string
		query    string
		want     Query
	}{
		{name: "empty body", query: ``, want: Query{Limit: 50}},
		{name: "whitespace body", query: " \n\t\r ", want: Query{Limit: 50}},
		{name: "empty object", query: `{}`, want: Query{Limit: 50}},
		{
			name: "null keys count as absent",
			query: `{"$filter":null,"$order_by":null,"$limit":null,"$skip":null,` +
				`"$after":null}`,
			want: Query{Limit: 50},
		},
		{
			name:  "integer shorthand",
			query: `{"$filter":{"trip_id":32}}`,
			want:  Query{Filter: &Cond{Field: tripID, Value: int64(32)}, Limit: 50},
		},
		{
			name:  "float shorthand",
			query: `{"$filter":{"fare_amount":1.5}}`,
			want:  Query{Filter: &Cond{Field: fareAmount, Value: 1.5}, Limit: 50},
		},
		{
			name:  "integer literal on a float field",
			query: `{"$filter":{"fare_amount":{"$gt":10}}}`,
			want: Query{
				Filter: &Cond{Field: fareAmount, Op: OpGt, Value: 10.0},
				Limit:  50,
			},
		},
		{
			name:  "largest unsigned integer",
			query: `{"$filter":{"trip_id":{"$lte":9223372036854775807}}}`,
			want: Query{
				Filter: &Cond{Field: tripID, Op: OpLte, Value: int64(1<<63 - 1)},
				Limit:  50,
			},
		},
		{
			name: "entries and operators are ANDed",
			query: `{"$filter":{"fare_amount":{"$gt":10,"$lte":20},` +
				`"payment_type":"card"}}`,
			want: Query{Filter: &AndExpr{Exprs: []Expr{
				&Cond{Field: fareAmount, Op: OpGt, Value: 10.0},
				&Cond{Field: fareAmount, Op: OpLte, Value: 20.0},
				&Cond{Field: paymentType, Value: "card"},
			}}, Limit: 50},
		},
		{
			name: "nested $and is flattened",
			query: `{"$filter":{"$and":[{"trip_id":{"$gte":2}},` +
				`{"$and":[{"trip_id":{"$lt":500}}]}]}}`,
			want: Query{Filter: &AndExpr{Exprs: []Expr{
				&Cond{Field: tripID, Op: OpGte, Value: int64(2)},
				&Cond{Field: tripID, Op: OpLt, Value: int64(500)},
			}}, Limit: 50},
		},
		{
			name: "$or and $not",
			query: `{"$filter":{"$or":[{"payment_type":"cash"},` +
				`{"$not":{"tip_amount":{"$gt":5}}}]}}`,
			want: Query{Filter: &OrExpr{Exprs: []Expr{
				&Cond{Field: paymentType, Value: "cash"},
				&NotExpr{Expr: &Cond{Field: tipAmount, Op: OpGt, Value: 5.0}},
			}}, Limit: 50},
		},
		{
			name:  "empty filter in $and is dropped",
			query: `{"$filter":{"$and":[{},{"trip_id":1}]}}`,
			want:  Query{Filter: &Cond{Field: tripID, Value: int64(1)}, Limit: 50},
		},
		{
			name:  "empty filter in $or matches everything",
			query: `{"$filter":{"$or":[{},{"trip_id":1}]}}`,
			want:  Query{Limit: 50},
		},
		{
			name:  "$not of an empty filter matches nothing",
			query: `{"$filter":{"$not":{}}}`,
			want:  Query{Filter: &NotExpr{}, Limit: 50},
		},
		{
			name:  "null on a nullable field",
			query: `{"$filter":{"tip_amount":null}}`,
			want:  Query{Filter: &Cond{Field: tipAmount}, Limit: 50},
		},
		{
			name:  "explicit $eq null",
			query: `{"$filter":{"passenger_count":{"$eq":null}}}`,
			want:  Query{Filter: &Cond{Field: passengerCount}, Limit: 50},
		},
		{
			name: "timestamp",
			query: `{"$filter":{"pickup_at":` +
				`{"$gte":"2024-01-02T04:04:05.0000006+01:00"}}}`,
			want: Query{
				Filter: &Cond{Field: pickupAt, Op: OpGte, Value: ts},
				Limit:  50,
			},
		},
		{
			name:  "$contains one word",
			query: `{"$filter":{"payment_type":{"$contains":"card"}}}`,
			want: Query{Filter: &Cond{
				Field: paymentType, Op: OpContains, Value: "card",
				Words: []string{"card"},
			}, Limit: 50},
		},
		{
			name:  "$contains two words matches nothing",
			query: `{"$filter":{"payment_type":{"$contains":"no charge"}}}`,
			want: Query{Filter: &Cond{
				Field: paymentType, Op: OpContains, Value: "no charge",
			}, Limit: 50},
		},
		{
			name:  "$matches_any string",
			query: `{"$filter":{"payment_type":{"$matches_any":"card, cash card"}}}`,
			want: Query{Filter: &Cond{
				Field: paymentType, Op: OpMatchesAny, Value: "card, cash card",
				Words: []string{"card", "cash"},
			}, Limit: 50},
		},
		{
			name:  "$matches_all array",
			query: `{"$filter":{"payment_type":{"$matches_all":["credit card","x"]}}}`,
			want: Query{Filter: &Cond{
				Field: paymentType, Op: OpMatchesAll,
				Value: []string{"credit card", "x"},
				Words: []string{"credit", "card", "x"},
			}, Limit: 50},
		},
		{
			name:  "order_by keeps key order",
			query: `{"$order_by":{"fare_amount":"desc","trip_id":"asc"}}`,
			want: Query{OrderBy: []Order{
				{Field: fareAmount, Desc: true}, {Field: tripID},
			}, Limit: 50},
		},
		{
			name:  "order_by keeps reversed key order",
			query: `{"$order_by":{"trip_id":"asc","fare_amount":"desc"}}`,
			want: Query{OrderBy: []Order{
				{Field: tripID}, {Field: fareAmount, Desc: true},
			}, Limit: 50},
		},
		{
			name:  "limit and skip",
			query: `{"$filter":{"pickup_location_id":3},"$limit":10,"$skip":20}`,
			want: Query{
				Filter: &Cond{Field: pickupLocationID, Value: int64(3)},
				Limit:  10, LimitSet: true, Skip: 20,
			},
		},
		{
			name:  "limit zero and the maximum",
			query: `{"$limit":0}`,
			want:  Query{Limit: 0, LimitSet: true},
		},
		{
			name:  "limit at the maximum",
			query: `{"$limit":100}`,
			want:  Query{Limit: 100, LimitSet: true},
		},
		{
			name:  "after",
			query: `{"$after":30,"$limit":5}`,
			want:  Query{After: ptr[uint64](30), Limit: 5, LimitSet: true},
		},
		{
			name:  "after beyond int64",
			query: `{"$after":18446744073709551615}`,
			want:  Query{After: ptr[uint64](1<<64 - 1), Limit: 50},
		},
		{
			name:     "boolean, date and nullable string",
			endpoint: "stocks",
			query: `{"$filter":{"etf":true,"listed_on":{"$lt":"2020-02-29"},` +
				`"financial_status":null}}`,
			want: Query{Filter: &AndExpr{Exprs: []Expr{
				&Cond{Field: etf, Value: true},
				&Cond{Field: listedOn, Op: OpLt, Value: "2020-02-29"},
				&Cond{Field: financialStatus},
			}}, Limit: 50},
		},
		{
			name:     "int and text fields",
			endpoint: "kinds",
			query:    `{"$filter":{"delta":-3,"body":{"$contains":"東京"}}}`,
			want: Query{Filter: &AndExpr{Exprs: []Expr{
				&Cond{Field: 1, Value: int64(-3)},
				&Cond{
					Field: 5, Op: OpContains, Value: "東京",
					Words: []string{"東京"},
				},
			}}, Limit: 50},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ep := endpoint(t, cmp.Or(tt.endpoint, "trips"))
			q, err := Parse([]byte(tt.query), ep, testLimits)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tt.query, err)
			}
			if !reflect.DeepEqual(*q, tt.want) {
				t.Errorf("Parse(%s)\n got %s\nwant %s",
					tt.query, show(*q), show(tt.want))
			}
		})
	}
}

// show renders a Query with its expression tree for failure messages.
func show(q Query) string {
	after := "nil"
	if q.After != nil {
		after = fmt.Sprint(*q.After)
	}
	return fmt.Sprintf(
		"{Filter: %s OrderBy: %v Limit: %d LimitSet: %t Skip: %d After: %s}",
		showExpr(q.Filter), q.OrderBy, q.Limit, q.LimitSet, q.Skip, after)
}

func showExpr(e Expr) string {
	list := func(name string, exprs []Expr) string {
		parts := make([]string, len(exprs))
		for i, x := range exprs {
			parts[i] = showExpr(x)
		}
		return name + "(" + strings.Join(parts, ", ") + ")"
	}
	switch e := e.(type) {
	case nil:
		return "nil"
	case *Cond:
		return fmt.Sprintf("[%d %s %#v %q]", e.Field, e.Op, e.Value, e.Words)
	case *AndExpr:
		return list("and", e.Exprs)
	case *OrExpr:
		return list("or", e.Exprs)
	case *NotExpr:
		return "not(" + showExpr(e.Expr) + ")"
	}
	return fmt.Sprintf("%T", e)
}

func TestQueryFields(t *testing.T) {
	t.Parallel()
	ep := endpoint(t, "trips")
	tests := []struct {
		name  string
		query string
		want  []int
	}{
		{name: "none", query: `{}`, want: nil},
		{name: "filter then sort, deduplicated",
			query: `{"$filter":{"$or":[{"fare_amount":1},{"$not":{"trip_id":2}}],` +
				`"fare_amount":{"$lt":9}},` +
				`"$order_by":{"tip_amount":"asc","trip_id":"desc"}}`,
			want: []int{fareAmount, tripID, tipAmount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := Parse([]byte(tt.query), ep, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.Fields(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fields() = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	ep := endpoint(b, "trips")
	doc := []byte(`{"$filter":{"pickup_location_id":132,` +
		`"fare_amount":{"$gte":10,"$lt":80},` +
		`"payment_type":{"$matches_any":["card","cash"]}},` +
		`"$order_by":{"pickup_at":"desc"},"$limit":20,"$skip":40}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc, ep, testLimits); err != nil {
			b.Fatal(err)
		}
	}
}
