package scaffold

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const (
	maxFieldNumber = 1<<29 - 1
	// Protobuf keeps 19000-19999 for itself.
	firstImplReserved = 19000
	lastImplReserved  = 19999
)

// numbering is the field numbers and reserved entries of a record message.
type numbering struct {
	number        map[string]int32
	reserved      []numRange
	reservedNames []string
}

// number gives each of names (the record's fields, in order) a field number.
// Without a previous message they count up from 1. With one, a field that
// keeps its name keeps its number, a new field takes the next number above
// any the message ever used, and a field that is gone leaves its number and
// name reserved.
func number(names []string, prev *message) (numbering, error) {
	n := numbering{number: make(map[string]int32, len(names))}
	if prev == nil {
		for i, name := range names {
			n.number[name] = int32(i + 1)
		}
		return n, nil
	}

	old, highest, err := prev.index()
	if err != nil {
		return numbering{}, err
	}
	want := make(map[string]bool, len(names))
	for _, name := range names {
		want[name] = true
	}

	next := highest + 1
	for _, name := range names {
		if f, ok := old[name]; ok {
			n.number[name] = f.number
			continue
		}
		if next >= firstImplReserved && next <= lastImplReserved {
			next = lastImplReserved + 1
		}
		if next > maxFieldNumber {
			return numbering{}, fmt.Errorf("no field number left for %s", name)
		}
		n.number[name] = next
		next++
	}

	n.reserved = slices.Clone(prev.reserved)
	var gone []string
	for _, name := range prev.reservedNames {
		if !want[name] {
			gone = append(gone, name)
		}
	}
	for _, f := range prev.fields {
		if !want[f.name] {
			n.reserved = append(n.reserved, numRange{f.number, f.number})
			gone = append(gone, f.name)
		}
	}
	n.reserved = mergeRanges(n.reserved)
	slices.Sort(gone)
	n.reservedNames = slices.Compact(gone)
	return n, nil
}

// index returns the message's fields by name and the highest number it uses
// or reserves, or an error when two fields share a name or a number.
func (m *message) index() (map[string]prevField, int32, error) {
	byName := make(map[string]prevField, len(m.fields))
	byNumber := make(map[int32]string, len(m.fields))
	var highest int32
	for _, f := range m.fields {
		if _, dup := byName[f.name]; dup {
			return nil, 0, fmt.Errorf("field %s is declared twice", f.name)
		}
		if other, dup := byNumber[f.number]; dup {
			return nil, 0, fmt.Errorf("fields %s and %s share number %d", other, f.name, f.number)
		}
		byName[f.name], byNumber[f.number] = f, f.name
		highest = max(highest, f.number)
	}
	for _, r := range m.reserved {
		highest = max(highest, r.hi)
	}
	return byName, highest, nil
}

// mergeRanges sorts ranges and joins those that overlap or touch.
func mergeRanges(rs []numRange) []numRange {
	slices.SortFunc(rs, func(a, b numRange) int { return int(a.lo) - int(b.lo) })
	var out []numRange
	for _, r := range rs {
		if k := len(out) - 1; k >= 0 && r.lo <= out[k].hi+1 {
			out[k].hi = max(out[k].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// String formats a range as a reserved statement writes it.
func (r numRange) String() string {
	lo := strconv.Itoa(int(r.lo))
	switch r.hi {
	case r.lo:
		return lo
	case maxFieldNumber:
		return lo + " to max"
	}
	return lo + " to " + strconv.Itoa(int(r.hi))
}

func joinRanges(rs []numRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
