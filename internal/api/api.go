package api

import (
	"log/slog"

	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/store"
)

// Options configures the services.
type Options struct {
	Limits query.Limits
	// Dynamic reports whether the typed services are served.
	Dynamic bool
	// PushEvents reports whether OnEvent streams are enabled.
	PushEvents bool
	// ServerURL is the base URL written into OpenAPI documents.
	ServerURL string
	Logger    *slog.Logger
	// Authority mints tokens; nil when security is off.
	Authority *auth.Authority
}

// API holds what every service needs. It is safe for concurrent use.
type API struct {
	catalog  *Catalog
	store    store.Reader
	opts     Options
	plans    plans
	backends map[string]*backend // by endpoint name
}

// New returns the services over catalog and st.
func New(catalog *Catalog, st store.Reader, opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &API{catalog: catalog, store: st, opts: opts, backends: make(map[string]*backend)}
	for _, e := range catalog.Entries() {
		a.backends[e.Schema.Name] = a.newBackend(e.Schema)
	}
	return a
}

// Catalog returns the served endpoints.
func (a *API) Catalog() *Catalog {
	return a.catalog
}
