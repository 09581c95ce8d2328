package api

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/reflect/protoreflect"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
	"github.com/gantry-dev/gantry/internal/endpoint"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// Backend returns the generic implementation of an endpoint's typed and REST
// services.
func (a *API) Backend(e *Entry) endpoint.Backend {
	if b, ok := a.backends[e.Schema.Name]; ok {
		return b
	}
	return a.newBackend(e.Schema) // an entry from outside the catalog
}

func (a *API) newBackend(ep *schema.Endpoint) *backend {
	return &backend{api: a, ep: ep, defs: fieldDefinitions(ep, &Grant{})}
}

type backend struct {
	api  *API
	ep   *schema.Endpoint
	defs []*typespb.FieldDefinition // every field's; shared, never modified
}

// definitions returns Dozer's definitions of the fields g shows.
func (b *backend) definitions(g *Grant) []*typespb.FieldDefinition {
	if g.Visible == nil {
		return b.defs
	}
	return fieldDefinitions(b.ep, g)
}

// plan parses a JSON query as the caller may write it and ANDs in the
// caller's row filter.
func (b *backend) plan(ctx context.Context, text []byte) (*query.Query, *Grant, error) {
	g, err := grantFor(ctx, b.ep)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := b.api.plans.parse(text, g.View, b.api.opts.Limits)
	if err != nil {
		return nil, nil, err
	}
	q := *parsed
	q.Filter = query.And(g.Filter, q.Filter)
	return &q, g, nil
}

func (b *backend) count(ctx context.Context, text []byte) (uint64, error) {
	q, _, err := b.plan(ctx, text)
	if err != nil {
		return 0, toConnect(err)
	}
	n, err := b.api.store.Count(ctx, b.ep, q)
	return n, b.api.internal(ctx, err)
}

func (b *backend) records(ctx context.Context, text []byte) (*gantryv1.RecordsResponse, error) {
	q, g, err := b.plan(ctx, text)
	if err != nil {
		return nil, toConnect(err)
	}
	out := &gantryv1.RecordsResponse{Fields: b.definitions(g)}
	build := newRecordBuilder(b.ep, g, q.Limit)
	err = b.api.store.Select(ctx, b.ep, q, func(id uint64, values []any) error {
		out.Records = append(out.Records, build.record(id, values))
		return nil
	})
	return out, b.api.internal(ctx, err)
}

// Count implements endpoint.Backend.
func (b *backend) Count(ctx context.Context, text *string) (uint64, error) {
	return b.count(ctx, []byte(deref(text)))
}

// Query implements endpoint.Backend.
func (b *backend) Query(ctx context.Context, text *string, next func() protoreflect.Message) error {
	q, g, err := b.plan(ctx, []byte(deref(text)))
	if err != nil {
		return toConnect(err)
	}
	err = b.api.store.Select(ctx, b.ep, q, func(id uint64, values []any) error {
		fillTyped(b.ep, g, next(), id, values)
		return nil
	})
	return b.api.internal(ctx, err)
}

// errNoEvents answers event subscriptions, common and typed, once access
// is checked.
var errNoEvents = errors.New("event streams are not available: " +
	"gantry serves loaded snapshots without live changes")

// OnEvent implements endpoint.Backend. gantry serves loaded snapshots, so
// there are no live changes to stream yet.
func (b *backend) OnEvent(ctx context.Context, _ *typespb.EventFilter) error {
	if _, err := grantFor(ctx, b.ep); err != nil {
		return toConnect(err)
	}
	return connect.NewError(connect.CodeUnimplemented, errNoEvents)
}

// REST implements endpoint.Backend.
func (b *backend) REST() endpoint.RESTHandler {
	return restBackend{b}
}

type restBackend struct{ b *backend }

func (r restBackend) List(ctx context.Context, _ *connect.Request[gantryv1.ListRequest]) (*connect.Response[gantryv1.RecordsResponse], error) {
	out, err := r.b.records(ctx, nil)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(out), nil
}

func (r restBackend) Query(ctx context.Context, req *connect.Request[gantryv1.QueryRequest]) (*connect.Response[gantryv1.RecordsResponse], error) {
	out, err := r.b.records(ctx, req.Msg.GetBody())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(out), nil
}

func (r restBackend) Count(ctx context.Context, req *connect.Request[gantryv1.QueryRequest]) (*connect.Response[gantryv1.CountResponse], error) {
	n, err := r.b.count(ctx, req.Msg.GetBody())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&gantryv1.CountResponse{Count: n}), nil
}

// Get returns one record by primary key. A record outside the caller's row
// filter is reported exactly like a missing one.
func (r restBackend) Get(ctx context.Context, req *connect.Request[gantryv1.GetRequest]) (*connect.Response[gantryv1.RecordResponse], error) {
	ep := r.b.ep
	g, err := grantFor(ctx, ep)
	if err != nil {
		return nil, toConnect(err)
	}
	if len(ep.PrimaryKey) != 1 {
		return nil, connect.NewError(connect.CodeFailedPrecondition,
			fmt.Errorf("endpoint %s has no single-field primary key to get records by", ep.Name))
	}
	key := ep.Fields[ep.PrimaryKey[0]]
	v, err := query.ParseKey(key, req.Msg.GetId())
	if err != nil {
		return nil, toConnect(err)
	}
	q := &query.Query{Filter: query.And(g.Filter, query.Eq(ep.PrimaryKey[0], v)), Limit: 1, LimitSet: true}
	out := &gantryv1.RecordResponse{Fields: r.b.definitions(g)}
	build := newRecordBuilder(ep, g, 1)
	err = r.b.api.store.Select(ctx, ep, q, func(id uint64, values []any) error {
		out.Record = build.record(id, values)
		return nil
	})
	if err != nil {
		return nil, r.b.api.internal(ctx, err)
	}
	if out.Record == nil {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("record not found"))
	}
	return connect.NewResponse(out), nil
}

// Phase reports Streaming: every table is loaded before gantry serves it.
func (r restBackend) Phase(ctx context.Context, _ *connect.Request[gantryv1.PhaseRequest]) (*connect.Response[gantryv1.PhaseResponse], error) {
	if _, err := grantFor(ctx, r.b.ep); err != nil {
		return nil, toConnect(err)
	}
	return connect.NewResponse(&gantryv1.PhaseResponse{Phase: "Streaming"}), nil
}

func (r restBackend) OpenAPI(ctx context.Context, _ *connect.Request[gantryv1.OpenAPIRequest]) (*connect.Response[gantryv1.OpenAPIResponse], error) {
	g, err := grantFor(ctx, r.b.ep)
	if err != nil {
		return nil, toConnect(err)
	}
	doc, err := openAPI(r.b.ep, g, r.b.api.opts.ServerURL)
	if err != nil {
		return nil, r.b.api.internal(ctx, err)
	}
	return connect.NewResponse(&gantryv1.OpenAPIResponse{Document: doc}), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
