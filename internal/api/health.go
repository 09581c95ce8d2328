package api

import (
	"context"
	"fmt"
	"strings"

	"connectrpc.com/connect"

	healthpb "github.com/gantry-dev/gantry/gen/dozer/health"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
)

// Health implements dozer.health.HealthGrpcService.
type Health struct{ api *API }

// Health returns Dozer's health service.
func (a *API) Health() *Health {
	return &Health{api: a}
}

func (h *Health) status(service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	switch strings.ToLower(service) {
	case "", "common":
		return healthpb.HealthCheckResponse_SERVING, nil
	case "typed":
		if h.api.opts.Dynamic {
			return healthpb.HealthCheckResponse_SERVING, nil
		}
		return healthpb.HealthCheckResponse_NOT_SERVING, nil
	}
	return 0, connect.NewError(connect.CodeNotFound, fmt.Errorf("unknown service %q", service))
}

// HealthCheck reports the status of "", "common" or "typed".
func (h *Health) HealthCheck(_ context.Context, req *connect.Request[healthpb.HealthCheckRequest]) (*connect.Response[healthpb.HealthCheckResponse], error) {
	st, err := h.status(req.Msg.GetService())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&healthpb.HealthCheckResponse{Status: st}), nil
}

// HealthWatch sends the status once, then holds the stream open until the
// client leaves or the server stops; the status does not change while
// gantry runs.
func (h *Health) HealthWatch(ctx context.Context, req *connect.Request[healthpb.HealthCheckRequest], stream *connect.ServerStream[healthpb.HealthCheckResponse]) error {
	st, err := h.status(req.Msg.GetService())
	if err != nil {
		return err
	}
	if err := stream.Send(&healthpb.HealthCheckResponse{Status: st}); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// Root implements gantry.v1.RestService, the REST routes not tied to one
// endpoint.
type Root struct{ api *API }

// Root returns the service behind GET / and GET /health.
func (a *API) Root() *Root {
	return &Root{api: a}
}

// ListPaths lists the REST paths of the endpoints the caller may use.
func (r *Root) ListPaths(ctx context.Context, _ *connect.Request[gantryv1.ListPathsRequest]) (*connect.Response[gantryv1.ListPathsResponse], error) {
	s := ScopeFrom(ctx)
	if s == nil {
		return nil, toConnect(errNoScope)
	}
	out := &gantryv1.ListPathsResponse{Paths: []string{}}
	for _, e := range r.api.catalog.Entries() {
		if s.Allows(e.Schema) {
			out.Paths = append(out.Paths, e.Schema.Path)
		}
	}
	return connect.NewResponse(out), nil
}

// Health reports SERVING.
func (r *Root) Health(context.Context, *connect.Request[gantryv1.HealthRequest]) (*connect.Response[gantryv1.HealthResponse], error) {
	return connect.NewResponse(&gantryv1.HealthResponse{Status: "SERVING"}), nil
}
