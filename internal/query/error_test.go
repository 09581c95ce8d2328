package query

import (
	"cmp"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestParseErrors checks that Parse rejects bad queries with an *Error whose
// message names the place, the problem and what was expected.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"$not":`, 40) + `{}` + strings.Repeat(`}`, 40)
	deepArray := `{"$filter":{"trip_id":` + strings.Repeat(`[`, 40) +
		strings.Repeat(`]`, 40) + `}}`
	tests := []struct {
		name     string
		endpoint string
		query    string
		want     string // the whole message, or a part of it ending with "..."
	}{
		// The document.
		{name: "malformed JSON", query: `{"$filter":`,
			want: "malformed JSON: unexpected end of input"},
		{name: "missing colon", query: `{"$limit" 1}`,
			want: "malformed JSON at byte 10: invalid character '1' after object key"},
		{name: "trailing data", query: `{} {}`,
			want: "malformed JSON: unexpected data after the value"},
		{name: "not an object", query: `[1]`,
			want: "a query must be a JSON object, got array"},
		{name: "a string", query: `"x"`,
			want: "a query must be a JSON object, got string"},
		{name: "invalid UTF-8", query: "{\"$filter\":{\"payment_type\":\"\xff\"}}",
			want: "query is not valid UTF-8"},
		{name: "too deep", query: deep,
			want: "$not.$not.$not.$not.$not.$not.$not.$not.$not.$not...nesting is " +
				"deeper than 32 levels"},
		{name: "deep arrays", query: deepArray,
			want: "$filter.trip_id[0][0]...nesting is deeper than 32 levels"},
		{name: "duplicate top-level key", query: `{"$limit":1,"$limit":2}`,
			want: `duplicate key "$limit"`},
		{name: "duplicate field", query: `{"$filter":{"trip_id":1,"trip_id":2}}`,
			want: `$filter: duplicate key "trip_id"`},
		{name: "duplicate operator", query: `{"$filter":{"trip_id":{"$gt":1,"$gt":2}}}`,
			want: `$filter.trip_id: duplicate key "$gt"`},
		{name: "duplicate sort key",
			query: `{"$order_by":{"trip_id":"asc","trip_id":"desc"}}`,
			want:  `$order_by: duplicate key "trip_id"`},
		{name: "unknown top-level key", query: `{"$where":{}}`,
			want: `unknown key "$where"; expected $filter, $order_by, $limit, ` +
				`$skip or $after`},

		{name: "too many conditions", query: `{"$filter":{"$or":[` +
			strings.Repeat(`{"trip_id":1},`, 1000) + `{"trip_id":2}]}}`,
			want: "$filter.$or[1000].trip_id: the filter has more than 1000 conditions"},

		{name: "too many words", query: `{"$filter":{"$or":[` +
			`{"payment_type":{"$matches_any":"` + distinctWords(999) + `"}},` +
			`{"payment_type":{"$matches_all":["b","c"]}}]}}`,
			want: "$filter.$or[1].payment_type: the filter searches for more than " +
				"1000 words"},

		// Paging.
		{name: "skip with after", query: `{"$skip":1,"$after":3}`,
			want: "$skip cannot be used with $after"},
		{name: "negative limit", query: `{"$limit":-1}`,
			want: "$limit: expects a non-negative integer, got number -1"},
		{name: "oversized limit", query: `{"$limit":101}`,
			want: "$limit: must be at most 100, got number 101"},
		{name: "huge limit", query: `{"$limit":100000000000000000000000}`,
			want: "$limit: must be at most 100, got number 100000000000000000000000"},
		{name: "fractional limit", query: `{"$limit":1.5}`,
			want: "$limit: expects a non-negative integer, got number 1.5"},
		{name: "string limit", query: `{"$limit":"10"}`,
			want: `$limit: expects a non-negative integer, got string "10"`},
		{name: "negative skip", query: `{"$skip":-5}`,
			want: "$skip: expects a non-negative integer, got number -5"},
		{name: "huge skip", query: `{"$skip":9223372036854775808}`,
			want: "$skip: must be at most 9223372036854775807, " +
				"got number 9223372036854775808"},
		{name: "negative after", query: `{"$after":-1}`,
			want: "$after: expects a record id (an unsigned 64-bit integer), " +
				"got number -1"},
		{name: "huge after", query: `{"$after":18446744073709551616}`,
			want: "$after: expects a record id (an unsigned 64-bit integer), " +
				"got number 18446744073709551616"},

		// Sorting.
		{name: "order_by not an object", query: `{"$order_by":["trip_id"]}`,
			want: `$order_by: expects an object of field names to "asc" or "desc", ` +
				`got array`},
		{name: "order_by unknown field", query: `{"$order_by":{"nope":"asc"}}`,
			want: `$order_by: unknown field "nope"`},
		{name: "order_by bad direction", query: `{"$order_by":{"trip_id":"ASC"}}`,
			want: `$order_by.trip_id: expects "asc" or "desc", got string "ASC"`},

		// Filter structure.
		{name: "filter not an object", query: `{"$filter":[]}`,
			want: "$filter: expects a filter object, got array"},
		{name: "unknown field", query: `{"$filter":{"nope":1}}`,
			want: `$filter: unknown field "nope"`},
		{name: "unknown field in $or",
			query: `{"$filter":{"$or":[{"trip_id":1},{"x":1}]}}`,
			want:  `$filter.$or[1]: unknown field "x"`},
		{name: "unknown logical key", query: `{"$filter":{"$nor":[]}}`,
			want: `$filter: unknown key "$nor"; expected $and, $or, $not ` +
				`or a field name`},
		{name: "unknown operator", query: `{"$filter":{"trip_id":{"$ne":1}}}`,
			want: `$filter.trip_id: unknown operator "$ne"; ` +
				`expected one of $eq, $lt, ...`},
		{name: "empty operator object", query: `{"$filter":{"trip_id":{}}}`,
			want: "$filter.trip_id: expects at least one operator, got an empty object"},
		{name: "array shorthand", query: `{"$filter":{"trip_id":[1,2]}}`,
			want: "$filter.trip_id: expects a value or an object of operators, " +
				"got array"},
		{name: "$and not an array", query: `{"$filter":{"$and":{"trip_id":1}}}`,
			want: "$filter.$and: expects a non-empty array of filter objects, " +
				"got object"},
		{name: "empty $or", query: `{"$filter":{"$or":[]}}`,
			want: "$filter.$or: expects a non-empty array of filter objects, " +
				"got an empty array"},
		{name: "$and item not an object", query: `{"$filter":{"$and":[1]}}`,
			want: "$filter.$and[0]: expects a filter object, got number"},
		{name: "$not array", query: `{"$filter":{"$not":[{"trip_id":1}]}}`,
			want: "$filter.$not: expects a filter object, got array"},

		// Types.
		{name: "uint from string", query: `{"$filter":{"trip_id":"32"}}`,
			want: "$filter.trip_id: expects an unsigned integer, got string"},
		{name: "uint negative", query: `{"$filter":{"trip_id":{"$gt":-1}}}`,
			want: "$filter.trip_id: $gt expects an unsigned integer, got number -1"},
		{name: "uint fraction", query: `{"$filter":{"trip_id":1.5}}`,
			want: "$filter.trip_id: expects an unsigned integer, got number 1.5"},
		{name: "uint exponent", query: `{"$filter":{"trip_id":1e3}}`,
			want: "$filter.trip_id: expects an unsigned integer, got number 1e3"},
		{name: "uint beyond int64", query: `{"$filter":{"trip_id":9223372036854775808}}`,
			want: "$filter.trip_id: expects an unsigned integer no larger than " +
				"9223372036854775807, got number 9223372036854775808"},
		{name: "float from string", query: `{"$filter":{"fare_amount":{"$gt":"10"}}}`,
			want: "$filter.fare_amount: $gt expects a number, got string"},
		{name: "float overflow", query: `{"$filter":{"fare_amount":1e400}}`,
			want: "$filter.fare_amount: expects a number that fits in a 64-bit float, " +
				"got number 1e400"},
		{name: "huge number text", query: `{"$filter":{"fare_amount":1` +
			strings.Repeat("0", 400) + `}}`,
			want: "$filter.fare_amount: expects a number that fits in a 64-bit float, " +
				"got number 1000000000000000000000000000000000000000..."},
		{name: "string from number", query: `{"$filter":{"payment_type":1}}`,
			want: "$filter.payment_type: expects a string, got number"},
		{name: "timestamp from number", query: `{"$filter":{"pickup_at":{"$lt":1}}}`,
			want: "$filter.pickup_at: $lt expects an RFC 3339 timestamp string, " +
				"got number"},
		{name: "timestamp malformed", query: `{"$filter":{"pickup_at":"yesterday"}}`,
			want: `$filter.pickup_at: expects an RFC 3339 timestamp string, ` +
				`got string "yesterday"`},
		{name: "timestamp out of range",
			query: `{"$filter":{"pickup_at":"3000-01-01T00:00:00Z"}}`,
			want: `$filter.pickup_at: expects an RFC 3339 timestamp string between ` +
				`1677-09-21 and 2262-04-11, got string "3000-01-01T00:00:00Z"`},
		{name: "timestamp object", query: `{"$filter":{"pickup_at":{"$eq":{}}}}`,
			want: "$filter.pickup_at: $eq expects an RFC 3339 timestamp string, " +
				"got object"},
		{name: "boolean from number", endpoint: "stocks",
			query: `{"$filter":{"etf":1}}`,
			want:  "$filter.etf: expects a boolean, got number"},
		{name: "boolean from string", endpoint: "stocks",
			query: `{"$filter":{"etf":{"$eq":"true"}}}`,
			want:  "$filter.etf: $eq expects a boolean, got string"},
		{name: "date impossible", endpoint: "stocks",
			query: `{"$filter":{"listed_on":"2023-02-29"}}`,
			want: `$filter.listed_on: expects a YYYY-MM-DD date string, ` +
				`got string "2023-02-29"`},
		{name: "date with slashes", endpoint: "stocks",
			query: `{"$filter":{"listed_on":{"$gte":"2023/01/01"}}}`,
			want: `$filter.listed_on: $gte expects a YYYY-MM-DD date string, ` +
				`got string "2023/01/01"`},
		{name: "int fraction", endpoint: "kinds",
			query: `{"$filter":{"delta":0.5}}`,
			want:  "$filter.delta: expects an integer, got number 0.5"},
		{name: "int below int64", endpoint: "kinds",
			query: `{"$filter":{"delta":-9223372036854775809}}`,
			want: "$filter.delta: expects an integer no smaller than " +
				"-9223372036854775808, got number -9223372036854775809"},
		{name: "long string is shortened", query: `{"$filter":{"pickup_at":"` +
			strings.Repeat("é", 30) + `"}}`,
			want: `$filter.pickup_at: expects an RFC 3339 timestamp string, ` +
				`got string "` + strings.Repeat("é", 20) + `"...`},

		// Text operators.
		{name: "contains on a number field",
			query: `{"$filter":{"trip_id":{"$contains":"1"}}}`,
			want: "$filter.trip_id: $contains needs a string field, " +
				"but the field holds values of type UInt"},
		{name: "contains an array",
			query: `{"$filter":{"payment_type":{"$contains":["card"]}}}`,
			want:  "$filter.payment_type: $contains expects a string, got array"},
		{name: "matches_any a number",
			query: `{"$filter":{"payment_type":{"$matches_any":1}}}`,
			want: "$filter.payment_type: $matches_any expects a string or an array of " +
				"strings, got number"},
		{name: "matches_all with a number",
			query: `{"$filter":{"payment_type":{"$matches_all":["a",1]}}}`,
			want:  "$filter.payment_type[1]: $matches_all expects a string, got number"},

		// NULL.
		{name: "null on a non-nullable field", query: `{"$filter":{"trip_id":null}}`,
			want: "$filter.trip_id: cannot be null: the field is not nullable"},
		{name: "null with $eq on a non-nullable field",
			query: `{"$filter":{"fare_amount":{"$eq":null}}}`,
			want:  "$filter.fare_amount: $eq cannot be null: the field is not nullable"},
		{name: "null with a range", query: `{"$filter":{"tip_amount":{"$gt":null}}}`,
			want: "$filter.tip_amount: $gt does not accept null"},
		{name: "null with contains",
			query: `{"$filter":{"payment_type":{"$contains":null}}}`,
			want:  "$filter.payment_type: $contains expects a string, got null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ep := endpoint(t, cmp.Or(tt.endpoint, "trips"))
			q, err := Parse([]byte(tt.query), ep, testLimits)
			if err == nil {
				t.Fatalf("Parse(%s) = %s, want error %q", tt.query, show(*q), tt.want)
			}
			checkError(t, err, tt.want)
		})
	}
}

// distinctWords returns n different words separated by spaces.
func distinctWords(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = "w" + strconv.Itoa(i)
	}
	return strings.Join(ws, " ")
}

// checkError checks that err is an *Error whose message is want, or, when
// want ends with "...", starts with want's text before the dots and holds
// the text after them.
func checkError(t *testing.T, err error, want string) {
	t.Helper()
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("error %v is a %T, want *Error", err, err)
	}
	got := err.Error()
	if head, tail, ok := strings.Cut(want, "..."); ok {
		if !strings.HasPrefix(got, head) || !strings.Contains(got[len(head):], tail) {
			t.Errorf("error %q, want %q", got, want)
		}
		return
	}
	if got != want {
		t.Errorf("error %q\nwant       %q", got, want)
	}
}
