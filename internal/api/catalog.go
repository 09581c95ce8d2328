// Package api implements gantry's services: the typed and REST services of
// every endpoint, Dozer's common, health and auth services, and the access
// checks that the interceptor applies to all of them.
package api

import (
	"fmt"
	"strings"

	"github.com/gantry-dev/gantry/internal/endpoint"
	"github.com/gantry-dev/gantry/internal/schema"
)

// Entry is one served endpoint: its schema and its generated registration.
type Entry struct {
	Schema       *schema.Endpoint
	Registration endpoint.Registration
}

// Catalog indexes the served endpoints by name and by procedure. It is
// immutable and safe for concurrent use.
type Catalog struct {
	entries []*Entry
	byName  map[string]*Entry
	// byService maps a typed or REST service's full name to its endpoint.
	byService map[string]*Entry
}

// NewCatalog builds a catalog from the generated registrations, rejecting
// duplicate names, tables or paths.
func NewCatalog(regs []endpoint.Registration) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Entry{}, byService: map[string]*Entry{}}
	paths, tables := map[string]string{}, map[string]string{}
	for _, r := range regs {
		ep, err := schema.FromFile(r.File)
		if err != nil {
			return nil, err
		}
		if _, dup := c.byName[ep.Name]; dup {
			return nil, fmt.Errorf("endpoint %s is defined twice", ep.Name)
		}
		if other, dup := paths[ep.Path]; dup {
			return nil, fmt.Errorf("endpoints %s and %s share the path %s", other, ep.Name, ep.Path)
		}
		if other, dup := tables[ep.Table]; dup {
			return nil, fmt.Errorf("endpoints %s and %s share the table %s", other, ep.Name, ep.Table)
		}
		paths[ep.Path], tables[ep.Table] = ep.Name, ep.Name
		e := &Entry{Schema: ep, Registration: r}
		c.entries = append(c.entries, e)
		c.byName[ep.Name] = e
		for i := 0; i < r.File.Services().Len(); i++ {
			c.byService[string(r.File.Services().Get(i).FullName())] = e
		}
	}
	return c, nil
}

// Entries returns the endpoints in registration order.
func (c *Catalog) Entries() []*Entry {
	return c.entries
}

// Lookup returns the endpoint with the given name.
func (c *Catalog) Lookup(name string) (*Entry, bool) {
	e, ok := c.byName[name]
	return e, ok
}

// ForProcedure returns the endpoint whose typed or REST service serves the
// procedure "/package.Service/Method".
func (c *Catalog) ForProcedure(procedure string) (*Entry, bool) {
	svc, _, ok := strings.Cut(strings.TrimPrefix(procedure, "/"), "/")
	if !ok {
		return nil, false
	}
	e, ok := c.byService[svc]
	return e, ok
}
