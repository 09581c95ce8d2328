package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// csvReader reads CSV records as encoding/csv does with its defaults
// (comma-separated, strict quoting, blank lines skipped, \r\n read as \n),
// about twice as fast: it tracks field positions only when asked, after an
// error, and it bounds a record's size.
type csvReader struct {
	br      *bufio.Reader
	long    []byte // a line longer than br's buffer
	line    int    // lines read so far
	offset  int64  // bytes read so far
	recLine int    // line where the last record starts

	buf    []byte // the last record's fields, unquoted, end to end
	ends   []int  // end of each field in buf
	fields []string
}

var (
	errBareQuote = errors.New(`bare " in a field that is not quoted`)
	errQuote     = errors.New(`extraneous or missing " in a quoted field`)
)

// csvSyntaxError is malformed CSV at a line.
type csvSyntaxError struct {
	line int
	err  error
}

func (e *csvSyntaxError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *csvSyntaxError) Unwrap() error { return e.err }

func newCSVReader(br *bufio.Reader) *csvReader {
	return &csvReader{br: br}
}

// read returns the next record, io.EOF after the last, or an error. The
// record's slice is reused by the next call; its strings are not.
func (r *csvReader) read() ([]string, error) {
	var line []byte
	for {
		var err error
		if line, err = r.readLine(); err != nil {
			return nil, err
		}
		if len(line) > 1 || (len(line) == 1 && line[0] != '\n') {
			break
		}
	}
	r.recLine = r.line
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	if err := r.parse(line); err != nil {
		return nil, err
	}

	// One string for the whole record: a single allocation per row.
	str := string(r.buf)
	r.fields = r.fields[:0]
	start := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, str[start:end])
		start = end
	}
	return r.fields, nil
}

// parse splits the record starting on line into r.buf and r.ends, reading
// more lines while a quoted field runs on.
func (r *csvReader) parse(line []byte) error {
	pos := 0
	for {
		if pos == len(line) || line[pos] != '"' {
			start := pos
			for pos < len(line) && line[pos] != ',' && line[pos] != '"' && line[pos] != '\n' {
				pos++
			}
			if pos < len(line) && line[pos] == '"' {
				return &csvSyntaxError{line: r.line, err: errBareQuote}
			}
			r.buf = append(r.buf, line[start:pos]...)
			r.ends = append(r.ends, len(r.buf))
			if pos < len(line) && line[pos] == ',' {
				pos++
				continue
			}
			return nil
		}

		pos++
		for {
			i := bytes.IndexByte(line[pos:], '"')
			if i < 0 {
				// The field runs on to the next line.
				r.buf = append(r.buf, line[pos:]...)
				if len(r.buf) > maxRecordBytes {
					return &csvSyntaxError{line: r.line, err: errRecordTooLong}
				}
				var err error
				if line, err = r.readLine(); err == io.EOF {
					return &csvSyntaxError{line: r.line, err: errQuote}
				} else if err != nil {
					return err
				}
				pos = 0
				continue
			}
			r.buf = append(r.buf, line[pos:pos+i]...)
			pos += i + 1
			switch {
			case pos < len(line) && line[pos] == '"':
				r.buf = append(r.buf, '"')
				pos++
				continue
			case pos < len(line) && line[pos] == ',':
				r.ends = append(r.ends, len(r.buf))
				pos++
			case pos == len(line) || (pos == len(line)-1 && line[pos] == '\n'):
				r.ends = append(r.ends, len(r.buf))
				return nil
			default:
				return &csvSyntaxError{line: r.line, err: errQuote}
			}
			break
		}
	}
}

// readLine returns the next line with its \n (none at the end of the
// input), \r\n turned into \n, or io.EOF. The line is valid until the next
// call.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > maxRecordBytes {
				return nil, &csvSyntaxError{line: r.line + 1, err: errRecordTooLong}
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	n := len(line)
	switch {
	case n == 0 && err == io.EOF:
		return nil, io.EOF
	case err == io.EOF:
		err = nil
		// Like encoding/csv, drop a \r that ends the input.
		if line[n-1] == '\r' {
			line = line[:n-1]
		}
	case err != nil:
		return nil, err
	}
	r.line++
	r.offset += int64(n)
	if k := len(line); k >= 2 && line[k-2] == '\r' && line[k-1] == '\n' {
		line[k-2] = '\n'
		line = line[:k-1]
	}
	return line, nil
}

// fieldLine returns the line where field i of the last record starts.
func (r *csvReader) fieldLine(i int) int {
	start := 0
	if i > 0 && i <= len(r.ends) {
		start = r.ends[i-1]
	}
	return r.recLine + bytes.Count(r.buf[:start], []byte{'\n'})
}
