package sample

import (
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// Columns of pickup, in the order of pickupColumns.
const (
	pickupZoneID = iota
	pickupBorough
	pickupZone
	pickupCount
	pickupLast
)

var pickupColumns = []column{
	{name: "zone_id", typ: typespb.Type_UInt},
	{name: "borough", typ: typespb.Type_String},
	{name: "zone", typ: typespb.Type_String},
	{name: "pickups", typ: typespb.Type_UInt},
	{name: "last_pickup_at", typ: typespb.Type_Timestamp, nullable: true},
}

// pickups aggregates trips_cache by pickup zone; row i is zoneList[i].
type pickups struct {
	count []int64
	last  []int64 // seconds since the epoch; meaningless when count is 0
}

func genPickups(t *trips) *pickups {
	p := &pickups{
		count: make([]int64, len(zoneList)),
		last:  make([]int64, len(zoneList)),
	}
	for i, z := range t.pickupZone {
		p.count[z-1]++
		p.last[z-1] = max(p.last[z-1], t.pickupAt[i])
	}
	return p
}

func (p *pickups) fill(i int, cols []int, dst []any) {
	z := &zoneList[i]
	for j, c := range cols {
		switch c {
		case pickupZoneID:
			dst[j] = int64(z.id)
		case pickupBorough:
			dst[j] = z.borough
		case pickupZone:
			dst[j] = z.name
		case pickupCount:
			dst[j] = p.count[i]
		case pickupLast:
			dst[j] = nil
			if p.count[i] > 0 {
				dst[j] = p.last[i] * 1e9
			}
		}
	}
}
