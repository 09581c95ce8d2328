package source

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Environment of the PostgreSQL tests; testdata/pg-setup.sh prints both.
const (
	envPGURL      = "GANTRY_TEST_PG_URL"
	envPGPassword = "GANTRY_TEST_PG_PASSWORD"
)

// pgTest returns the test server's URL, skipping the test when none is
// configured, except in CI, where a missing server is a failure.
func pgTest(t *testing.T) string {
	t.Helper()
	url := os.Getenv(envPGURL)
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI: run internal/source/testdata/pg-setup.sh", envPGURL)
		}
		t.Skipf("%s is not set; see internal/source/testdata/pg-setup.sh", envPGURL)
	}
	return url
}

// pgExec runs SQL statements on the test server as the test role.
func pgExec(t *testing.T, url string, sql string) {
	t.Helper()
	config, err := pgconn.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	config.Password = os.Getenv(envPGPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, config)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql).ReadAll(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// pgTable creates a table of a name unique to the test and returns it.
func pgTable(t *testing.T, url, columns, rows string) string {
	t.Helper()
	name := fmt.Sprintf("gantry_src_%d", time.Now().UnixNano())
	pgExec(t, url, fmt.Sprintf("CREATE TABLE %s (%s); %s", name, columns,
		strings.ReplaceAll(rows, "$T", name)))
	t.Cleanup(func() { pgExec(t, url, "DROP TABLE IF EXISTS "+name) })
	return name
}

func TestPostgresTable(t *testing.T) {
	url := pgTest(t)
	table := pgTable(t, url, `
		id bigint PRIMARY KEY, n int NOT NULL, small smallint, amount numeric(10,2),
		name text, ok bool, at timestamptz, local timestamp, day date, doc jsonb,
		ratio double precision, code varchar(8), empty text`, `
		INSERT INTO $T VALUES
		(1, -7, 3, 12.50, 'café', true, '2024-01-02 03:04:05.123456+02',
		 '2024-01-02 03:04:05', '2024-02-29', '{"b": [1, 2], "a": null}', 0.25, 'X1', NULL),
		(2, 8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)

	s := mustOpen(t, Spec{Format: "postgres", URL: url, PasswordEnv: envPGPassword,
		Table: "public." + table}, "")
	if got := s.Describe(); !strings.HasPrefix(got, "postgres table public."+table+" (gantry@") {
		t.Errorf("Describe() = %q", got)
	}
	cols, rows := readAll(t, s)
	wantColumns(t, cols, []Column{
		{Name: "id", Type: tInt}, {Name: "n", Type: tInt},
		{Name: "small", Type: tInt, Nullable: true}, {Name: "amount", Type: tDec, Nullable: true},
		{Name: "name", Type: tStr, Nullable: true}, {Name: "ok", Type: tBool, Nullable: true},
		{Name: "at", Type: tTS, Nullable: true}, {Name: "local", Type: tTS, Nullable: true},
		{Name: "day", Type: tDate, Nullable: true}, {Name: "doc", Type: tJSON, Nullable: true},
		{Name: "ratio", Type: tFloat, Nullable: true}, {Name: "code", Type: tStr, Nullable: true},
		{Name: "empty", Type: tStr, Nullable: true},
	})
	wantRows(t, rows, [][]any{
		{int64(1), int64(-7), int64(3), "12.50", "café", true, ns("2024-01-02T01:04:05.123456Z"),
			ns("2024-01-02T03:04:05Z"), "2024-02-29", `{"a":null,"b":[1,2]}`, 0.25, "X1", nil},
		{int64(2), int64(8), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	})
}

func TestPostgresQuery(t *testing.T) {
	url := pgTest(t)
	table := pgTable(t, url, "id int NOT NULL, v text",
		"INSERT INTO $T SELECT g, 'v' || g FROM generate_series(1, 25000) g")

	s := mustOpen(t, Spec{URL: url, PasswordEnv: envPGPassword, Types: map[string]string{"id": "uint"},
		Query: "SELECT id, upper(v) AS up FROM " + table + " WHERE id % 2 = 0 ORDER BY id;"}, "")
	if got := s.Describe(); !strings.HasPrefix(got, "postgres query (gantry@") {
		t.Errorf("Describe() = %q", got)
	}
	cols, rows := readAll(t, s)
	// A query's columns are nullable whatever the table says.
	wantColumns(t, cols, []Column{
		{Name: "id", Type: tUInt, Nullable: true}, {Name: "up", Type: tStr, Nullable: true},
	})
	// 12500 rows cross the 10000-row fetches.
	if len(rows) != 12500 {
		t.Fatalf("got %d rows, want 12500", len(rows))
	}
	wantRows(t, [][]any{rows[0], rows[12499]}, [][]any{{int64(2), "V2"}, {int64(25000), "V25000"}})
}

func TestPostgresErrors(t *testing.T) {
	url := pgTest(t)
	table := pgTable(t, url, "id int, \"Bad Name\" text, v text",
		"INSERT INTO $T VALUES (1, 'x', 'abc')")

	tests := []struct {
		name string
		spec Spec
		cols []Column // nil: the schema's
		want []string
	}{
		{name: "syntax error", spec: Spec{Query: "SELEC 1"},
			want: []string{"postgres query:", `syntax error at or near "SELEC"`, "42601"}},
		{name: "missing table", spec: Spec{Table: "no_such_table"},
			want: []string{"postgres table no_such_table:", "does not exist"}},
		{name: "column name", spec: Spec{Table: table},
			want: []string{`"Bad Name" (try Bad_Name)`}},
		{name: "not a select", spec: Spec{Query: "DELETE FROM " + table},
			cols: []Column{{Name: "id", Type: tInt}}, want: []string{"postgres query:", "42601"}},
		{name: "data-modifying query",
			spec: Spec{Query: "WITH d AS (DELETE FROM " + table + " RETURNING id) SELECT id FROM d"},
			cols: []Column{{Name: "id", Type: tInt}}, want: []string{"data-modifying"}},
		{name: "value against type", spec: Spec{Query: "SELECT v FROM " + table},
			cols: []Column{{Name: "v", Type: tFloat}},
			want: []string{`postgres query: row 1: column v: "abc" is not a float`}},
		{name: "wrong password", spec: Spec{Table: table, PasswordEnv: "GANTRY_TEST_WRONG_PW"},
			want: []string{"password authentication failed"}},
		{name: "unset password variable", spec: Spec{Table: table, PasswordEnv: "GANTRY_TEST_UNSET_PW"},
			want: []string{"environment variable GANTRY_TEST_UNSET_PW (password_env) is not set"}},
	}
	t.Setenv("GANTRY_TEST_WRONG_PW", "not-the-password")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			spec.URL = url
			if spec.PasswordEnv == "" {
				spec.PasswordEnv = envPGPassword
			}
			s := mustOpen(t, spec, "")
			var err error
			if tt.cols == nil {
				err = schemaOrRowsErr(s)
			} else {
				_, err = collect(s, tt.cols)
			}
			wantErr(t, err, tt.want...)
			if pw := os.Getenv(envPGPassword); err != nil && pw != "" && strings.Contains(err.Error(), pw) {
				t.Errorf("error holds the password: %v", err)
			}
		})
	}
}

// TestPostgresUnreachable needs no server: it dials a loopback port that
// nothing listens on.
func TestPostgresUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	t.Setenv("GANTRY_TEST_SECRET_PW", "s3cret-value")
	s := mustOpen(t, Spec{URL: "postgres://gantry@" + addr + "/db?sslmode=disable",
		PasswordEnv: "GANTRY_TEST_SECRET_PW", Table: "t"}, "")
	start := time.Now()
	_, err = s.Schema(context.Background())
	wantErr(t, err, "connect to postgres at "+addr)
	if strings.Contains(err.Error(), "s3cret-value") || strings.Contains(s.Describe(), "s3cret-value") {
		t.Errorf("password leaked: %v / %s", err, s.Describe())
	}
	if d := time.Since(start); d > connectTimeout+time.Second {
		t.Errorf("failing took %v, want under %v", d, connectTimeout)
	}
}

func TestPostgresOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{name: "no url", spec: Spec{Format: "postgres", Table: "t"}, want: "url is required"},
		{name: "password in url", spec: Spec{URL: "postgres://u:hunter2@127.0.0.1/db", Table: "t"},
			want: "url must not hold a password"},
		{name: "password parameter", spec: Spec{URL: "postgres://u@127.0.0.1/db?password=x", Table: "t"},
			want: "url must not hold a password"},
		{name: "not a postgres url", spec: Spec{URL: "mysql://u@h/db", Format: "postgres", Table: "t"},
			want: "url must look like"},
		{name: "table and query", spec: Spec{URL: "postgres://u@h/db", Table: "t", Query: "SELECT 1"},
			want: "either table or query"},
		{name: "neither table nor query", spec: Spec{URL: "postgres://u@h/db"},
			want: "either table or query"},
		{name: "table with sql", spec: Spec{URL: "postgres://u@h/db", Table: "t; DROP TABLE x"},
			want: "is not a table name"},
		{name: "path on postgres", spec: Spec{URL: "postgres://u@h/db", Format: "postgres", Path: "x.csv", Table: "t"},
			want: "path is for file sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(tt.spec, "")
			wantErr(t, err, tt.want)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error holds the password: %v", err)
			}
		})
	}

	for _, table := range []string{"trips", "public.trips", `"My Table"`, `s."T""x"`} {
		if _, err := Open(Spec{URL: "postgres://u@h/db", Table: table}, ""); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

// TestPostgresSilentServer dials a loopback listener that accepts and never
// answers, as a server behind a dropped route would: connecting must give
// up after connectTimeout.
func TestPostgresSilentServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	s := mustOpen(t, Spec{URL: "postgres://gantry@" + l.Addr().String() + "/db?sslmode=disable",
		Table: "t"}, "")
	start := time.Now()
	_, err = s.Schema(context.Background())
	wantErr(t, err, "connect to postgres at "+l.Addr().String())
	if d := time.Since(start); d < connectTimeout-time.Second || d > connectTimeout+2*time.Second {
		t.Errorf("gave up after %v, want about %v", d, connectTimeout)
	}
}
