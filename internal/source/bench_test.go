package source

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchRows is the size of the trips-like file the benchmarks read.
const benchRows = 1_000_000

// writeTripsCSV writes a file shaped like the trips sample: ten columns of
// ids, times, zones, counts (some NULL), amounts and a payment label.
func writeTripsCSV(b *testing.B, path string, rows int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "trip_id,pickup_at,dropoff_at,pickup_location_id,dropoff_location_id,"+
		"passenger_count,trip_distance,fare_amount,tip_amount,payment_type")
	payments := []string{"Credit card", "Cash", "No charge", "Dispute"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	x := uint32(12345)
	for i := range rows {
		// A small xorshift keeps the file the same from run to run.
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		pickup := start.Add(time.Duration(i) * 7 * time.Second)
		dropoff := pickup.Add(time.Duration(x%3600) * time.Second)
		passengers := fmt.Sprint(x%6 + 1)
		if x%17 == 0 {
			passengers = ""
		}
		tip := fmt.Sprintf("%d.%02d", x%20, x%100)
		if x%13 == 0 {
			tip = ""
		}
		fmt.Fprintf(w, "%d,%s,%s,%d,%d,%s,%d.%02d,%d.%02d,%s,%s\n",
			i+1, pickup.Format(time.DateTime), dropoff.Format(time.DateTime),
			x%265+1, (x>>8)%265+1, passengers, x%30, x%100, x%90+3, (x>>4)%100,
			tip, payments[x%4])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}

var tripColumns = []Column{
	{Name: "trip_id", Type: tUInt},
	{Name: "pickup_at", Type: tTS},
	{Name: "dropoff_at", Type: tTS},
	{Name: "pickup_location_id", Type: tUInt},
	{Name: "dropoff_location_id", Type: tUInt},
	{Name: "passenger_count", Type: tUInt, Nullable: true},
	{Name: "trip_distance", Type: tFloat},
	{Name: "fare_amount", Type: tFloat},
	{Name: "tip_amount", Type: tFloat, Nullable: true},
	{Name: "payment_type", Type: tStr},
}

func BenchmarkCSVRows(b *testing.B) {
	root := b.TempDir()
	writeTripsCSV(b, filepath.Join(root, "trips.csv"), benchRows)
	s, err := Open(Spec{Path: "trips.csv"}, root)
	if err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(filepath.Join(root, "trips.csv"))
	b.SetBytes(info.Size())
	b.ReportAllocs()

	n := 0
	for b.Loop() {
		err := s.Rows(context.Background(), tripColumns, func(row []any) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCSVSchema(b *testing.B) {
	root := b.TempDir()
	// 500,000 rows stay under the 64 MiB that Schema reads whole.
	writeTripsCSV(b, filepath.Join(root, "trips.csv"), benchRows/2)
	s, err := Open(Spec{Path: "trips.csv"}, root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cols, err := s.Schema(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(cols) != len(tripColumns) {
			b.Fatalf("got %d columns", len(cols))
		}
	}
}
