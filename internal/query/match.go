package query

import (
	"cmp"
	"math"
)

// Match reports whether the record whose canonical field values are values
// (indexed like the endpoint's Fields) satisfies e. It agrees with the SQL
// that Select builds for e. A nil e matches every record; a condition on a
// field index outside values matches nothing. Match is safe for concurrent
// use.
func Match(e Expr, values []any) bool {
	switch e := e.(type) {
	case nil:
		return true
	case *Cond:
		return matchCond(e, values)
	case *AndExpr:
		for _, x := range e.Exprs {
			if !Match(x, values) {
				return false
			}
		}
		return true
	case *OrExpr:
		for _, x := range e.Exprs {
			if Match(x, values) {
				return true
			}
		}
		return false
	case *NotExpr:
		return !Match(e.Expr, values)
	}
	return false
}

func matchCond(c *Cond, values []any) bool {
	if c.Field < 0 || c.Field >= len(values) {
		return false
	}
	v := values[c.Field]

	if c.Op.isText() {
		s, ok := v.(string)
		if !ok {
			return false
		}
		return hasWords(s, c.Words, c.Op == OpMatchesAll)
	}

	if c.Value == nil {
		return c.Op == OpEq && v == nil
	}
	if v == nil || !canonical(c.Value) {
		return false
	}
	r, ok := compare(v, c.Value)
	if !ok {
		return false
	}
	switch c.Op {
	case OpEq:
		return r == 0
	case OpLt:
		return r < 0
	case OpLte:
		return r <= 0
	case OpGt:
		return r > 0
	case OpGte:
		return r >= 0
	}
	return false
}

// compare orders two non-NULL canonical values the way SQLite does: numbers
// (booleans as 0 and 1) by value, strings bytewise. It reports false when
// the values are not comparable.
func compare(a, b any) (int, bool) {
	a, b = boolToInt(a), boolToInt(b)
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y), true
		case float64:
			return -compareFloatInt(y, x), true
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmp.Compare(x, y), true
		case int64:
			return compareFloatInt(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y), true
		}
	}
	return 0, false
}

func boolToInt(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// compareFloatInt compares f with i exactly, without rounding i to a float.
func compareFloatInt(f float64, i int64) int {
	switch {
	case f < -0x1p63:
		return -1
	case f >= 0x1p63:
		return 1
	}
	t := int64(f)
	if c := cmp.Compare(t, i); c != 0 {
		return c
	}
	return cmp.Compare(f-math.Trunc(f), 0)
}
