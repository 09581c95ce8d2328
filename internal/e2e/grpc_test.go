package e2e

import (
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthv1 "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache"
	"github.com/gantry-dev/gantry/gen/dozer/generated/trips_cache/trips_cacheconnect"
	healthpb "github.com/gantry-dev/gantry/gen/dozer/health"
	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

func grpcConn(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func strp(s string) *string { return &s }

// TestGRPCGo calls every service with grpc-go on both ports: each port
// serves every protocol.
func TestGRPCGo(t *testing.T) {
	srv := openServer(t)
	const (
		countQuery = `{"$filter":{"passenger_count":{"$gte":4}}}`
		filter     = `{"$filter":{"passenger_count":{"$gte":4}},"$order_by":{"trip_id":"desc"},"$limit":5}`
	)
	wantCount := oracleInt(t, `SELECT count(*) FROM trips_cache WHERE passenger_count >= 4`)
	wantIDs := oracleInts(t, `SELECT trip_id FROM trips_cache WHERE passenger_count >= 4 ORDER BY trip_id DESC LIMIT 5`)

	for _, addr := range []string{srv.GRPC, srv.REST} {
		cc := grpcConn(t, addr)
		ctx := ctxFor(t)
		common := commonpb.NewCommonGrpcServiceClient(cc)

		n, err := common.Count(ctx, &commonpb.QueryRequest{Endpoint: "trips_cache", Query: strp(countQuery)})
		if err != nil || int64(n.GetCount()) != wantCount {
			t.Fatalf("%s common count = %v, %v; want %d", addr, n, err, wantCount)
		}
		q, err := common.Query(ctx, &commonpb.QueryRequest{Endpoint: "trips_cache", Query: strp(filter)})
		if err != nil || len(q.GetRecords()) != 5 {
			t.Fatalf("%s common query: %v, %d records", addr, err, len(q.GetRecords()))
		}
		for i, r := range q.GetRecords() {
			if int64(r.GetValues()[0].GetUintValue()) != wantIDs[i] || r.GetId() == 0 {
				t.Fatalf("record %d = %v, want trip %d", i, r, wantIDs[i])
			}
		}
		if q.GetFields()[1].GetTyp() != typespb.Type_Timestamp || !q.GetFields()[5].GetNullable() {
			t.Fatalf("fields %v", q.GetFields())
		}

		eps, err := common.GetEndpoints(ctx, &commonpb.GetEndpointsRequest{})
		if err != nil || len(eps.GetEndpoints()) != 3 {
			t.Fatalf("getEndpoints = %v, %v", eps, err)
		}
		fields, err := common.GetFields(ctx, &commonpb.GetFieldsRequest{Endpoint: "stocks_meta"})
		if err != nil || fields.GetFields()[0].GetName() != "symbol" || fields.GetPrimaryIndex()[0] != 0 {
			t.Fatalf("getFields = %v, %v", fields, err)
		}
		_, err = common.Count(ctx, &commonpb.QueryRequest{Endpoint: "nope"})
		if status.Code(err) != codes.NotFound {
			t.Fatalf("unknown endpoint: %v", err)
		}
		_, err = common.Query(ctx, &commonpb.QueryRequest{Endpoint: "trips_cache", Query: strp(`{"$limit":"x"}`)})
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("bad query: %v", err)
		}

		typed := trips_cache.NewTripsCachesClient(cc)
		tq, err := typed.Query(ctx, &trips_cache.QueryTripsCachesRequest{Query: strp(filter)})
		if err != nil || len(tq.GetRecords()) != 5 || int64(tq.GetRecords()[0].GetTripId()) != wantIDs[0] {
			t.Fatalf("typed query: %v %v", tq, err)
		}
		if tq.GetRecords()[0].GetPickupAt() == nil || tq.GetRecords()[0].GetXDozerRecordId() == 0 {
			t.Fatalf("typed record incomplete: %v", tq.GetRecords()[0])
		}
		tc, err := typed.Count(ctx, &trips_cache.QueryTripsCachesRequest{})
		if err != nil || int64(tc.GetCount()) != oracleInt(t, `SELECT count(*) FROM trips_cache`) {
			t.Fatalf("typed count: %v %v", tc, err)
		}

		h, err := healthpb.NewHealthGrpcServiceClient(cc).HealthCheck(ctx, &healthpb.HealthCheckRequest{Service: "typed"})
		if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("dozer health: %v %v", h, err)
		}
		hv, err := healthv1.NewHealthClient(cc).Check(ctx, &healthv1.HealthCheckRequest{})
		if err != nil || hv.GetStatus() != healthv1.HealthCheckResponse_SERVING {
			t.Fatalf("grpc health: %v %v", hv, err)
		}
	}
}

// TestConnectClients calls with connect-go in each of its protocols.
func TestConnectClients(t *testing.T) {
	srv := openServer(t)
	want := oracleInt(t, `SELECT count(*) FROM trips_cache WHERE payment_type = 'Cash'`)
	protocols := map[string][]connect.ClientOption{
		"connect-json":  {connect.WithProtoJSON()},
		"connect-proto": nil,
		"connect-get":   {connect.WithHTTPGet()},
		"grpc-web":      {connect.WithGRPCWeb()},
	}
	for name, opts := range protocols {
		t.Run(name, func(t *testing.T) {
			ctx := ctxFor(t)
			common := commonconnect.NewCommonGrpcServiceClient(http.DefaultClient, srv.URL(), opts...)
			res, err := common.Count(ctx, connect.NewRequest(&commonpb.QueryRequest{
				Endpoint: "trips_cache", Query: strp(`{"$filter":{"payment_type":"Cash"}}`),
			}))
			if err != nil || int64(res.Msg.GetCount()) != want {
				t.Fatalf("count = %v, %v; want %d", res, err, want)
			}
			typed := trips_cacheconnect.NewTripsCachesClient(http.DefaultClient, srv.URL(), opts...)
			q, err := typed.Query(ctx, connect.NewRequest(&trips_cache.QueryTripsCachesRequest{
				Query: strp(`{"$filter":{"trip_id":{"$lte":3}}}`),
			}))
			if err != nil || len(q.Msg.GetRecords()) != 3 {
				t.Fatalf("typed query = %v, %v", q, err)
			}
			_, err = common.Count(ctx, connect.NewRequest(&commonpb.QueryRequest{
				Endpoint: "trips_cache", Query: strp(`{"$filter":{"trip_id":"one"}}`),
			}))
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("bad query error = %v", err)
			}
		})
	}
}
