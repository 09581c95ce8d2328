package query

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that every failure is an *Error,
// and that every query it accepts compiles to SQL that runs and agrees with
// Match. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"$filter":{"trip_id":32}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fx := loadFixture(t, "trips")
		q, err := Parse(data, fx.ep, testLimits)
		if err != nil {
			checkAPIError(t, err)
			return
		}
		fx.compare(t, string(data), q)
	})
}

// FuzzParseFilter does for ParseFilter what FuzzParse does for Parse. The seed
// corpus is in testdata/fuzz/FuzzParseFilter.
func FuzzParseFilter(f *testing.F) {
	f.Add([]byte(`{"trip_id":{"$lt":100}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fx := loadFixture(t, "trips")
		e, err := ParseFilter(data, fx.ep)
		if err != nil {
			checkAPIError(t, err)
			return
		}
		q := &Query{Filter: e, Limit: len(fx.recs), LimitSet: true}
		fx.compare(t, string(data), q)
	})
}

func checkAPIError(t *testing.T, err error) {
	t.Helper()
	var qe *Error
	if !errors.As(err, &qe) || qe.Msg == "" {
		t.Fatalf("error %v (%T) is not an *Error with a message", err, err)
	}
}
