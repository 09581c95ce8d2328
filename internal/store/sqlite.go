package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// maxCachedStatements bounds the prepared-statement cache; queries of other
// shapes are prepared per call.
const maxCachedStatements = 512

// SQLite is a Reader over an SQLite database file. It is safe for concurrent
// use.
type SQLite struct {
	db *sql.DB

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// Open opens or creates the database at path.
func Open(path string) (*SQLite, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	query.RegisterSQLFunctions()
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(time.Hour)
	s := &SQLite{db: db, stmts: map[string]*sql.Stmt{}}
	if _, err := db.Exec(metaDDL); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *SQLite) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	return s.db.Close()
}

// Select implements Reader.
func (s *SQLite) Select(ctx context.Context, ep *schema.Endpoint, q *query.Query,
	visit func(id uint64, values []any) error) error {
	rows, err := s.query(ctx, query.Select(ep, q))
	if err != nil {
		return err
	}
	defer rows.Close()

	raw := make([]any, len(ep.Fields)+1)
	dest := make([]any, len(raw))
	for i := range raw {
		dest[i] = &raw[i]
	}
	values := make([]any, len(ep.Fields))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read %s: %w", ep.Table, err)
		}
		id, _ := raw[0].(int64)
		for i, f := range ep.Fields {
			values[i] = canonical(f.Type, raw[i+1])
		}
		if err := visit(uint64(id), values); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", ep.Table, err)
	}
	return nil
}

// Count implements Reader.
func (s *SQLite) Count(ctx context.Context, ep *schema.Endpoint, q *query.Query) (uint64, error) {
	rows, err := s.query(ctx, query.Count(ep, q))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("count %s: %w", ep.Table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("count %s: %w", ep.Table, err)
	}
	return uint64(n), nil
}

func (s *SQLite) query(ctx context.Context, st query.Statement) (*sql.Rows, error) {
	stmt, err := s.prepare(ctx, st.SQL)
	if err != nil {
		return nil, err
	}
	if stmt == nil {
		return s.db.QueryContext(ctx, st.SQL, st.Args...)
	}
	return stmt.QueryContext(ctx, st.Args...)
}

// prepare returns a cached statement, or nil once the cache is full.
func (s *SQLite) prepare(ctx context.Context, text string) (*sql.Stmt, error) {
	s.mu.RLock()
	st, ok := s.stmts[text]
	s.mu.RUnlock()
	if ok {
		return st, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[text]; ok {
		return st, nil
	}
	if s.stmts == nil {
		return nil, errors.New("store is closed")
	}
	if len(s.stmts) >= maxCachedStatements {
		return nil, nil
	}
	st, err := s.db.PrepareContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("prepare query: %w", err)
	}
	s.stmts[text] = st
	return st, nil
}

// canonical converts a value scanned from SQLite to the field's Go value.
func canonical(t typespb.Type, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		if t == typespb.Type_Boolean {
			return x != 0
		}
		if t == typespb.Type_Float {
			return float64(x)
		}
		return v // already boxed: returning x would allocate again
	case []byte:
		return string(x)
	}
	return v
}

func quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}
