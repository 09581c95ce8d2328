package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// metaDDL creates the table that records what each endpoint table holds.
const metaDDL = `CREATE TABLE IF NOT EXISTS gantry_tables (
	name TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	rows INTEGER NOT NULL,
	loaded_at TEXT NOT NULL
)`

// insertBatch is how many rows one INSERT statement carries; SQLite allows
// 32,766 bound values per statement.
const insertBatch = 256

// loadCacheKiB is the page cache a load may use while it builds a table
// and its indexes; the connection goes back to the default afterwards.
const loadCacheKiB = 256 << 10

// Loaded reports the fingerprint the endpoint's table was last loaded with,
// or "" when it has never been loaded. The fingerprint covers the table's
// layout and the source description given to Load.
func (s *SQLite) Loaded(ctx context.Context, ep *schema.Endpoint) (string, error) {
	var fp string
	err := s.db.QueryRowContext(ctx,
		`SELECT fingerprint FROM gantry_tables WHERE name = ?`, ep.Table).Scan(&fp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read load state of %s: %w", ep.Table, err)
	}
	return fp, nil
}

// Fingerprint returns the fingerprint Load records for ep and source.
func Fingerprint(ep *schema.Endpoint, source string) string {
	h := sha256.New()
	for _, st := range tableDDL(ep, ep.Table) {
		h.Write([]byte(st))
	}
	h.Write([]byte(source))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Load replaces the endpoint's table with the rows fill yields, atomically:
// readers see the old rows until the new ones are committed, and a failed
// load leaves the old rows. Rows hold canonical values in ep.Fields order.
// progress, if not nil, is called after every batch with the rows so far.
func (s *SQLite) Load(ctx context.Context, ep *schema.Endpoint, source string,
	fill func(yield func(row []any) error) error, progress func(rows int)) error {
	// A load owns one connection, so that its larger page cache can be
	// given back before the connection serves reads again.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", loadCacheKiB)); err == nil {
		defer conn.ExecContext(context.Background(), "PRAGMA cache_size = -2000")
	}
	// Index builds sort every row; let them sort in memory, on both cores.
	conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY")
	conn.ExecContext(ctx, "PRAGMA threads = 2")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	defer tx.Rollback()

	staging := ep.Table + "__loading"
	if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+quote(staging)); err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	ddl := tableDDL(ep, staging)
	if _, err := tx.ExecContext(ctx, ddl[0]); err != nil {
		return fmt.Errorf("load %s: create table: %w", ep.Table, err)
	}
	n, err := insertAll(ctx, tx, ep, staging, fill, progress)
	if err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	// Indexes are built after the rows, which is several times faster than
	// maintaining them row by row.
	if err := swap(ctx, tx, ep, staging, ddl[1:]); err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO gantry_tables VALUES (?, ?, ?, ?)`,
		ep.Table, Fingerprint(ep, source), n, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("load %s: %w", ep.Table, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load %s: commit: %w", ep.Table, err)
	}
	s.resetStatements()
	return nil
}

func insertAll(ctx context.Context, tx *sql.Tx, ep *schema.Endpoint, table string,
	fill func(yield func(row []any) error) error, progress func(int)) (int, error) {
	cols := len(ep.Fields)
	batch := max(1, min(insertBatch, 32000/cols))
	full, err := tx.PrepareContext(ctx, insertSQL(table, cols, batch))
	if err != nil {
		return 0, err
	}
	defer full.Close()

	args := make([]any, 0, cols*batch)
	n := 0
	flush := func(st *sql.Stmt) error {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert rows %d-%d: %w", n-len(args)/cols+1, n, err)
		}
		args = args[:0]
		if progress != nil {
			progress(n)
		}
		return nil
	}
	err = fill(func(row []any) error {
		if len(row) != cols {
			return fmt.Errorf("row %d has %d values, want %d", n+1, len(row), cols)
		}
		for i, v := range row {
			sv, err := storable(ep.Fields[i], v)
			if err != nil {
				return fmt.Errorf("row %d: %w", n+1, err)
			}
			args = append(args, sv)
		}
		n++
		if len(args) == cap(args) {
			return flush(full)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(args) > 0 {
		rest, err := tx.PrepareContext(ctx, insertSQL(table, cols, len(args)/cols))
		if err != nil {
			return 0, err
		}
		defer rest.Close()
		if err := flush(rest); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func swap(ctx context.Context, tx *sql.Tx, ep *schema.Endpoint, staging string, indexes []string) error {
	if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+quote(ep.Table)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "ALTER TABLE "+quote(staging)+" RENAME TO "+quote(ep.Table)); err != nil {
		return err
	}
	for i, ix := range indexes {
		if _, err := tx.ExecContext(ctx, ix); err != nil {
			if i == 0 && len(ep.PrimaryKey) > 0 {
				if dup := firstDuplicate(ctx, tx, ep); dup != nil {
					return dup
				}
			}
			return fmt.Errorf("create index: %w", err)
		}
	}
	return nil
}

// firstDuplicate names the duplicated primary key that appears first, with
// the two data rows (1-based, in load order) that hold it.
func firstDuplicate(ctx context.Context, tx *sql.Tx, ep *schema.Endpoint) error {
	cols := make([]string, len(ep.PrimaryKey))
	names := make([]string, len(ep.PrimaryKey))
	for i, k := range ep.PrimaryKey {
		cols[i] = quote(ep.Fields[k].Name)
		names[i] = ep.Fields[k].Name
	}
	key := strings.Join(cols, ", ")
	q := "SELECT min(rowid) AS first, " + key + " FROM " + quote(ep.Table) +
		" GROUP BY " + key + " HAVING count(*) > 1 ORDER BY first LIMIT 1"
	vals := make([]any, len(cols)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := tx.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		return nil
	}
	var second int64
	where := make([]string, len(cols))
	for i, c := range cols {
		where[i] = c + " IS ?"
	}
	err := tx.QueryRowContext(ctx, "SELECT rowid FROM "+quote(ep.Table)+" WHERE "+
		strings.Join(where, " AND ")+" AND rowid > ? ORDER BY rowid LIMIT 1",
		append(vals[1:], vals[0])...).Scan(&second)
	if err != nil {
		return nil
	}
	return fmt.Errorf("duplicate primary key %s = %v: data rows %d and %d",
		strings.Join(names, ", "), fmt.Sprint(vals[1:]...), vals[0], second)
}

func (s *SQLite) resetStatements() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.stmts {
		st.Close()
		delete(s.stmts, k)
	}
}

func insertSQL(table string, cols, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return "INSERT INTO " + quote(table) + " VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// tableDDL returns the CREATE TABLE statement for table, then its indexes,
// which are named after the endpoint table so they survive the rename.
func tableDDL(ep *schema.Endpoint, table string) []string {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + quote(table) + " (")
	for i, f := range ep.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(f.Name) + " " + sqlType(f.Type))
		if !f.Nullable {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(")")
	out := []string{b.String()}
	if len(ep.PrimaryKey) > 0 {
		out = append(out, indexDDL(ep, "pk", ep.PrimaryKey, true))
	}
	for i, ix := range ep.Indexes {
		out = append(out, indexDDL(ep, fmt.Sprint("ix", i), ix, false))
	}
	return out
}

func indexDDL(ep *schema.Endpoint, suffix string, cols []int, unique bool) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quote(ep.Fields[c].Name)
	}
	kind := "INDEX"
	if unique {
		kind = "UNIQUE INDEX"
	}
	return "CREATE " + kind + " " + quote(ep.Table+"__"+suffix) + " ON " + quote(ep.Table) +
		" (" + strings.Join(names, ", ") + ")"
}

func sqlType(t typespb.Type) string {
	switch t {
	case typespb.Type_UInt, typespb.Type_Int, typespb.Type_Boolean, typespb.Type_Timestamp:
		return "INTEGER"
	case typespb.Type_Float:
		return "REAL"
	}
	return "TEXT"
}

// storable checks a canonical value against its field and returns what to
// bind for it.
func storable(f schema.Field, v any) (any, error) {
	if v == nil {
		if !f.Nullable {
			return nil, fmt.Errorf("field %s: null in a non-nullable field", f.Name)
		}
		return nil, nil
	}
	ok := false
	switch f.Type {
	case typespb.Type_UInt:
		x, isInt := v.(int64)
		ok = isInt && x >= 0
	case typespb.Type_Int, typespb.Type_Timestamp:
		_, ok = v.(int64)
	case typespb.Type_Float:
		_, ok = v.(float64)
	case typespb.Type_Boolean:
		_, ok = v.(bool)
	case typespb.Type_String, typespb.Type_Text, typespb.Type_Date, typespb.Type_Decimal,
		typespb.Type_Json:
		_, ok = v.(string)
	}
	if !ok {
		return nil, fmt.Errorf("field %s: %T value %v does not fit type %s", f.Name, v, v, f.Type)
	}
	return v, nil
}
