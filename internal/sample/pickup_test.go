package sample

import "testing"

func TestPickupsMatchTrips(t *testing.T) {
	t.Parallel()
	counts := map[int64]int64{}
	last := map[int64]int64{}
	for _, tr := range readTrips(t) {
		counts[tr.from]++
		last[tr.from] = max(last[tr.from], tr.pickupAt)
	}

	ep, rows := collect(t, "pickup")
	zoneID, pickups := field(t, ep, "zone_id"), field(t, ep, "pickups")
	lastAt := field(t, ep, "last_pickup_at")
	if len(rows) != 263 {
		t.Fatalf("%d zones, want 263", len(rows))
	}
	var total int64
	empty := 0
	for i, row := range rows {
		id := row[zoneID].(int64)
		if id != int64(i+1) {
			t.Fatalf("row %d has zone_id %d", i, id)
		}
		n := row[pickups].(int64)
		if n != counts[id] {
			t.Errorf("zone %d: pickups = %d, trips_cache has %d", id, n, counts[id])
		}
		total += n

		var want any
		if n > 0 {
			want = last[id]
		} else {
			empty++
		}
		if row[lastAt] != want {
			t.Errorf("zone %d: last_pickup_at = %v, want %v", id, row[lastAt], want)
		}
	}
	if total != 120_000 {
		t.Errorf("pickups add up to %d, want 120000", total)
	}
	if empty == 0 {
		t.Error("every zone has pickups; want some without, as in real data")
	}
}

func TestZonesAreNamed(t *testing.T) {
	t.Parallel()
	ep, rows := collect(t, "pickup")
	borough, zone := field(t, ep, "borough"), field(t, ep, "zone")
	boroughs := map[string]int{}
	names := map[string]bool{}
	for i, row := range rows {
		b, z := row[borough].(string), row[zone].(string)
		boroughs[b]++
		if z == "" || names[z] {
			t.Errorf("row %d: zone name %q is empty or repeated", i, z)
		}
		names[z] = true
	}
	want := map[string]bool{
		"Manhattan": true, "Brooklyn": true, "Queens": true, "Bronx": true,
		"Staten Island": true, "EWR": true,
	}
	for b := range boroughs {
		if !want[b] {
			t.Errorf("unknown borough %q", b)
		}
	}
	if len(boroughs) != len(want) {
		t.Errorf("boroughs = %v, want all six", boroughs)
	}
	if rows[0][zone] != "Newark Airport" || rows[0][borough] != "EWR" {
		t.Errorf("zone 1 = %v, want Newark Airport in EWR", rows[0])
	}
}
