// Package source reads the datasets that users bring (CSV, JSON Lines and
// Parquet files, PostgreSQL tables and queries): it infers a table's columns
// and streams its rows as canonical values, the ones the store accepts.
//
// Canonical values by column type: UInt and Int are int64 (UInt is never
// negative), Float is float64, Decimal is plain decimal text ("12.50", no
// leading + and no exponent), Boolean is bool, String and Text are valid
// UTF-8 strings, Timestamp is int64 nanoseconds since the Unix epoch (UTC),
// Date is "YYYY-MM-DD", Json is compact JSON text and NULL is nil.
//
// The package depends on nothing else in gantry but the generated types.
package source

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// Formats a Spec can name.
const (
	FormatCSV      = "csv"
	FormatJSONL    = "jsonl"
	FormatParquet  = "parquet"
	FormatPostgres = "postgres"
)

// Spec is one table's origin, as written under `sources:` in gantry.yaml.
type Spec struct {
	// Format is "csv", "jsonl", "parquet" or "postgres"; empty means the
	// format of Path's extension (.csv, .jsonl or .ndjson, .parquet).
	Format string
	// Path is a file or a glob (filepath.Match syntax) relative to the root.
	// The files a glob matches are read in name order and must share one
	// header or schema.
	Path string
	// URL is a PostgreSQL connection URL without a password, such as
	// postgres://user@127.0.0.1:5432/db?sslmode=disable.
	URL string
	// PasswordEnv names the environment variable that holds the password.
	PasswordEnv string
	// Table is a PostgreSQL table, optionally schema-qualified.
	Table string
	// Query is a PostgreSQL SELECT, used instead of Table.
	Query string
	// Types overrides the inferred type of columns, by column name, with
	// the names ParseType accepts.
	Types map[string]string
}

// Column is one column of a source's table.
type Column struct {
	Name     string
	Type     typespb.Type
	Nullable bool
}

// Source is an opened Spec. It holds no open files or connections: Schema
// and Rows open their own, so a Source is safe for concurrent use.
type Source struct {
	format    string
	pattern   string // Spec.Path, for Describe
	files     []file
	overrides map[string]typespb.Type
	pg        *postgres
	spec      Spec
}

// Open checks spec and, for files, resolves its path against root, the
// folder that holds gantry.yaml. A path or glob match that lies outside root
// once symbolic links are resolved is an error, and so is a glob that
// matches nothing. Open reads no data and opens no connection.
func Open(spec Spec, root string) (*Source, error) {
	format := strings.ToLower(spec.Format)
	if format == "" {
		format = formatOf(spec.Path)
		if format == "" && spec.URL != "" {
			format = FormatPostgres
		}
		if format == "" {
			return nil, fmt.Errorf("cannot tell the format of %q: "+
				"name it (csv, jsonl, parquet or postgres)", spec.Path)
		}
	}
	overrides, err := parseOverrides(spec.Types)
	if err != nil {
		return nil, err
	}
	s := &Source{format: format, pattern: spec.Path, overrides: overrides, spec: spec}

	switch format {
	case FormatCSV, FormatJSONL, FormatParquet:
		if spec.URL != "" || spec.Table != "" || spec.Query != "" || spec.PasswordEnv != "" {
			return nil, fmt.Errorf("%s source: url, password_env, table and query "+
				"are for postgres sources", format)
		}
		s.files, err = resolve(root, spec.Path)
	case FormatPostgres:
		if spec.Path != "" {
			return nil, fmt.Errorf("postgres source: path is for file sources")
		}
		s.pg, err = newPostgres(spec)
	default:
		return nil, fmt.Errorf("unknown format %q: want csv, jsonl, parquet or postgres",
			spec.Format)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// formatOf returns the format of a path's extension, or "".
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return FormatCSV
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".parquet":
		return FormatParquet
	}
	return ""
}

// Schema returns the table's columns in source order. Files are read whole
// when they hold at most 64 MiB together; larger ones are sampled from the
// start of each file, and then every column is nullable since the sample
// cannot prove otherwise. PostgreSQL columns come from the column types and
// NOT NULL constraints, without reading rows. Types overrides apply last.
// A column name that is not an identifier ([A-Za-z_][A-Za-z0-9_]*), two
// names that differ only in case, a value that does not fit an override, or
// unreadable data is an error.
func (s *Source) Schema(ctx context.Context) ([]Column, error) {
	var (
		cols []Column
		err  error
	)
	switch s.format {
	case FormatCSV:
		cols, err = s.csvSchema(ctx)
	case FormatJSONL:
		cols, err = s.jsonlSchema(ctx)
	case FormatParquet:
		cols, err = s.parquetSchema()
	case FormatPostgres:
		cols, err = s.pg.schema(ctx)
	}
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s: no columns", s.Describe())
	}
	if err := s.applyOverrides(cols); err != nil {
		return nil, err
	}
	return cols, nil
}

// Rows calls yield with every row, as canonical values in cols order. cols
// are matched to the source's columns by name and may be a subset of them;
// their types decide the values. The row slice is reused: yield must not
// keep it after returning. A value that does not fit its column, a NULL in a
// non-nullable column, or unreadable data stops Rows with an error naming
// the file, the line (1-based, the header counts) or row, and the column.
// An error from yield is returned as is.
func (s *Source) Rows(ctx context.Context, cols []Column, yield func(row []any) error) error {
	if len(cols) == 0 {
		return fmt.Errorf("rows: no columns asked for")
	}
	switch s.format {
	case FormatCSV:
		return s.csvRows(ctx, cols, yield)
	case FormatJSONL:
		return s.jsonlRows(ctx, cols, yield)
	case FormatParquet:
		return s.parquetRows(ctx, cols, yield)
	default:
		return s.pg.rows(ctx, cols, yield)
	}
}

// Describe returns a short description for logs, such as
// "csv data/trips*.csv (3 files)". It never holds a password.
func (s *Source) Describe() string {
	if s.pg != nil {
		return s.pg.describe()
	}
	d := s.format + " " + s.pattern
	if len(s.files) > 1 || hasMeta(s.pattern) {
		unit := "files"
		if len(s.files) == 1 {
			unit = "file"
		}
		d += fmt.Sprintf(" (%d %s)", len(s.files), unit)
	}
	return d
}

// applyOverrides sets the types named in the spec; each must name a column.
func (s *Source) applyOverrides(cols []Column) error {
	if len(s.overrides) == 0 {
		return nil
	}
	byName := make(map[string]int, len(cols))
	for i, c := range cols {
		byName[c.Name] = i
	}
	var unknown []string
	for name, t := range s.overrides {
		i, ok := byName[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		cols[i].Type = t
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("types: no column named %s", strings.Join(unknown, ", "))
	}
	return nil
}

// parseOverrides parses Spec.Types.
func parseOverrides(types map[string]string) (map[string]typespb.Type, error) {
	out := make(map[string]typespb.Type, len(types))
	for name, typ := range types {
		t, err := ParseType(typ)
		if err != nil {
			return nil, fmt.Errorf("types: column %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}
