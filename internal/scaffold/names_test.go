package scaffold

import (
	"errors"
	"testing"
)

func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, service, record string
	}{
		{name: "trips_cache", service: "TripsCaches", record: "TripsCache"},
		{name: "stocks_meta", service: "StocksMetas", record: "StocksMeta"},
		{name: "pickup", service: "Pickups", record: "Pickup"},
		{name: "trip", service: "Trips", record: "Trip"},
		{name: "city", service: "Cities", record: "City"},
		{name: "bus", service: "Buses", record: "Bus"},
		{name: "day", service: "Days", record: "Day"},
		{name: "box", service: "Boxes", record: "Box"},
		{name: "branch", service: "Branches", record: "Branch"},
		{name: "address", service: "Addresses", record: "Address"},
		{name: "analysis", service: "Analyses", record: "Analysis"},
		{name: "sales_person", service: "SalesPeople", record: "SalesPerson"},
		{name: "sales_2024", service: "Sales2024s", record: "Sales2024"},
		{name: "x_1a", service: "X1as", record: "X1a"},
		// An already plural or uncountable name would name the service and
		// the record alike; the record gives way.
		{name: "films", service: "Films", record: "FilmsRecord"},
		{name: "user_data", service: "UserData", record: "UserDataRecord"},
		{name: "news", service: "News", record: "NewsRecord"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pkg, service, record := Names(tc.name)
			wantPkg := "dozer.generated." + tc.name
			if pkg != wantPkg || service != tc.service || record != tc.record {
				t.Fatalf("Names(%q) = %q, %q, %q; want %q, %q, %q",
					tc.name, pkg, service, record, wantPkg, tc.service, tc.record)
			}
		})
	}
}

func TestFilePath(t *testing.T) {
	t.Parallel()
	got := FilePath("stocks_meta")
	if want := "proto/dozer/generated/stocks_meta/stocks_meta.proto"; got != want {
		t.Fatalf("FilePath = %q, want %q", got, want)
	}
}

func TestCheckName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ok   bool
	}{
		{name: "trips", ok: true},
		{name: "sales_2024", ok: true},
		{name: "a1b", ok: true},
		{name: "x_1a", ok: true},
		{name: ""},
		{name: "Trips"},
		{name: "tripsCache"},
		{name: "trips-cache"},
		{name: "trips cache"},
		{name: "trips.cache"},
		{name: "_trips"},
		{name: "trips_"},
		{name: "trips__cache"},
		{name: "2024_sales"},
		{name: "été"},
		{name: "../etc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckName(tc.name)
			if tc.ok && err != nil {
				t.Fatalf("CheckName(%q) = %v, want nil", tc.name, err)
			}
			if !tc.ok && !errors.Is(err, ErrInvalid) {
				t.Fatalf("CheckName(%q) = %v, want ErrInvalid", tc.name, err)
			}
		})
	}
}
