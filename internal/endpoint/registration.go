// Package endpoint describes the contract between the code generated for each
// endpoint .proto file and gantry's generic backend.
//
// protoc-gen-gantry writes one Registration per endpoint file; the server
// turns each into Connect handlers and REST routes with no per-endpoint Go.
package endpoint

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
)

// Registration is one endpoint compiled into gantry.
type Registration struct {
	// File is the endpoint's .proto file; its (gantry.v1.endpoint) option holds
	// the binding.
	File protoreflect.FileDescriptor
	// Handlers returns the Connect handlers of the endpoint's typed and REST
	// services, served by b.
	Handlers func(b Backend, opts ...connect.HandlerOption) []Handler
	// RegisterREST adds the endpoint's REST routes to mux; each route calls
	// the REST service through conn.
	RegisterREST func(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error
}

// Handler is a Connect handler and the path prefix it serves.
type Handler struct {
	Path    string
	Handler http.Handler
}

// Backend serves one endpoint's typed and REST services. Implementations must
// be safe for concurrent use.
type Backend interface {
	// Count returns how many records match the JSON query; nil means none.
	Count(ctx context.Context, query *string) (uint64, error)
	// Query runs the JSON query and fills one message from next per record.
	Query(ctx context.Context, query *string, next func() protoreflect.Message) error
	// OnEvent streams the endpoint's changes that match filter.
	OnEvent(ctx context.Context, filter *typespb.EventFilter) error
	// REST returns the implementation of the endpoint's REST service.
	REST() RESTHandler
}

// RESTHandler implements the REST service that every endpoint file declares.
// Its method set matches each generated <Typed>RestHandler interface.
type RESTHandler interface {
	List(context.Context, *connect.Request[gantryv1.ListRequest]) (*connect.Response[gantryv1.RecordsResponse], error)
	Get(context.Context, *connect.Request[gantryv1.GetRequest]) (*connect.Response[gantryv1.RecordResponse], error)
	Count(context.Context, *connect.Request[gantryv1.QueryRequest]) (*connect.Response[gantryv1.CountResponse], error)
	Query(context.Context, *connect.Request[gantryv1.QueryRequest]) (*connect.Response[gantryv1.RecordsResponse], error)
	Phase(context.Context, *connect.Request[gantryv1.PhaseRequest]) (*connect.Response[gantryv1.PhaseResponse], error)
	OpenAPI(context.Context, *connect.Request[gantryv1.OpenAPIRequest]) (*connect.Response[gantryv1.OpenAPIResponse], error)
}
