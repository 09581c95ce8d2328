// Package store keeps endpoint records in an embedded SQLite database and
// runs compiled queries against it.
//
// Each endpoint is one table with a column per field and SQLite's rowid as
// the record id. Values cross this package as canonical Go values: int64 for
// UInt and Int, float64, bool, string, int64 Unix nanoseconds for
// timestamps, "YYYY-MM-DD" strings for dates, and nil for NULL.
package store

import (
	"context"

	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// Reader runs queries. The API depends on this interface only, so that a
// server database can stand in for SQLite.
type Reader interface {
	// Select calls visit for each record the query selects, in order. The
	// values slice is reused between calls.
	Select(ctx context.Context, ep *schema.Endpoint, q *query.Query,
		visit func(id uint64, values []any) error) error
	// Count returns how many records the query selects.
	Count(ctx context.Context, ep *schema.Endpoint, q *query.Query) (uint64, error)
}
