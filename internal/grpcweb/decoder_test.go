package grpcweb

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"connectrpc.com/connect"
)

func TestDecoder(t *testing.T) {
	t.Parallel()
	binary := []byte{0xfb, 0xff, 0xbf, 0x00, 0x10}
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr bool
	}{
		{name: "empty", body: "", want: ""},
		{name: "one chunk", body: b64([]byte("hello, world")), want: "hello, world"},
		{
			name: "chunks each padded",
			body: b64([]byte("a")) + b64([]byte("bc")) + b64([]byte("def")) + b64([]byte("g")),
			want: "abcdefg",
		},
		{name: "whitespace", body: " aGVs\r\nbG8=\n\t", want: "hello"},
		{
			name: "url-safe alphabet",
			body: base64.URLEncoding.EncodeToString(binary),
			want: string(binary),
		},
		{
			name: "unpadded end",
			body: base64.RawStdEncoding.EncodeToString([]byte("hello")),
			want: "hello",
		},
		{name: "invalid character", body: "aGVs!G8=", wantErr: true},
		{name: "lone character", body: "aGVsb", wantErr: true},
		{name: "padding inside a quad", body: "aG=s", wantErr: true},
		{name: "only padding", body: "====", wantErr: true},
		{name: "too much padding", body: "a===", wantErr: true},
		{name: "padding in an incomplete quad", body: "aGVsbG8=aG=", wantErr: true},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{name: "whole", wrap: func(r io.Reader) io.Reader { return r }},
		{name: "one byte", wrap: iotest.OneByteReader},
		{name: "half", wrap: iotest.HalfReader},
		{name: "eof with data", wrap: iotest.DataErrReader},
	}
	for _, tt := range tests {
		for _, rt := range readers {
			t.Run(tt.name+"/"+rt.name, func(t *testing.T) {
				t.Parallel()
				src := io.NopCloser(rt.wrap(strings.NewReader(tt.body)))
				got, err := io.ReadAll(iotest.OneByteReader(newDecoder(src)))
				if tt.wantErr {
					if connect.CodeOf(err) != connect.CodeInvalidArgument {
						t.Fatalf("error = %v, want invalid_argument", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				if string(got) != tt.want {
					t.Errorf("decoded %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestDecoderPassesSourceErrors(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	src := io.MultiReader(strings.NewReader(b64([]byte("hi"))), iotest.ErrReader(broken))
	d := newDecoder(io.NopCloser(src))

	got, err := io.ReadAll(d)
	if !errors.Is(err, broken) {
		t.Errorf("error = %v, want %v", err, broken)
	}
	if string(got) != "hi" {
		t.Errorf("decoded %q before the error, want %q", got, "hi")
	}
	if _, err := d.Read(make([]byte, 1)); !errors.Is(err, broken) {
		t.Errorf("error after the first = %v, want it to stick", err)
	}
}

func TestDecoderLargeBody(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789abcdefghij"), 3*readChunk)
	body := b64(data[:7]) + b64(data[7:])

	got, err := io.ReadAll(newDecoder(io.NopCloser(strings.NewReader(body))))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("decoded %d bytes that differ from the %d sent", len(got), len(data))
	}
}

// FuzzDecoder checks the decoder against encoding/base64: data sent as
// padded chunks comes back whole, and any body encoding/base64 accepts
// decodes to the same bytes.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("hello, world"), []byte{1, 2, 3}, "aGVsbG8=")
	f.Add([]byte{}, []byte{}, "")
	f.Add([]byte{0xff, 0xfe}, []byte{0}, "====")
	f.Fuzz(func(t *testing.T, data, cuts []byte, body string) {
		var chunked strings.Builder
		rest := data
		for _, cut := range cuts {
			n := min(int(cut), len(rest))
			chunked.WriteString(b64(rest[:n]))
			rest = rest[n:]
		}
		chunked.WriteString(b64(rest))
		got, err := io.ReadAll(newDecoder(io.NopCloser(strings.NewReader(chunked.String()))))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("chunks %q decoded to %q, %v; want %q", chunked.String(), got, err, data)
		}

		got, err = io.ReadAll(newDecoder(io.NopCloser(strings.NewReader(body))))
		want, wantErr := base64.StdEncoding.DecodeString(body)
		if wantErr == nil && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("%q decoded to %q, %v; want %q", body, got, err, want)
		}
	})
}
