// Package query parses Dozer's JSON query language and compiles it to SQL
// over gantry's SQLite store.
//
// A query is a JSON object such as
//
//	{"$filter": {"fare_amount": {"$gt": 10}}, "$order_by": {"pickup_at": "desc"},
//	 "$limit": 20}
//
// Parse checks it against an endpoint's schema, Select and Count turn the
// result into SQL with bound arguments, and Match evaluates a filter in
// memory with the same meaning as the SQL. The language is Dozer's, with its
// limits lifted: $or and $not exist, any number of range conditions and
// sort keys is allowed, bare floats work as $eq values, and
// $matches_any and $matches_all are implemented.
//
// Words, for $contains, $matches_any and $matches_all, are maximal runs of
// Unicode letters and digits, compared case-sensitively. $contains takes
// one word and matches nothing when given anything else; a text operator
// with no words matches nothing. $not matches every record its operand does
// not match, records whose field is NULL included. A document may nest 32
// levels deep, and a filter may hold MaxConditions conditions and search for
// MaxWords words.
//
// The store holds an endpoint in one table named after ep.Table, with one
// column per field and the record id in rowid. Values are canonical: UInt
// and Int as int64, Float as float64, Boolean as bool (stored as 0 or 1),
// String and Text as string, Timestamp as int64 nanoseconds since the Unix
// epoch, Date as a YYYY-MM-DD string and NULL as nil.
package query

import (
	"errors"
	"math"
	"strconv"

	"github.com/gantry-dev/gantry/internal/schema"
)

// Limits bounds page sizes: Default is used when $limit is absent, Max is the
// largest $limit accepted.
type Limits struct{ Default, Max int }

// Query is a parsed query. Build it with Parse; a zero Query selects nothing
// because its Limit is 0.
type Query struct {
	Filter   Expr // nil: every record
	OrderBy  []Order
	Limit    int  // Limits.Default when $limit is absent
	LimitSet bool // whether $limit was given (Count only limits when it was)
	Skip     int
	After    *uint64 // the $after record id, or nil
}

// Order is one sort key: the field's index in the endpoint's Fields and its
// direction. NULLs sort before every value in ascending order.
type Order struct {
	Field int
	Desc  bool
}

// Fields returns the index of every field that the filter and the sort keys
// refer to, each once, in order of first appearance.
func (q *Query) Fields() []int {
	if q == nil {
		return nil
	}
	out := ExprFields(q.Filter)
	for _, o := range q.OrderBy {
		out = addField(out, o.Field)
	}
	return out
}

// Parse parses a JSON query against ep's fields. Empty or all-whitespace data
// gives the default query: every record in record id order, lim.Default of
// them. A top-level key whose value is null counts as absent. On failure
// Parse returns an *Error naming the problem.
func Parse(data []byte, ep *schema.Endpoint, lim Limits) (*Query, error) {
	q := &Query{Limit: lim.Default}
	if blank(data) {
		return q, nil
	}
	root, err := decode(data)
	if err != nil {
		return nil, err
	}
	if root.kind != kindObject {
		return nil, errorAt("", "a query must be a JSON object, got "+root.kind.String())
	}

	skipSet := false
	for _, m := range root.members {
		if m.val.kind == kindNull {
			continue
		}
		switch m.key {
		case "$filter":
			q.Filter, err = newFilterParser(ep).object(m.val, m.key)
		case "$order_by":
			q.OrderBy, err = parseOrder(m.val, ep)
		case "$limit":
			q.Limit, err = parseCount(m, int64(lim.Max))
			q.LimitSet = true
		case "$skip":
			q.Skip, err = parseCount(m, math.MaxInt)
			skipSet = true
		case "$after":
			q.After, err = parseAfter(m)
		default:
			err = errorAt("", "unknown key "+quote(m.key)+
				"; expected $filter, $order_by, $limit, $skip or $after")
		}
		if err != nil {
			return nil, err
		}
	}

	if skipSet && q.After != nil {
		return nil, errorAt("", "$skip cannot be used with $after")
	}
	return q, nil
}

func parseOrder(n node, ep *schema.Endpoint) ([]Order, error) {
	const path = "$order_by"
	if n.kind != kindObject {
		return nil, errorAt(path, `expects an object of field names to "asc" or `+
			`"desc", got `+n.kind.String())
	}
	out := make([]Order, 0, len(n.members))
	for _, m := range n.members {
		i, ok := ep.FieldIndex(m.key)
		if !ok {
			return nil, errorAt(path, "unknown field "+quote(m.key))
		}
		if m.val.kind != kindString || (m.val.text != "asc" && m.val.text != "desc") {
			return nil, errorAt(child(path, m.key), `expects "asc" or "desc", got `+
				describe(m.val))
		}
		out = append(out, Order{Field: i, Desc: m.val.text == "desc"})
	}
	return out, nil
}

// parseCount parses the value of $limit or $skip: an integer from 0 to max.
func parseCount(m member, max int64) (int, error) {
	if m.val.kind == kindNumber {
		i, err := strconv.ParseInt(m.val.text, 10, 64)
		if err == nil && i >= 0 && i <= max {
			return int(i), nil
		}
		if (err == nil && i > max) || isBigInteger(m.val.text) {
			return 0, errorAt(m.key, "must be at most "+strconv.FormatInt(max, 10)+
				", got "+describe(m.val))
		}
	}
	return 0, errorAt(m.key, "expects a non-negative integer, got "+describe(m.val))
}

// isBigInteger reports whether s is a positive integer literal too large for
// an int64.
func isBigInteger(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	if err == nil {
		return true
	}
	return errors.Is(err, strconv.ErrRange)
}

func parseAfter(m member) (*uint64, error) {
	if m.val.kind == kindNumber {
		u, err := strconv.ParseUint(m.val.text, 10, 64)
		if err == nil {
			return &u, nil
		}
	}
	return nil, errorAt(m.key, "expects a record id (an unsigned 64-bit integer), got "+
		describe(m.val))
}
