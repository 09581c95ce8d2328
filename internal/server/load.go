package server

import (
	"context"

	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"

	"github.com/gantry-dev/gantry/internal/api"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/progress"
	"github.com/gantry-dev/gantry/internal/sample"
	"github.com/gantry-dev/gantry/internal/schema"
	"github.com/gantry-dev/gantry/internal/source"
	"github.com/gantry-dev/gantry/internal/store"
)

// sampleSource names the built-in sample data in load fingerprints; bump it
// when the generated data changes, so stores reload.
const sampleSource = "sample:v1"

// LoadOptions selects what a load does.
type LoadOptions struct {
	// Tables limits the load to these tables; empty means all.
	Tables []string
	// Force reloads tables whose source has not changed.
	Force bool
	// Terminal, if set, is where progress bars are drawn.
	Terminal io.Writer
	// KeepOld serves the old rows when a table that was loaded before fails
	// to load, logging the error, instead of failing.
	KeepOld bool
}

// origin is where one table's rows come from.
type origin struct {
	describe    string
	fingerprint string
	total       int
	fill        func(ctx context.Context, ep *schema.Endpoint, yield func([]any) error) error
}

// Load fills the tables whose data is missing or stale: from the
// configured source, else from the sample data, else empty. Each table is
// replaced atomically; a failed load keeps the old rows.
func Load(ctx context.Context, cfg config.Config, log *slog.Logger, catalog *api.Catalog,
	st *store.SQLite, opts LoadOptions) error {
	for _, t := range opts.Tables {
		if !slices.ContainsFunc(catalog.Entries(), func(e *api.Entry) bool { return e.Schema.Table == t }) {
			return fmt.Errorf("no endpoint serves table %q (tables: %v)", t, tableNames(catalog))
		}
	}
	for name := range cfg.Sources {
		if !slices.ContainsFunc(catalog.Entries(), func(e *api.Entry) bool { return e.Schema.Table == name }) {
			log.Warn("a source has no endpoint: add one with `gantry endpoint add`", "table", name)
		}
	}
	for _, e := range catalog.Entries() {
		ep := e.Schema
		if len(opts.Tables) > 0 && !slices.Contains(opts.Tables, ep.Table) {
			continue
		}
		if err := loadTable(ctx, cfg, log, st, ep, opts); err != nil {
			return err
		}
	}
	return nil
}

func loadTable(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.SQLite,
	ep *schema.Endpoint, opts LoadOptions) error {
	loaded, err := st.Loaded(ctx, ep)
	if err != nil {
		return err
	}
	o, err := originOf(ctx, cfg, ep)
	if err == nil && loaded == store.Fingerprint(ep, o.fingerprint) && !opts.Force {
		return nil
	}
	if err == nil {
		rep := progress.New(opts.Terminal, log, ep.Table, o.total)
		log.Info("loading table", "table", ep.Table, "source", o.describe)
		rows := 0
		err = st.Load(ctx, ep, o.fingerprint,
			func(yield func([]any) error) error { return o.fill(ctx, ep, yield) },
			func(n int) { rows = n; rep.Update(n) })
		rep.Done(rows, err)
	}
	if err == nil {
		return nil
	}
	if opts.KeepOld && loaded != "" {
		log.Error("load failed; serving the rows loaded before", "table", ep.Table, "error", err)
		return nil
	}
	return fmt.Errorf("table %s: %w", ep.Table, err)
}

// originOf finds the rows for ep: its configured source, the sample data,
// or nothing.
func originOf(ctx context.Context, cfg config.Config, ep *schema.Endpoint) (origin, error) {
	if spec, ok := cfg.Sources[ep.Table]; ok {
		return fileOrigin(ctx, cfg, ep, spec)
	}
	if ds, ok := sample.For(ep.Table); ok {
		return origin{
			describe:    "built-in sample data",
			fingerprint: sampleSource,
			total:       ds.Len(),
			fill: func(_ context.Context, ep *schema.Endpoint, yield func([]any) error) error {
				return ds.Rows(ep, yield)
			},
		}, nil
	}
	return origin{
		describe:    "none (empty table)",
		fingerprint: "empty",
		fill:        func(context.Context, *schema.Endpoint, func([]any) error) error { return nil },
	}, nil
}

func fileOrigin(ctx context.Context, cfg config.Config, ep *schema.Endpoint, spec config.Source) (origin, error) {
	// config.Source has source.Spec's fields, with YAML names.
	src, err := source.Open(source.Spec(spec), cfg.Dir)
	if err != nil {
		return origin{}, err
	}
	fp, err := src.Fingerprint()
	if err != nil {
		return origin{}, err
	}
	cols := make([]source.Column, len(ep.Fields))
	for i, f := range ep.Fields {
		cols[i] = source.Column{Name: f.Name, Type: f.Type, Nullable: f.Nullable}
	}
	return origin{
		describe:    src.Describe(),
		fingerprint: "source:" + fp,
		fill: func(ctx context.Context, _ *schema.Endpoint, yield func([]any) error) error {
			return src.Rows(ctx, cols, yield)
		},
	}, nil
}

func tableNames(c *api.Catalog) []string {
	var out []string
	for _, e := range c.Entries() {
		out = append(out, e.Schema.Table)
	}
	sort.Strings(out)
	return out
}
