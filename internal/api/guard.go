package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"connectrpc.com/connect"

	"github.com/gantry-dev/gantry/internal/auth"
)

// Procedures the guard treats specially.
const (
	reflectionV1      = "/grpc.reflection.v1.ServerReflection/"
	reflectionV1Alpha = "/grpc.reflection.v1alpha.ServerReflection/"
	dozerHealth       = "/dozer.health.HealthGrpcService/"
	grpcHealth        = "/grpc.health.v1.Health/"
	restHealth        = "/gantry.v1.RestService/Health"
	mintGRPC          = "/dozer.auth.AuthGrpcService/getAuthToken"
	mintREST          = "/gantry.v1.RestService/CreateToken"
)

// Guard is the interceptor that authenticates and authorizes every RPC of
// every protocol; REST routes reach it in-process. It attaches the caller's
// Scope to the context, which the services read through. It is safe for
// concurrent use.
type Guard struct {
	authority *auth.Authority // nil when security is off
	catalog   *Catalog
	// guardReflection puts reflection behind the token check.
	guardReflection bool

	// scopes caches compiled restricted scopes by token id: a token's claims
	// never change, so neither does its scope.
	mu     sync.RWMutex
	scopes map[string]*Scope
}

// maxCachedScopes bounds the scope cache; it is emptied when full.
const maxCachedScopes = 10000

// NewGuard returns the interceptor. A nil authority serves everything
// openly.
func NewGuard(authority *auth.Authority, catalog *Catalog, guardReflection bool) *Guard {
	return &Guard{authority: authority, catalog: catalog, guardReflection: guardReflection,
		scopes: map[string]*Scope{}}
}

// Open reports whether procedure is served without a token: health checks,
// and reflection unless it is guarded.
func (g *Guard) Open(procedure string) bool {
	switch {
	case strings.HasPrefix(procedure, dozerHealth), strings.HasPrefix(procedure, grpcHealth),
		procedure == restHealth:
		return true
	case strings.HasPrefix(procedure, reflectionV1), strings.HasPrefix(procedure, reflectionV1Alpha):
		return !g.guardReflection
	}
	return false
}

// WrapUnary implements connect.Interceptor.
func (g *Guard) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, err := g.admit(ctx, req.Spec().Procedure, req.Header(), req.Any())
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// WrapStreamingClient implements connect.Interceptor; clients pass through.
func (g *Guard) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler implements connect.Interceptor. Streams are checked
// before the first message; services check the endpoints it names.
func (g *Guard) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := g.admit(ctx, conn.Spec().Procedure, conn.RequestHeader(), nil)
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// admit authenticates the caller and checks that its token reaches the
// procedure and the endpoint it names.
func (g *Guard) admit(ctx context.Context, procedure string, h http.Header, msg any) (context.Context, error) {
	if g.Open(procedure) {
		return ctx, nil
	}
	if g.authority == nil {
		return WithScope(ctx, MasterScope()), nil
	}
	scope, err := g.authenticate(h)
	if err != nil {
		return ctx, err
	}
	if err := g.authorize(scope, procedure, msg); err != nil {
		return ctx, err
	}
	return WithScope(ctx, scope), nil
}

func (g *Guard) authenticate(h http.Header) (*Scope, error) {
	values := h.Values("Authorization")
	if len(values) == 0 {
		return nil, connect.NewError(connect.CodeUnauthenticated,
			errors.New("missing bearer token: send Authorization: Bearer <token>"))
	}
	token, err := auth.ParseBearer(values[0])
	if err != nil {
		return nil, connect.NewError(connect.CodeUnauthenticated, err)
	}
	claims, err := g.authority.Verify(token)
	if err != nil {
		return nil, connect.NewError(connect.CodeUnauthenticated, err)
	}
	scope, err := g.scopeOf(claims)
	if err != nil {
		return nil, connect.NewError(connect.CodeUnauthenticated,
			fmt.Errorf("the token's access claim does not match the served endpoints: %w", err))
	}
	return scope, nil
}

// ScopeOf compiles a verified token's access claim.
func (g *Guard) scopeOf(c *auth.Claims) (*Scope, error) {
	if c.Access.All {
		return &Scope{master: true, claims: c}, nil
	}
	g.mu.RLock()
	s, ok := g.scopes[c.ID]
	g.mu.RUnlock()
	if ok {
		return s, nil
	}
	s, err := NewCustomScope(g.catalog, customGrants(c.Access))
	if err != nil {
		return nil, err
	}
	s.claims = c
	g.mu.Lock()
	if len(g.scopes) >= maxCachedScopes {
		clear(g.scopes)
	}
	g.scopes[c.ID] = s
	g.mu.Unlock()
	return s, nil
}

func customGrants(a auth.Access) map[string]CustomGrant {
	out := make(map[string]CustomGrant, len(a.Custom))
	for name, f := range a.Custom {
		out[name] = CustomGrant{Filter: f.Filter, Fields: f.Fields}
	}
	return out
}

// endpointNamer is a request that names an endpoint, as the common service's
// requests do.
type endpointNamer interface{ GetEndpoint() string }

func (g *Guard) authorize(s *Scope, procedure string, msg any) error {
	if procedure == mintGRPC || procedure == mintREST {
		if !s.master {
			return connect.NewError(connect.CodePermissionDenied,
				errors.New("only a master token can mint tokens"))
		}
		return nil
	}
	e, ok := g.catalog.ForProcedure(procedure)
	if !ok {
		if n, named := msg.(endpointNamer); named {
			e, ok = g.catalog.Lookup(n.GetEndpoint())
		}
	}
	if ok && !s.Allows(e.Schema) {
		return connect.NewError(connect.CodePermissionDenied,
			fmt.Errorf("the token does not give access to endpoint %s", e.Schema.Name))
	}
	return nil
}
