package sample

import (
	"math"
	"slices"
	"testing"
	"time"
)

var (
	quarterStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	quarterEnd   = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC).UnixNano()
)

// trip is one row of trips_cache, read back from Rows.
type trip struct {
	id, pickupAt, dropoffAt int64
	from, to                int64
	passengers              any
	distance, fare          float64
	tip                     any
	payment                 string
}

func readTrips(tb testing.TB) []trip {
	tb.Helper()
	ep, rows := collect(tb, "trips_cache")
	col := func(name string) int { return field(tb, ep, name) }
	id, pickupAt, dropoffAt := col("trip_id"), col("pickup_at"), col("dropoff_at")
	from, to := col("pickup_location_id"), col("dropoff_location_id")
	passengers, distance := col("passenger_count"), col("trip_distance")
	fare, tip, payment := col("fare_amount"), col("tip_amount"), col("payment_type")

	out := make([]trip, len(rows))
	for i, r := range rows {
		out[i] = trip{
			id:         r[id].(int64),
			pickupAt:   r[pickupAt].(int64),
			dropoffAt:  r[dropoffAt].(int64),
			from:       r[from].(int64),
			to:         r[to].(int64),
			passengers: r[passengers],
			distance:   r[distance].(float64),
			fare:       r[fare].(float64),
			tip:        r[tip],
			payment:    r[payment].(string),
		}
	}
	return out
}

// isCents reports whether v is an amount rounded to two decimals.
func isCents(v float64) bool {
	return math.Round(v*100)/100 == v
}

func TestTripRowsAreValid(t *testing.T) {
	t.Parallel()
	trips := readTrips(t)
	if len(trips) != 120_000 {
		t.Fatalf("%d trips, want 120000", len(trips))
	}
	payments := map[string]bool{
		"Credit card": true, "Cash": true, "No charge": true, "Dispute": true,
	}
	for i, tr := range trips {
		minutes := float64(tr.dropoffAt-tr.pickupAt) / float64(time.Minute)
		mph := tr.distance / (minutes / 60)
		var problem string
		switch {
		case tr.id != int64(i+1):
			problem = "trip_id is not its row number"
		case tr.pickupAt < quarterStart || tr.pickupAt >= quarterEnd:
			problem = "pickup_at is outside Jan-Mar 2024"
		case i > 0 && tr.pickupAt < trips[i-1].pickupAt:
			problem = "pickup_at goes back in time"
		case minutes < 2 || minutes > 90:
			problem = "the ride is not 2-90 minutes long"
		case tr.from < 1 || tr.from > 263 || tr.to < 1 || tr.to > 263:
			problem = "a location id is not a zone"
		case tr.passengers != nil && (tr.passengers.(int64) < 1 || tr.passengers.(int64) > 6):
			problem = "passenger_count is not 1-6"
		case tr.distance < 0.3 || tr.distance > 30 || !isCents(tr.distance):
			problem = "trip_distance is not 0.30-30.00 miles"
		case mph > 45:
			problem = "the ride is faster than a taxi goes"
		case tr.fare < 3 || !isCents(tr.fare):
			problem = "fare_amount is not a fare in cents"
		case !payments[tr.payment]:
			problem = "payment_type is unknown"
		case tr.tip == nil && tr.payment != "Cash":
			problem = "tip_amount is nil for a ride not paid in cash"
		case tr.tip != nil && (tr.tip.(float64) < 0 || !isCents(tr.tip.(float64))):
			problem = "tip_amount is not a tip in cents"
		}
		if problem != "" {
			t.Fatalf("trip %+v: %s", tr, problem)
		}
	}
}

func TestTripsLookReal(t *testing.T) {
	t.Parallel()
	trips := readTrips(t)
	n := float64(len(trips))

	var noPassengers, card, noTip float64
	var distances []float64
	perZone := map[int64]float64{}
	var shortMinutes, shortRides, longMinutes, longRides float64
	for _, tr := range trips {
		if tr.passengers == nil {
			noPassengers++
		}
		if tr.payment == "Credit card" {
			card++
		}
		if tr.tip == nil {
			noTip++
		}
		distances = append(distances, tr.distance)
		perZone[tr.from]++
		minutes := float64(tr.dropoffAt-tr.pickupAt) / float64(time.Minute)
		switch {
		case tr.distance < 2:
			shortMinutes += minutes
			shortRides++
		case tr.distance > 10:
			longMinutes += minutes
			longRides++
		}
	}
	slices.Sort(distances)
	median, mean := distances[len(distances)/2], sum(distances)/n
	busiest := slices.Sorted(func(yield func(float64) bool) {
		for _, c := range perZone {
			yield(c)
		}
	})
	top10 := sum(busiest[len(busiest)-10:]) / n
	slowdown := (longMinutes / longRides) / (shortMinutes / shortRides)

	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{name: "share without passenger_count", got: noPassengers / n, lo: 0.02, hi: 0.04},
		{name: "share paid by card", got: card / n, lo: 0.65, hi: 0.85},
		{name: "share without tip_amount", got: noTip / n, lo: 0.05, hi: 0.20},
		{name: "median miles", got: median, lo: 1, hi: 3.5},
		{name: "mean over median miles", got: mean / median, lo: 1.1, hi: 3},
		{name: "share of the 10 busiest zones", got: top10, lo: 0.3, hi: 0.6},
		{name: "minutes of long over short rides", got: slowdown, lo: 2, hi: 10},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.3f, want %.3f-%.3f", c.name, c.got, c.lo, c.hi)
		}
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
