package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// connectTimeout bounds connecting to PostgreSQL, so that an unreachable
// server fails a load quickly.
const connectTimeout = 5 * time.Second

// fetchRows is how many rows one FETCH from the cursor brings.
const fetchRows = 10_000

// tableName is an optionally schema-qualified table: plain identifiers,
// which PostgreSQL folds to lower case, or double-quoted ones.
var tableName = regexp.MustCompile(`^` + pgName + `(?:\.` + pgName + `)?$`)

const pgName = `(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")`

// Type OIDs of PostgreSQL's built-in types.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidOID         = 26
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidNumeric     = 1700
	oidJSONB       = 3802
)

// postgres is a PostgreSQL table or query.
type postgres struct {
	config      *pgconn.Config // without the password
	passwordEnv string
	table       string
	query       string // the SELECT that reads the rows
	addr        string // host:port, for messages
	where       string // user@host:port/db, for Describe
}

func newPostgres(spec Spec) (*postgres, error) {
	if spec.URL == "" {
		return nil, errors.New("postgres source: url is required")
	}
	u, err := url.Parse(spec.URL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("postgres source: url must look like " +
			"postgres://user@host:5432/db?sslmode=disable")
	}
	if _, has := u.User.Password(); has || u.Query().Has("password") {
		return nil, errors.New("postgres source: url must not hold a password: " +
			"name an environment variable in password_env instead")
	}
	if (spec.Table == "") == (spec.Query == "") {
		return nil, errors.New("postgres source: give either table or query")
	}
	config, err := pgconn.ParseConfig(spec.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres source: url: %w", unwrapAll(err))
	}

	p := &postgres{config: config, passwordEnv: spec.PasswordEnv, table: spec.Table}
	p.addr = net.JoinHostPort(config.Host, strconv.Itoa(int(config.Port)))
	p.where = fmt.Sprintf("%s@%s/%s", config.User, p.addr, config.Database)
	if spec.Table != "" {
		if !tableName.MatchString(spec.Table) {
			return nil, fmt.Errorf("postgres source: table %q is not a table name "+
				"(schema.table; use query for anything else)", spec.Table)
		}
		p.query = "SELECT * FROM " + spec.Table
	} else {
		p.query = strings.TrimRight(strings.TrimSpace(spec.Query), "; \t\r\n")
	}
	return p, nil
}

// unwrapAll returns the innermost error, the one that says what is wrong.
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

func (p *postgres) describe() string {
	if p.table != "" {
		return fmt.Sprintf("postgres table %s (%s)", p.table, p.where)
	}
	return fmt.Sprintf("postgres query (%s)", p.where)
}

// what names the table or the query in messages.
func (p *postgres) what() string {
	if p.table != "" {
		return "postgres table " + p.table
	}
	return "postgres query"
}

// connect opens a connection within connectTimeout. Its errors name the
// server's address and never hold the password.
func (p *postgres) connect(ctx context.Context) (*pgconn.PgConn, error) {
	config := p.config.Copy()
	password := ""
	if p.passwordEnv != "" {
		v, ok := os.LookupEnv(p.passwordEnv)
		if !ok {
			return nil, fmt.Errorf("postgres at %s: environment variable %s "+
				"(password_env) is not set", p.addr, p.passwordEnv)
		}
		password, config.Password = v, v
	}
	config.ConnectTimeout = connectTimeout
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()

	conn, err := pgconn.ConnectConfig(ctx, config)
	if err != nil {
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) && ce.Unwrap() != nil {
			err = ce.Unwrap()
		}
		msg := err.Error()
		if password != "" {
			msg = strings.ReplaceAll(msg, password, "********")
		}
		return nil, fmt.Errorf("connect to postgres at %s as %s: %s", p.addr, config.User, msg)
	}
	return conn, nil
}

func closeQuietly(conn *pgconn.PgConn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}

// schema describes the query without running it. Columns of a table are
// nullable unless declared NOT NULL; columns of a query always are, since
// joins and expressions can make NULLs of anything.
func (p *postgres) schema(ctx context.Context) ([]Column, error) {
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer closeQuietly(conn)

	sd, err := conn.Prepare(ctx, "", p.query, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.what(), err)
	}
	names := make([]string, len(sd.Fields))
	cols := make([]Column, len(sd.Fields))
	for i, f := range sd.Fields {
		names[i] = f.Name
		cols[i] = Column{Name: f.Name, Type: pgType(f.DataTypeOID), Nullable: true}
	}
	if err := checkNames(names); err != nil {
		return nil, fmt.Errorf("%s: %w", p.what(), err)
	}
	if p.table != "" {
		if err := p.markNotNull(ctx, conn, sd.Fields, cols); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

// markNotNull clears Nullable on the columns declared NOT NULL.
func (p *postgres) markNotNull(ctx context.Context, conn *pgconn.PgConn,
	fields []pgconn.FieldDescription, cols []Column) error {
	notNull := map[[2]uint32]bool{}
	done := map[uint32]bool{}
	for _, f := range fields {
		if f.TableOID == 0 || done[f.TableOID] {
			continue
		}
		done[f.TableOID] = true
		rr := conn.ExecParams(ctx,
			`SELECT attnum FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attnotnull`,
			[][]byte{[]byte(strconv.FormatUint(uint64(f.TableOID), 10))},
			[]uint32{oidOID}, nil, nil)
		for rr.NextRow() {
			n, _ := strconv.ParseUint(string(rr.Values()[0]), 10, 16)
			notNull[[2]uint32{f.TableOID, uint32(n)}] = true
		}
		if _, err := rr.Close(); err != nil {
			return fmt.Errorf("%s: read NOT NULL constraints: %w", p.what(), err)
		}
	}
	for i, f := range fields {
		if notNull[[2]uint32{f.TableOID, uint32(f.TableAttributeNumber)}] {
			cols[i].Nullable = false
		}
	}
	return nil
}

// pgType maps a PostgreSQL type to a column type; types without a match
// are read as their text.
func pgType(oid uint32) typespb.Type {
	switch oid {
	case oidInt2, oidInt4, oidInt8:
		return typespb.Type_Int
	case oidFloat4, oidFloat8:
		return typespb.Type_Float
	case oidNumeric:
		return typespb.Type_Decimal
	case oidBool:
		return typespb.Type_Boolean
	case oidTimestamp, oidTimestampTZ:
		return typespb.Type_Timestamp
	case oidDate:
		return typespb.Type_Date
	case oidJSON, oidJSONB:
		return typespb.Type_Json
	}
	return typespb.Type_String
}

// rows reads the query through a cursor in a read-only transaction, so that
// memory stays bounded and the query cannot change data. Values come as
// text in UTC and ISO formats, which fromText reads.
func (p *postgres) rows(ctx context.Context, cols []Column, yield func([]any) error) error {
	for _, c := range cols {
		if !supported(c.Type) {
			return fmt.Errorf("column %s: type %s is not supported", c.Name, c.Type)
		}
	}
	conn, err := p.connect(ctx)
	if err != nil {
		return err
	}
	defer closeQuietly(conn)

	setup := "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " +
		"SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; " +
		"SET LOCAL extra_float_digits = 1"
	if _, err := conn.Exec(ctx, setup).ReadAll(); err != nil {
		return fmt.Errorf("%s: %w", p.what(), err)
	}
	// The extended protocol runs exactly one statement: a query cannot
	// smuggle a second one in.
	declare := "DECLARE gantry_rows NO SCROLL CURSOR FOR " + p.query
	if _, err := conn.ExecParams(ctx, declare, nil, nil, nil, nil).Close(); err != nil {
		return fmt.Errorf("%s: %w", p.what(), err)
	}

	r := &pgRowReader{p: p, cols: cols, row: make([]any, len(cols))}
	fetch := "FETCH FORWARD " + strconv.Itoa(fetchRows) + " FROM gantry_rows"
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rr := conn.ExecParams(ctx, fetch, nil, nil, nil, nil)
		got, err := r.batch(rr, yield)
		if _, cerr := rr.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%s: %w", p.what(), cerr)
		}
		if err != nil {
			return err
		}
		if got < fetchRows {
			break
		}
	}
	_, err = conn.Exec(ctx, "COMMIT").ReadAll()
	return err
}

// pgRowReader turns fetched rows into rows of cols.
type pgRowReader struct {
	p    *postgres
	cols []Column
	row  []any
	at   []int
	oids []uint32
	n    int // rows so far
}

// batch yields the rows of one FETCH and returns how many there were.
func (r *pgRowReader) batch(rr *pgconn.ResultReader, yield func([]any) error) (int, error) {
	if fields := rr.FieldDescriptions(); r.at == nil && fields != nil {
		if err := r.plan(fields); err != nil {
			return 0, err
		}
	}
	got := 0
	for rr.NextRow() {
		got++
		r.n++
		values := rr.Values()
		for i, c := range r.cols {
			v, err := r.value(values[r.at[i]], r.oids[i], c)
			if err != nil {
				return got, fmt.Errorf("%s: row %d: column %s: %w", r.p.what(), r.n, c.Name, err)
			}
			r.row[i] = v
		}
		if err := yield(r.row); err != nil {
			return got, err
		}
	}
	return got, nil
}

func (r *pgRowReader) plan(fields []pgconn.FieldDescription) error {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	at, err := plan(r.p.what(), names, r.cols)
	if err != nil {
		return err
	}
	r.oids = make([]uint32, len(r.cols))
	for i := range r.cols {
		r.oids[i] = fields[at[i]].DataTypeOID
	}
	r.at = at
	return nil
}

func (r *pgRowReader) value(b []byte, oid uint32, c Column) (any, error) {
	if b == nil {
		if !c.Nullable {
			return nil, errMissing
		}
		return nil, nil
	}
	if oid == oidBool {
		if c.Type == typespb.Type_Boolean {
			return len(b) > 0 && b[0] == 't', nil
		}
		b = []byte(strconv.FormatBool(len(b) > 0 && b[0] == 't'))
	}
	return fromText(string(b), c.Type)
}
