package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"
)

// stdRecords reads data with encoding/csv, the reference csvReader follows.
func stdRecords(data []byte) ([][]string, []int, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var recs [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		recs = append(recs, rec)
		var fieldLines []int
		for i := range rec {
			line, _ := r.FieldPos(i)
			fieldLines = append(fieldLines, line)
		}
		lines = append(lines, fieldLines...)
	}
}

// ourRecords reads data with csvReader, through a small buffer so that long
// lines take the slow path.
func ourRecords(data []byte) ([][]string, []int, error) {
	r := newCSVReader(bufio.NewReaderSize(bytes.NewReader(data), 16))
	var recs [][]string
	var lines []int
	for {
		rec, err := r.read()
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		recs = append(recs, append([]string(nil), rec...))
		for i := range rec {
			lines = append(lines, r.fieldLine(i))
		}
	}
}

func checkSameAsStd(t *testing.T, data []byte) {
	t.Helper()
	want, wantLines, wantErr := stdRecords(data)
	got, gotLines, gotErr := ourRecords(data)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: error %v, encoding/csv's %v", data, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: records\n%q\nencoding/csv's\n%q", data, got, want)
	}
	if !reflect.DeepEqual(gotLines, wantLines) {
		t.Fatalf("%q: field lines %v, encoding/csv's %v", data, gotLines, wantLines)
	}
}

var csvReaderCases = []string{
	"a,b\n1,2\n",
	"a,b\r\n1,2\r\n",
	"a,b\n1,2",
	"a,b\n1,2\r",
	"\n\na\n\n\nb\n",
	"\r\n",
	"a\n\r\nb\n",
	"\"a\",\"b\"\n",
	"\"a\"\"b\",c\n",
	"\"multi\nline\",x\ny,z\n",
	"\"multi\r\nline\",x\n",
	"\"\",\n",
	",\n,,\n",
	"a,\"b\n",
	"a,b\"c\n",
	"\"a\"b,c\n",
	"\"a\" ,b\n",
	"a\rb,c\n",
	"\"a\rb\",c\n",
	"x,\"long field that is longer than the buffer\",\"and\nanother one, spanning lines\"\n",
	strings.Repeat("abcdefghij", 10) + ",1\n",
}

func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	t.Parallel()
	for _, c := range csvReaderCases {
		checkSameAsStd(t, []byte(c))
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, c := range csvReaderCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameAsStd(t, data)
	})
}
