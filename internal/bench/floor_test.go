package bench

import (
	"fmt"
	"testing"

	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	"github.com/gantry-dev/gantry/internal/bench/floor"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// TestFloorRunsGantrysSQL checks that the floor handler runs, with the same
// arguments, the statement gantry compiles for the benchmarks' filtered
// query, so that the floor stays a fair baseline as the compiler changes.
func TestFloorRunsGantrysSQL(t *testing.T) {
	ep, err := schema.FromFile(trips_cache.File_dozer_generated_trips_cache_trips_cache_proto)
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Parse([]byte(filteredQuery), ep, query.Limits{Default: 50, Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	st := query.Select(ep, q)
	if st.SQL != floor.Query {
		t.Errorf("gantry runs\n%s\nthe floor runs\n%s", st.SQL, floor.Query)
	}
	if got, want := fmt.Sprint(st.Args...), fmt.Sprint(floor.Args...); got != want {
		t.Errorf("gantry binds %s, the floor %s", got, want)
	}
}
