package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"connectrpc.com/connect"

	authpb "github.com/gantry-dev/gantry/gen/dozer/auth"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
	"github.com/gantry-dev/gantry/internal/auth"
)

// DefaultMintTTL is the lifetime of a minted token when the request names
// none.
const DefaultMintTTL = time.Hour

// Tokens implements dozer.auth.AuthGrpcService.
type Tokens struct{ api *API }

// Tokens returns the token service.
func (a *API) Tokens() *Tokens {
	return &Tokens{api: a}
}

// GetAuthToken mints a token with the Access JSON in access_filter.
func (t *Tokens) GetAuthToken(ctx context.Context, req *connect.Request[authpb.GetAuthTokenRequest]) (*connect.Response[authpb.GetAuthTokenResponse], error) {
	token, err := t.api.mint(ctx, []byte(req.Msg.GetAccessFilter()), "")
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&authpb.GetAuthTokenResponse{Token: token}), nil
}

// CreateToken serves POST /auth/token.
func (r *Root) CreateToken(ctx context.Context, req *connect.Request[gantryv1.CreateTokenRequest]) (*connect.Response[gantryv1.CreateTokenResponse], error) {
	token, err := r.api.mint(ctx, req.Msg.GetBody(), req.Msg.GetTtl())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&gantryv1.CreateTokenResponse{Token: token}), nil
}

// mint checks the requested access against the served endpoints, fields and
// filter syntax, then signs a token that expires no later than the caller's.
func (a *API) mint(ctx context.Context, accessJSON []byte, ttlText string) (string, error) {
	if a.opts.Authority == nil {
		return "", connect.NewError(connect.CodeFailedPrecondition,
			errors.New("api_security is not configured, so there are no tokens to mint"))
	}
	s := ScopeFrom(ctx)
	if s == nil || s.claims == nil || !s.master {
		return "", connect.NewError(connect.CodePermissionDenied,
			errors.New("only a master token can mint tokens"))
	}
	ttl, err := parseTTL(ttlText)
	if err != nil {
		return "", connect.NewError(connect.CodeInvalidArgument, err)
	}
	if len(accessJSON) == 0 {
		return "", connect.NewError(connect.CodeInvalidArgument,
			errors.New(`access: send "All" or {"Custom": {"<endpoint>": {"filter": ..., "fields": [...]}}}`))
	}
	access, err := auth.ParseAccess(accessJSON)
	if err != nil {
		return "", connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("access: %w", err))
	}
	if !access.All {
		if _, err := NewCustomScope(a.catalog, customGrants(access)); err != nil {
			return "", connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("access: %w", err))
		}
	}
	token, _, err := a.opts.Authority.Mint(access, ttl, s.claims)
	if err != nil {
		return "", a.internal(ctx, err)
	}
	return token, nil
}

// parseTTL reads a lifetime written as a Go duration ("15m") or as seconds.
func parseTTL(text string) (time.Duration, error) {
	if text == "" {
		return DefaultMintTTL, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		secs, nerr := strconv.ParseInt(text, 10, 64)
		if nerr != nil || secs > int64(1<<62/time.Second) {
			return 0, fmt.Errorf("ttl: %q is not a duration such as 15m or a number of seconds", text)
		}
		d = time.Duration(secs) * time.Second
	}
	if d <= 0 {
		return 0, fmt.Errorf("ttl: must be positive, got %s", text)
	}
	return d, nil
}
