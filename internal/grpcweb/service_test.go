package grpcweb

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/gantry-dev/gantry/gen/dozer/health"
	"github.com/gantry-dev/gantry/gen/dozer/health/healthconnect"
)

const (
	checkPath = healthconnect.HealthGrpcServiceHealthCheckProcedure
	watchPath = healthconnect.HealthGrpcServiceHealthWatchProcedure

	// Services the test implementation treats specially.
	serviceFail = "fail" // check fails NOT_FOUND; watch fails after one message
	serviceGate = "gate" // watch takes a token from healthService.gate after one message
)

// watchStatuses are what HealthWatch streams.
var watchStatuses = []health.HealthCheckResponse_ServingStatus{
	health.HealthCheckResponse_SERVING,
	health.HealthCheckResponse_NOT_SERVING,
	health.HealthCheckResponse_SERVICE_UNKNOWN,
}

// healthService is a small dozer.health.HealthGrpcService for the tests.
type healthService struct {
	gate chan struct{} // unbuffered: a test sends one token per gated call
}

func (s *healthService) HealthCheck(
	_ context.Context,
	req *connect.Request[health.HealthCheckRequest],
) (*connect.Response[health.HealthCheckResponse], error) {
	if req.Msg.GetService() == serviceFail {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("no such service: fail"))
	}
	return connect.NewResponse(&health.HealthCheckResponse{
		Status: health.HealthCheckResponse_SERVING,
	}), nil
}

func (s *healthService) HealthWatch(
	ctx context.Context,
	req *connect.Request[health.HealthCheckRequest],
	stream *connect.ServerStream[health.HealthCheckResponse],
) error {
	for i, status := range watchStatuses {
		if err := stream.Send(&health.HealthCheckResponse{Status: status}); err != nil {
			return err
		}
		if i > 0 {
			continue
		}
		switch req.Msg.GetService() {
		case serviceFail:
			return connect.NewError(connect.CodeUnavailable, errors.New("watch broke"))
		case serviceGate:
			select {
			case <-s.gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// backend is the test service behind Handler, counting the requests that
// reach it.
type backend struct {
	service *healthService
	calls   atomic.Int64
	handler http.Handler
}

func newBackend(opts Options) *backend {
	b := &backend{service: &healthService{gate: make(chan struct{})}}
	mux := http.NewServeMux()
	mux.Handle(healthconnect.NewHealthGrpcServiceHandler(b.service))
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.calls.Add(1)
		mux.ServeHTTP(w, r)
	})
	b.handler = Handler(counted, opts)
	return b
}

// target is a running server and a client speaking the HTTP version to use.
type target struct {
	name    string
	url     string
	client  *http.Client
	backend *backend
}

// startTargets serves one backend three ways: httptest over HTTP/1.1, and an
// http.Server accepting HTTP/1.1 and h2c on one loopback port, reached with
// each protocol.
func startTargets(t *testing.T, opts Options) []target {
	t.Helper()
	b := newBackend(opts)

	test := httptest.NewServer(b.handler)
	t.Cleanup(test.Close)

	url := serveH2C(t, b.handler)
	return []target{
		{name: "httptest http1", url: test.URL, client: test.Client(), backend: b},
		{name: "server http1", url: url, client: newClient(t, false), backend: b},
		{name: "server h2c", url: url, client: newClient(t, true), backend: b},
	}
}

func serveH2C(t *testing.T, handler http.Handler) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	server := &http.Server{
		Handler:           handler,
		Protocols:         new(http.Protocols),
		ReadHeaderTimeout: 10 * time.Second,
	}
	server.Protocols.SetHTTP1(true)
	server.Protocols.SetUnencryptedHTTP2(true)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })
	return "http://" + listener.Addr().String()
}

func newClient(t *testing.T, h2c bool) *http.Client {
	t.Helper()
	transport := &http.Transport{Protocols: new(http.Protocols)}
	if h2c {
		transport.Protocols.SetUnencryptedHTTP2(true)
	} else {
		transport.Protocols.SetHTTP1(true)
	}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 30 * time.Second}
}
