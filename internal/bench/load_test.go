package bench

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	"github.com/gantry-dev/gantry/internal/schema"
	"github.com/gantry-dev/gantry/internal/source"
	"github.com/gantry-dev/gantry/internal/store"
)

// loadRows is the size of the CSV the load benchmark imports.
const loadRows = 1_000_000

// tripsCSV writes a CSV of the trips schema with n rows.
func tripsCSV(b *testing.B, dir string, n int) string {
	path := filepath.Join(dir, "trips.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "trip_id,pickup_at,dropoff_at,pickup_location_id,dropoff_location_id,"+
		"passenger_count,trip_distance,fare_amount,tip_amount,payment_type")
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	payments := []string{"Credit card", "Cash", "No charge", "Dispute"}
	for i := 1; i <= n; i++ {
		pick := start.Add(time.Duration(i) * 7 * time.Second)
		drop := pick.Add(time.Duration(120+r.IntN(3000)) * time.Second)
		fmt.Fprintf(w, "%d,%s,%s,%d,%d,%d,%.2f,%.2f,%.2f,%s\n", i,
			pick.Format(time.RFC3339), drop.Format(time.RFC3339), 1+r.IntN(263), 1+r.IntN(263),
			1+r.IntN(6), r.Float64()*20, 3+r.Float64()*80, r.Float64()*15, payments[r.IntN(4)])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkLoadCSV loads a 1,000,000-row trips CSV with gantry's load path
// and with SQLite's own `sqlite3 .import`, each with and without the
// endpoint's primary key and indexes, side by side. Run with -benchtime 1x
// -count N.
func BenchmarkLoadCSV(b *testing.B) {
	dir := b.TempDir()
	csv := tripsCSV(b, dir, loadRows)
	ep, err := schema.FromFile(trips_cache.File_dozer_generated_trips_cache_trips_cache_proto)
	if err != nil {
		b.Fatal(err)
	}
	cols := make([]source.Column, len(ep.Fields))
	for i, f := range ep.Fields {
		cols[i] = source.Column{Name: f.Name, Type: f.Type, Nullable: f.Nullable}
	}

	// Without indexes, gantry's load does what .import does: parse, check
	// types, insert. With them, it also builds the primary key and the
	// endpoint's three indexes, as sqlite3-import-indexed does.
	bare := *ep
	bare.PrimaryKey, bare.Indexes = nil, nil
	for _, v := range []struct {
		name string
		ep   *schema.Endpoint
	}{{"gantry-indexed", ep}, {"gantry", &bare}} {
		b.Run(v.name, func(b *testing.B) { gantryLoad(b, dir, v.ep, cols) })
	}
	indexes := []string{
		`CREATE UNIQUE INDEX trips_pk ON trips_cache (trip_id);`,
		`CREATE INDEX trips_ix0 ON trips_cache (pickup_at);`,
		`CREATE INDEX trips_ix1 ON trips_cache (pickup_location_id);`,
		`CREATE INDEX trips_ix2 ON trips_cache (fare_amount);`,
	}
	for _, variant := range []struct {
		name  string
		after []string
	}{{"sqlite3-import", nil}, {"sqlite3-import-indexed", indexes}} {
		b.Run(variant.name, func(b *testing.B) {
			importCSV(b, csv, variant.after)
		})
	}
}

// importCSV runs SQLite's own `.import` into a table with the trips
// columns, then the statements in after.
func importCSV(b *testing.B, csv string, after []string) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 is not installed: apt-get install sqlite3")
	}
	ddl := `CREATE TABLE trips_cache ("trip_id" INTEGER NOT NULL, "pickup_at" TEXT, "dropoff_at" TEXT,
			"pickup_location_id" INTEGER NOT NULL, "dropoff_location_id" INTEGER NOT NULL,
			"passenger_count" INTEGER, "trip_distance" REAL NOT NULL, "fare_amount" REAL NOT NULL,
			"tip_amount" REAL, "payment_type" TEXT NOT NULL);`
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "import.db")
		args := append([]string{db, "PRAGMA journal_mode=WAL;", ddl, ".mode csv",
			".import --skip 1 " + csv + " trips_cache"}, after...)
		cmd := exec.Command(sqlite, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, out)
		}
	}
	b.ReportMetric(float64(loadRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// gantryLoad loads the CSV with gantry's load path: the CSV source, typed
// conversion, batched inserts, then ep's primary key and indexes.
func gantryLoad(b *testing.B, dir string, ep *schema.Endpoint, cols []source.Column) {
	for i := 0; i < b.N; i++ {
		st, err := store.Open(filepath.Join(b.TempDir(), "store.db"))
		if err != nil {
			b.Fatal(err)
		}
		src, err := source.Open(source.Spec{Path: "trips.csv"}, dir)
		if err != nil {
			b.Fatal(err)
		}
		err = st.Load(context.Background(), ep, "bench",
			func(yield func([]any) error) error { return src.Rows(context.Background(), cols, yield) }, nil)
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(float64(loadRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
