package query

import (
	"math"
	"strings"

	"github.com/gantry-dev/gantry/internal/schema"
)

// Statement is SQL for the store's SQLite database and the arguments bound to
// its ? placeholders, in order.
type Statement struct {
	SQL  string
	Args []any
}

// ranked names the common table expression that numbers the filtered
// records in query order when $after is used with $order_by.
const ranked = `"__gantry_ranked"`

// Select returns the statement that reads q's page of ep's records. Its
// columns are rowid (the record id) and then every field in ep.Fields order.
// Records come in $order_by order, then by record id. With $after and no
// $order_by it reads the records whose id is greater; with $order_by it
// reads the records strictly after the anchor record in that order, and
// nothing when the anchor is not among the filtered records. The SQL needs
// the functions that RegisterSQLFunctions installs. Sort keys on field
// indexes outside ep.Fields are ignored, and conditions on them match
// nothing, as in Match. Select is safe for concurrent use.
func Select(ep *schema.Endpoint, q *Query) Statement {
	b := builder{ep: ep}
	b.page(q, true, q.Limit)
	return b.statement()
}

// Count returns the statement that counts the records Select would return
// for q if $limit were ignored when it is absent: Skip and After always
// apply, Limit only when LimitSet. It yields one integer column. Count is
// safe for concurrent use.
func Count(ep *schema.Endpoint, q *Query) Statement {
	b := builder{ep: ep}
	if !q.LimitSet && q.Skip == 0 && q.After == nil {
		b.WriteString("SELECT count(*) FROM ")
		b.WriteString(ident(ep.Table))
		b.where(q.Filter, nil)
		return b.statement()
	}

	// A LIMIT of -1 is SQLite's way to say there is none.
	limit := -1
	if q.LimitSet {
		limit = q.Limit
	}
	b.WriteString("SELECT count(*) FROM (")
	b.page(q, false, limit)
	b.WriteString(")")
	return b.statement()
}

type builder struct {
	strings.Builder
	ep   *schema.Endpoint
	args []any
}

func (b *builder) statement() Statement {
	return Statement{SQL: b.String(), Args: b.args}
}

func (b *builder) arg(v any) {
	b.WriteByte('?')
	b.args = append(b.args, v)
}

// page writes a SELECT of q's page: every column when full, else rowid only.
func (b *builder) page(q *Query, full bool, limit int) {
	if q.After != nil && len(q.OrderBy) > 0 {
		b.pageAfterAnchor(q, full)
	} else {
		b.pageByID(q, full)
	}
	b.WriteString(" LIMIT ")
	b.arg(int64(limit))
	b.WriteString(" OFFSET ")
	b.arg(int64(q.Skip))
}

// pageByID selects in query order; $after, without sort keys, is a bound
// on the record id.
func (b *builder) pageByID(q *Query, full bool) {
	b.WriteString("SELECT rowid")
	if full {
		b.columns("")
	}
	b.WriteString(" FROM ")
	b.WriteString(ident(b.ep.Table))
	b.where(q.Filter, q.After)
	if full {
		b.WriteString(" ORDER BY ")
		b.orderKeys(q.OrderBy)
	}
}

// pageAfterAnchor numbers the filtered records in query order and keeps
// those numbered after the anchor; when the anchor is missing the scalar
// subquery is NULL and nothing is kept.
func (b *builder) pageAfterAnchor(q *Query, full bool) {
	table := ident(b.ep.Table)
	b.WriteString("WITH " + ranked + "(id, rn) AS (")
	b.WriteString("SELECT rowid, ROW_NUMBER() OVER (ORDER BY ")
	b.orderKeys(q.OrderBy)
	b.WriteString(") FROM ")
	b.WriteString(table)
	b.where(q.Filter, nil)
	b.WriteString(") SELECT ")
	if full {
		b.WriteString(table + ".rowid")
		b.columns(table)
		// CROSS JOIN keeps SQLite from scanning the table in the outer loop.
		b.WriteString(" FROM " + ranked + " CROSS JOIN " + table + " ON " + table +
			".rowid = " + ranked + ".id")
	} else {
		b.WriteString(ranked + ".id FROM " + ranked)
	}
	b.WriteString(" WHERE " + ranked + ".rn > ")
	b.WriteString("(SELECT rn FROM " + ranked + " WHERE id = ")
	b.afterID(q.After)
	b.WriteString(")")
	if full {
		b.WriteString(" ORDER BY " + ranked + ".rn")
	}
}

// afterID writes the bound record id. Ids above MaxInt64 cannot exist in
// SQLite, and database/sql cannot bind them, so they become NULL, which
// compares true with nothing.
func (b *builder) afterID(after *uint64) {
	if *after > math.MaxInt64 {
		b.WriteString("NULL")
		return
	}
	b.arg(int64(*after))
}

func (b *builder) columns(table string) {
	for _, f := range b.ep.Fields {
		b.WriteString(", ")
		if table != "" {
			b.WriteString(table + ".")
		}
		b.WriteString(ident(f.Name))
	}
}

// where writes the WHERE clause of the filter and, when after is not nil,
// of rowid > after.
func (b *builder) where(e Expr, after *uint64) {
	switch {
	case e == nil && after == nil:
		return
	case e == nil:
		b.WriteString(" WHERE rowid > ")
	case after == nil:
		b.WriteString(" WHERE ")
		b.expr(e)
		return
	default:
		b.WriteString(" WHERE ")
		b.expr(e)
		b.WriteString(" AND rowid > ")
	}
	b.afterID(after)
}

func (b *builder) orderKeys(keys []Order) {
	for _, o := range keys {
		if o.Field < 0 || o.Field >= len(b.ep.Fields) {
			continue
		}
		b.WriteString(ident(b.ep.Fields[o.Field].Name))
		if o.Desc {
			b.WriteString(" DESC")
		}
		b.WriteString(", ")
	}
	b.WriteString("rowid")
}

var sqlOps = [...]string{" = ", " < ", " <= ", " > ", " >= "}

// expr writes e as an SQL boolean. NOT is written as IS NOT TRUE so that a
// NULL comparison under it counts as false, as it does in Match.
func (b *builder) expr(e Expr) {
	switch e := e.(type) {
	case nil:
		b.WriteString("1")
	case *Cond:
		b.cond(e)
	case *AndExpr:
		b.list(e.Exprs, " AND ", "1")
	case *OrExpr:
		b.list(e.Exprs, " OR ", "0")
	case *NotExpr:
		b.WriteString("((")
		b.expr(e.Expr)
		b.WriteString(") IS NOT TRUE)")
	default:
		b.WriteString("0")
	}
}

// list writes exprs joined by sep as a balanced tree, because SQLite
// refuses expressions nested deeper than 1000 and reads a flat chain of n
// terms as n levels.
func (b *builder) list(exprs []Expr, sep, empty string) {
	switch len(exprs) {
	case 0:
		b.WriteString(empty)
		return
	case 1:
		b.expr(exprs[0])
		return
	}
	mid := len(exprs) / 2
	b.WriteString("(")
	b.list(exprs[:mid], sep, empty)
	b.WriteString(sep)
	b.list(exprs[mid:], sep, empty)
	b.WriteString(")")
}

// cond writes one condition; the conditions that Match treats as matching
// nothing are written as 0.
func (b *builder) cond(c *Cond) {
	if c.Field < 0 || c.Field >= len(b.ep.Fields) {
		b.WriteString("0")
		return
	}
	col := ident(b.ep.Fields[c.Field].Name)

	switch {
	case c.Op.isText():
		if len(c.Words) == 0 {
			b.WriteString("0")
			return
		}
		fn := funcWordsAny
		if c.Op == OpMatchesAll {
			fn = funcWordsAll
		}
		b.WriteString(fn + "(" + col + ", ")
		b.arg(strings.Join(c.Words, " "))
		b.WriteString(")")
	case c.Value == nil && c.Op == OpEq:
		b.WriteString(col + " IS NULL")
	case c.Value == nil || !canonical(c.Value) || int(c.Op) >= len(sqlOps):
		b.WriteString("0")
	default:
		b.WriteString(col + sqlOps[c.Op])
		b.arg(c.Value)
	}
}

// ident quotes an SQL identifier.
func ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
