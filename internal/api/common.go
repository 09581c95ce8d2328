package api

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// Common implements dozer.common.CommonGrpcService: every endpoint, named in
// the request.
type Common struct{ api *API }

// Common returns the common service.
func (a *API) Common() *Common {
	return &Common{api: a}
}

func (c *Common) backend(name string) (*backend, error) {
	b, ok := c.api.backends[name]
	if !ok {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("unknown endpoint %q", name))
	}
	return b, nil
}

// Count returns how many records of the endpoint match the query.
func (c *Common) Count(ctx context.Context, req *connect.Request[commonpb.QueryRequest]) (*connect.Response[commonpb.CountResponse], error) {
	b, err := c.backend(req.Msg.GetEndpoint())
	if err != nil {
		return nil, err
	}
	n, err := b.count(ctx, []byte(req.Msg.GetQuery()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&commonpb.CountResponse{Count: n}), nil
}

// Query returns the visible fields and the matching records.
func (c *Common) Query(ctx context.Context, req *connect.Request[commonpb.QueryRequest]) (*connect.Response[commonpb.QueryResponse], error) {
	b, err := c.backend(req.Msg.GetEndpoint())
	if err != nil {
		return nil, err
	}
	out, err := b.records(ctx, []byte(req.Msg.GetQuery()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&commonpb.QueryResponse{Fields: out.Fields, Records: out.Records}), nil
}

// OnEvent checks the request, then reports that there are no live changes
// to stream: gantry serves loaded snapshots.
func (c *Common) OnEvent(ctx context.Context, req *connect.Request[commonpb.OnEventRequest], _ *connect.ServerStream[typespb.Operation]) error {
	if !c.api.opts.PushEvents {
		return connect.NewError(connect.CodeUnavailable, errors.New("event streams are off: set flags.push_events"))
	}
	if len(req.Msg.GetEndpoints()) == 0 {
		return connect.NewError(connect.CodeInvalidArgument, errors.New("endpoints: name at least one endpoint"))
	}
	for name := range req.Msg.GetEndpoints() {
		b, err := c.backend(name)
		if err != nil {
			return err
		}
		if _, err := grantFor(ctx, b.ep); err != nil {
			return toConnect(err)
		}
	}
	return connect.NewError(connect.CodeUnimplemented, errNoEvents)
}

// GetEndpoints lists the endpoints the caller may use.
func (c *Common) GetEndpoints(ctx context.Context, _ *connect.Request[commonpb.GetEndpointsRequest]) (*connect.Response[commonpb.GetEndpointsResponse], error) {
	s := ScopeFrom(ctx)
	if s == nil {
		return nil, toConnect(errNoScope)
	}
	out := &commonpb.GetEndpointsResponse{Endpoints: []string{}}
	for _, e := range c.api.catalog.Entries() {
		if s.Allows(e.Schema) {
			out.Endpoints = append(out.Endpoints, e.Schema.Name)
		}
	}
	return connect.NewResponse(out), nil
}

// GetFields describes the fields of the endpoint that the caller sees.
func (c *Common) GetFields(ctx context.Context, req *connect.Request[commonpb.GetFieldsRequest]) (*connect.Response[commonpb.GetFieldsResponse], error) {
	b, err := c.backend(req.Msg.GetEndpoint())
	if err != nil {
		return nil, err
	}
	g, err := grantFor(ctx, b.ep)
	if err != nil {
		return nil, toConnect(err)
	}
	return connect.NewResponse(&commonpb.GetFieldsResponse{
		PrimaryIndex: primaryIndex(b.ep, g),
		Fields:       b.definitions(g),
	}), nil
}
