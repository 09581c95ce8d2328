package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// Conn is a grpc.ClientConnInterface that calls Connect handlers in-process.
// The grpc-gateway routes call their services through it, so a REST request
// reaches the same handler, and the same interceptors, as a gRPC or Connect
// request, without a socket hop. It is safe for concurrent use.
type Conn struct {
	handler http.Handler
}

// NewConn returns a Conn that serves calls with h, a mux of Connect handlers.
func NewConn(h http.Handler) *Conn {
	return &Conn{handler: h}
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Invoke calls the unary procedure method with the Connect protocol and
// binary protobuf, carrying over the REST caller's address and credentials.
func (c *Conn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	in, ok := args.(proto.Message)
	out, ok2 := reply.(proto.Message)
	if !ok || !ok2 {
		return status.Errorf(codes.Internal, "rest: %s: messages are not protobuf", method)
	}
	body, err := proto.Marshal(in)
	if err != nil {
		return status.Errorf(codes.Internal, "rest: encode request: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, method, bytes.NewReader(body))
	if err != nil {
		return status.Errorf(codes.Internal, "rest: %v", err)
	}
	req.Header.Set("Content-Type", "application/proto")
	req.Header.Set("Connect-Protocol-Version", "1")
	if orig := originalRequest(ctx); orig != nil {
		req.RemoteAddr = orig.RemoteAddr
		if auth := orig.Header.Values("Authorization"); len(auth) > 0 {
			req.Header["Authorization"] = auth
		}
		if ua := orig.Header.Get("User-Agent"); ua != "" {
			req.Header.Set("User-Agent", ua)
		}
	}

	w := &recorder{header: http.Header{}, body: bufs.Get().(*bytes.Buffer)}
	defer func() {
		w.body.Reset()
		bufs.Put(w.body)
	}()
	c.handler.ServeHTTP(w, req)

	if w.status == 0 || w.status == http.StatusOK {
		if err := proto.Unmarshal(w.body.Bytes(), out); err != nil {
			return status.Errorf(codes.Internal, "rest: decode response: %v", err)
		}
		return nil
	}
	return decodeError(w.status, w.body.Bytes())
}

// NewStream is not supported: no REST route is bound to a streaming method.
func (c *Conn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "rest: streaming methods have no REST route")
}

// decodeError turns a Connect protocol error body into a gRPC status with the
// same code, which the gateway's error handler maps to an HTTP status.
func decodeError(httpStatus int, body []byte) error {
	var wire struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	var code connect.Code
	if json.Unmarshal(body, &wire) != nil || code.UnmarshalText([]byte(wire.Code)) != nil {
		return status.Errorf(codes.Internal, "rest: handler answered HTTP %d", httpStatus)
	}
	return status.Error(codes.Code(code), wire.Message)
}

// recorder is the ResponseWriter handed to the in-process handler.
type recorder struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

type originalKey struct{}

// withOriginal records the REST request so that Invoke can forward its
// address and credentials.
func withOriginal(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), originalKey{}, r))
}

func originalRequest(ctx context.Context) *http.Request {
	r, _ := ctx.Value(originalKey{}).(*http.Request)
	return r
}

var errBodyTooLarge = errors.New("request body is too large")

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: the limit is %d bytes", errBodyTooLarge, limit)
}
