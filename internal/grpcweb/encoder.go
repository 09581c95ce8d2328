package grpcweb

import (
	"encoding/base64"
	"net/http"
)

// encoder is the http.ResponseWriter a text-mode request is served with. When
// next answers in binary gRPC-Web, encoder rewrites the Content-Type to the
// text equivalent and base64-encodes the body as it streams; any other
// response (a 404 from a mux, a 415 from connect-go) passes through as is.
//
// Bytes are encoded in groups of three, so padding appears only where the
// body is flushed or ends; grpc-web clients decode such concatenated padded
// chunks. An encoder is not safe for concurrent use, like any ResponseWriter.
type encoder struct {
	rw          http.ResponseWriter
	rc          *http.ResponseController
	wroteHeader bool
	encode      bool    // the response is gRPC-Web, so its body is encoded
	pending     [3]byte // body bytes that do not yet fill a group
	npending    int
	buf         []byte // encoded output, reused
}

var (
	_ http.Flusher                              = (*encoder)(nil)
	_ interface{ FlushError() error }           = (*encoder)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*encoder)(nil)
)

func newEncoder(rw http.ResponseWriter) *encoder {
	return &encoder{rw: rw, rc: http.NewResponseController(rw)}
}

// Header returns the wrapped writer's header map.
func (e *encoder) Header() http.Header {
	return e.rw.Header()
}

// WriteHeader decides from the Content-Type whether to encode the body, then
// sends the header.
func (e *encoder) WriteHeader(code int) {
	// Informational responses may precede the real one and say nothing
	// about the body.
	informational := code >= 100 && code < 200 && code != http.StatusSwitchingProtocols
	if !e.wroteHeader && !informational {
		e.wroteHeader = true
		e.encode = e.prepareHeader()
	}
	e.rw.WriteHeader(code)
}

// prepareHeader rewrites a gRPC-Web Content-Type to text mode and reports
// whether it did. The encoded length differs, so Content-Length goes.
func (e *encoder) prepareHeader() bool {
	header := e.rw.Header()
	sub, ok := binarySubtype(header.Get("Content-Type"))
	if !ok {
		return false
	}
	header.Set("Content-Type", textContentType+"+"+sub)
	header.Del("Content-Length")
	return true
}

// Write encodes every complete group of p and keeps the rest for later. On
// failure it returns 0 and the wrapped writer's error.
func (e *encoder) Write(p []byte) (int, error) {
	if !e.wroteHeader {
		e.WriteHeader(http.StatusOK)
	}
	if !e.encode {
		return e.rw.Write(p)
	}
	n := len(p)

	out := e.buf[:0]
	if e.npending > 0 {
		k := copy(e.pending[e.npending:], p)
		e.npending += k
		p = p[k:]
		if e.npending < len(e.pending) {
			return n, nil
		}
		out = base64.StdEncoding.AppendEncode(out, e.pending[:])
		e.npending = 0
	}
	full := len(p) / 3 * 3
	out = base64.StdEncoding.AppendEncode(out, p[:full])
	e.npending = copy(e.pending[:], p[full:])
	e.buf = out

	if len(out) == 0 {
		return n, nil
	}
	if _, err := e.rw.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// FlushError encodes the bytes held back, padded, and flushes the wrapped
// writer. It returns an error wrapping http.ErrNotSupported when the wrapped
// writer cannot flush.
func (e *encoder) FlushError() error {
	if err := e.writePending(); err != nil {
		return err
	}
	return e.rc.Flush()
}

// Flush is FlushError without the error, for http.Flusher.
func (e *encoder) Flush() {
	_ = e.FlushError()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (e *encoder) Unwrap() http.ResponseWriter {
	return e.rw
}

// finish ends the response once next has returned: it sends a header next
// left implicit (a trailers-only response is only headers) and encodes the
// bytes held back.
func (e *encoder) finish() error {
	return e.writePending()
}

func (e *encoder) writePending() error {
	if !e.wroteHeader {
		e.WriteHeader(http.StatusOK)
	}
	if e.npending == 0 {
		return nil
	}
	e.buf = base64.StdEncoding.AppendEncode(e.buf[:0], e.pending[:e.npending])
	e.npending = 0
	_, err := e.rw.Write(e.buf)
	return err
}
