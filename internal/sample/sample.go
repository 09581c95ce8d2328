// Package sample generates the synthetic data behind gantry's three sample
// endpoints: listed securities (stocks_meta), taxi trips (trips_cache) and
// taxi pickups per zone (pickup).
//
// The data is a pure function of fixed seeds: every call, on every machine,
// yields the same rows. Values use the store's canonical Go types: int64 for
// UInt and Int, float64 for Float, bool for Boolean, string for String and
// Text, int64 nanoseconds since the Unix epoch (UTC) for Timestamp, a
// "YYYY-MM-DD" string for Date, and nil for NULL.
package sample

import (
	"errors"
	"fmt"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// Errors returned by Dataset.Rows when the schema does not fit the dataset.
var (
	// ErrUnknownField means the schema names a field the dataset lacks.
	ErrUnknownField = errors.New("unknown field")
	// ErrFieldType means the schema gives a field a type, or a
	// nullability, that the dataset's values do not have.
	ErrFieldType = errors.New("field type does not match the sample data")
)

// column is one field a dataset can fill.
type column struct {
	name     string
	typ      typespb.Type
	nullable bool
}

// table is a generated dataset, held column by column.
type table interface {
	// fill sets dst[j] to the value of column cols[j] in row i.
	fill(i int, cols []int, dst []any)
}

// Dataset produces the rows of one sample table. It is immutable and safe
// for concurrent use.
type Dataset struct {
	name    string
	rows    int
	columns []column
	build   func() table
}

var datasets = map[string]*Dataset{
	"stocks_meta": {
		name:    "stocks_meta",
		rows:    stockCount,
		columns: stockColumns,
		build:   func() table { return genStocks() },
	},
	"trips_cache": {
		name:    "trips_cache",
		rows:    tripCount,
		columns: tripColumns,
		build:   func() table { return genTrips() },
	},
	"pickup": {
		name:    "pickup",
		rows:    len(zoneList),
		columns: pickupColumns,
		build:   func() table { return genPickups(genTrips()) },
	},
}

// For returns the dataset for a table name ("stocks_meta", "trips_cache",
// "pickup"), and false for any other.
func For(table string) (*Dataset, bool) {
	d, ok := datasets[table]
	return d, ok
}

// Len returns the number of rows Rows produces.
func (d *Dataset) Len() int {
	return d.rows
}

// rowChunk is how many rows share one backing array, to spare the allocator.
const rowChunk = 256

// Rows calls yield with each row, values in the order of ep.Fields (matched
// by field name, so a reordered schema still works), and stops at the first
// error yield returns, returning that error unchanged. It returns an error
// wrapping ErrUnknownField or ErrFieldType, before yielding anything, if ep
// has a field the dataset cannot fill. The output is the same on every call
// and every machine. Each row is yield's to keep; Rows never reuses it.
func (d *Dataset) Rows(ep *schema.Endpoint, yield func(row []any) error) error {
	if ep == nil {
		return fmt.Errorf("sample %s: nil schema", d.name)
	}
	cols, err := d.match(ep.Fields)
	if err != nil {
		return err
	}

	t := d.build()
	width := len(cols)
	var buf []any
	for i := range d.rows {
		if len(buf) < width {
			buf = make([]any, width*rowChunk)
		}
		row := buf[:width:width]
		buf = buf[width:]
		t.fill(i, cols, row)
		if err := yield(row); err != nil {
			return err
		}
	}
	return nil
}

// match returns, for each field, the index of the column that fills it.
func (d *Dataset) match(fields []schema.Field) ([]int, error) {
	cols := make([]int, len(fields))
	for j, f := range fields {
		i := d.column(f.Name)
		if i < 0 {
			return nil, fmt.Errorf("sample %s: field %q: %w", d.name, f.Name, ErrUnknownField)
		}
		c := d.columns[i]
		if kind(c.typ) != kind(f.Type) {
			return nil, fmt.Errorf("sample %s: field %q is %s, the data is %s: %w",
				d.name, f.Name, f.Type, c.typ, ErrFieldType)
		}
		if c.nullable && !f.Nullable {
			return nil, fmt.Errorf("sample %s: field %q is not nullable, the data has nulls: %w",
				d.name, f.Name, ErrFieldType)
		}
		cols[j] = i
	}
	return cols, nil
}

func (d *Dataset) column(name string) int {
	for i, c := range d.columns {
		if c.name == name {
			return i
		}
	}
	return -1
}

// kind groups the types that share a canonical Go value and meaning, so
// that a schema may call a column UInt or Int, String or Text.
func kind(t typespb.Type) typespb.Type {
	switch t {
	case typespb.Type_Int:
		return typespb.Type_UInt
	case typespb.Type_Text:
		return typespb.Type_String
	}
	return t
}
