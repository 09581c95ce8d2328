package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// jsonlFile is an open JSON Lines file.
type jsonlFile struct {
	name   string
	f      *os.File
	br     *bufio.Reader
	long   []byte // a line longer than the read buffer
	line   int    // number of the line last read
	offset int64  // bytes read so far
}

func openJSONL(f file) (*jsonlFile, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	j := &jsonlFile{name: f.name, f: fh, br: bufio.NewReaderSize(fh, readBuffer)}
	if b, _ := j.br.Peek(3); string(b) == "\uFEFF" {
		j.br.Discard(3)
	}
	return j, nil
}

func (j *jsonlFile) Close() error { return j.f.Close() }

// next returns the next line that is not blank, valid until the next call,
// or io.EOF. Lines have no length limit but maxRecordBytes.
func (j *jsonlFile) next() ([]byte, error) {
	for {
		line, err := j.readLine()
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

func (j *jsonlFile) readLine() ([]byte, error) {
	j.long = j.long[:0]
	for {
		b, err := j.br.ReadSlice('\n')
		j.offset += int64(len(b))
		if err == bufio.ErrBufferFull {
			j.long = append(j.long, b...)
			if len(j.long) > maxRecordBytes {
				return nil, fmt.Errorf("%s:%d: %w", j.name, j.line+1, errRecordTooLong)
			}
			continue
		}
		if len(j.long) > 0 {
			j.long = append(j.long, b...)
			b = j.long
		}
		switch {
		case err == io.EOF && len(b) == 0:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, fmt.Errorf("%s: %w", j.name, err)
		}
		j.line++
		return b, nil
	}
}

// errAt locates err on the line last read.
func (j *jsonlFile) errAt(err error) error {
	return fmt.Errorf("%s:%d: %w", j.name, j.line, err)
}

// jsonlColumns are the columns of a JSON Lines source, in the order their
// keys first appear.
type jsonlColumns struct {
	names   []string
	index   map[string]int
	lower   map[string]string
	guesses []guess
	seen    []int // the row that last held each column
}

// add adds a column for key, which must be a new identifier.
func (c *jsonlColumns) add(key string) (int, error) {
	if err := checkNames([]string{key}); err != nil {
		return 0, err
	}
	if prev, ok := c.lower[strings.ToLower(key)]; ok {
		return 0, fmt.Errorf("column names %s and %s differ only in case", prev, key)
	}
	c.lower[strings.ToLower(key)] = key
	c.index[key] = len(c.names)
	c.names = append(c.names, key)
	c.guesses = append(c.guesses, guess{})
	c.seen = append(c.seen, 0)
	return len(c.names) - 1, nil
}

// memberKey returns the member's key, decoding escapes if it has any.
func memberKey(m *member) (string, error) {
	if !m.keyEscaped {
		return string(m.key), nil
	}
	var k string
	quoted := m.key[:len(m.key)+1] // the closing quote follows the key
	if err := json.Unmarshal(append([]byte{'"'}, quoted...), &k); err != nil {
		return "", errBadJSON
	}
	return k, nil
}

func (s *Source) jsonlSchema(ctx context.Context) ([]Column, error) {
	budget, sampled := sampleBudget(s.files)
	cols := &jsonlColumns{index: map[string]int{}, lower: map[string]string{}}
	rows := 0
	for _, f := range s.files {
		j, err := openJSONL(f)
		if err != nil {
			return nil, err
		}
		n, err := s.guessJSONL(ctx, j, cols, budget, rows)
		j.Close()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: empty file: want one JSON object a line", f.name)
		}
		rows += n
	}

	out := make([]Column, len(cols.names))
	for i, name := range cols.names {
		out[i] = cols.guesses[i].column(name)
		out[i].Nullable = out[i].Nullable || sampled
	}
	return out, nil
}

// guessJSONL feeds the file's lines, up to budget bytes, to the guesses;
// rows counts the lines of earlier files. It returns the lines it read.
func (s *Source) guessJSONL(ctx context.Context, j *jsonlFile, cols *jsonlColumns,
	budget int64, rows int) (int, error) {
	var members []member
	n := 0
	for j.offset < budget {
		line, err := j.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		n++
		rows++
		if n%checkEvery == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		if members, err = splitObject(line, members[:0]); err != nil {
			return n, j.errAt(err)
		}
		for k := range members {
			if err := s.guessMember(cols, &members[k], rows); err != nil {
				return n, j.errAt(err)
			}
		}
		// A key missing from a line is a NULL there.
		for i := range cols.names {
			if cols.seen[i] != rows {
				cols.guesses[i].nulls = true
			}
		}
	}
	return n, nil
}

func (s *Source) guessMember(cols *jsonlColumns, m *member, row int) error {
	i, ok := cols.index[string(m.key)]
	if !ok || m.keyEscaped {
		key, err := memberKey(m)
		if err != nil {
			return err
		}
		if i, ok = cols.index[key]; !ok {
			if i, err = cols.add(key); err != nil {
				return err
			}
			// Lines before this one lacked the key.
			cols.guesses[i].nulls = row > 1
		}
	}
	if cols.seen[i] == row {
		return fmt.Errorf("key %s appears twice", cols.names[i])
	}
	cols.seen[i] = row

	g := &cols.guesses[i]
	if t, ok := s.overrides[cols.names[i]]; ok {
		v, err := fromJSON(m, t)
		if err != nil {
			return fmt.Errorf("column %s: %w", cols.names[i], err)
		}
		g.nulls = g.nulls || v == nil
		g.values = g.values || v != nil
		return nil
	}
	switch m.kind {
	case jsonNull:
		g.nulls = true
	case jsonBool:
		g.jsonScalar(string(m.raw), true)
	case jsonNumber:
		g.jsonScalar(string(m.raw), false)
	case jsonString:
		v, err := decodeString(m.raw, m.escaped)
		if err != nil {
			return fmt.Errorf("column %s: %w", cols.names[i], err)
		}
		g.text(v, true)
	case jsonNested:
		if !json.Valid(m.raw) {
			return fmt.Errorf("column %s: %w", cols.names[i], errBadJSON)
		}
		g.jsonNested()
	}
	return nil
}

// fromJSON converts a JSON value to the canonical value of type t; JSON null
// is nil.
func fromJSON(m *member, t typespb.Type) (any, error) {
	switch m.kind {
	case jsonNull:
		return nil, nil
	case jsonNested:
		if t != typespb.Type_Json && t != typespb.Type_String && t != typespb.Type_Text {
			return nil, &mismatch{value: string(m.raw), typ: t}
		}
		v, ok := compactJSON(string(m.raw))
		if !ok {
			return nil, errBadJSON
		}
		return v, nil
	case jsonString:
		if t == typespb.Type_Json {
			return string(m.raw), nil
		}
		s, err := decodeString(m.raw, m.escaped)
		if err != nil {
			return nil, err
		}
		if len(s) > maxFieldBytes {
			return nil, fmt.Errorf("value longer than %d MiB", maxFieldBytes>>20)
		}
		return fromText(s, t)
	case jsonBool:
		if t == typespb.Type_Boolean {
			return m.raw[0] == 't', nil
		}
	}
	if t == typespb.Type_Json {
		return string(m.raw), nil
	}
	return fromText(string(m.raw), t)
}

func (s *Source) jsonlRows(ctx context.Context, cols []Column, yield func([]any) error) error {
	index := make(map[string]int, len(cols))
	for i, c := range cols {
		if !supported(c.Type) {
			return fmt.Errorf("column %s: type %s is not supported", c.Name, c.Type)
		}
		index[c.Name] = i
	}
	r := &jsonlRowReader{cols: cols, index: index, row: make([]any, len(cols)),
		seen: make([]bool, len(cols))}
	for _, f := range s.files {
		j, err := openJSONL(f)
		if err != nil {
			return err
		}
		err = r.file(ctx, j, yield)
		j.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// jsonlRowReader turns lines into rows of cols.
type jsonlRowReader struct {
	cols    []Column
	index   map[string]int
	row     []any
	seen    []bool
	members []member
}

func (r *jsonlRowReader) file(ctx context.Context, j *jsonlFile,
	yield func([]any) error) error {
	for n := 1; ; n++ {
		line, err := j.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.line(line); err != nil {
			return j.errAt(err)
		}
		if err := yield(r.row); err != nil {
			return err
		}
	}
}

func (r *jsonlRowReader) line(line []byte) error {
	var err error
	if r.members, err = splitObject(line, r.members[:0]); err != nil {
		return err
	}
	clear(r.row)
	clear(r.seen)
	for k := range r.members {
		m := &r.members[k]
		i, ok := r.index[string(m.key)]
		if m.keyEscaped {
			key, err := memberKey(m)
			if err != nil {
				return err
			}
			i, ok = r.index[key]
		}
		if !ok {
			continue
		}
		if r.seen[i] {
			return fmt.Errorf("key %s appears twice", r.cols[i].Name)
		}
		r.seen[i] = true
		if r.row[i], err = fromJSON(m, r.cols[i].Type); err != nil {
			return fmt.Errorf("column %s: %w", r.cols[i].Name, err)
		}
	}
	for i, c := range r.cols {
		if r.row[i] == nil && !c.Nullable {
			return fmt.Errorf("column %s: %w", c.Name, errMissing)
		}
	}
	return nil
}

var errMissing = errors.New("null or missing value in a column that is not nullable")
