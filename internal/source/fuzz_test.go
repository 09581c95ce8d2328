package source

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// fuzzFile writes data as name in a new root and checks, for whatever the
// bytes are, that Schema and Rows return instead of panicking, and that
// rows fit a schema inferred from the whole file.
func fuzzFile(t *testing.T, name string, data []byte) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Spec{Path: name}, root)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := s.Schema(context.Background())
	if err != nil {
		return
	}
	err = s.Rows(context.Background(), cols, func(row []any) error {
		if len(row) != len(cols) {
			t.Fatalf("row of %d values for %d columns", len(row), len(cols))
		}
		for i, v := range row {
			checkCanonical(t, cols[i], v)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Rows failed on data its own Schema accepted: %v", err)
	}
}

// checkCanonical checks that v is a canonical value of c.
func checkCanonical(t *testing.T, c Column, v any) {
	if v == nil {
		if !c.Nullable {
			t.Fatalf("column %s: nil in a non-nullable column", c.Name)
		}
		return
	}
	ok := false
	switch c.Type {
	case typespb.Type_UInt:
		x, isInt := v.(int64)
		ok = isInt && x >= 0
	case typespb.Type_Int, typespb.Type_Timestamp:
		_, ok = v.(int64)
	case typespb.Type_Float:
		_, ok = v.(float64)
	case typespb.Type_Boolean:
		_, ok = v.(bool)
	case typespb.Type_Decimal:
		s, isString := v.(string)
		_, parses := canonicalDecimal(s)
		ok = isString && parses
	case typespb.Type_Date:
		s, isString := v.(string)
		ok = isString && isDate(s)
	case typespb.Type_String, typespb.Type_Text, typespb.Type_Json:
		_, ok = v.(string)
	}
	if !ok {
		t.Fatalf("column %s (%s): %T %v is not canonical", c.Name, c.Type, v, v)
	}
}

func FuzzCSV(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"id,at,fare,ok,doc\n1,2024-01-01 00:00:00,1.5,true,\"{\"\"a\"\":1}\"\n2,,,false,\n",
		"x\n99999999999999999999\n1.5\n",
		"a,b\n1\n",
		"\uFEFFa\n\"unterminated\n",
		"a,a\n1,2\n",
		"",
		"a\n\xff\n",
		"d\n2024-02-30\n",
		"n\n1e400\n-0.0\n.5\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFile(t, "d.csv", data)
	})
}

func FuzzJSONL(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":"x"}` + "\n" + `{"a":null,"c":[1,{"d":2}]}`,
		`{"a":"2024-01-01T00:00:00Z"}`,
		`{"a\u0062":1e5}`,
		`{"a":1}{"b":2}`,
		`[1]`,
		"{\"a\":\"\xff\"}",
		`{"a":-0,"b":0.1234567890123456789}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFile(t, "d.jsonl", data)
	})
}

// FuzzNumber checks the fast number paths against strconv, and that the
// decimal canonical form keeps the value.
func FuzzNumber(f *testing.F) {
	for _, seed := range []string{"0", "-12.50", "+.5", "5.", "123456789012345",
		"1234567890123456", "9223372036854775807", "-0", "1e5", "0.000000000000001", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := atoi(s); ok {
			want, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v != want {
				t.Fatalf("atoi(%q) = %d, strconv: %d, %v", s, v, want, err)
			}
		}
		if v, ok := atofFast(s); ok {
			want, err := strconv.ParseFloat(s, 64)
			if err != nil || v != want {
				t.Fatalf("atofFast(%q) = %v, strconv: %v, %v", s, v, want, err)
			}
		}
		if d, ok := canonicalDecimal(s); ok {
			if _, ok := scanNumber(d); !ok || strings.ContainsAny(d, "+eE") {
				t.Fatalf("canonicalDecimal(%q) = %q, not canonical", s, d)
			}
			a, errA := strconv.ParseFloat(s, 64)
			b, errB := strconv.ParseFloat(d, 64)
			if errA == nil && errB == nil && a != b {
				t.Fatalf("canonicalDecimal(%q) = %q changes the value", s, d)
			}
		}
	})
}
