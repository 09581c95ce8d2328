// Package bench measures gantry's request paths side by side in one run, on
// real loopback listeners with real clients, so that ratios between them
// hold on a noisy machine. docs/benchmarks.md records the figures.
package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	_ "modernc.org/sqlite"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/server"
)

// The two operations measured on every protocol.
const (
	pointQuery    = `{"$filter":{"trip_id":4242}}`
	filteredQuery = `{"$filter":{"pickup_location_id":132,"fare_amount":{"$gt":30}},"$limit":20}`
	// floorSQL is what gantry runs for filteredQuery, written by hand.
	floorSQL = `SELECT rowid, "trip_id", "pickup_at", "dropoff_at", "pickup_location_id",
		"dropoff_location_id", "passenger_count", "trip_distance", "fare_amount", "tip_amount",
		"payment_type" FROM "trips_cache" WHERE "pickup_location_id" = ? AND "fare_amount" > ?
		ORDER BY rowid LIMIT ?`
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

// floorServer is the smallest useful handler: it runs the query's SQL on
// the same store and writes the rows as JSON, with no parsing, no auth and
// no protocol framing. gantry's query path is measured against it.
func floorServer(b *testing.B, path string) string {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	stmt, err := db.Prepare(floorSQL)
	if err != nil {
		b.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := stmt.QueryContext(r.Context(), 132, 30.0, 20)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			vals := make([]any, 11)
			ptrs := make([]any, 11)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			out = append(out, vals)
		}
		json.NewEncoder(w).Encode(out)
	})
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

func post(b *testing.B, c *http.Client, url, body string, header ...string) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 401 {
		b.Fatalf("%s: status %d", url, resp.StatusCode)
	}
}

// BenchmarkProtocols runs the point get and the filtered query on each
// protocol, and the floor handler, in one run.
func BenchmarkProtocols(b *testing.B) {
	f := start(b)
	for _, op := range []struct{ name, query string }{{"point", pointQuery}, {"filtered", filteredQuery}} {
		b.Run(op.name+"/rest", func(b *testing.B) {
			c := h1Client()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					post(b, c, "http://"+f.open+"/trips/query", op.query)
				}
			})
		})
		for _, p := range []struct {
			name string
			opts []connect.ClientOption
			h2   bool
		}{
			{"connect-json", []connect.ClientOption{connect.WithProtoJSON()}, false},
			{"connect-proto", nil, false},
			{"grpc-web", []connect.ClientOption{connect.WithGRPCWeb()}, false},
		} {
			b.Run(op.name+"/"+p.name, func(b *testing.B) {
				client := commonconnect.NewCommonGrpcServiceClient(h1Client(), "http://"+f.open, p.opts...)
				q := op.query
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						_, err := client.Query(context.Background(), connect.NewRequest(
							&commonpb.QueryRequest{Endpoint: "trips_cache", Query: &q}))
						if err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
		b.Run(op.name+"/grpc", func(b *testing.B) {
			cc := grpcClient(b, f.open)
			client := commonpb.NewCommonGrpcServiceClient(cc)
			q := op.query
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := client.Query(context.Background(), &commonpb.QueryRequest{Endpoint: "trips_cache", Query: &q}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
	b.Run("filtered/floor", func(b *testing.B) {
		c := h1Client()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				post(b, c, "http://"+f.floor+"/", "")
			}
		})
	})
}

func grpcClient(b *testing.B, addr string) *grpc.ClientConn {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cc.Close() })
	return cc
}

// BenchmarkAuth compares the same point query without security, with a
// master token, and rejected for a bad token.
func BenchmarkAuth(b *testing.B) {
	f := start(b)
	cases := []struct {
		name, addr string
		header     []string
	}{
		{"open", f.open, nil},
		{"token", f.secured, []string{"Authorization", "Bearer " + f.master}},
		{"bad-token", f.secured, []string{"Authorization", "Bearer " + f.master[:len(f.master)-4] + "AAAA"}},
		{"no-token", f.secured, nil},
	}
	for _, c := range cases {
		b.Run("rest/"+c.name, func(b *testing.B) {
			client := h1Client()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					post(b, client, "http://"+c.addr+"/trips/query", pointQuery, c.header...)
				}
			})
		})
		b.Run("grpc/"+c.name, func(b *testing.B) {
			client := commonpb.NewCommonGrpcServiceClient(grpcClient(b, c.addr))
			ctx := context.Background()
			if len(c.header) > 0 {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", c.header[1])
			}
			q := pointQuery
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					client.Query(ctx, &commonpb.QueryRequest{Endpoint: "trips_cache", Query: &q})
				}
			})
		})
	}
}

