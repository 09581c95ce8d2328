package query

import (
	"fmt"
	"strconv"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// ParseFilter parses a bare filter expression such as {"trip_id": 32}, the
// form used by access-token filters and event filters, against ep's fields.
// Empty or all-whitespace data and JSON null give a nil Expr. On failure it
// returns an *Error.
func ParseFilter(data []byte, ep *schema.Endpoint) (Expr, error) {
	if blank(data) {
		return nil, nil
	}
	n, err := decode(data)
	if err != nil {
		return nil, err
	}
	if n.kind == kindNull {
		return nil, nil
	}
	return newFilterParser(ep).object(n, "")
}

// Bounds on the size of a filter. They keep the SQL within SQLite's limit on
// bound arguments and bound the work done per record.
const (
	// MaxConditions is the most conditions a filter may hold.
	MaxConditions = 1000
	// MaxWords is the most distinct words the text conditions of a filter
	// may search for, counted per condition.
	MaxWords = 1000
)

// filterParser parses one filter; it counts the conditions and the words
// it has taken in.
type filterParser struct {
	ep    *schema.Endpoint
	conds int
	words int
}

func newFilterParser(ep *schema.Endpoint) *filterParser {
	return &filterParser{ep: ep}
}

// object parses a filter object; its entries are ANDed, so an empty object
// gives nil and matches every record.
func (p *filterParser) object(n node, path string) (Expr, error) {
	if n.kind != kindObject {
		return nil, errorAt(path, "expects a filter object, got "+n.kind.String())
	}
	parts := make([]Expr, 0, len(n.members))
	for _, m := range n.members {
		e, err := p.entry(m, path)
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	return And(parts...), nil
}

func (p *filterParser) entry(m member, parent string) (Expr, error) {
	path := child(parent, m.key)
	switch m.key {
	case "$and", "$or":
		list, err := p.list(m.val, path)
		if err != nil {
			return nil, err
		}
		if m.key == "$or" {
			return or(list), nil
		}
		return And(list...), nil
	case "$not":
		e, err := p.object(m.val, path)
		if err != nil {
			return nil, err
		}
		return &NotExpr{Expr: e}, nil
	}

	if len(m.key) > 0 && m.key[0] == '$' {
		return nil, errorAt(parent, "unknown key "+quote(m.key)+
			"; expected $and, $or, $not or a field name")
	}
	i, ok := p.ep.FieldIndex(m.key)
	if !ok {
		return nil, errorAt(parent, "unknown field "+quote(m.key))
	}
	return p.field(i, m.val, path)
}

// list parses the non-empty array of filter objects of $and or $or.
func (p *filterParser) list(n node, path string) ([]Expr, error) {
	if n.kind != kindArray || len(n.items) == 0 {
		return nil, errorAt(path, "expects a non-empty array of filter objects, got "+
			describeList(n))
	}
	out := make([]Expr, len(n.items))
	for i, item := range n.items {
		e, err := p.object(item, path+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func describeList(n node) string {
	if n.kind == kindArray {
		return "an empty array"
	}
	return n.kind.String()
}

// field parses the value of a field entry: a scalar meaning $eq, or an
// object of one or more operators, ANDed.
func (p *filterParser) field(i int, n node, path string) (Expr, error) {
	switch n.kind {
	case kindArray:
		return nil, errorAt(path, "expects a value or an object of operators, got array")
	case kindObject:
	default:
		return p.cond(i, OpEq, n, path, "")
	}

	if len(n.members) == 0 {
		return nil, errorAt(path, "expects at least one operator, got an empty object")
	}
	conds := make([]Expr, 0, len(n.members))
	for _, m := range n.members {
		op, ok := parseOp(m.key)
		if !ok {
			return nil, errorAt(path, "unknown operator "+quote(m.key)+
				"; expected one of $eq, $lt, $lte, $gt, $gte, $contains, "+
				"$matches_any, $matches_all")
		}
		c, err := p.cond(i, op, m.val, path, op.String()+" ")
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return And(conds...), nil
}

func parseOp(s string) (Op, bool) {
	for i, name := range opNames {
		if name == s {
			return Op(i), true
		}
	}
	return 0, false
}

// cond builds one condition. prefix names the operator in messages; it is
// empty for the $eq shorthand.
func (p *filterParser) cond(i int, op Op, n node, path, prefix string) (*Cond, error) {
	if p.conds++; p.conds > MaxConditions {
		return nil, errorAt(path, fmt.Sprintf("the filter has more than %d conditions",
			MaxConditions))
	}
	f := p.ep.Fields[i]
	if op.isText() {
		c, err := textCond(f, i, op, n, path, prefix)
		if err != nil {
			return nil, err
		}
		if p.words += len(c.Words); p.words > MaxWords {
			return nil, errorAt(path, fmt.Sprintf(
				"the filter searches for more than %d words", MaxWords))
		}
		return c, nil
	}

	if n.kind == kindNull {
		if op != OpEq {
			return nil, errorAt(path, prefix+"does not accept null")
		}
		if !f.Nullable {
			return nil, errorAt(path, prefix+"cannot be null: the field is not nullable")
		}
		return &Cond{Field: i, Op: OpEq}, nil
	}
	if n.kind == kindObject || n.kind == kindArray {
		return nil, errorAt(path, prefix+"expects "+expected(f.Type)+
			", got "+n.kind.String())
	}

	v, msg := scalar(f.Type, n)
	if msg != "" {
		return nil, errorAt(path, prefix+msg)
	}
	return &Cond{Field: i, Op: op, Value: v}, nil
}

// textCond builds a $contains, $matches_any or $matches_all condition.
func textCond(f schema.Field, i int, op Op, n node, path, prefix string) (*Cond, error) {
	if f.Type != typespb.Type_String && f.Type != typespb.Type_Text {
		return nil, errorAt(path, prefix+"needs a string field, but the field holds "+
			"values of type "+f.Type.String())
	}

	if n.kind == kindString {
		c := &Cond{Field: i, Op: op, Value: n.text}
		if op != OpContains {
			c.Words = words(nil, n.text, MaxWords+1)
			return c, nil
		}
		// $contains looks for one whole word: anything else matches nothing.
		if ws := words(nil, n.text, 2); len(ws) == 1 && ws[0] == n.text {
			c.Words = ws
		}
		return c, nil
	}

	if op == OpContains {
		return nil, errorAt(path, prefix+"expects a string, got "+n.kind.String())
	}
	if n.kind != kindArray {
		return nil, errorAt(path, prefix+"expects a string or an array of strings, got "+
			n.kind.String())
	}
	given := make([]string, len(n.items))
	var ws []string
	for j, item := range n.items {
		if item.kind != kindString {
			return nil, errorAt(path+"["+strconv.Itoa(j)+"]",
				prefix+"expects a string, got "+item.kind.String())
		}
		given[j] = item.text
		ws = words(ws, item.text, MaxWords+1)
	}
	return &Cond{Field: i, Op: op, Value: given, Words: ws}, nil
}
