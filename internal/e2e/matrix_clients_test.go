package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
	"github.com/gantry-dev/gantry/gen/dozer/generated/pickup"
	"github.com/gantry-dev/gantry/gen/dozer/generated/stocks_meta"
	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
)

// outcome is a protocol's answer, normalized for comparison: a Connect code
// name on failure, else the primary keys, field names and count it returned.
type outcome struct {
	code, message string
	keys, fields  []string
	count         int64
	// fieldsSubset marks typed answers, whose fields may miss zero values.
	fieldsSubset bool
}

type protocolClient interface {
	name() string
	query(t *testing.T, token string, ep matrixEndpoint, q string) outcome
	count(t *testing.T, token string, ep matrixEndpoint, q string) outcome
	get(t *testing.T, token string, ep matrixEndpoint, id string) outcome
	fields(t *testing.T, token string, ep matrixEndpoint) outcome
	endpoints(t *testing.T, token string) outcome
}

func protocolClients(t *testing.T, srv *process) []protocolClient {
	return []protocolClient{
		restClient{base: srv.URL()},
		rpcClient{label: "connect", base: srv.URL()},
		rpcClient{label: "grpc-web", base: "http://" + srv.GRPC, opts: []connect.ClientOption{connect.WithGRPCWeb()}},
		grpcGoClient{cc: grpcConn(t, srv.GRPC)},
	}
}

func bearer(token string) []string {
	if token == "" {
		return nil
	}
	return []string{"Authorization", "Bearer " + token}
}

// restClient speaks REST with net/http.
type restClient struct{ base string }

func (restClient) name() string { return "rest" }

func restCode(status int) string {
	return map[int]string{400: "invalid_argument", 401: "unauthenticated", 403: "permission_denied",
		404: "not_found", 422: "failed_precondition", 500: "internal"}[status]
}

func (c restClient) records(t *testing.T, r httpResult, ep matrixEndpoint, one bool) outcome {
	if r.Status != 200 {
		if r.Status == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without a Bearer challenge: %v", r.Header)
		}
		return outcome{code: restCode(r.Status), message: string(r.Body)}
	}
	body := string(r.Body)
	if one {
		body = "[" + body + "]"
	}
	return recordsFromJSON(t, body, ep.key)
}

func (c restClient) query(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	return c.records(t, call(t, "POST", c.base+ep.path+"/query", q, bearer(token)...), ep, false)
}

func (c restClient) count(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	r := call(t, "POST", c.base+ep.path+"/count", q, bearer(token)...)
	if r.Status != 200 {
		return outcome{code: restCode(r.Status), message: string(r.Body)}
	}
	var n int64
	r.decode(t, &n)
	return outcome{count: n}
}

func (c restClient) get(t *testing.T, token string, ep matrixEndpoint, id string) outcome {
	return c.records(t, call(t, "GET", c.base+ep.path+"/"+id, "", bearer(token)...), ep, true)
}

// fields reads the record schema of the endpoint's OpenAPI document.
func (c restClient) fields(t *testing.T, token string, ep matrixEndpoint) outcome {
	r := call(t, "POST", c.base+ep.path+"/oapi", "", bearer(token)...)
	if r.Status != 200 {
		return outcome{code: restCode(r.Status), message: string(r.Body)}
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	r.decode(t, &doc)
	var names []string
	for _, f := range allFields(ep.name) {
		if _, ok := doc.Components.Schemas[ep.name].Properties[f]; ok {
			names = append(names, f)
		}
	}
	if len(doc.Components.Schemas[ep.name].Properties) != len(names)+2 {
		t.Fatalf("oapi properties %v", doc.Components.Schemas[ep.name].Properties)
	}
	return outcome{fields: names}
}

func (c restClient) endpoints(t *testing.T, token string) outcome {
	r := call(t, "GET", c.base+"/", "", bearer(token)...)
	if r.Status != 200 {
		return outcome{code: restCode(r.Status), message: string(r.Body)}
	}
	var paths []string
	r.decode(t, &paths)
	var out outcome
	for _, ep := range matrixEndpoints {
		if slices.Contains(paths, ep.path) {
			out.keys = append(out.keys, ep.name)
		}
	}
	if len(out.keys) != len(paths) {
		t.Fatalf("paths %v", paths)
	}
	return out
}

// rpcClient speaks Connect or gRPC-Web with connect-go: the common service
// for queries and the endpoint's REST service for get-by-id.
type rpcClient struct {
	label string
	base  string
	opts  []connect.ClientOption
}

func (c rpcClient) name() string { return c.label }

func connectOutcome(err error) outcome {
	return outcome{code: connect.CodeOf(err).String(), message: err.Error()}
}

func withToken[T any](m *T, token string) *connect.Request[T] {
	req := connect.NewRequest(m)
	if token != "" {
		req.Header().Set("Authorization", "Bearer "+token)
	}
	return req
}

func (c rpcClient) common() commonconnect.CommonGrpcServiceClient {
	return commonconnect.NewCommonGrpcServiceClient(http.DefaultClient, c.base, c.opts...)
}

func (c rpcClient) query(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	res, err := c.common().Query(ctxFor(t), withToken(&commonpb.QueryRequest{Endpoint: ep.name, Query: &q}, token))
	if err != nil {
		return connectOutcome(err)
	}
	return dozerRecords(t, res.Msg.GetFields(), res.Msg.GetRecords(), ep.key)
}

func (c rpcClient) count(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	res, err := c.common().Count(ctxFor(t), withToken(&commonpb.QueryRequest{Endpoint: ep.name, Query: &q}, token))
	if err != nil {
		return connectOutcome(err)
	}
	return outcome{count: int64(res.Msg.GetCount())}
}

// get calls the endpoint's Rest service Get, which every protocol reaches.
func (c rpcClient) get(t *testing.T, token string, ep matrixEndpoint, id string) outcome {
	procedure := "/" + restService(ep) + "/Get"
	client := connect.NewClient[gantryv1.GetRequest, gantryv1.RecordResponse](http.DefaultClient, c.base+procedure, c.opts...)
	res, err := client.CallUnary(ctxFor(t), withToken(&gantryv1.GetRequest{Id: id}, token))
	if err != nil {
		return connectOutcome(err)
	}
	return dozerRecords(t, res.Msg.GetFields(), []*typespb.Record{res.Msg.GetRecord()}, ep.key)
}

func (c rpcClient) fields(t *testing.T, token string, ep matrixEndpoint) outcome {
	res, err := c.common().GetFields(ctxFor(t), withToken(&commonpb.GetFieldsRequest{Endpoint: ep.name}, token))
	if err != nil {
		return connectOutcome(err)
	}
	return outcome{fields: fieldNames(res.Msg.GetFields())}
}

func (c rpcClient) endpoints(t *testing.T, token string) outcome {
	res, err := c.common().GetEndpoints(ctxFor(t), withToken(&commonpb.GetEndpointsRequest{}, token))
	if err != nil {
		return connectOutcome(err)
	}
	return outcome{keys: res.Msg.GetEndpoints()}
}

func restService(ep matrixEndpoint) string {
	return map[string]string{
		"trips_cache": "dozer.generated.trips_cache.TripsCachesRest",
		"pickup":      "dozer.generated.pickup.PickupsRest",
		"stocks_meta": "dozer.generated.stocks_meta.StocksMetasRest",
	}[ep.name]
}

// grpcGoClient speaks gRPC with grpc-go: the typed services for queries.
type grpcGoClient struct{ cc *grpc.ClientConn }

func (grpcGoClient) name() string { return "grpc" }

func grpcCtx(t *testing.T, token string) context.Context {
	ctx := ctxFor(t)
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	return ctx
}

func grpcOutcome(err error) outcome {
	s, _ := status.FromError(err)
	return outcome{code: connect.Code(s.Code()).String(), message: s.Message()}
}

// query uses the typed service, so the fields are those the typed message
// carries.
func (c grpcGoClient) query(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	ctx := grpcCtx(t, token)
	var records []protoRecord
	var err error
	switch ep.name {
	case "trips_cache":
		var res *trips_cache.QueryTripsCachesResponse
		res, err = trips_cache.NewTripsCachesClient(c.cc).Query(ctx, &trips_cache.QueryTripsCachesRequest{Query: &q})
		for _, r := range res.GetRecords() {
			records = append(records, r)
		}
	case "pickup":
		var res *pickup.QueryPickupsResponse
		res, err = pickup.NewPickupsClient(c.cc).Query(ctx, &pickup.QueryPickupsRequest{Query: &q})
		for _, r := range res.GetRecords() {
			records = append(records, r)
		}
	case "stocks_meta":
		var res *stocks_meta.QueryStocksMetasResponse
		res, err = stocks_meta.NewStocksMetasClient(c.cc).Query(ctx, &stocks_meta.QueryStocksMetasRequest{Query: &q})
		for _, r := range res.GetRecords() {
			records = append(records, r)
		}
	}
	if err != nil {
		return grpcOutcome(err)
	}
	return typedRecords(t, records, ep)
}

func (c grpcGoClient) count(t *testing.T, token string, ep matrixEndpoint, q string) outcome {
	res, err := commonpb.NewCommonGrpcServiceClient(c.cc).Count(grpcCtx(t, token),
		&commonpb.QueryRequest{Endpoint: ep.name, Query: &q})
	if err != nil {
		return grpcOutcome(err)
	}
	return outcome{count: int64(res.GetCount())}
}

func (c grpcGoClient) get(t *testing.T, token string, ep matrixEndpoint, id string) outcome {
	res := &gantryv1.RecordResponse{}
	err := c.cc.Invoke(grpcCtx(t, token), "/"+restService(ep)+"/Get", &gantryv1.GetRequest{Id: id}, res)
	if err != nil {
		return grpcOutcome(err)
	}
	return dozerRecords(t, res.GetFields(), []*typespb.Record{res.GetRecord()}, ep.key)
}

func (c grpcGoClient) fields(t *testing.T, token string, ep matrixEndpoint) outcome {
	res, err := commonpb.NewCommonGrpcServiceClient(c.cc).GetFields(grpcCtx(t, token),
		&commonpb.GetFieldsRequest{Endpoint: ep.name})
	if err != nil {
		return grpcOutcome(err)
	}
	return outcome{fields: fieldNames(res.GetFields())}
}

func (c grpcGoClient) endpoints(t *testing.T, token string) outcome {
	res, err := commonpb.NewCommonGrpcServiceClient(c.cc).GetEndpoints(grpcCtx(t, token), &commonpb.GetEndpointsRequest{})
	if err != nil {
		return grpcOutcome(err)
	}
	return outcome{keys: res.GetEndpoints()}
}

func fieldNames(defs []*typespb.FieldDefinition) []string {
	var out []string
	for _, f := range defs {
		out = append(out, f.GetName())
	}
	return out
}

// dozerRecords reads the key column out of common records.
func dozerRecords(t *testing.T, defs []*typespb.FieldDefinition, recs []*typespb.Record, key string) outcome {
	out := outcome{fields: fieldNames(defs)}
	k := slices.Index(out.fields, key)
	if k < 0 {
		t.Fatalf("key %s not among fields %v", key, out.fields)
	}
	for _, r := range recs {
		if len(r.GetValues()) != len(defs) {
			t.Fatalf("record has %d values for %d fields", len(r.GetValues()), len(defs))
		}
		out.keys = append(out.keys, valueString(r.GetValues()[k]))
	}
	return out
}

func valueString(v *typespb.Value) string {
	switch x := v.GetValue().(type) {
	case *typespb.Value_UintValue:
		return fmt.Sprint(x.UintValue)
	case *typespb.Value_IntValue:
		return fmt.Sprint(x.IntValue)
	case *typespb.Value_StringValue:
		return x.StringValue
	}
	return fmt.Sprint(v)
}

// protoRecord is a typed record message.
type protoRecord interface{ ProtoReflect() protoreflect.Message }

// typedRecords reads a typed response. Proto3 leaves zero values off the
// wire, so the fields are those populated in any record: a subset check.
func typedRecords(t *testing.T, recs []protoRecord, ep matrixEndpoint) outcome {
	out := outcome{fieldsSubset: true}
	seen := map[string]bool{}
	for _, r := range recs {
		m := r.ProtoReflect()
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			name := string(fd.Name())
			if strings.HasPrefix(name, "__dozer") {
				return true
			}
			seen[name] = true
			if name == ep.key {
				out.keys = append(out.keys, fmt.Sprint(v.Interface()))
			}
			return true
		})
	}
	for _, f := range allFields(ep.name) {
		if seen[f] {
			out.fields = append(out.fields, f)
		}
	}
	return out
}

// recordsFromJSON reads REST records: the key's values and the keys of the
// first object.
func recordsFromJSON(t *testing.T, body, key string) outcome {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var recs []map[string]any
	if err := dec.Decode(&recs); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	out := outcome{}
	for i, r := range recs {
		out.keys = append(out.keys, fmt.Sprint(r[key]))
		if i == 0 {
			out.fields = orderedKeys(t, body)
		}
	}
	return out
}

// orderedKeys returns the data keys of the first object in a JSON array of
// objects, in order.
func orderedKeys(t *testing.T, body string) []string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.Token() // [
	dec.Token() // {
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var skip json.RawMessage
		dec.Decode(&skip)
		if s := k.(string); !strings.HasPrefix(s, "__dozer") {
			keys = append(keys, s)
		}
	}
	return keys
}
