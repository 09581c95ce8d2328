package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCSVRows(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"data/trips.csv": "\uFEFF" +
		"id,at,day,fare,paid,note,meta\n" +
		"1,2024-01-01 00:00:00,2024-01-01,12.50,true,\"multi\nline\",\"{\"\"k\"\": [1, 2]}\"\n" +
		"2,2024-01-01T00:00:01.5Z,2024-01-02,3,false,,\n"})
	s := mustOpen(t, Spec{Path: "data/trips.csv"}, root)
	cols, rows := readAll(t, s)

	wantColumns(t, cols, []Column{
		{Name: "id", Type: tUInt},
		{Name: "at", Type: tTS},
		{Name: "day", Type: tDate},
		{Name: "fare", Type: tFloat},
		{Name: "paid", Type: tBool},
		{Name: "note", Type: tStr, Nullable: true},
		{Name: "meta", Type: tJSON, Nullable: true},
	})
	wantRows(t, rows, [][]any{
		{int64(1), ns("2024-01-01T00:00:00Z"), "2024-01-01", 12.5, true, "multi\nline", `{"k":[1,2]}`},
		{int64(2), ns("2024-01-01T00:00:01.5Z"), "2024-01-02", 3.0, false, nil, nil},
	})
}

func TestCSVRowsSubsetAndOrder(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"d.csv": "a,b,c\n1,x,2.5\n2,y,3\n"})
	s := mustOpen(t, Spec{Path: "d.csv"}, root)
	rows, err := collect(s, []Column{{Name: "c", Type: tDec}, {Name: "a", Type: tStr}})
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, rows, [][]any{{"2.5", "1"}, {"3", "2"}})

	_, err = collect(s, []Column{{Name: "zz", Type: tStr}})
	wantErr(t, err, "d.csv: no column zz")
}

func TestCSVHeaderOnly(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"d.csv": "a,b\n"})
	cols, rows := readAll(t, mustOpen(t, Spec{Path: "d.csv"}, root))
	wantColumns(t, cols, []Column{
		{Name: "a", Type: tStr, Nullable: true},
		{Name: "b", Type: tStr, Nullable: true},
	})
	if len(rows) != 0 {
		t.Errorf("got %d rows, want none", len(rows))
	}
}

func TestCSVGlob(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{
		"data/trips-2.csv": "id,v\n3,-1\n",
		"data/trips-1.csv": "id,v\n1,2\n2,3\n",
		"data/other.csv":   "x\n1\n",
	})
	s := mustOpen(t, Spec{Path: "data/trips-*.csv"}, root)
	if got, want := s.Describe(), "csv data/trips-*.csv (2 files)"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	cols, rows := readAll(t, s)
	wantColumns(t, cols, []Column{{Name: "id", Type: tUInt}, {Name: "v", Type: tInt}})
	wantRows(t, rows, [][]any{{int64(1), int64(2)}, {int64(2), int64(3)}, {int64(3), int64(-1)}})
}

func TestCSVBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		spec  Spec
		want  []string // parts of the error
	}{
		{name: "empty file", files: map[string]string{"d.csv": ""},
			want: []string{"d.csv: empty file"}},
		{name: "only a byte order mark", files: map[string]string{"d.csv": "\uFEFF"},
			want: []string{"d.csv: empty file"}},
		{name: "ragged row", files: map[string]string{"d.csv": "a,b\n1,2\n3\n"},
			want: []string{"d.csv:3: row has 1 fields, the header has 2"}},
		{name: "bare quote", files: map[string]string{"d.csv": "a,b\n1,2\n3,x\"y\n"},
			want: []string{"d.csv:3:", `bare "`}},
		{name: "invalid utf-8", files: map[string]string{"d.csv": "a,b\n1,ok\n2,\xff\xfe\n"},
			want: []string{"d.csv:3: column b: invalid UTF-8"}},
		{name: "duplicate columns", files: map[string]string{"d.csv": "a,b,a\n1,2,3\n"},
			want: []string{"d.csv:1: duplicate column name a"}},
		{name: "columns differing in case", files: map[string]string{"d.csv": "Id,id\n1,2\n"},
			want: []string{"column names Id and id differ only in case"}},
		{name: "names that are not identifiers", files: map[string]string{"d.csv": "trip id,2nd,ok\n1,2,3\n"},
			want: []string{`"trip id" (try trip_id)`, `"2nd" (try _2nd)`}},
		{name: "empty column name", files: map[string]string{"d.csv": "a,,c\n1,2,3\n"},
			want: []string{`"" (try column)`}},
		{name: "headers differ", files: map[string]string{"a.csv": "x,y\n1,2\n", "b.csv": "x,z\n1,2\n"},
			spec: Spec{Path: "*.csv"}, want: []string{"b.csv:1: header differs from the one of a.csv"}},
		{name: "value against override", files: map[string]string{"data/trips.csv": "fare\n1\n\nabc\n"},
			spec: Spec{Path: "data/trips.csv", Types: map[string]string{"fare": "float"}},
			want: []string{`data/trips.csv:4: column fare: "abc" is not a float`}},
		{name: "override of a missing column", files: map[string]string{"d.csv": "a\n1\n"},
			spec: Spec{Path: "d.csv", Types: map[string]string{"nope": "int"}},
			want: []string{"types: no column named nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := writeFiles(t, tt.files)
			spec := tt.spec
			if spec.Path == "" {
				spec.Path = "d.csv"
			}
			wantErr(t, schemaOrRowsErr(mustOpen(t, spec, root)), tt.want...)
		})
	}
}

func TestCSVRowsErrors(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"data/trips.csv": "id,fare\n1,2.5\n2,\n3,abc\n"})
	s := mustOpen(t, Spec{Path: "data/trips.csv"}, root)

	_, err := collect(s, []Column{{Name: "fare", Type: tFloat, Nullable: true}})
	wantErr(t, err, `data/trips.csv:4: column fare: "abc" is not a float`)

	_, err = collect(s, []Column{{Name: "fare", Type: tStr}})
	wantErr(t, err, "data/trips.csv:3: column fare: empty value in a column that is not nullable")

	stop := errors.New("stop")
	err = s.Rows(context.Background(), []Column{{Name: "id", Type: tInt}},
		func([]any) error { return stop })
	if err != stop {
		t.Errorf("Rows returned %v, want yield's error as is", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := strings.Repeat("1,2\n", 2*checkEvery)
	root = writeFiles(t, map[string]string{"d.csv": "a,b\n" + big})
	err = mustOpen(t, Spec{Path: "d.csv"}, root).Rows(ctx, []Column{{Name: "a", Type: tInt}},
		func([]any) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Rows with a canceled context returned %v", err)
	}
}

func TestCSVLongField(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 10<<20)
	root := writeFiles(t, map[string]string{"d.csv": "id,blob\n1,\"" + long + "\"\n2,short\n"})
	cols, rows := readAll(t, mustOpen(t, Spec{Path: "d.csv"}, root))
	wantColumns(t, cols, []Column{{Name: "id", Type: tUInt}, {Name: "blob", Type: tStr}})
	if len(rows) != 2 || rows[0][1] != long || rows[1][1] != "short" {
		t.Errorf("long field not read back whole (%d rows)", len(rows))
	}
}

func TestCSVFieldTooLong(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes a 65 MiB file")
	}
	root := t.TempDir()
	f, err := os.Create(filepath.Join(root, "d.csv"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "id,blob\n1,")
	chunk := strings.Repeat("y", 1<<20)
	for i := 0; i <= maxFieldBytes>>20; i++ {
		w.WriteString(chunk)
	}
	fmt.Fprint(w, "\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	wantErr(t, schemaOrRowsErr(mustOpen(t, Spec{Path: "d.csv"}, root)),
		"d.csv:2: column blob: field longer than 64 MiB")
}
