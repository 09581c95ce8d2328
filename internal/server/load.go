package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gantry-dev/gantry/internal/sample"
	"github.com/gantry-dev/gantry/internal/store"
)

// sampleSource names the built-in sample data in load fingerprints; bump it
// when the generated data changes, so stores reload.
const sampleSource = "sample:v1"

// load fills every table that is missing or was loaded from an older schema
// or source: with sample data where the table is a sample's, else empty.
func (s *Server) load(ctx context.Context) error {
	for _, e := range s.catalog.Entries() {
		ep := e.Schema
		ds, isSample := sample.For(ep.Table)
		source := "empty"
		if isSample {
			source = sampleSource
		}
		loaded, err := s.store.Loaded(ctx, ep)
		if err != nil {
			return err
		}
		if loaded == store.Fingerprint(ep, source) {
			continue
		}
		start := time.Now()
		fill := func(yield func([]any) error) error { return nil }
		if isSample {
			fill = func(yield func([]any) error) error { return ds.Rows(ep, yield) }
		}
		s.log.Info("loading table", "table", ep.Table, "source", source)
		if err := s.store.Load(ctx, ep, source, fill, nil); err != nil {
			return fmt.Errorf("load sample data: %w", err)
		}
		s.log.Info("loaded table", "table", ep.Table, "duration", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}
