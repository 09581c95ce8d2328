package query

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestSelectPaging checks $after and Count on cases the generated queries
// may miss, against the Go evaluation.
func TestSelectPaging(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t, "trips")
	first := fx.recs[0].id
	tests := []struct {
		name  string
		query string
		check func(t *testing.T, ids []int64, count int64)
	}{
		{name: "after an id that does not exist, unsorted",
			query: `{"$after":2}`,
			check: wantLen(50, int64(len(fx.recs)-1))},
		{name: "after an id that does not exist, sorted",
			query: `{"$after":2,"$order_by":{"fare_amount":"asc"}}`,
			check: wantLen(0, 0)},
		{name: "after an anchor the filter drops",
			query: `{"$after":1,"$filter":{"trip_id":{"$gt":100}},` +
				`"$order_by":{"trip_id":"asc"}}`,
			check: wantLen(0, 0)},
		{name: "after an anchor among ties",
			query: `{"$after":1,"$order_by":{"trip_id":"desc","tip_amount":"desc"},` +
				`"$limit":100}`},
		{name: "after beyond int64, unsorted",
			query: `{"$after":18446744073709551615}`, check: wantLen(0, 0)},
		{name: "after beyond int64, sorted",
			query: `{"$after":18446744073709551615,"$order_by":{"trip_id":"asc"}}`,
			check: wantLen(0, 0)},
		{name: "count ignores the default limit",
			query: `{"$skip":10}`,
			check: wantLen(50, int64(len(fx.recs)-10))},
		{name: "count honours a given limit",
			query: `{"$limit":7,"$skip":10}`, check: wantLen(7, 7)},
		{name: "count with limit zero", query: `{"$limit":0}`, check: wantLen(0, 0)},
		{name: "skip past the end", query: `{"$skip":100000}`, check: wantLen(0, 0)},
		{name: "first record",
			query: `{"$limit":1}`,
			check: func(t *testing.T, ids []int64, _ int64) {
				if !slices.Equal(ids, []int64{first}) {
					t.Errorf("ids %v, want [%d]", ids, first)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := Parse([]byte(tt.query), fx.ep, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			fx.compare(t, tt.query, q)
			if tt.check == nil {
				return
			}
			ids, err := fx.run(Select(fx.ep, q))
			if err != nil {
				t.Fatal(err)
			}
			n, err := fx.count(Count(fx.ep, q))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, ids, n)
		})
	}
}

func wantLen(rows int, count int64) func(*testing.T, []int64, int64) {
	return func(t *testing.T, ids []int64, n int64) {
		t.Helper()
		if len(ids) != rows || n != count {
			t.Errorf("got %d rows and count %d, want %d and %d",
				len(ids), n, rows, count)
		}
	}
}

// TestSelectHandBuilt runs Exprs built by hand, not by Parse, through SQL
// and Match: the shapes that callers such as access filters produce.
func TestSelectHandBuilt(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t, "trips")
	tests := []struct {
		name string
		expr Expr
	}{
		{name: "Eq with a Go int", expr: Eq(pickupLocationID, 3)},
		{name: "Eq with an integer on a float field", expr: Eq(fareAmount, 10)},
		{name: "Eq beyond int64", expr: Eq(tripID, uint64(math.MaxUint64))},
		{name: "Eq with a non-canonical value", expr: Eq(tripID, []byte("1"))},
		{name: "Eq NULL", expr: Eq(tipAmount, nil)},
		{name: "field out of range", expr: Eq(99, 1)},
		{name: "not of a field out of range", expr: &NotExpr{Expr: Eq(99, 1)}},
		{name: "range with a nil value", expr: &Cond{Field: tripID, Op: OpGt}},
		{name: "unknown operator",
			expr: &Cond{Field: tripID, Op: Op(99), Value: int64(1)}},
		{name: "empty and", expr: &AndExpr{}},
		{name: "empty or", expr: &OrExpr{}},
		{name: "not of nil", expr: &NotExpr{}},
		{name: "text operator on a number field",
			expr: &Cond{Field: tripID, Op: OpMatchesAny, Words: []string{"1"}}},
		{name: "And of an access filter and a key",
			expr: And(&Cond{Field: fareAmount, Op: OpLt, Value: 50.0}, Eq(tripID, 7))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := &Query{Filter: tt.expr, Limit: 1000, LimitSet: true}
			fx.compare(t, showExpr(tt.expr), q)
		})
	}
}

// TestSelectBindsValues checks that values reach SQLite only as arguments
// and that identifiers come from the schema.
func TestSelectBindsValues(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t, "trips")
	const evil = `x"; DROP TABLE trips_cache; --`
	doc := `{"$filter":{"payment_type":{"$eq":"` + strings.ReplaceAll(evil, `"`, `\"`) +
		`","$matches_any":"a b"}},"$order_by":{"fare_amount":"desc"},` +
		`"$limit":3,"$skip":1}`
	q, err := Parse([]byte(doc), fx.ep, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	st := Select(fx.ep, q)
	want := `SELECT rowid, "trip_id", "pickup_at", "dropoff_at", ` +
		`"pickup_location_id", "dropoff_location_id", "passenger_count", ` +
		`"trip_distance", "fare_amount", "tip_amount", "payment_type" ` +
		`FROM "trips_cache" WHERE ("payment_type" = ? AND ` +
		`gantry_words_any("payment_type", ?)) ` +
		`ORDER BY "fare_amount" DESC, rowid LIMIT ? OFFSET ?`
	if st.SQL != want {
		t.Errorf("SQL\n got %s\nwant %s", st.SQL, want)
	}
	wantArgs := []any{evil, "a b", int64(3), int64(1)}
	if !slices.Equal(st.Args, wantArgs) {
		t.Errorf("args %#v, want %#v", st.Args, wantArgs)
	}
	if _, err := fx.run(st); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterSQLFunctionsConcurrently(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(RegisterSQLFunctions)
	}
	wg.Wait()

	fx := loadFixture(t, "trips")
	var got int64
	err := fx.db.QueryRow(`SELECT ` + funcWordsAny + `('credit card', 'debit card') + ` +
		funcWordsAll + `('credit card', 'debit card') * 10 + ` +
		`coalesce(` + funcWordsAny + `(NULL, 'card'), 100)`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	if got != 101 {
		t.Errorf("any + 10*all + NULL check = %d, want 101", got)
	}
}

// TestSelectAtLimits checks that the largest filters Parse accepts still make
// SQL that SQLite runs.
func TestSelectAtLimits(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t, "trips")
	conds := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = `{"trip_id":{"$gte":` + strconv.Itoa(i%12) + `}}`
		}
		return strings.Join(items, ",")
	}
	// Each $or level takes an array and an object: 14 levels, the query, $filter
	// and the operator objects reach depth 32.
	nested := `{"trip_id":1}`
	for range 14 {
		nested = `{"$or":[` + conds(60) + `,` + nested + `]}`
	}
	notChain := strings.Repeat(`{"$not":`, 29) + `{"tip_amount":{"$gt":1}}` +
		strings.Repeat(`}`, 29)
	manyWords := strings.Repeat("card cash x42 ", 2000)
	tests := []struct {
		name   string
		filter string
	}{
		{name: "1000 conditions in one $or", filter: `{"$or":[` + conds(1000) + `]}`},
		{name: "1000 conditions in one $and", filter: `{"$and":[` + conds(1000) + `]}`},
		{name: "deepest nesting of $or", filter: nested},
		{name: "deepest chain of $not", filter: notChain},
		{name: "many words",
			filter: `{"payment_type":{"$matches_any":"` + manyWords + `"}}`},
		{name: "1000 distinct words",
			filter: `{"payment_type":{"$matches_all":"` + distinctWords(1000) + `"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := `{"$filter":` + tt.filter + `,"$order_by":{"fare_amount":"desc"}}`
			q, err := Parse([]byte(doc), fx.ep, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			fx.compare(t, tt.name, q)
		})
	}
}
