package source

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// parquetRowBatch is how many rows one read takes from a row group.
const parquetRowBatch = 256

// parquetFile is an open Parquet file with a flat schema.
type parquetFile struct {
	name    string
	f       *os.File
	pf      *parquet.File
	columns []parquetColumn
}

// parquetColumn is one leaf column of a flat schema.
type parquetColumn struct {
	Column
	el *format.SchemaElement
}

// openParquet opens a Parquet file and reads its schema, which must be
// flat: no groups, lists, maps or repeated fields.
func openParquet(f file) (p *parquetFile, err error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	defer func() {
		if err != nil {
			fh.Close()
		}
	}()
	// The library can panic on some corrupt files; such a file is an error
	// like any other unreadable one.
	defer recoverCorrupt(f.name, &err)

	pf, err := parquet.OpenFile(fh, f.size, parquet.SkipPageIndex(true),
		parquet.SkipBloomFilters(true), parquet.ReadBufferSize(readBuffer))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable parquet file: %w", f.name, err)
	}
	p = &parquetFile{name: f.name, f: fh, pf: pf}
	if p.columns, err = flatColumns(pf.Metadata().Schema); err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	return p, nil
}

func (p *parquetFile) Close() error { return p.f.Close() }

func recoverCorrupt(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: corrupt parquet file: %v", name, r)
	}
}

// flatColumns maps the schema elements (depth-first, the root first) to
// columns, refusing nested types.
func flatColumns(elements []format.SchemaElement) ([]parquetColumn, error) {
	if len(elements) == 0 {
		return nil, fmt.Errorf("parquet file has no schema")
	}
	var cols []parquetColumn
	for i := 1; i < len(elements); i++ {
		el := &elements[i]
		rep, _ := el.RepetitionType.Get()
		if children, _ := el.NumChildren.Get(); children > 0 || rep == format.Repeated {
			return nil, fmt.Errorf("column %s: nested parquet type %s is not supported",
				el.Name, nestedKind(el))
		}
		t, err := parquetType(el)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", el.Name, err)
		}
		cols = append(cols, parquetColumn{
			Column: Column{Name: el.Name, Type: t, Nullable: rep == format.Optional},
			el:     el,
		})
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	if err := checkNames(names); err != nil {
		return nil, err
	}
	return cols, nil
}

// nestedKind names a nested element's type for an error message: LIST,
// MAP, group, or a repeated leaf's physical type.
func nestedKind(el *format.SchemaElement) string {
	if children, _ := el.NumChildren.Get(); children == 0 {
		t, _ := el.Type.Get()
		return "repeated " + strings.ToLower(t.String())
	}
	if s := el.LogicalType.String(); s != "" {
		return s
	}
	switch ct, _ := el.ConvertedType.Get(); {
	case !el.ConvertedType.Valid:
	case ct == deprecated.List:
		return "LIST"
	case ct == deprecated.Map || ct == deprecated.MapKeyValue:
		return "MAP"
	}
	return "group"
}

func (s *Source) parquetSchema() ([]Column, error) {
	var first *parquetFile
	for _, f := range s.files {
		p, err := openParquet(f)
		if err != nil {
			return nil, err
		}
		p.Close()
		if first == nil {
			first = p
			continue
		}
		if !slices.EqualFunc(p.columns, first.columns, func(a, b parquetColumn) bool {
			return a.Column == b.Column
		}) {
			return nil, fmt.Errorf("%s: schema differs from the one of %s", f.name, first.name)
		}
	}
	cols := make([]Column, len(first.columns))
	for i, c := range first.columns {
		cols[i] = c.Column
	}
	return cols, nil
}

func (s *Source) parquetRows(ctx context.Context, cols []Column,
	yield func([]any) error) error {
	row := make([]any, len(cols))
	for _, f := range s.files {
		p, err := openParquet(f)
		if err != nil {
			return err
		}
		err = p.rows(ctx, cols, row, yield)
		p.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parquetFile) rows(ctx context.Context, cols []Column, row []any,
	yield func([]any) error) (err error) {
	defer recoverCorrupt(p.name, &err)

	names := make([]string, len(p.columns))
	for i, c := range p.columns {
		names[i] = c.Name
	}
	at, err := plan(p.name, names, cols)
	if err != nil {
		return err
	}
	convs := make([]converter, len(cols))
	for i, c := range cols {
		convs[i] = newConverter(p.columns[at[i]], c.Type)
	}

	buf := make([]parquet.Row, parquetRowBatch)
	n := 0
	for _, rg := range p.pf.RowGroups() {
		rows := rg.Rows()
		err := readRowGroup(ctx, p.name, rows, buf, func(r parquet.Row) error {
			n++
			for i, c := range cols {
				v := r[at[i]]
				if v.IsNull() {
					if !c.Nullable {
						return fmt.Errorf("%s: row %d: column %s: %w", p.name, n, c.Name, errMissing)
					}
					row[i] = nil
					continue
				}
				x, err := convs[i](v)
				if err != nil {
					return fmt.Errorf("%s: row %d: column %s: %w", p.name, n, c.Name, err)
				}
				row[i] = x
			}
			return yield(row)
		})
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readRowGroup calls each with every row of rows.
func readRowGroup(ctx context.Context, name string, rows parquet.Rows, buf []parquet.Row,
	each func(parquet.Row) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := rows.ReadRows(buf)
		for _, r := range buf[:n] {
			if err := each(r); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}
