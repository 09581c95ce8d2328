// The Go example counts and queries gantry's trips_cache endpoint with the
// Connect client generated into gen/, over the Connect protocol, which gantry
// serves on its REST address.
//
//	GANTRY_URL=http://127.0.0.1:8080 GANTRY_TOKEN=... go run ./examples/go
//
// GANTRY_TOKEN may be left empty when api_security is off. With -json the
// results are printed as one JSON object; the exit status is 1 on any error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache/trips_cacheconnect"
)

// result is what the example prints with -json.
type result struct {
	Count         uint64            `json:"count"`
	FilteredCount uint64            `json:"filtered_count"`
	Filter        json.RawMessage   `json:"filter"`
	Records       []json.RawMessage `json:"records"`
}

func main() {
	filter := flag.String("filter", `{"payment_type": "Cash"}`, "filter expression (JSON)")
	limit := flag.Int("limit", 5, "how many records to query")
	asJSON := flag.Bool("json", false, "print the results as one JSON object")
	flag.Parse()

	base := os.Getenv("GANTRY_URL")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	res, err := run(ctx, base, os.Getenv("GANTRY_TOKEN"), *filter, *limit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
	if err := report(os.Stdout, res, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

// run counts every trip, counts the trips that match filter, and queries the
// first limit of those by trip_id.
func run(ctx context.Context, base, token, filter string, limit int) (*result, error) {
	if !json.Valid([]byte(filter)) {
		return nil, errors.New("-filter is not valid JSON")
	}
	client := trips_cacheconnect.NewTripsCachesClient(
		&http.Client{Timeout: 20 * time.Second},
		base,
	)

	all, err := client.Count(ctx, request(&trips_cache.QueryTripsCachesRequest{}, token))
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}

	countQuery := fmt.Sprintf(`{"$filter": %s}`, filter)
	filtered, err := client.Count(ctx,
		request(&trips_cache.QueryTripsCachesRequest{Query: &countQuery}, token))
	if err != nil {
		return nil, fmt.Errorf("count with filter: %w", err)
	}

	query := fmt.Sprintf(`{"$filter": %s, "$order_by": {"trip_id": "asc"}, "$limit": %d}`,
		filter, limit)
	trips, err := client.Query(ctx,
		request(&trips_cache.QueryTripsCachesRequest{Query: &query}, token))
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}

	res := &result{
		Count:         all.Msg.GetCount(),
		FilteredCount: filtered.Msg.GetCount(),
		Filter:        json.RawMessage(filter),
	}
	for _, trip := range trips.Msg.GetRecords() {
		b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(trip)
		if err != nil {
			return nil, fmt.Errorf("encode record: %w", err)
		}
		res.Records = append(res.Records, b)
	}
	return res, nil
}

// request wraps msg and sets the bearer token Dozer's clients send.
func request[T any](msg *T, token string) *connect.Request[T] {
	req := connect.NewRequest(msg)
	if token != "" {
		req.Header().Set("Authorization", "Bearer "+token)
	}
	return req
}

// report writes res as text, or as indented JSON when asJSON is set.
func report(w io.Writer, res *result, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(w, "trips_cache: %d trips\n", res.Count)
	fmt.Fprintf(w, "trips_cache where %s: %d trips\n", res.Filter, res.FilteredCount)
	fmt.Fprintf(w, "first %d of them by trip_id:\n", len(res.Records))
	for _, r := range res.Records {
		if _, err := fmt.Fprintf(w, "  %s\n", r); err != nil {
			return err
		}
	}
	return nil
}
