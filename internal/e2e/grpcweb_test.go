package e2e

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	commonpb "github.com/gantry-dev/gantry/gen/dozer/common"
)

// grpcWebFrame frames one message as gRPC-Web does.
func grpcWebFrame(m proto.Message) []byte {
	b, _ := proto.Marshal(m)
	frame := make([]byte, 5, 5+len(b))
	binary.BigEndian.PutUint32(frame[1:], uint32(len(b)))
	return append(frame, b...)
}

// decodeTextBody decodes a text-mode body, which may be several base64
// chunks each with its own padding.
func decodeTextBody(body []byte) ([]byte, error) {
	var out []byte
	s := strings.TrimSpace(string(body))
	for len(s) > 0 {
		n := 4
		if len(s) < n {
			return nil, fmt.Errorf("truncated base64 %q", s)
		}
		b, err := base64.StdEncoding.DecodeString(s[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
		s = s[n:]
	}
	return out, nil
}

// grpcWebReply splits a gRPC-Web body into messages and trailers.
func grpcWebReply(t *testing.T, body []byte) (msgs [][]byte, trailers http.Header) {
	t.Helper()
	trailers = http.Header{}
	for len(body) >= 5 {
		flag, n := body[0], binary.BigEndian.Uint32(body[1:5])
		if int(n) > len(body)-5 {
			t.Fatalf("frame of %d bytes in %d", n, len(body)-5)
		}
		payload := body[5 : 5+n]
		body = body[5+n:]
		if flag&0x80 != 0 {
			for _, line := range strings.Split(string(payload), "\r\n") {
				if k, v, ok := strings.Cut(line, ":"); ok {
					trailers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
				}
			}
			continue
		}
		msgs = append(msgs, payload)
	}
	return msgs, trailers
}

// TestGRPCWebRawFrames sends gRPC-Web requests byte for byte as the grpc-web
// JS client does, in text and in binary mode.
func TestGRPCWebRawFrames(t *testing.T) {
	srv := openServer(t)
	want := oracleInt(t, `SELECT count(*) FROM trips_cache WHERE trip_distance > 10`)
	req := &commonpb.QueryRequest{Endpoint: "trips_cache", Query: strp(`{"$filter":{"trip_distance":{"$gt":10}}}`)}

	for _, mode := range []string{"text", "binary"} {
		t.Run(mode, func(t *testing.T) {
			body := grpcWebFrame(req)
			ct := "application/grpc-web+proto"
			if mode == "text" {
				body = []byte(base64.StdEncoding.EncodeToString(body))
				ct = "application/grpc-web-text"
			}
			r := call(t, "POST", "http://"+srv.GRPC+"/dozer.common.CommonGrpcService/count", string(body),
				"Content-Type", ct, "Accept", ct, "X-Grpc-Web", "1",
				"X-User-Agent", "grpc-web-javascript/0.1", "Origin", "http://app.example")
			r.want(t, 200)
			if r.Header.Get("Access-Control-Allow-Origin") == "" {
				t.Fatalf("no CORS header: %v", r.Header)
			}
			reply := r.Body
			if mode == "text" {
				var err error
				if reply, err = decodeTextBody(r.Body); err != nil {
					t.Fatalf("decode text body %q: %v", r.Body, err)
				}
			}
			msgs, trailers := grpcWebReply(t, reply)
			if trailers.Get("grpc-status") != "0" || len(msgs) != 1 {
				t.Fatalf("trailers %v, %d messages", trailers, len(msgs))
			}
			var out commonpb.CountResponse
			if err := proto.Unmarshal(msgs[0], &out); err != nil || int64(out.GetCount()) != want {
				t.Fatalf("count %v (%v), want %d", out.GetCount(), err, want)
			}
		})
	}
	t.Run("preflight", func(t *testing.T) {
		r := call(t, "OPTIONS", "http://"+srv.GRPC+"/dozer.common.CommonGrpcService/count", "",
			"Origin", "http://app.example", "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type,x-grpc-web,x-user-agent")
		if r.Status/100 != 2 {
			t.Fatalf("preflight status %d", r.Status)
		}
		allowed := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers"))
		if !strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "x-grpc-web") {
			t.Fatalf("allowed headers %q", allowed)
		}
	})
	t.Run("text error carries grpc-status", func(t *testing.T) {
		bad := &commonpb.QueryRequest{Endpoint: "trips_cache", Query: strp(`{"$filter":{"nope":1}}`)}
		body := base64.StdEncoding.EncodeToString(grpcWebFrame(bad))
		r := call(t, "POST", "http://"+srv.GRPC+"/dozer.common.CommonGrpcService/count", body,
			"Content-Type", "application/grpc-web-text", "X-Grpc-Web", "1")
		status := r.Header.Get("Grpc-Status")
		if status == "" {
			reply, err := decodeTextBody(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			_, tr := grpcWebReply(t, reply)
			status = tr.Get("grpc-status")
		}
		if status != "3" {
			t.Fatalf("grpc-status %q, want 3 (INVALID_ARGUMENT); headers %v", status, r.Header)
		}
	})
}
