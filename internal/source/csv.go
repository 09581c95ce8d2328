package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"unicode/utf8"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// Limits that keep one malformed file from taking all memory.
const (
	maxFieldBytes  = 64 << 20
	maxRecordBytes = 256 << 20
)

// readBuffer is the read buffer of a data file.
const readBuffer = 256 << 10

// checkEvery is how many rows pass between checks of the context.
const checkEvery = 4096

var errRecordTooLong = fmt.Errorf("record longer than %d MiB", maxRecordBytes>>20)

// csvFile is an open CSV file whose header has been read.
type csvFile struct {
	name   string
	f      *os.File
	r      *csvReader
	header []string
}

func openCSV(f file) (*csvFile, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	br := bufio.NewReaderSize(fh, readBuffer)
	// Spreadsheets often start UTF-8 files with a byte order mark.
	if b, _ := br.Peek(3); string(b) == "\uFEFF" {
		br.Discard(3)
	}
	c := &csvFile{name: f.name, f: fh, r: newCSVReader(br)}

	header, err := c.read()
	if err == io.EOF {
		fh.Close()
		return nil, fmt.Errorf("%s: empty file: want a header line naming the columns", f.name)
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	c.header = slices.Clone(header)
	return c, nil
}

func (c *csvFile) Close() error { return c.f.Close() }

// read returns the next record, reused by the next call, or io.EOF, or an
// error naming the file and line. Every record after the header must have
// as many fields as the header.
func (c *csvFile) read() ([]string, error) {
	rec, err := c.r.read()
	switch {
	case err == nil && c.header != nil && len(rec) != len(c.header):
		return nil, fmt.Errorf("%s:%d: row has %d fields, the header has %d",
			c.name, c.r.recLine, len(rec), len(c.header))
	case err == nil || err == io.EOF:
		return rec, err
	}
	return nil, c.readErr(err)
}

func (c *csvFile) readErr(err error) error {
	var se *csvSyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s:%d: %w", c.name, se.line, se.err)
	}
	return fmt.Errorf("%s: %w", c.name, err)
}

// fieldErr locates err in field i of the record last read.
func (c *csvFile) fieldErr(i int, err error) error {
	return fmt.Errorf("%s:%d: column %s: %w", c.name, c.r.fieldLine(i), c.header[i], err)
}

// checkField applies the checks every non-empty field gets.
func checkField(v string) error {
	if len(v) > maxFieldBytes {
		return fmt.Errorf("field longer than %d MiB", maxFieldBytes>>20)
	}
	if !utf8.ValidString(v) {
		return errInvalidUTF8
	}
	return nil
}

func (s *Source) csvSchema(ctx context.Context) ([]Column, error) {
	budget, sampled := sampleBudget(s.files)
	var (
		names   []string
		guesses []guess
	)
	for i, f := range s.files {
		c, err := openCSV(f)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			names = c.header
			if err := checkNames(names); err != nil {
				c.Close()
				return nil, fmt.Errorf("%s:1: %w", f.name, err)
			}
			guesses = make([]guess, len(names))
		} else if !slices.Equal(c.header, names) {
			c.Close()
			return nil, fmt.Errorf("%s:1: header differs from the one of %s",
				f.name, s.files[0].name)
		}
		err = s.guessCSV(ctx, c, guesses, budget)
		c.Close()
		if err != nil {
			return nil, err
		}
	}

	cols := make([]Column, len(names))
	for i, name := range names {
		cols[i] = guesses[i].column(name)
		cols[i].Nullable = cols[i].Nullable || sampled
	}
	return cols, nil
}

// guessCSV feeds the file's first budget bytes to the guesses. Values of
// overridden columns are checked against their type instead.
func (s *Source) guessCSV(ctx context.Context, c *csvFile, guesses []guess,
	budget int64) error {
	over := make([]typespb.Type, len(c.header))
	has := make([]bool, len(c.header))
	for i, name := range c.header {
		over[i], has[i] = s.overrides[name]
	}
	for n := 1; c.r.offset < budget; n++ {
		rec, err := c.read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for i, v := range rec {
			if v == "" {
				guesses[i].nulls = true
				continue
			}
			if err := checkField(v); err != nil {
				return c.fieldErr(i, err)
			}
			if !has[i] {
				guesses[i].text(v, false)
				continue
			}
			guesses[i].values = true
			if _, err := fromText(v, over[i]); err != nil {
				return c.fieldErr(i, err)
			}
		}
	}
	return nil
}

func (s *Source) csvRows(ctx context.Context, cols []Column, yield func([]any) error) error {
	row := make([]any, len(cols))
	for _, f := range s.files {
		if err := csvFileRows(ctx, f, cols, row, yield); err != nil {
			return err
		}
	}
	return nil
}

func csvFileRows(ctx context.Context, f file, cols []Column, row []any,
	yield func([]any) error) error {
	c, err := openCSV(f)
	if err != nil {
		return err
	}
	defer c.Close()
	at, err := plan(f.name, c.header, cols)
	if err != nil {
		return err
	}

	for n := 1; ; n++ {
		rec, err := c.read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for i, col := range cols {
			v := rec[at[i]]
			if v == "" {
				if !col.Nullable {
					return c.fieldErr(at[i], errNull)
				}
				row[i] = nil
				continue
			}
			if len(v) > maxFieldBytes {
				return c.fieldErr(at[i], checkField(v))
			}
			x, err := fromText(v, col.Type)
			if err != nil {
				return c.fieldErr(at[i], err)
			}
			row[i] = x
		}
		if err := yield(row); err != nil {
			return err
		}
	}
}

var errNull = errors.New("empty value in a column that is not nullable")

// plan maps each of cols to its index among a file's columns.
func plan(name string, have []string, cols []Column) ([]int, error) {
	index := make(map[string]int, len(have))
	for i, h := range have {
		index[h] = i
	}
	at := make([]int, len(cols))
	for i, col := range cols {
		j, ok := index[col.Name]
		if !ok {
			return nil, fmt.Errorf("%s: no column %s", name, col.Name)
		}
		if !supported(col.Type) {
			return nil, fmt.Errorf("column %s: type %s is not supported", col.Name, col.Type)
		}
		at[i] = j
	}
	return at, nil
}
