package query

import "math"

// Expr is a filter over an endpoint's records. A nil Expr matches every
// record. The implementations are *Cond, *AndExpr, *OrExpr and *NotExpr;
// the set is closed, so a type switch over them is exhaustive. This package
// never modifies an Expr once it has returned it, so an Expr that callers do
// not modify either is safe for concurrent use.
type Expr interface {
	isExpr()
}

// Op is the operator of a Cond.
type Op uint8

// The operators of the query language.
const (
	OpEq Op = iota
	OpLt
	OpLte
	OpGt
	OpGte
	// OpContains matches when the field holds the word as a token.
	OpContains
	// OpMatchesAny matches when the field holds any of the words.
	OpMatchesAny
	// OpMatchesAll matches when the field holds every one of the words.
	OpMatchesAll
)

var opNames = [...]string{
	"$eq", "$lt", "$lte", "$gt", "$gte", "$contains", "$matches_any", "$matches_all",
}

// String returns the operator as written in a query, such as "$gte".
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "$unknown"
}

func (o Op) isText() bool {
	return o == OpContains || o == OpMatchesAny || o == OpMatchesAll
}

// Cond compares one field of a record with a value.
//
// For OpEq to OpGte, Value is canonical for the field's type; a nil Value
// with OpEq matches NULL, and any other operator with a nil Value matches
// nothing. A comparison never matches a NULL field.
//
// For the text operators, Value is the string (or, for $matches_any and
// $matches_all, the strings) as given, and Words are the word tokens
// searched for. A text condition with no Words matches nothing.
type Cond struct {
	Field int // index into the endpoint's Fields
	Op    Op
	Value any
	Words []string
}

// AndExpr matches the records that every one of Exprs matches.
type AndExpr struct {
	Exprs []Expr
}

// OrExpr matches the records that at least one of Exprs matches.
type OrExpr struct {
	Exprs []Expr
}

// NotExpr matches the records that Expr does not match, NULLs included:
// {"$not": {"tip_amount": {"$gt": 5}}} matches records with no tip.
type NotExpr struct {
	Expr Expr
}

func (*Cond) isExpr()    {}
func (*AndExpr) isExpr() {}
func (*OrExpr) isExpr()  {}
func (*NotExpr) isExpr() {}

// And returns an Expr that matches the records every operand matches. Nil
// operands are dropped, nested AndExprs are flattened, and And returns nil
// when no operand is left and the operand itself when only one is.
func And(exprs ...Expr) Expr {
	var out []Expr
	for _, e := range exprs {
		switch e := e.(type) {
		case nil:
		case *AndExpr:
			out = append(out, e.Exprs...)
		default:
			out = append(out, e)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return &AndExpr{Exprs: out}
}

// or returns an Expr that matches the records any operand matches; a nil
// operand matches everything and so makes the result nil.
func or(exprs []Expr) Expr {
	for _, e := range exprs {
		if e == nil {
			return nil
		}
	}
	if len(exprs) == 1 {
		return exprs[0]
	}
	return &OrExpr{Exprs: exprs}
}

// Eq returns the condition field = value, or field IS NULL when value is
// nil. The value should be canonical for the field's type (int64, float64,
// bool, string or nil); other Go integer and float types are converted when
// they fit in the canonical type, and a value that cannot be converted makes
// a condition that matches nothing.
func Eq(field int, value any) Expr {
	return &Cond{Field: field, Op: OpEq, Value: normalize(value)}
}

// normalize converts Go numbers to the canonical int64 and float64. It
// returns other values unchanged.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return normalize(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return x
		}
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// canonical reports whether v has one of the canonical value types.
func canonical(v any) bool {
	switch v.(type) {
	case nil, int64, float64, bool, string:
		return true
	}
	return false
}

// ExprFields returns the index of every field e refers to, each once, in
// order of first appearance. It returns nil for a nil Expr.
func ExprFields(e Expr) []int {
	return appendFields(nil, e)
}

func appendFields(dst []int, e Expr) []int {
	switch e := e.(type) {
	case *Cond:
		return addField(dst, e.Field)
	case *AndExpr:
		for _, x := range e.Exprs {
			dst = appendFields(dst, x)
		}
	case *OrExpr:
		for _, x := range e.Exprs {
			dst = appendFields(dst, x)
		}
	case *NotExpr:
		return appendFields(dst, e.Expr)
	}
	return dst
}

func addField(dst []int, f int) []int {
	for _, g := range dst {
		if g == f {
			return dst
		}
	}
	return append(dst, f)
}
