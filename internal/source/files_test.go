package source

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	outside := writeFiles(t, map[string]string{"secret.csv": "a\n1\n"})
	root := writeFiles(t, map[string]string{"in/d.csv": "a\n1\n", "notes.txt": "x"})
	if err := os.Symlink(filepath.Join(outside, "secret.csv"),
		filepath.Join(root, "in", "link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{name: "parent path", spec: Spec{Path: "../secret.csv"},
			want: []string{"path ../secret.csv is outside the folder of gantry.yaml"}},
		{name: "absolute path outside", spec: Spec{Path: filepath.Join(outside, "secret.csv")},
			want: []string{"outside the folder of gantry.yaml"}},
		{name: "symlink to a file outside", spec: Spec{Path: "in/link.csv"},
			want: []string{"in/link.csv leads outside the folder of gantry.yaml"}},
		{name: "glob matching a symlink outside", spec: Spec{Path: "in/*.csv"},
			want: []string{"in/link.csv leads outside"}},
		{name: "symlinked folder outside", spec: Spec{Path: "dirlink/*.csv"},
			want: []string{"dirlink/secret.csv leads outside"}},
		{name: "no match", spec: Spec{Path: "in/none-*.csv"}, want: []string{"no such file"}},
		{name: "bad glob", spec: Spec{Path: "in/[.csv"}, want: []string{"syntax error in pattern"}},
		{name: "directory", spec: Spec{Path: "in", Format: "csv"}, want: []string{"in is not a regular file"}},
		{name: "unknown extension", spec: Spec{Path: "notes.txt"}, want: []string{"cannot tell the format"}},
		{name: "unknown format", spec: Spec{Path: "in/d.csv", Format: "xlsx"}, want: []string{`unknown format "xlsx"`}},
		{name: "no path", spec: Spec{Format: "csv"}, want: []string{"no path given"}},
		{name: "postgres fields on a file", spec: Spec{Path: "in/d.csv", Table: "t"},
			want: []string{"are for postgres sources"}},
		{name: "unknown override type", spec: Spec{Path: "in/d.csv", Types: map[string]string{"a": "money"}},
			want: []string{"types: column a: unknown type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(tt.spec, root)
			wantErr(t, err, tt.want...)
		})
	}
}

func TestOpenSymlinkInside(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"real/d.csv": "a\n1\n"})
	if err := os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, Spec{Path: "alias/d.csv"}, root)
	if got, want := s.Describe(), "csv alias/d.csv"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	_, rows := readAll(t, s)
	wantRows(t, rows, [][]any{{int64(1)}})
}

func TestFormatFromExtension(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{
		"a.CSV": "x\n1\n", "b.jsonl": `{"x":1}`, "c.ndjson": `{"x":1}`, "d.txt": "x\n1\n",
	})
	for path, want := range map[string]string{
		"a.CSV": FormatCSV, "b.jsonl": FormatJSONL, "c.ndjson": FormatJSONL,
	} {
		if got := mustOpen(t, Spec{Path: path}, root).format; got != want {
			t.Errorf("format of %s = %s, want %s", path, got, want)
		}
	}
	// A named format wins over the extension.
	_, rows := readAll(t, mustOpen(t, Spec{Path: "d.txt", Format: "CSV"}, root))
	wantRows(t, rows, [][]any{{int64(1)}})
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	root := writeFiles(t, map[string]string{"d.csv": "a\n1\n"})
	path := filepath.Join(root, "d.csv")
	fp := func(spec Spec) string {
		t.Helper()
		got, err := mustOpen(t, spec, root).Fingerprint()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := fp(Spec{Path: "d.csv"})
	if again := fp(Spec{Path: "d.csv"}); again != first {
		t.Errorf("fingerprint changed without a change: %s then %s", first, again)
	}
	if typed := fp(Spec{Path: "d.csv", Types: map[string]string{"a": "int"}}); typed == first {
		t.Error("fingerprint ignores type overrides")
	}

	if err := os.WriteFile(path, []byte("a\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if changed := fp(Spec{Path: "d.csv"}); changed == first {
		t.Error("fingerprint did not change with the file's time")
	}

	s := mustOpen(t, Spec{Path: "d.csv"}, root)
	os.Remove(path)
	if _, err := s.Fingerprint(); err == nil {
		t.Error("fingerprint of a removed file succeeded")
	}
}

func TestSampleBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sizes   []int64
		want    int64
		sampled bool
	}{
		{name: "small files are read whole", sizes: []int64{10, 20}, want: 31},
		{name: "exactly the limit", sizes: []int64{sampleBytes}, want: sampleBytes + 1},
		{name: "one large file", sizes: []int64{sampleBytes + 1}, want: sampleBytes, sampled: true},
		{name: "large set split", sizes: []int64{sampleBytes, sampleBytes}, want: sampleBytes / 2,
			sampled: true},
		{name: "many files get a floor", sizes: make100(sampleBytes / 50), want: minSampleBytes,
			sampled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := make([]file, len(tt.sizes))
			for i, s := range tt.sizes {
				files[i].size = s
			}
			got, sampled := sampleBudget(files)
			if got != tt.want || sampled != tt.sampled {
				t.Errorf("sampleBudget = %d, %v; want %d, %v", got, sampled, tt.want, tt.sampled)
			}
		})
	}
}

func make100(size int64) []int64 {
	out := make([]int64, 100)
	for i := range out {
		out[i] = size
	}
	return out
}
