package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	"github.com/gantry-dev/gantry/internal/config"
)

// counter is an interceptor that records every procedure it sees and the
// peer address connect reported for it.
type counter struct {
	mu    sync.Mutex
	calls map[string]int
	peers []string
}

func (c *counter) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		c.mu.Lock()
		c.calls[req.Spec().Procedure]++
		c.peers = append(c.peers, req.Peer().Addr)
		c.mu.Unlock()
		return next(ctx, req)
	}
}

func (c *counter) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (c *counter) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// TestRESTPassesTheInterceptors proves that REST requests reach the Connect
// handlers in-process through the interceptor chain: a counting interceptor
// sees each REST call once, under the route's procedure, with the REST
// client's address as the peer.
// startServer runs gantry on the sample data on two free loopback ports
// until the test ends, with extra interceptors.
func startServer(t *testing.T, extra ...connect.Interceptor) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.HomeDir = t.TempDir()
	cfg.API.REST = config.Listener{Host: "127.0.0.1", Port: 0, Enabled: true}
	cfg.API.GRPC = config.Listener{Host: "127.0.0.1", Port: 0, Enabled: true}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, Options{
		Config:       cfg,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Interceptors: extra,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		srv.Close()
	})
	return srv
}

func TestRESTPassesTheInterceptors(t *testing.T) {
	c := &counter{calls: map[string]int{}}
	srv := startServer(t, c)

	base := "http://" + srv.Addrs()[0]
	requests := []struct{ method, path, procedure string }{
		{"GET", "/trips/1", "/dozer.generated.trips_cache.TripsCachesRest/Get"},
		{"GET", "/trips", "/dozer.generated.trips_cache.TripsCachesRest/List"},
		{"POST", "/pickup/count", "/dozer.generated.pickup.PickupsRest/Count"},
		{"POST", "/stocks-meta/query", "/dozer.generated.stocks_meta.StocksMetasRest/Query"},
		{"GET", "/", "/gantry.v1.RestService/ListPaths"},
	}
	for _, r := range requests {
		req, _ := http.NewRequest(r.method, base+r.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: status %d", r.method, r.path, resp.StatusCode)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range requests {
		if c.calls[r.procedure] != 1 {
			t.Errorf("%s %s: interceptor saw %s %d times, want 1 (calls %v)",
				r.method, r.path, r.procedure, c.calls[r.procedure], c.calls)
		}
	}
	if len(c.calls) != len(requests) {
		t.Errorf("interceptor saw %d procedures, want %d: %v", len(c.calls), len(requests), c.calls)
	}
	for _, p := range c.peers {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("peer %q is not the REST client's address", p)
		}
	}
}
