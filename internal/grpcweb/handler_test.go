package grpcweb

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/gantry-dev/gantry/gen/dozer/health"
	"github.com/gantry-dev/gantry/gen/dozer/health/healthconnect"
)

var b64 = base64.StdEncoding.EncodeToString

func TestTextMode(t *testing.T) {
	t.Parallel()
	check := requestFrame(t, "")
	checkFail := requestFrame(t, serviceFail)
	serving := []health.HealthCheckResponse_ServingStatus{health.HealthCheckResponse_SERVING}

	tests := []struct {
		name         string
		path         string
		contentType  string
		body         string
		wantStatus   string
		wantMessage  string
		wantStatuses []health.HealthCheckResponse_ServingStatus
	}{
		{
			name:         "unary",
			path:         checkPath,
			contentType:  "application/grpc-web-text",
			body:         b64(check),
			wantStatus:   "0",
			wantStatuses: serving,
		},
		{
			name:         "unary with proto subtype and a parameter",
			path:         checkPath,
			contentType:  "Application/gRPC-Web-Text+proto; charset=utf-8",
			body:         b64(check),
			wantStatus:   "0",
			wantStatuses: serving,
		},
		{
			name:         "unary in two separately padded chunks",
			path:         checkPath,
			contentType:  "application/grpc-web-text",
			body:         b64(check[:4]) + b64(check[4:]),
			wantStatus:   "0",
			wantStatuses: serving,
		},
		{
			name:        "unary handler error",
			path:        checkPath,
			contentType: "application/grpc-web-text",
			body:        b64(checkFail),
			wantStatus:  "5",
			wantMessage: "no such service: fail",
		},
		{
			name:         "server stream of three messages",
			path:         watchPath,
			contentType:  "application/grpc-web-text+proto",
			body:         b64(check),
			wantStatus:   "0",
			wantStatuses: watchStatuses,
		},
		{
			name:         "server stream failing after one message",
			path:         watchPath,
			contentType:  "application/grpc-web-text",
			body:         b64(checkFail),
			wantStatus:   "14",
			wantMessage:  "watch broke",
			wantStatuses: serving,
		},
		{
			name:        "garbage body",
			path:        checkPath,
			contentType: "application/grpc-web-text",
			body:        "!!!! this is not base64 !!!!",
			wantStatus:  "3",
			wantMessage: "grpc-web-text: request body is not valid base64",
		},
		{
			name:        "valid frame then garbage",
			path:        checkPath,
			contentType: "application/grpc-web-text",
			body:        b64(check) + "%%%%",
			wantStatus:  "3",
			wantMessage: "grpc-web-text: request body is not valid base64",
		},
		{
			name:        "garbage body on a stream",
			path:        watchPath,
			contentType: "application/grpc-web-text",
			body:        "a",
			wantStatus:  "3",
			wantMessage: "grpc-web-text: request body is not valid base64",
		},
		{
			name:        "truncated frame",
			path:        checkPath,
			contentType: "application/grpc-web-text",
			body:        b64(check[:len(check)-1]),
			wantStatus:  "13",
		},
	}
	if !strings.Contains(tests[2].body[:12], "=") {
		t.Fatalf("chunked body %q has no padding between chunks", tests[2].body)
	}

	for _, target := range startTargets(t, Options{}) {
		for _, tt := range tests {
			t.Run(target.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				req := textRequest(t, target.url+tt.path, tt.body)
				req.Header.Set("Content-Type", tt.contentType)
				resp, err := target.client.Do(req)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				defer resp.Body.Close()

				if resp.StatusCode != http.StatusOK {
					t.Fatalf("HTTP status = %d, want 200", resp.StatusCode)
				}
				got := resp.Header.Get("Content-Type")
				if got != "application/grpc-web-text+proto" {
					t.Errorf("Content-Type = %q, want application/grpc-web-text+proto", got)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != jsOrigin {
					t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, jsOrigin)
				}
				reply, err := readReply(resp.Body)
				if err != nil {
					t.Fatalf("read reply: %v", err)
				}
				status, message := reply.status(resp.Header)
				if status != tt.wantStatus {
					t.Errorf("grpc-status = %q (%q), want %q", status, message, tt.wantStatus)
				}
				if tt.wantMessage != "" && message != tt.wantMessage {
					t.Errorf("grpc-message = %q, want %q", message, tt.wantMessage)
				}
				if got := reply.statuses(t); !slices.Equal(got, tt.wantStatuses) {
					t.Errorf("messages = %v, want %v", got, tt.wantStatuses)
				}
			})
		}
	}
}

func TestTextModeJSON(t *testing.T) {
	t.Parallel()
	target := startTargets(t, Options{})[0]
	body := b64(frame(0, []byte(`{"service":""}`)))
	req := textRequest(t, target.url+checkPath, body)
	req.Header.Set("Content-Type", "application/grpc-web-text+json")

	resp, err := target.client.Do(req)
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	defer resp.Body.Close()

	if got := resp.Header.Get("Content-Type"); got != "application/grpc-web-text+json" {
		t.Errorf("Content-Type = %q, want application/grpc-web-text+json", got)
	}
	reply, err := readReply(resp.Body)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	if status, message := reply.status(resp.Header); status != "0" {
		t.Fatalf("grpc-status = %q (%q), want 0", status, message)
	}
	if len(reply.messages) != 1 || !bytes.Contains(reply.messages[0], []byte(`"SERVING"`)) {
		t.Errorf("messages = %q, want one holding \"SERVING\"", reply.messages)
	}
}

// TestTextModeStreams checks that each message reaches the client while the
// handler is still running, so nothing buffers a text-mode stream.
func TestTextModeStreams(t *testing.T) {
	t.Parallel()
	// Sequential: the targets share one gate.
	for _, target := range startTargets(t, Options{}) {
		t.Run(target.name, func(t *testing.T) {
			body := b64(requestFrame(t, serviceGate))
			req := textRequest(t, target.url+watchPath, body)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			resp, err := target.client.Do(req.WithContext(ctx))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			defer resp.Body.Close()

			frames := &frameReader{src: resp.Body}
			if _, _, err := frames.next(); err != nil {
				t.Fatalf("first message before the handler goes on: %v", err)
			}
			select {
			case target.backend.service.gate <- struct{}{}:
			case <-time.After(10 * time.Second):
				t.Fatal("handler never waited on the gate")
			}

			reply, err := readReply(resp.Body)
			if err != nil {
				t.Fatalf("read reply: %v", err)
			}
			if status, message := reply.status(resp.Header); status != "0" {
				t.Errorf("grpc-status = %q (%q), want 0", status, message)
			}
			if got := reply.statuses(t); !slices.Equal(got, watchStatuses[1:]) {
				t.Errorf("later messages = %v, want %v", got, watchStatuses[1:])
			}
		})
	}
}

// TestOtherProtocols checks that binary gRPC-Web, gRPC and Connect still work
// through Handler, with connect-go's own clients.
func TestOtherProtocols(t *testing.T) {
	t.Parallel()
	targets := startTargets(t, Options{})
	http1, h2c := targets[0], targets[2]

	tests := []struct {
		name   string
		target target
		opt    connect.ClientOption // nil for the Connect protocol with proto
	}{
		{name: "grpc-web over http1", target: http1, opt: connect.WithGRPCWeb()},
		{name: "grpc-web over h2c", target: h2c, opt: connect.WithGRPCWeb()},
		{name: "connect proto over http1", target: http1},
		{name: "connect json over http1", target: http1, opt: connect.WithProtoJSON()},
		{name: "connect over h2c", target: h2c},
		{name: "grpc over h2c", target: h2c, opt: connect.WithGRPC()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			var opts []connect.ClientOption
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			client := healthconnect.NewHealthGrpcServiceClient(
				tt.target.client,
				tt.target.url,
				opts...,
			)
			// A connect.Request carries headers, so each call gets its own.
			empty := func() *connect.Request[health.HealthCheckRequest] {
				return connect.NewRequest(&health.HealthCheckRequest{})
			}

			res, err := client.HealthCheck(ctx, empty())
			if err != nil {
				t.Fatalf("HealthCheck: %v", err)
			}
			if got := res.Msg.GetStatus(); got != health.HealthCheckResponse_SERVING {
				t.Errorf("HealthCheck status = %v, want SERVING", got)
			}

			failing := connect.NewRequest(&health.HealthCheckRequest{Service: serviceFail})
			_, err = client.HealthCheck(ctx, failing)
			if got := connect.CodeOf(err); got != connect.CodeNotFound {
				t.Errorf("failing HealthCheck code = %v (%v), want not_found", got, err)
			}

			stream, err := client.HealthWatch(ctx, empty())
			if err != nil {
				t.Fatalf("HealthWatch: %v", err)
			}
			var got []health.HealthCheckResponse_ServingStatus
			for stream.Receive() {
				got = append(got, stream.Msg().GetStatus())
			}
			if err := stream.Err(); err != nil {
				t.Errorf("HealthWatch stream: %v", err)
			}
			if !slices.Equal(got, watchStatuses) {
				t.Errorf("HealthWatch messages = %v, want %v", got, watchStatuses)
			}
		})
	}
}

// TestResponseController checks that a handler behind text mode can flush
// and reach the connection through http.ResponseController.
func TestResponseController(t *testing.T) {
	t.Parallel()
	inner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/grpc-web+proto")
		_, _ = w.Write(frame(0, []byte("hi")))
		rc := http.NewResponseController(w)
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		_, _ = w.Write(frame(flagTrailer, []byte("grpc-status: 0\r\n")))
	})
	server := httptest.NewServer(Handler(inner, Options{}))
	t.Cleanup(server.Close)

	resp, err := server.Client().Do(textRequest(t, server.URL, ""))
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	defer resp.Body.Close()

	reply, err := readReply(resp.Body)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	if len(reply.messages) != 1 || string(reply.messages[0]) != "hi" {
		t.Errorf("messages = %q, want [hi]", reply.messages)
	}
	if status, _ := reply.status(resp.Header); status != "0" {
		t.Errorf("grpc-status = %q, want 0", status)
	}
}

// FuzzTextBody sends arbitrary text-mode bodies through Handler to the real
// service: every call must end, with a well-formed response and a status.
func FuzzTextBody(f *testing.F) {
	check := requestFrame(f, "")
	f.Add([]byte(b64(check)), false)
	f.Add([]byte(b64(check)), true)
	f.Add([]byte(b64(check[:4])+b64(check[4:])), false)
	f.Add([]byte(b64(check)+"\r\n"+b64(check)), true)
	f.Add([]byte("!!!!"), false)
	f.Add([]byte("===="), true)
	f.Add([]byte("AAAA"), false)
	f.Add([]byte(""), true)
	handler := newBackend(Options{}).handler

	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		path := checkPath
		if stream {
			path = watchPath
		}
		req := textRequest(t, "http://gantry.test"+path, string(body))
		rec := httptest.NewRecorder()

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			handler.ServeHTTP(rec, req.WithContext(ctx))
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("handler did not return")
		}

		resp := rec.Result()
		if got := resp.Header.Get("Content-Type"); got != "application/grpc-web-text+proto" {
			t.Fatalf("Content-Type = %q", got)
		}
		reply, err := readReply(resp.Body)
		if err != nil {
			t.Fatalf("read reply: %v", err)
		}
		status, _ := reply.status(resp.Header)
		if status == "" {
			t.Fatal("no grpc-status")
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatal("handler ran into the deadline")
		}
	})
}
