package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
)

// TestConcurrentCallsOnOneHTTP2Connection sends many gRPC calls at once over
// one HTTP/2 connection, whose replies share the write combiner, with pages
// from one record to replies of many frames, and checks each against the
// same query answered over HTTP/1.1, which writes directly.
func TestConcurrentCallsOnOneHTTP2Connection(t *testing.T) {
	srv := startServer(t)
	addr := srv.Addrs()[1]

	// The reference answers, over HTTP/1.1 with Connect's binary protocol.
	h1 := commonconnect.NewCommonGrpcServiceClient(http.DefaultClient, "http://"+addr)
	limits := []int{1, 7, 50, 333, 1000}
	want := map[int]*commonpb.QueryResponse{}
	for _, limit := range limits {
		res, err := h1.Query(context.Background(), connectRequest(limit))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Msg.Records) != limit {
			t.Fatalf("limit %d: %d records", limit, len(res.Msg.Records))
		}
		want[limit] = res.Msg
	}

	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := commonpb.NewCommonGrpcServiceClient(cc)
	var wg sync.WaitGroup
	const callers, calls = 16, 40
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				limit := limits[(c+i)%len(limits)]
				got, err := client.Query(context.Background(), connectRequest(limit).Msg)
				if err != nil {
					t.Error(err)
					return
				}
				if !proto.Equal(got, want[limit]) {
					t.Errorf("caller %d call %d: the %d-record page differs from HTTP/1.1's", c, i, limit)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func connectRequest(limit int) *connect.Request[commonpb.QueryRequest] {
	q := fmt.Sprintf(`{"$filter":{"passenger_count":{"$gte":1}},"$limit":%d}`, limit)
	return connect.NewRequest(&commonpb.QueryRequest{Endpoint: "trips_cache", Query: &q})
}
