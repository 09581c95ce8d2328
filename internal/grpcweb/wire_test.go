package grpcweb

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gantry-dev/gantry/gen/dozer/health"
)

// This file speaks gRPC-Web text mode by hand, independently of the package,
// the way the grpc-web JS client does.

const (
	flagTrailer = 0x80
	jsOrigin    = "http://localhost:3000"
)

// frame returns one gRPC-Web frame: a flag byte, a big-endian length, data.
func frame(flag byte, data []byte) []byte {
	out := make([]byte, 5, 5+len(data))
	out[0] = flag
	binary.BigEndian.PutUint32(out[1:], uint32(len(data)))
	return append(out, data...)
}

// requestFrame returns the frame of a HealthCheckRequest for service.
func requestFrame(t testing.TB, service string) []byte {
	t.Helper()
	data, err := proto.Marshal(&health.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatalf("marshal request: %v", err)
	}
	return frame(0, data)
}

// textRequest builds a request with the headers Dozer's JS client sends.
func textRequest(t testing.TB, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/grpc-web-text")
	req.Header.Set("Accept", "application/grpc-web-text")
	req.Header.Set("X-Grpc-Web", "1")
	req.Header.Set("X-User-Agent", "grpc-web-javascript/0.1")
	req.Header.Set("Authorization", "Bearer not-checked")
	req.Header.Set("Origin", jsOrigin)
	return req
}

// textReply is a decoded text-mode response.
type textReply struct {
	messages [][]byte
	trailer  http.Header // from the trailer frame; nil without one
}

// frameReader reads frames from a text-mode body, decoding it one base64
// quad at a time as concatenated padded chunks.
type frameReader struct {
	src     io.Reader
	decoded []byte
}

// next returns the next frame; io.EOF at a clean end of the body.
func (f *frameReader) next() (byte, []byte, error) {
	if err := f.fill(5); err != nil {
		return 0, nil, err
	}
	size := int(binary.BigEndian.Uint32(f.decoded[1:5]))
	if err := f.fill(5 + size); err != nil {
		return 0, nil, errors.Join(errors.New("truncated frame"), err)
	}
	flag, data := f.decoded[0], bytes.Clone(f.decoded[5:5+size])
	f.decoded = f.decoded[5+size:]
	return flag, data, nil
}

func (f *frameReader) fill(n int) error {
	var quad [4]byte
	for len(f.decoded) < n {
		read, err := io.ReadFull(f.src, quad[:])
		if errors.Is(err, io.EOF) && len(f.decoded) == 0 {
			return io.EOF
		}
		if err != nil {
			return fmt.Errorf("read quad (%d bytes): %w", read, err)
		}
		var out [3]byte
		k, err := base64.StdEncoding.Decode(out[:], quad[:])
		if err != nil {
			return fmt.Errorf("decode quad %q: %w", quad[:], err)
		}
		f.decoded = append(f.decoded, out[:k]...)
	}
	return nil
}

// readReply decodes a whole text-mode body.
func readReply(body io.Reader) (textReply, error) {
	var reply textReply
	frames := &frameReader{src: body}
	for {
		flag, data, err := frames.next()
		if errors.Is(err, io.EOF) {
			return reply, nil
		}
		if err != nil {
			return reply, err
		}
		if reply.trailer != nil {
			return reply, errors.New("frame after the trailer")
		}
		if flag&flagTrailer == 0 {
			reply.messages = append(reply.messages, data)
			continue
		}
		reply.trailer, err = parseTrailer(data)
		if err != nil {
			return reply, err
		}
	}
}

// parseTrailer reads a trailer frame's HTTP/1-style header block.
func parseTrailer(data []byte) (http.Header, error) {
	block := append(bytes.Clone(data), "\r\n"...)
	reader := textproto.NewReader(bufio.NewReader(bytes.NewReader(block)))
	header, err := reader.ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("parse trailer: %w", err)
	}
	return http.Header(header), nil
}

// status returns a grpc-status and grpc-message from the trailer frame, or
// from the headers of a trailers-only response.
func (r textReply) status(header http.Header) (string, string) {
	if r.trailer != nil {
		return r.trailer.Get("Grpc-Status"), r.trailer.Get("Grpc-Message")
	}
	return header.Get("Grpc-Status"), header.Get("Grpc-Message")
}

// statuses decodes every message as a HealthCheckResponse.
func (r textReply) statuses(t testing.TB) []health.HealthCheckResponse_ServingStatus {
	t.Helper()
	var out []health.HealthCheckResponse_ServingStatus
	for _, data := range r.messages {
		var msg health.HealthCheckResponse
		if err := proto.Unmarshal(data, &msg); err != nil {
			t.Fatalf("unmarshal response: %v", err)
		}
		out = append(out, msg.GetStatus())
	}
	return out
}
