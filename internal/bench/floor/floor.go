// Package floor is the baseline for gantry's query path: a minimal net/http
// handler that runs the SQL gantry runs for the benchmarks' filtered query
// on gantry's store and writes the rows as JSON, with no query parsing, no
// auth and no protocol framing. The Go benchmarks serve it in-process;
// internal/bench/cmd/floor serves it for the load scripts.
package floor

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"

	_ "modernc.org/sqlite" // the driver gantry's store uses
)

// Query is the statement gantry runs for the filtered query
// {"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20};
// TestFloorRunsGantrysSQL keeps the two the same.
const Query = `SELECT rowid, "trip_id", "pickup_at", "dropoff_at", "pickup_location_id", ` +
	`"dropoff_location_id", "passenger_count", "trip_distance", "fare_amount", "tip_amount", ` +
	`"payment_type" FROM "trips_cache" WHERE ("pickup_location_id" = ? AND "fare_amount" > ?) ` +
	`ORDER BY rowid LIMIT ? OFFSET ?`

// Args are Query's arguments.
var Args = []any{int64(132), 30.0, 20, 0}

// Open opens gantry's store at path read-only and returns the handler, and
// a function that closes the store.
func Open(path string) (http.Handler, func() error, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	stmt, err := db.Prepare(Query)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("prepare the floor's query: %w", err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := stmt.QueryContext(r.Context(), Args...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			vals := make([]any, 11)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			out = append(out, vals)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	return h, db.Close, nil
}
