package grpcweb

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEncoder(t *testing.T) {
	t.Parallel()
	// flush marks a Flush between writes.
	const flush = "\x00flush"
	tests := []struct {
		name  string
		steps []string // writes, and flush
		want  string
	}{
		{name: "nothing", want: ""},
		{name: "one write", steps: []string{"hello"}, want: b64([]byte("hello"))},
		{
			name:  "writes smaller than a group",
			steps: []string{"h", "e", "l", "l", "o"},
			want:  b64([]byte("hello")),
		},
		{
			name:  "flush pads what is held back",
			steps: []string{"hell", flush, "o", flush},
			want:  b64([]byte("hell")) + b64([]byte("o")),
		},
		{
			name:  "flush on a group boundary adds nothing",
			steps: []string{"abc", flush, flush, "def"},
			want:  b64([]byte("abcdef")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/grpc-web+proto")
			rec.Header().Set("Content-Length", "5")
			e := newEncoder(rec)
			for _, step := range tt.steps {
				if step == flush {
					e.Flush()
					continue
				}
				if n, err := e.Write([]byte(step)); n != len(step) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", step, n, err)
				}
			}
			if err := e.finish(); err != nil {
				t.Fatalf("finish: %v", err)
			}

			if got := rec.Body.String(); got != tt.want {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
			want := "application/grpc-web-text+proto"
			if got := rec.Header().Get("Content-Type"); got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if got := rec.Header().Get("Content-Length"); got != "" {
				t.Errorf("Content-Length = %q, want none", got)
			}
		})
	}
}

func TestEncoderPassesOtherResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		code        int
	}{
		{name: "not found page", contentType: "text/plain", code: http.StatusNotFound},
		{name: "no content type", code: http.StatusUnsupportedMediaType},
		{name: "grpc", contentType: "application/grpc+proto", code: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			e := newEncoder(rec)
			if tt.contentType != "" {
				e.Header().Set("Content-Type", tt.contentType)
			}
			e.WriteHeader(tt.code)
			_, _ = e.Write([]byte("plain body"))
			e.Flush()
			_ = e.finish()

			if rec.Code != tt.code {
				t.Errorf("HTTP status = %d, want %d", rec.Code, tt.code)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := rec.Body.String(); got != "plain body" {
				t.Errorf("body = %q, want it untouched", got)
			}
		})
	}
}

// TestEncoderImplicitHeader checks a trailers-only response: next sets only
// headers, and finish must still switch the Content-Type to text mode.
func TestEncoderImplicitHeader(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	e := newEncoder(rec)
	e.Header().Set("Content-Type", "application/grpc-web+json")
	e.Header().Set("Grpc-Status", "5")
	if err := e.finish(); err != nil {
		t.Fatalf("finish: %v", err)
	}

	if got := rec.Header().Get("Content-Type"); got != "application/grpc-web-text+json" {
		t.Errorf("Content-Type = %q, want application/grpc-web-text+json", got)
	}
	if got := rec.Header().Get("Grpc-Status"); got != "5" {
		t.Errorf("Grpc-Status = %q, want 5", got)
	}
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("response = %d %q, want 200 and no body", rec.Code, rec.Body)
	}
}

func TestEncoderInformationalHeader(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	e := newEncoder(rec)
	e.WriteHeader(http.StatusEarlyHints)
	e.Header().Set("Content-Type", "application/grpc-web")
	_, _ = e.Write([]byte("abc"))

	if got := rec.Body.String(); got != b64([]byte("abc")) {
		t.Errorf("body after 103 = %q, want it encoded", got)
	}
	if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, textContentType) {
		t.Errorf("Content-Type = %q, want text mode", got)
	}
}
