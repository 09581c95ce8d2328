package scaffold

import (
	"errors"
	"slices"
	"strings"
	"testing"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

func TestBreaking(t *testing.T) {
	t.Parallel()
	trips := FilePath("trips_cache")
	shipped := readShipped(t, "trips_cache")
	edit := func(change func(e *Endpoint)) []byte {
		e := tripsCache
		e.Fields = slices.Clone(e.Fields)
		change(&e)
		return mustRender(t, e, shipped)
	}

	tests := []struct {
		name  string
		files map[string][]byte
		// rules are the buf rules of the changes reported, none for nil.
		rules []string
		// want is in each change's message.
		want []string
		// path is the changed file.
		path string
	}{
		{
			name: "add a field",
			files: map[string][]byte{trips: edit(func(e *Endpoint) {
				e.Fields = append(e.Fields,
					Field{Name: "tolls", Type: typespb.Type_Decimal, Nullable: true})
			})},
		},
		{
			name: "reorder fields",
			files: map[string][]byte{trips: edit(func(e *Endpoint) {
				slices.Reverse(e.Fields)
			})},
		},
		{
			name:  "same file",
			files: map[string][]byte{trips: shipped},
		},
		{
			name: "new endpoint",
			files: map[string][]byte{FilePath("zones"): mustRender(t, Endpoint{
				Name: "zones", Fields: []Field{{Name: "id", Type: typespb.Type_UInt}},
			}, nil)},
		},
		{
			name: "remove a field",
			files: map[string][]byte{trips: edit(func(e *Endpoint) {
				e.Fields = slices.DeleteFunc(e.Fields, func(f Field) bool {
					return f.Name == "payment_type"
				})
			})},
			rules: []string{"FIELD_NO_DELETE"},
			want:  []string{`field "10" with name "payment_type"`},
			path:  trips,
		},
		{
			name: "change a type",
			files: map[string][]byte{trips: edit(func(e *Endpoint) {
				e.Fields[8].Type = typespb.Type_String // tip_amount
			})},
			rules: []string{"FIELD_SAME_TYPE"},
			want: []string{
				`"tip_amount" on message "TripsCache" changed type from "double" to "string"`,
			},
			path: trips,
		},
		{
			name: "change a number",
			files: map[string][]byte{trips: []byte(strings.Replace(string(shipped),
				"string payment_type = 10;", "string payment_type = 13;", 1))},
			rules: []string{"FIELD_NO_DELETE"},
			want:  []string{`field "10" with name "payment_type"`},
			path:  trips,
		},
		{
			name:  "delete a file",
			files: map[string][]byte{trips: nil},
			rules: []string{"FILE_NO_DELETE"},
			want:  []string{`file "dozer/generated/trips_cache/trips_cache.proto" was deleted`},
			path:  "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Breaking(t.Context(), repoRoot, tc.files)
			if tc.rules == nil {
				if err != nil {
					t.Fatalf("Breaking = %v, want nil", err)
				}
				return
			}
			var be *BreakingError
			if !errors.As(err, &be) {
				t.Fatalf("Breaking = %v, want a *BreakingError", err)
			}
			var rules []string
			for i, c := range be.Changes {
				rules = append(rules, c.Rule)
				if c.Path != tc.path {
					t.Errorf("change %d path = %q, want %q", i, c.Path, tc.path)
				}
				if i < len(tc.want) && !strings.Contains(c.Message, tc.want[i]) {
					t.Errorf("change %d = %q, want it to contain %q", i, c.Message, tc.want[i])
				}
			}
			if !slices.Equal(rules, tc.rules) {
				t.Errorf("rules = %v, want %v", rules, tc.rules)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.path != "" && !strings.Contains(err.Error(), tc.path+":") {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

func TestBreakingFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{
			name:  "does not compile",
			files: map[string][]byte{FilePath("pickup"): []byte("syntax = \"proto3\";\nmessage {\n")},
			want:  "proto/dozer/generated/pickup/pickup.proto:2:",
		},
		{
			name:  "outside proto",
			files: map[string][]byte{"buf.yaml": []byte("version: v2\n")},
			want:  `"buf.yaml" is not a clean proto/.../*.proto path`,
		},
		{
			name:  "escapes the tree",
			files: map[string][]byte{"proto/../x.proto": nil},
			want:  "not a clean",
		},
		{
			name:  "absolute",
			files: map[string][]byte{"/proto/x.proto": nil},
			want:  "not a clean",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Breaking(t.Context(), repoRoot, tc.files)
			var be *BreakingError
			if err == nil || errors.As(err, &be) {
				t.Fatalf("Breaking = %v, want a failure", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Breaking = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
