package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// Scope is what one caller may read: every endpoint, or some endpoints with
// a row filter and a set of visible fields each. The interceptor attaches a
// Scope to every request's context; the services read through it and refuse
// to serve a request that has none. A Scope is immutable.
type Scope struct {
	master bool
	grants map[string]*Grant
	// claims are the token's, or nil when security is off.
	claims *auth.Claims
}

// Grant is the access a scope gives to one endpoint.
type Grant struct {
	// Filter is ANDed into every read; nil means every row.
	Filter query.Expr
	// Visible marks the fields the caller sees, indexed like the endpoint's
	// fields; nil means all.
	Visible []bool
	// View is the endpoint as the caller may name it in queries.
	View *schema.Endpoint
}

// MasterScope returns the scope of a master token, or of any caller when
// security is off.
func MasterScope() *Scope {
	return &Scope{master: true}
}

// Master reports whether the scope reaches every endpoint without limits.
func (s *Scope) Master() bool {
	return s.master
}

// errNoAccess is returned for endpoints outside a scope.
var errNoAccess = errors.New("the token does not give access to this endpoint")

// Grant returns the caller's access to ep, or an error wrapping errNoAccess.
func (s *Scope) Grant(ep *schema.Endpoint) (*Grant, error) {
	if s.master {
		return &Grant{View: ep}, nil
	}
	g, ok := s.grants[ep.Name]
	if !ok {
		return nil, fmt.Errorf("endpoint %s: %w", ep.Name, errNoAccess)
	}
	return g, nil
}

// Allows reports whether the scope reaches ep at all.
func (s *Scope) Allows(ep *schema.Endpoint) bool {
	_, err := s.Grant(ep)
	return err == nil
}

// CustomGrant describes one endpoint of a restricted access claim, before
// it is checked against the endpoint's schema.
type CustomGrant struct {
	Filter []byte   // a bare filter expression; empty or "null" for every row
	Fields []string // visible fields; empty for all
}

// NewCustomScope checks a restricted access claim against the catalog and
// compiles it. Unknown endpoints or fields and malformed filters are errors
// that name them.
func NewCustomScope(c *Catalog, custom map[string]CustomGrant) (*Scope, error) {
	s := &Scope{grants: make(map[string]*Grant, len(custom))}
	for name, cg := range custom {
		e, ok := c.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown endpoint %q", name)
		}
		g, err := compileGrant(e.Schema, cg)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %w", name, err)
		}
		s.grants[name] = g
	}
	return s, nil
}

func compileGrant(ep *schema.Endpoint, cg CustomGrant) (*Grant, error) {
	g := &Grant{View: ep}
	if len(cg.Fields) > 0 {
		g.Visible = make([]bool, len(ep.Fields))
		for _, name := range cg.Fields {
			i, ok := ep.FieldIndex(name)
			if !ok {
				return nil, fmt.Errorf("fields: unknown field %q", name)
			}
			g.Visible[i] = true
		}
		g.View = ep.Restrict(g.Visible)
	}
	f, err := query.ParseFilter(cg.Filter, ep)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	g.Filter = f
	return g, nil
}

// visible reports whether field i is shown.
func (g *Grant) visible(i int) bool {
	return g.Visible == nil || g.Visible[i]
}

type scopeKey struct{}

// WithScope returns ctx carrying s.
func WithScope(ctx context.Context, s *Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// ScopeFrom returns the scope the interceptor attached, or nil.
func ScopeFrom(ctx context.Context) *Scope {
	s, _ := ctx.Value(scopeKey{}).(*Scope)
	return s
}

// errNoScope means a request reached a service without passing the
// interceptor; it fails closed.
var errNoScope = errors.New("request has no access scope")

func grantFor(ctx context.Context, ep *schema.Endpoint) (*Grant, error) {
	s := ScopeFrom(ctx)
	if s == nil {
		return nil, errNoScope
	}
	return s.Grant(ep)
}
