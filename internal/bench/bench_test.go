// Package bench measures gantry's request paths side by side in one run, on
// real loopback listeners with real clients, so that ratios between them
// hold on a noisy machine. docs/benchmarks.md records the figures.
package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	_ "modernc.org/sqlite"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/bench/floor"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/server"
)

// The two operations measured on every protocol.
const (
	pointQuery    = `{"$filter":{"trip_id":4242}}`
	filteredQuery = `{"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20}`
)

var secret = []byte("bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

// fixture is a running gantry, open and secured, plus a floor server.
type fixture struct {
	open, secured string // host:port
	floor         string
	master        string
}

var shared *fixture

func TestMain(m *testing.M) {
	code := m.Run()
	os.Exit(code)
}

func start(b *testing.B) *fixture {
	if shared != nil {
		return shared
	}
	home, err := os.MkdirTemp("", "gantry-bench")
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	serve := func(authority *auth.Authority) string {
		cfg := config.Default()
		cfg.HomeDir = home
		cfg.API.REST = config.Listener{Host: "127.0.0.1", Port: 0, Enabled: true}
		cfg.API.GRPC = config.Listener{Enabled: false}
		srv, err := server.New(context.Background(), server.Options{Config: cfg, Logger: quiet, Authority: authority})
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Listen(); err != nil {
			b.Fatal(err)
		}
		go srv.Serve(context.Background())
		return srv.Addrs()[0]
	}
	authority, err := auth.NewAuthority(secret, auth.Options{})
	if err != nil {
		b.Fatal(err)
	}
	master, _, err := authority.Mint(auth.Access{All: true}, time.Hour, nil)
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{open: serve(nil), master: master}
	f.secured = serve(authority)
	f.floor = floorServer(b, filepath.Join(home, "store.db"))
	shared = f
	return f
}

// floorServer serves the floor handler on the same store, over HTTP/1.1
// and h2c. gantry's query path is measured against it.
func floorServer(b *testing.B, path string) string {
	h, _, err := floor.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	go (&http.Server{Handler: h, Protocols: &protocols}).Serve(ln)
	return ln.Addr().String()
}

func h1Client() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

// rawCall is one pre-encoded request; the client only moves bytes, as hey
// does, so that client-side decoding does not weigh on the comparison.
type rawCall struct {
	name, path, contentType string
	body                    []byte
	h2                      bool
	header                  []string
}

func (c rawCall) do(b *testing.B, client *http.Client, addr string) {
	req, _ := http.NewRequest("POST", "http://"+addr+c.path, bytes.NewReader(c.body))
	req.Header.Set("Content-Type", c.contentType)
	if c.h2 {
		req.Header.Set("TE", "trailers")
	}
	for i := 0; i+1 < len(c.header); i += 2 {
		req.Header.Set(c.header[i], c.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("%s: status %d", c.name, resp.StatusCode)
	}
	if st := resp.Trailer.Get("Grpc-Status"); c.h2 && st != "0" {
		b.Fatalf("%s: grpc-status %q", c.name, st)
	}
}

func frame(m proto.Message) []byte {
	data, _ := proto.Marshal(m)
	out := make([]byte, 5, 5+len(data))
	binary.BigEndian.PutUint32(out[1:], uint32(len(data)))
	return append(out, data...)
}

// protocolCalls returns the same query as each protocol sends it.
func protocolCalls(query string) []rawCall {
	msg := &commonpb.QueryRequest{Endpoint: "trips_cache", Query: &query}
	jsonMsg, _ := protojson.Marshal(msg)
	protoMsg, _ := proto.Marshal(msg)
	return []rawCall{
		{name: "rest", path: "/trips/query", contentType: "application/json", body: []byte(query)},
		{name: "connect-json", path: commonQuery, contentType: "application/json", body: jsonMsg},
		{name: "connect-proto", path: commonQuery, contentType: "application/proto", body: protoMsg},
		{name: "grpc-web", path: commonQuery, contentType: "application/grpc-web+proto", body: frame(msg)},
		{name: "grpc", path: commonQuery, contentType: "application/grpc", body: frame(msg), h2: true},
	}
}

const commonQuery = "/dozer.common.CommonGrpcService/query"

// BenchmarkProtocols runs the point get and the filtered query on each
// protocol, and the floor handler, in one run.
func BenchmarkProtocols(b *testing.B) {
	f := start(b)
	for _, op := range []struct{ name, query string }{{"point", pointQuery}, {"filtered", filteredQuery}} {
		for _, c := range protocolCalls(op.query) {
			b.Run(op.name+"/"+c.name, func(b *testing.B) {
				client := h1Client()
				if c.h2 {
					client = h2cClient()
				}
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						c.do(b, client, f.open)
					}
				})
			})
		}
	}
	// The floor over both transports: HTTP/1.1 as hey speaks it, and HTTP/2
	// without TLS as gRPC does.
	for _, t := range []struct {
		name   string
		client func() *http.Client
	}{{"floor", h1Client}, {"floor-h2c", h2cClient}} {
		b.Run("filtered/"+t.name, func(b *testing.B) {
			client := t.client()
			c := rawCall{name: t.name, path: "/", contentType: "application/json"}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.do(b, client, f.floor)
				}
			})
		})
	}
}

// BenchmarkAuth compares the same point query without security, with a
// master token, and rejected for a bad or missing token, on REST and gRPC.
func BenchmarkAuth(b *testing.B) {
	f := start(b)
	bad := f.master[:len(f.master)-4] + "AAAA"
	cases := []struct {
		name, addr, token string
	}{
		{"open", f.open, ""},
		{"token", f.secured, f.master},
		{"bad-token", f.secured, bad},
		{"no-token", f.secured, ""},
	}
	for _, call := range protocolCalls(pointQuery) {
		if call.name != "rest" && call.name != "grpc" {
			continue
		}
		for _, c := range cases {
			b.Run(call.name+"/"+c.name, func(b *testing.B) {
				call := call
				if c.token != "" {
					call.header = []string{"Authorization", "Bearer " + c.token}
				}
				client := h1Client()
				if call.h2 {
					client = h2cClient()
				}
				rejected := c.name == "bad-token" || c.name == "no-token"
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if rejected {
							call.reject(b, client, c.addr)
						} else {
							call.do(b, client, c.addr)
						}
					}
				})
			})
		}
	}
}

// reject sends the call and expects it refused.
func (c rawCall) reject(b *testing.B, client *http.Client, addr string) {
	req, _ := http.NewRequest("POST", "http://"+addr+c.path, bytes.NewReader(c.body))
	req.Header.Set("Content-Type", c.contentType)
	for i := 0; i+1 < len(c.header); i += 2 {
		req.Header.Set(c.header[i], c.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 200 && resp.Header.Get("Grpc-Status") == "" && resp.Trailer.Get("Grpc-Status") == "0" {
		b.Fatalf("%s: not rejected", c.name)
	}
}

// rawCodec passes message bytes through, so that the grpc-go client does
// no decoding work in the gRPC benchmark.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append((*(v.(*[]byte)))[:0], data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// BenchmarkGRPCGo sends the queries with grpc-go, HTTP/2 as real gRPC
// clients speak it, without decoding the reply.
func BenchmarkGRPCGo(b *testing.B) {
	f := start(b)
	for _, op := range []struct{ name, query string }{{"point", pointQuery}, {"filtered", filteredQuery}} {
		b.Run(op.name, func(b *testing.B) {
			cc, err := grpc.NewClient(f.open, grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
			if err != nil {
				b.Fatal(err)
			}
			defer cc.Close()
			req, _ := proto.Marshal(&commonpb.QueryRequest{Endpoint: "trips_cache", Query: &op.query})
			b.RunParallel(func(pb *testing.PB) {
				var res []byte
				for pb.Next() {
					if err := cc.Invoke(context.Background(), commonQuery, &req, &res); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
