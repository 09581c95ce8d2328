package e2e

import (
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	_ "modernc.org/sqlite"
)

var (
	openSrvOnce sync.Once
	openSrv     *process
	openSrvT    *testing.T
)

// openServer returns a gantry without security, shared by the tests of this
// run. It starts first, so it also generates the sample data.
func openServer(t *testing.T) *process {
	openSrvOnce.Do(func() {
		openSrv = startShared(t, openConfig(t))
	})
	if openSrv == nil {
		t.Fatal("shared server failed to start")
	}
	return openSrv
}

// oracle opens the shared store directly, read-only, to compute what an
// answer must be without going through gantry.
func oracle(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(sharedHome(t), "store.db")
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func oracleInt(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := oracle(t).QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("oracle %q: %v", q, err)
	}
	return n
}

func oracleInts(t *testing.T, q string, args ...any) []int64 {
	t.Helper()
	rows, err := oracle(t).Query(q, args...)
	if err != nil {
		t.Fatalf("oracle %q: %v", q, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}
