package grpcweb

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"

	"connectrpc.com/connect"
)

// readChunk is how many base64 bytes a decoder asks its source for at once.
const readChunk = 8 << 10

// errMalformedBody is the cause of the error a decoder returns for a body
// that is not base64.
var errMalformedBody = errors.New("grpc-web-text: request body is not valid base64")

// malformedBody returns a fresh error for each call, since callers may change
// its metadata. connect-go passes a *connect.Error from the body through as
// the call's status, so the client sees INVALID_ARGUMENT.
func malformedBody() error {
	return connect.NewError(connect.CodeInvalidArgument, errMalformedBody)
}

// decoder reads the binary gRPC-Web frames out of a text-mode body.
//
// The body is base64 in the standard alphabet, possibly made of several
// chunks that are each padded, as the grpc-web JS client sends a stream, so
// padding may end a chunk at any quad boundary. Only the last chunk may lack
// its padding. ASCII whitespace is skipped and the URL-safe alphabet is
// accepted, since neither is ambiguous. A decoder is not safe for concurrent
// use.
type decoder struct {
	src    io.ReadCloser
	raw    []byte // read buffer, reused
	in     []byte // cleaned base64 not yet decoded; less than a quad between fills
	outBuf []byte // backing store of out, reused
	out    []byte // decoded bytes not yet returned
	err    error  // sticky: io.EOF, malformedBody() or the source's error
}

func newDecoder(src io.ReadCloser) *decoder {
	return &decoder{src: src}
}

// Read returns decoded bytes; at the end of a well-formed body it returns
// io.EOF and otherwise an INVALID_ARGUMENT *connect.Error or the source's
// error.
func (d *decoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// Close closes the source.
func (d *decoder) Close() error {
	return d.src.Close()
}

// fill reads one chunk of the source and decodes every complete quad in it.
func (d *decoder) fill() {
	if d.raw == nil {
		d.raw = make([]byte, readChunk)
	}
	n, err := d.src.Read(d.raw)
	d.in = appendClean(d.in, d.raw[:n])

	// Keep an incomplete quad for the next fill unless the body has ended.
	complete := len(d.in) &^ 3
	if err != nil {
		complete = len(d.in)
	}
	if !d.decode(d.in[:complete]) {
		d.err = malformedBody()
		return
	}
	d.in = append(d.in[:0], d.in[complete:]...)

	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		d.err = io.EOF
	default:
		d.err = err
	}
}

// decode decodes src into d.out, splitting it after every padded quad. A
// trailing group of two or three characters is taken as an unpadded end.
func (d *decoder) decode(src []byte) bool {
	need := base64.StdEncoding.DecodedLen(len(src)) + 3
	if cap(d.outBuf) < need {
		d.outBuf = make([]byte, need)
	}
	out := d.outBuf[:0]
	for len(src) > 0 {
		seg := src
		if i := bytes.IndexByte(src, '='); i >= 0 {
			seg = src[:min(len(src), i&^3+4)]
		}
		enc := base64.StdEncoding
		if len(seg)%4 != 0 && bytes.IndexByte(seg, '=') < 0 {
			enc = base64.RawStdEncoding
		}
		n, err := enc.Decode(out[len(out):cap(out)], seg)
		if err != nil {
			return false
		}
		out = out[:len(out)+n]
		src = src[len(seg):]
	}
	d.out = out
	return true
}

// appendClean appends src to dst without whitespace and with the URL-safe
// alphabet mapped to the standard one.
func appendClean(dst, src []byte) []byte {
	for _, c := range src {
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
		case '-':
			dst = append(dst, '+')
		case '_':
			dst = append(dst, '/')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
