// Command floor is the baseline for gantry's query path: a minimal net/http
// handler that runs one fixed SQL query on gantry's store and writes the
// rows as JSON, with no query parsing, no auth and no protocol framing.
// internal/bench/load.sh measures gantry against it.
package main

import (
	"database/sql"
	"encoding/json"
	"flag"
	"log"
	"net/http"

	_ "modernc.org/sqlite"
)

// query is the SQL gantry runs for the benchmark's filtered query.
const query = `SELECT rowid, "trip_id", "pickup_at", "dropoff_at", "pickup_location_id",
	"dropoff_location_id", "passenger_count", "trip_distance", "fare_amount", "tip_amount",
	"payment_type" FROM "trips_cache" WHERE ("pickup_location_id" = ? AND "fare_amount" > ?)
	ORDER BY rowid LIMIT ? OFFSET ?`

func main() {
	store := flag.String("store", ".gantry/store.db", "gantry's SQLite store")
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	flag.Parse()

	db, err := sql.Open("sqlite", "file:"+*store+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	stmt, err := db.Prepare(query)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rows, err := stmt.QueryContext(r.Context(), 132, 30, 20, 0)
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
	log.Printf("floor listening on %s", *addr)
	// Both HTTP/1.1 and prior-knowledge HTTP/2, as gantry's ports serve.
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: *addr, Protocols: &protocols}
	log.Fatal(srv.ListenAndServe())
}
