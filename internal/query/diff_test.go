package query

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// TestSelectAgreesWithMatch runs many generated queries through Parse,
// Select and Count on SQLite and compares the results with the same query
// evaluated in Go by Match and a sort.
func TestSelectAgreesWithMatch(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"trips", "stocks", "kinds"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := loadFixture(t, name)
			g := queryGen{fx: fx, r: rand.New(rand.NewPCG(42, uint64(len(name))))}
			for range 1500 {
				doc := g.query()
				q, err := Parse([]byte(doc), fx.ep, testLimits)
				if err != nil {
					t.Fatalf("Parse(%s): %v", doc, err)
				}
				fx.compare(t, doc, q)
			}
		})
	}
}

// compare checks Select and Count for q against the Go evaluation.
func (fx *fixture) compare(t *testing.T, doc string, q *Query) {
	t.Helper()
	wantIDs, wantCount := fx.expect(q)

	st := Select(fx.ep, q)
	ids, err := fx.run(st)
	if err != nil {
		t.Fatalf("query %s\nSQL %s %v: %v", doc, st.SQL, st.Args, err)
	}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("query %s\nSQL %s %v\ngot ids  %v\nwant ids %v", doc, st.SQL, st.Args,
			ids, wantIDs)
	}

	st = Count(fx.ep, q)
	n, err := fx.count(st)
	if err != nil {
		t.Fatalf("query %s\ncount SQL %s %v: %v", doc, st.SQL, st.Args, err)
	}
	if n != int64(wantCount) {
		t.Fatalf("query %s\ncount SQL %s %v\ngot count %d, want %d",
			doc, st.SQL, st.Args, n, wantCount)
	}
}

// queryGen writes random valid JSON queries whose values mostly come from
// the fixture's records, so that filters hit.
type queryGen struct {
	fx *fixture
	r  *rand.Rand
}

func (g queryGen) query() string {
	var parts []string
	if g.r.IntN(4) > 0 {
		parts = append(parts, `"$filter":`+g.filter(0))
	}
	if g.r.IntN(2) == 0 {
		parts = append(parts, `"$order_by":`+g.orderBy())
	}
	if g.r.IntN(2) == 0 {
		parts = append(parts, `"$limit":`+strconv.Itoa(g.r.IntN(testLimits.Max+1)))
	}
	switch g.r.IntN(4) {
	case 0:
		parts = append(parts, `"$skip":`+strconv.Itoa(g.r.IntN(40)))
	case 1:
		parts = append(parts, `"$after":`+g.after(parts))
	}
	g.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return "{" + strings.Join(parts, ",") + "}"
}

// after picks an $after anchor: mostly a record the rest of the query
// selects, sometimes any id, which may be filtered out or not exist.
func (g queryGen) after(parts []string) string {
	doc := "{" + strings.Join(parts, ",") + "}"
	q, err := Parse([]byte(doc), g.fx.ep, testLimits)
	if err == nil && g.r.IntN(3) > 0 {
		q.Limit = len(g.fx.recs)
		if ids, _ := g.fx.expect(q); len(ids) > 0 {
			return strconv.FormatInt(ids[g.r.IntN(len(ids))], 10)
		}
	}
	return strconv.Itoa(g.r.IntN(3*len(g.fx.recs) + 5))
}

func (g queryGen) orderBy() string {
	var keys []string
	for _, i := range g.r.Perm(len(g.fx.ep.Fields))[:g.r.IntN(4)] {
		dir := `"asc"`
		if g.r.IntN(2) == 0 {
			dir = `"desc"`
		}
		keys = append(keys, strconv.Quote(g.fx.ep.Fields[i].Name)+":"+dir)
	}
	return "{" + strings.Join(keys, ",") + "}"
}

func (g queryGen) filter(depth int) string {
	used := map[string]bool{}
	var entries []string
	for range 1 + g.r.IntN(2) {
		key, val := g.entry(depth)
		if used[key] {
			continue
		}
		used[key] = true
		entries = append(entries, strconv.Quote(key)+":"+val)
	}
	return "{" + strings.Join(entries, ",") + "}"
}

func (g queryGen) entry(depth int) (key, val string) {
	if depth < 3 {
		switch g.r.IntN(8) {
		case 0, 1:
			op := "$and"
			if g.r.IntN(2) == 0 {
				op = "$or"
			}
			items := make([]string, 1+g.r.IntN(3))
			for i := range items {
				items[i] = g.filter(depth + 1)
			}
			return op, "[" + strings.Join(items, ",") + "]"
		case 2:
			return "$not", g.filter(depth + 1)
		}
	}
	i := g.r.IntN(len(g.fx.ep.Fields))
	f := g.fx.ep.Fields[i]
	if g.r.IntN(3) == 0 {
		return f.Name, g.operand(i, OpEq)
	}

	ops := []Op{OpEq, OpLt, OpLte, OpGt, OpGte}
	if f.Type == typespb.Type_String || f.Type == typespb.Type_Text {
		ops = append(ops, OpContains, OpMatchesAny, OpMatchesAll)
	}
	var conds []string
	n := 1
	if g.r.IntN(4) == 0 {
		n = 2
	}
	for _, j := range g.r.Perm(len(ops))[:n] {
		conds = append(conds, strconv.Quote(ops[j].String())+":"+g.operand(i, ops[j]))
	}
	return f.Name, "{" + strings.Join(conds, ",") + "}"
}

// operand writes a JSON value for op on field i.
func (g queryGen) operand(i int, op Op) string {
	f := g.fx.ep.Fields[i]
	if op == OpEq && f.Nullable && g.r.IntN(8) == 0 {
		return "null"
	}

	// A value of some record, or a fresh one, never NULL.
	var v any
	for v == nil {
		v = g.fx.recs[g.r.IntN(len(g.fx.recs))].values[i]
		if g.r.IntN(3) == 0 {
			v = genValue(g.r, schema.Field{Type: f.Type})
		}
	}

	if op.isText() {
		return g.textOperand(v.(string), op)
	}
	switch f.Type {
	case typespb.Type_Timestamp:
		return strconv.Quote(time.Unix(0, v.(int64)).UTC().Format(time.RFC3339Nano))
	case typespb.Type_Float:
		x := v.(float64)
		if x == float64(int64(x)) && g.r.IntN(2) == 0 {
			return strconv.FormatInt(int64(x), 10)
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (g queryGen) textOperand(s string, op Op) string {
	ws := words(nil, s, MaxWords)
	pick := func() string {
		if len(ws) == 0 || g.r.IntN(5) == 0 {
			return phrases[g.r.IntN(len(phrases))]
		}
		return ws[g.r.IntN(len(ws))]
	}
	if op == OpContains || g.r.IntN(2) == 0 {
		if g.r.IntN(4) == 0 {
			b, _ := json.Marshal(s)
			return string(b)
		}
		b, _ := json.Marshal(pick())
		return string(b)
	}
	list := make([]string, g.r.IntN(4))
	for i := range list {
		list[i] = pick()
	}
	b, _ := json.Marshal(list)
	return string(b)
}
