package sample

import (
	"slices"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// tripCount is the number of rows of trips_cache.
const tripCount = 120_000

// Trips start in the first quarter of 2024: 91 days from 2024-01-01 UTC.
const (
	tripsStart = 1_704_067_200
	tripsDays  = 91
)

// Columns of trips_cache, in the order of tripColumns.
const (
	tripID = iota
	tripPickupAt
	tripDropoffAt
	tripPickupZone
	tripDropoffZone
	tripPassengers
	tripDistance
	tripFare
	tripTip
	tripPayment
)

var tripColumns = []column{
	{name: "trip_id", typ: typespb.Type_UInt},
	{name: "pickup_at", typ: typespb.Type_Timestamp},
	{name: "dropoff_at", typ: typespb.Type_Timestamp},
	{name: "pickup_location_id", typ: typespb.Type_UInt},
	{name: "dropoff_location_id", typ: typespb.Type_UInt},
	{name: "passenger_count", typ: typespb.Type_UInt, nullable: true},
	{name: "trip_distance", typ: typespb.Type_Float},
	{name: "fare_amount", typ: typespb.Type_Float},
	{name: "tip_amount", typ: typespb.Type_Float, nullable: true},
	{name: "payment_type", typ: typespb.Type_String},
}

const (
	creditCard = iota
	cash
	noCharge
	dispute
)

// Values that many rows share are boxed once.
var (
	paymentValues = [...]any{"Credit card", "Cash", "No charge", "Dispute"}
	zoneIDValues  = boxedZoneIDs()
)

func boxedZoneIDs() []any {
	ids := make([]any, len(zoneList)+1)
	for i := range ids {
		ids[i] = int64(i)
	}
	return ids
}

// trips holds trips_cache column by column. Amounts are integers (cents,
// hundredths of a mile, seconds) until they are emitted.
type trips struct {
	pickupAt, dropoffAt     []int64 // seconds since the epoch
	pickupZone, dropoffZone []int16
	passengers              []int8  // 0 is NULL
	distance                []int32 // hundredths of a mile
	fare                    []int32 // cents
	tip                     []int32 // cents; -1 is NULL
	payment                 []uint8
}

func (t *trips) fill(i int, cols []int, dst []any) {
	for j, c := range cols {
		switch c {
		case tripID:
			dst[j] = int64(i + 1)
		case tripPickupAt:
			dst[j] = t.pickupAt[i] * 1e9
		case tripDropoffAt:
			dst[j] = t.dropoffAt[i] * 1e9
		case tripPickupZone:
			dst[j] = zoneIDValues[t.pickupZone[i]]
		case tripDropoffZone:
			dst[j] = zoneIDValues[t.dropoffZone[i]]
		case tripPassengers:
			dst[j] = nil
			if p := t.passengers[i]; p > 0 {
				dst[j] = int64(p)
			}
		case tripDistance:
			dst[j] = float64(t.distance[i]) / 100
		case tripFare:
			dst[j] = float64(t.fare[i]) / 100
		case tripTip:
			dst[j] = nil
			if tip := t.tip[i]; tip >= 0 {
				dst[j] = float64(tip) / 100
			}
		case tripPayment:
			dst[j] = paymentValues[t.payment[i]]
		}
	}
}

// hourWeights shapes the day: quiet before dawn, busiest in the evening.
// The profile is New York's, applied to UTC clock hours.
var hourWeights = []int{
	28, 18, 12, 8, 6, 8, 18, 32, 40, 42, 44, 46,
	48, 50, 54, 56, 56, 62, 64, 58, 52, 52, 50, 40,
}

var (
	passengerCounts = []choice[int8]{
		{72, 1}, {15, 2}, {4, 3}, {2, 4}, {4, 5}, {3, 6},
	}
	paymentTypes = []choice[uint8]{
		{76, creditCard}, {20, cash}, {2, noCharge}, {2, dispute},
	}
	tipPercents = []choice[int32]{
		{10, 15}, {25, 18}, {35, 20}, {15, 22}, {12, 25}, {3, 30},
	}
)

// jfkFlatFare is the fixed fare, in cents, between JFK and Manhattan.
const jfkFlatFare = 7000

func genTrips() *trips {
	r := newRNG(2)
	t := &trips{
		pickupAt:    genPickupTimes(r),
		dropoffAt:   make([]int64, tripCount),
		pickupZone:  make([]int16, tripCount),
		dropoffZone: make([]int16, tripCount),
		passengers:  make([]int8, tripCount),
		distance:    make([]int32, tripCount),
		fare:        make([]int32, tripCount),
		tip:         make([]int32, tripCount),
		payment:     make([]uint8, tripCount),
	}
	pickups, dropoffs := zoneWeights()
	for i := range tripCount {
		from := &zoneList[pickups.pick(r)]
		to := nearest(from, &zoneList[dropoffs.pick(r)], &zoneList[dropoffs.pick(r)],
			&zoneList[dropoffs.pick(r)])
		dist := rideDistance(r, from, to)
		secs := rideSeconds(r, dist, t.pickupAt[i])

		t.pickupZone[i] = int16(from.id)
		t.dropoffZone[i] = int16(to.id)
		t.distance[i] = int32(dist)
		t.dropoffAt[i] = t.pickupAt[i] + int64(secs)
		if !r.chance(3) {
			t.passengers[i] = pickChoice(r, passengerCounts)
		}
		t.payment[i] = pickChoice(r, paymentTypes)
		t.fare[i] = int32(meterFare(dist, secs))
		if isJFKFlat(from, to) {
			t.fare[i] = jfkFlatFare
		}
		t.tip[i] = tip(r, t.payment[i], t.fare[i])
	}
	return t
}

// genPickupTimes returns sorted pickup times, so that trip ids follow time.
func genPickupTimes(r rng) []int64 {
	days := make([]int, tripsDays)
	for d := range days {
		// 2024-01-01 is a Monday; weekends are quieter, spring busier.
		w := 100
		switch d % 7 {
		case 5:
			w = 95
		case 6:
			w = 80
		}
		days[d] = w + d/10
	}
	dayW, hourW := newWeights(days), newWeights(hourWeights)

	at := make([]int64, tripCount)
	for i := range at {
		secs := dayW.pick(r)*86400 + hourW.pick(r)*3600 + r.intn(3600)
		at[i] = tripsStart + int64(secs)
	}
	slices.Sort(at)
	return at
}

func zoneWeights() (pickups, dropoffs weights) {
	p := make([]int, len(zoneList))
	d := make([]int, len(zoneList))
	for i, z := range zoneList {
		p[i], d[i] = z.pickup, z.dropoff
	}
	return newWeights(p), newWeights(d)
}

// nearest returns whichever destination is closest to from. Drawing a few
// destinations and keeping the nearest makes short rides common.
func nearest(from *zone, tos ...*zone) *zone {
	best := tos[0]
	for _, to := range tos[1:] {
		if gap(from, to) < gap(from, best) {
			best = to
		}
	}
	return best
}

// gap is the street-grid distance between two zone centres.
func gap(a, b *zone) int {
	return abs(a.x-b.x) + abs(a.y-b.y)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// rideDistance returns a ride's length in hundredths of a mile, between 0.3
// and 30 miles.
func rideDistance(r rng, from, to *zone) int {
	if from == to {
		return r.between(30, 180)
	}
	d := gap(from, to)*r.between(85, 115)/100 + r.between(10, 60)
	return min(max(d, 30), 3000)
}

// rideSeconds returns how long a ride of dist hundredths of a mile takes,
// starting at pickup, between 2 and 90 minutes.
func rideSeconds(r rng, dist int, pickup int64) int {
	var mph int
	switch {
	case dist < 200:
		mph = r.between(7, 12)
	case dist < 500:
		mph = r.between(9, 15)
	case dist < 1000:
		mph = r.between(12, 20)
	default:
		mph = r.between(16, 28)
	}

	secs := int(pickup - tripsStart)
	weekday := secs / 86400 % 7
	hour := secs % 86400 / 3600
	switch {
	case weekday < 5 && (hour >= 7 && hour < 10 || hour >= 16 && hour < 19):
		mph = mph * 8 / 10
	case hour < 6:
		mph = mph * 13 / 10
	}

	// Hundredths of a mile at mph take 36/mph seconds each.
	s := dist*36/mph + r.between(60, 180)
	return min(max(s, 120), 5400)
}

// meterFare is the metered fare in cents: a flag drop, a rate per mile and
// a rate per minute.
func meterFare(dist, secs int) int {
	return 300 + dist*350/100 + secs*30/60
}

func isJFKFlat(from, to *zone) bool {
	return from.name == jfk && to.borough == manhattan ||
		to.name == jfk && from.borough == manhattan
}

// tip returns a tip in cents, or -1 for a cash ride whose tip went
// unrecorded.
func tip(r rng, payment uint8, fare int32) int32 {
	switch payment {
	case creditCard:
		if r.chance(12) {
			return 0
		}
		return (fare*pickChoice(r, tipPercents) + 50) / 100
	case cash:
		if r.chance(65) {
			return -1
		}
	}
	return 0
}
