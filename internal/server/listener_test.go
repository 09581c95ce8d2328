package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
)

// tcpPair returns both ends of a loopback TCP connection, the server's end
// wrapped as the listener wraps it.
func tcpPair(t testing.TB) (server *bufferedConn, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := bufferedListener{ln}.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); client.Close() })
	return c.(*bufferedConn), client
}

// readFirst reads from the server end in the background and reports the
// outcome, so that a test can tell a wait from a hang.
func readFirst(c *bufferedConn) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 64))
		done <- err
	}()
	return done
}

func TestPrefaceDetection(t *testing.T) {
	t.Parallel()
	preface := string(http2Preface)
	for _, tc := range []struct {
		name   string
		chunks []string // written with pauses between them
		close  bool     // the client closes after writing
		http2  bool
	}{
		{
			name:   "http2 preface and settings",
			chunks: []string{preface + "\x00\x00\x00\x04\x00\x00\x00\x00\x00"},
			http2:  true,
		},
		{name: "http2 preface alone", chunks: []string{preface}, http2: true},
		{
			name:   "http2 preface in pieces",
			chunks: []string{"PRI * HT", "TP/2.0\r\n\r\nS", "M\r\n\r\n"},
			http2:  true,
		},
		{name: "short http/1.0 request", chunks: []string{"GET / HTTP/1.0\r\n\r\n"}},
		{name: "http/1.1 post", chunks: []string{"POST /trips/query HTTP/1.1\r\nHost: x\r\n\r\n"}},
		{name: "one byte", chunks: []string{"G"}},
		{name: "preface cut short", chunks: []string{"PRI * HTTP/2.0"}, close: true},
		{name: "nothing", close: true},
		{name: "preface with a wrong byte", chunks: []string{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\r"}},
		{name: "binary noise", chunks: []string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server, client := tcpPair(t)
			done := readFirst(server)
			for _, chunk := range tc.chunks {
				time.Sleep(20 * time.Millisecond)
				if _, err := client.Write([]byte(chunk)); err != nil {
					t.Fatal(err)
				}
			}
			if tc.close {
				client.Close()
			}
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the first read waited for bytes the client never sends")
			}
			if got := server.http2.Load(); got != tc.http2 {
				t.Fatalf("http2 = %v, want %v", got, tc.http2)
			}
		})
	}
}

// FuzzPreface checks that detection agrees with a plain prefix test for any
// first bytes, and always returns once the client stops sending.
func FuzzPreface(f *testing.F) {
	f.Add([]byte(http2Preface))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte("PRI * HTTP/2.0\r\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		server, client := net.Pipe()
		c := newBufferedConn(server)
		go func() {
			client.Write(data)
			client.Close()
		}()
		buf := make([]byte, 64)
		c.Read(buf)
		if got, want := c.http2.Load(), bytes.HasPrefix(data, http2Preface); got != want {
			t.Fatalf("http2 = %v for %q", got, data)
		}
		server.Close()
	})
}

// h2Conn returns a server end already switched to HTTP/2 writing.
func h2Conn(t testing.TB) (*bufferedConn, net.Conn) {
	server, client := tcpPair(t)
	if _, err := client.Write(http2Preface); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(server, make([]byte, len(http2Preface))); err != nil {
		t.Fatal(err)
	}
	if !server.http2.Load() {
		t.Fatal("preface not detected")
	}
	return server, client
}

// TestCombinerKeepsWritesWholeAndInOrder has writers send numbered records
// at once; the peer must see every record whole, and each writer's records
// in the order written.
func TestCombinerKeepsWritesWholeAndInOrder(t *testing.T) {
	t.Parallel()
	server, client := h2Conn(t)
	const writers, records = 8, 2000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range records {
				// 12-byte header (writer, sequence, body length), then a body
				// of 0 to 1 KiB whose bytes all equal the writer's number.
				n := (i * 37) % 1025
				rec := make([]byte, 12+n)
				binary.BigEndian.PutUint32(rec, uint32(w))
				binary.BigEndian.PutUint32(rec[4:], uint32(i))
				binary.BigEndian.PutUint32(rec[8:], uint32(n))
				for j := range n {
					rec[12+j] = byte(w)
				}
				if _, err := server.Write(rec); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	next := make([]int, writers)
	head := make([]byte, 12)
	for range writers * records {
		if _, err := io.ReadFull(client, head); err != nil {
			t.Fatal(err)
		}
		w := binary.BigEndian.Uint32(head)
		i := int(binary.BigEndian.Uint32(head[4:]))
		n := binary.BigEndian.Uint32(head[8:])
		if w >= writers || i != next[w] {
			t.Fatalf("record %d of writer %d arrived, want record %d", i, w, next[w])
		}
		next[w]++
		body := make([]byte, n)
		if _, err := io.ReadFull(client, body); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, bytes.Repeat([]byte{byte(w)}, int(n))) {
			t.Fatalf("record %d of writer %d is mixed with another", i, w)
		}
	}
	wg.Wait()
}

// TestCombinerHoldsBackWhenThePeerStopsReading checks that writes block once
// the peer stops reading, rather than growing the buffer without bound, and
// that everything arrives once it reads again.
func TestCombinerHoldsBackWhenThePeerStopsReading(t *testing.T) {
	t.Parallel()
	server, client := h2Conn(t)
	const total = 32 << 20 // far more than socket buffers and the limit
	chunk := bytes.Repeat([]byte("x"), 16<<10)
	written := make(chan int, 1)
	var sent int
	var mu sync.Mutex
	go func() {
		for sent < total {
			if _, err := server.Write(chunk); err != nil {
				break
			}
			mu.Lock()
			sent += len(chunk)
			mu.Unlock()
		}
		written <- sent
	}()
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	stalled := sent
	mu.Unlock()
	if stalled >= total {
		t.Fatalf("all %d bytes were taken while the peer read nothing", total)
	}
	server.w.mu.Lock()
	held := len(server.w.pending)
	server.w.mu.Unlock()
	if held > combinerLimit+len(chunk) {
		t.Fatalf("combiner holds %d bytes, limit %d", held, combinerLimit)
	}
	n, err := io.CopyN(io.Discard, client, total)
	if err != nil || n != total {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	if got := <-written; got != total {
		t.Fatalf("wrote %d bytes", got)
	}
}

// TestCombinerReportsAFailedSend checks that writes fail, rather than
// vanish, once the peer has gone.
func TestCombinerReportsAFailedSend(t *testing.T) {
	t.Parallel()
	server, client := h2Conn(t)
	client.(*net.TCPConn).SetLinger(0) // reset, so sends fail at once
	client.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := server.Write(make([]byte, 4096))
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && !isConnError(err) {
				t.Fatalf("unexpected error %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("writes to a closed peer kept succeeding")
		}
		time.Sleep(time.Millisecond)
	}
	if err := server.w.drain(); err == nil {
		t.Fatal("drain after a failed send reported no error")
	}
}

func isConnError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// TestCloseSendsWhatWasTaken checks that closing right after a write still
// delivers it.
func TestCloseSendsWhatWasTaken(t *testing.T) {
	t.Parallel()
	server, client := h2Conn(t)
	want := bytes.Repeat([]byte("frame "), 50000)
	if _, err := server.Write(want); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(client)
		got <- b
	}()
	if err := server.Close(); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("peer got %d bytes, want %d", len(b), len(want))
	}
}

// TestHTTP1WritesGoStraight checks that HTTP/1.1 connections do not use the
// combiner.
func TestHTTP1WritesGoStraight(t *testing.T) {
	t.Parallel()
	server, client := tcpPair(t)
	fmt.Fprint(client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := server.Read(make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	if server.http2.Load() {
		t.Fatal("HTTP/1.1 taken for HTTP/2")
	}
	if _, err := server.Write([]byte("HTTP/1.1 200 OK\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if server.w.sending || len(server.w.pending) > 0 {
		t.Fatal("an HTTP/1.1 write went through the combiner")
	}
}

// TestConcurrentCallsOnOneHTTP2Connection sends many gRPC calls at once over
// one HTTP/2 connection, whose replies share the write combiner, with pages
// from one record to replies of many frames, and checks each against the
// same query answered over HTTP/1.1, which writes directly.
func TestConcurrentCallsOnOneHTTP2Connection(t *testing.T) {
	t.Parallel()
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
