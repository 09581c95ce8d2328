package source

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// Short names for column types in test tables.
const (
	tUInt  = typespb.Type_UInt
	tInt   = typespb.Type_Int
	tFloat = typespb.Type_Float
	tDec   = typespb.Type_Decimal
	tBool  = typespb.Type_Boolean
	tStr   = typespb.Type_String
	tText  = typespb.Type_Text
	tTS    = typespb.Type_Timestamp
	tDate  = typespb.Type_Date
	tJSON  = typespb.Type_Json
)

// writeFiles writes name → content files under a new root and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func mustOpen(t testing.TB, spec Spec, root string) *Source {
	t.Helper()
	s, err := Open(spec, root)
	if err != nil {
		t.Fatalf("Open(%+v): %v", spec, err)
	}
	return s
}

// readAll returns the schema and all rows of s.
func readAll(t testing.TB, s *Source) ([]Column, [][]any) {
	t.Helper()
	cols, err := s.Schema(context.Background())
	if err != nil {
		t.Fatalf("Schema: %v", err)
	}
	rows, err := collect(s, cols)
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	return cols, rows
}

// collect returns copies of all rows of s in cols.
func collect(s *Source, cols []Column) ([][]any, error) {
	var rows [][]any
	err := s.Rows(context.Background(), cols, func(row []any) error {
		rows = append(rows, append([]any(nil), row...))
		return nil
	})
	return rows, err
}

// schemaOrRowsErr returns the first error of Schema then Rows.
func schemaOrRowsErr(s *Source) error {
	cols, err := s.Schema(context.Background())
	if err != nil {
		return err
	}
	_, err = collect(s, cols)
	return err
}

func wantColumns(t testing.TB, got, want []Column) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns:\n got %v\nwant %v", got, want)
	}
}

func wantRows(t testing.TB, got, want [][]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %#v\nwant %#v", got, want)
	}
}

// wantErr checks that err holds every one of parts.
func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}
