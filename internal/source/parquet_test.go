package source

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// writeParquet writes rows to name under root, two rows a row group.
func writeParquet[T any](t testing.TB, root, name string, rows []T) {
	t.Helper()
	f, err := os.Create(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewGenericWriter[T](f, parquet.MaxRowsPerRowGroup(2))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

type parquetTrip struct {
	ID     int64     `parquet:"id"`
	Count  uint32    `parquet:"count"`
	Big    uint64    `parquet:"big"`
	Small  int32     `parquet:"small"`
	Fare   float64   `parquet:"fare"`
	Ratio  float32   `parquet:"ratio"`
	Amount int64     `parquet:"amount,decimal(2:10)"`
	Wide   [16]byte  `parquet:"wide,decimal(3:38)"`
	Paid   bool      `parquet:"paid"`
	Name   string    `parquet:"name"`
	Note   *string   `parquet:"note,optional"`
	At     time.Time `parquet:"at,timestamp(millisecond)"`
	AtNano time.Time `parquet:"at_nano"`
	Day    int32     `parquet:"day,date"`
	Doc    string    `parquet:"doc,json"`
	Raw    []byte    `parquet:"raw"`
}

// wideDecimal is -12345 as a 16-byte big-endian two's complement integer.
func wideDecimal() [16]byte {
	var b [16]byte
	for i := range b {
		b[i] = 0xff
	}
	v := uint16(0x10000 - 12345)
	b[14], b[15] = byte(v>>8), byte(v)
	return b
}

func TestParquet(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	note := "hello"
	at := time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)
	rows := []parquetTrip{
		{ID: -1, Count: 7, Big: 1 << 40, Small: -3, Fare: 12.5, Ratio: 0.5, Amount: 1250,
			Wide: wideDecimal(), Paid: true, Name: "café", Note: &note, At: at,
			AtNano: at.Add(7), Day: 19724, Doc: `{"a": [1, 2]}`, Raw: []byte("raw")},
		{ID: 2, Amount: -5, At: at, AtNano: at, Day: 0, Doc: `[]`, Raw: []byte("")},
		{ID: 3, At: at, AtNano: at, Doc: `null`},
	}
	writeParquet(t, root, "trips.parquet", rows)

	s := mustOpen(t, Spec{Path: "trips.parquet"}, root)
	cols, got := readAll(t, s)
	wantColumns(t, cols, []Column{
		{Name: "id", Type: tInt}, {Name: "count", Type: tUInt}, {Name: "big", Type: tUInt},
		{Name: "small", Type: tInt}, {Name: "fare", Type: tFloat}, {Name: "ratio", Type: tFloat},
		{Name: "amount", Type: tDec}, {Name: "wide", Type: tDec}, {Name: "paid", Type: tBool},
		{Name: "name", Type: tStr}, {Name: "note", Type: tStr, Nullable: true},
		{Name: "at", Type: tTS}, {Name: "at_nano", Type: tTS}, {Name: "day", Type: tDate},
		{Name: "doc", Type: tJSON}, {Name: "raw", Type: tStr},
	})
	ms := at.UnixNano()
	wantRows(t, got, [][]any{
		{int64(-1), int64(7), int64(1 << 40), int64(-3), 12.5, 0.5, "12.50", "-12.345", true,
			"café", "hello", ms, ms + 7, "2024-01-02", `{"a":[1,2]}`, "raw"},
		{int64(2), int64(0), int64(0), int64(0), 0.0, 0.0, "-0.05", "0.000", false,
			"", nil, ms, ms, "1970-01-01", `[]`, ""},
		{int64(3), int64(0), int64(0), int64(0), 0.0, 0.0, "0.00", "0.000", false,
			"", nil, ms, ms, "1970-01-01", `null`, ""},
	})
}

func TestParquetOverridesAndSubset(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeParquet(t, root, "p.parquet", []parquetTrip{
		{ID: 10, Fare: 2.25, At: time.Unix(0, 0), AtNano: time.Unix(0, 0)},
	})
	s := mustOpen(t, Spec{Path: "p.parquet", Types: map[string]string{
		"id": "string", "fare": "decimal", "at": "string",
	}}, root)
	cols, err := s.Schema(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var pick []Column
	for _, c := range cols {
		if c.Name == "at" || c.Name == "fare" || c.Name == "id" {
			pick = append(pick, c)
		}
	}
	got, err := collect(s, pick)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, got, [][]any{{"10", "2.25", "1970-01-01T00:00:00Z"}})
}

type parquetList struct {
	ID   int64    `parquet:"id"`
	Tags []string `parquet:"tags,list"`
}

type parquetRepeated struct {
	ID   int64   `parquet:"id"`
	Nums []int32 `parquet:"nums"`
}

type parquetGroup struct {
	ID    int64 `parquet:"id"`
	Where struct {
		Lat float64 `parquet:"lat"`
	} `parquet:"where"`
}

type parquetMap struct {
	ID    int64            `parquet:"id"`
	Attrs map[string]int64 `parquet:"attrs"`
}

type parquetBadName struct {
	ID int64 `parquet:"trip id"`
}

func TestParquetBadInput(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeParquet(t, root, "list.parquet", []parquetList{{ID: 1, Tags: []string{"a"}}})
	writeParquet(t, root, "repeated.parquet", []parquetRepeated{{ID: 1, Nums: []int32{1}}})
	writeParquet(t, root, "group.parquet", []parquetGroup{{ID: 1}})
	writeParquet(t, root, "map.parquet", []parquetMap{{ID: 1}})
	writeParquet(t, root, "name.parquet", []parquetBadName{{ID: 1}})
	for name, content := range map[string]string{
		"empty.parquet": "", "garbage.parquet": "PAR1 this is not parquet PAR1",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "cut.parquet"),
		truncated(t, filepath.Join(root, "list.parquet")), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path string
		want []string
	}{
		{"list.parquet", []string{"column tags: nested parquet type LIST is not supported"}},
		{"repeated.parquet", []string{"column nums: nested parquet type repeated int32 is not supported"}},
		{"group.parquet", []string{"column where: nested parquet type group is not supported"}},
		{"map.parquet", []string{"column attrs: nested parquet type MAP is not supported"}},
		{"name.parquet", []string{`"trip id" (try trip_id)`}},
		{"empty.parquet", []string{"empty.parquet: not a readable parquet file"}},
		{"garbage.parquet", []string{"garbage.parquet: not a readable parquet file"}},
		{"cut.parquet", []string{"cut.parquet:"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			wantErr(t, schemaOrRowsErr(mustOpen(t, Spec{Path: tt.path}, root)), tt.want...)
		})
	}
}

// truncated returns the file at path without its last quarter.
func truncated(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)*3/4]
}

type parquetSimple struct {
	ID   int64   `parquet:"id"`
	Name *string `parquet:"name,optional"`
}

func TestParquetGlob(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, b := "a", "b"
	writeParquet(t, root, "part-1.parquet", []parquetSimple{{1, &a}, {2, nil}, {3, &b}})
	writeParquet(t, root, "part-2.parquet", []parquetSimple{{4, &b}})
	writeParquet(t, root, "zz.parquet", []parquetList{{ID: 1}})

	s := mustOpen(t, Spec{Path: "part-*.parquet"}, root)
	cols, got := readAll(t, s)
	wantColumns(t, cols, []Column{{Name: "id", Type: tInt}, {Name: "name", Type: tStr, Nullable: true}})
	wantRows(t, got, [][]any{{int64(1), "a"}, {int64(2), nil}, {int64(3), "b"}, {int64(4), "b"}})

	_, err := collect(s, []Column{{Name: "name", Type: tStr}})
	wantErr(t, err, "part-1.parquet: row 2: column name: null or missing value")

	writeParquet(t, root, "part-3.parquet", []parquetRepeated{{ID: 1}})
	_, err = mustOpen(t, Spec{Path: "part-*.parquet"}, root).Schema(t.Context())
	wantErr(t, err, "nested parquet type")
}
