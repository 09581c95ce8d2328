package grpcweb

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// browserHeaders are what a browser asks for before Dozer's JS client calls.
const browserHeaders = "authorization,content-type,x-grpc-web,x-user-agent"

// headerList splits a comma-separated header value into lower-case names.
func headerList(value string) []string {
	var names []string
	for name := range strings.SplitSeq(value, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		allowed     []string
		origins     []string // Origin header values
		requested   string   // Access-Control-Request-Headers
		wantCode    int
		wantHeaders []string // in Access-Control-Allow-Headers, beyond the defaults
	}{
		{
			name:        "any origin",
			origins:     []string{jsOrigin},
			requested:   browserHeaders,
			wantCode:    http.StatusNoContent,
			wantHeaders: headerList(browserHeaders),
		},
		{
			name:        "listed origin in another case and a trailing slash",
			allowed:     []string{"https://other.example", "https://App.Example.com/"},
			origins:     []string{"https://app.example.com"},
			requested:   "Authorization, X-Dozer-App-Id",
			wantCode:    http.StatusNoContent,
			wantHeaders: []string{"authorization", "x-dozer-app-id"},
		},
		{
			name:     "wildcard in the list",
			allowed:  []string{"*"},
			origins:  []string{"https://anything.example"},
			wantCode: http.StatusNoContent,
		},
		{
			name:      "invalid requested names are dropped",
			origins:   []string{jsOrigin},
			requested: "x-ok, bad name, , x\"quote",
			wantCode:  http.StatusNoContent,
			wantHeaders: []string{
				"x-ok",
			},
		},
		{
			name:      "origin not listed",
			allowed:   []string{"https://app.example.com"},
			origins:   []string{"https://evil.example"},
			requested: browserHeaders,
			wantCode:  http.StatusForbidden,
		},
		{
			name:     "two origins",
			origins:  []string{jsOrigin, "https://evil.example"},
			wantCode: http.StatusForbidden,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(Options{AllowedOrigins: tt.allowed})
			server := httptest.NewServer(b.handler)
			t.Cleanup(server.Close)

			req, err := http.NewRequest(http.MethodOptions, server.URL+checkPath, nil)
			if err != nil {
				t.Fatalf("new request: %v", err)
			}
			req.Header["Origin"] = tt.origins
			req.Header.Set("Access-Control-Request-Method", "POST")
			if tt.requested != "" {
				req.Header.Set("Access-Control-Request-Headers", tt.requested)
			}
			resp, err := server.Client().Do(req)
			if err != nil {
				t.Fatalf("preflight: %v", err)
			}
			resp.Body.Close()

			if resp.StatusCode != tt.wantCode {
				t.Errorf("HTTP status = %d, want %d", resp.StatusCode, tt.wantCode)
			}
			if calls := b.calls.Load(); calls != 0 {
				t.Errorf("next saw %d requests, want none", calls)
			}
			vary := headerList(strings.Join(resp.Header.Values("Vary"), ","))
			if !slices.Contains(vary, "origin") {
				t.Errorf("Vary = %q, want it to name Origin", resp.Header.Values("Vary"))
			}
			if tt.wantCode != http.StatusNoContent {
				for name := range resp.Header {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("rejected preflight carries %s", name)
					}
				}
				return
			}

			want := map[string]string{
				"Access-Control-Allow-Origin":  tt.origins[0],
				"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
				"Access-Control-Max-Age":       "7200",
			}
			for name, value := range want {
				if got := resp.Header.Get(name); got != value {
					t.Errorf("%s = %q, want %q", name, got, value)
				}
			}
			if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials = %q, want none", got)
			}
			allowed := headerList(resp.Header.Get("Access-Control-Allow-Headers"))
			for _, name := range append(slices.Clone(allowHeaders), tt.wantHeaders...) {
				if !slices.Contains(allowed, name) {
					t.Errorf("Allow-Headers = %q, want it to hold %q", allowed, name)
				}
			}
			wantLen := len(allowHeaders) + len(tt.wantHeaders) - overlap(tt.wantHeaders)
			if len(allowed) != wantLen {
				t.Errorf("Allow-Headers = %q, want defaults and %q only", allowed, tt.wantHeaders)
			}
		})
	}
}

// overlap counts names that are also allowed by default.
func overlap(names []string) int {
	n := 0
	for _, name := range names {
		if slices.Contains(allowHeaders, name) {
			n++
		}
	}
	return n
}

// TestOptionsReachesNext checks that an OPTIONS request that is not a
// preflight is an ordinary request.
func TestOptionsReachesNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header http.Header
	}{
		{name: "no CORS headers", header: http.Header{}},
		{name: "origin without a requested method", header: http.Header{"Origin": {jsOrigin}}},
		{
			name:   "requested method without an origin",
			header: http.Header{"Access-Control-Request-Method": {"POST"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(Options{})
			req := httptest.NewRequest(http.MethodOptions, checkPath, nil)
			req.Header = tt.header
			rec := httptest.NewRecorder()
			b.handler.ServeHTTP(rec, req)

			if calls := b.calls.Load(); calls != 1 {
				t.Errorf("next saw %d requests, want 1", calls)
			}
			// connect-go serves no OPTIONS.
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("HTTP status = %d, want 405 from connect-go", rec.Code)
			}
		})
	}
}

// TestCORSOnResponses checks the CORS headers of actual calls in each
// protocol.
func TestCORSOnResponses(t *testing.T) {
	t.Parallel()
	allowed := "https://app.example.com"
	b := newBackend(Options{AllowedOrigins: []string{allowed}})
	server := httptest.NewServer(b.handler)
	t.Cleanup(server.Close)

	requests := []struct {
		name        string
		contentType string
		body        string
		wantType    string
	}{
		{
			name:        "grpc-web text",
			contentType: "application/grpc-web-text",
			body:        b64(requestFrame(t, "")),
			wantType:    "application/grpc-web-text+proto",
		},
		{
			name:        "grpc-web binary",
			contentType: "application/grpc-web+proto",
			body:        string(requestFrame(t, "")),
			wantType:    "application/grpc-web+proto",
		},
		{
			name:        "connect json",
			contentType: "application/json",
			body:        `{"service":""}`,
			wantType:    "application/json",
		},
	}
	origins := []struct {
		name     string
		origin   string
		wantCORS bool
	}{
		{name: "allowed origin", origin: allowed, wantCORS: true},
		{name: "other origin", origin: "https://evil.example"},
		{name: "no origin"},
	}
	required := []string{
		"grpc-status", "grpc-message", "grpc-status-details-bin",
		"connect-protocol-version", "www-authenticate", "content-type",
	}

	for _, rt := range requests {
		for _, ot := range origins {
			t.Run(rt.name+"/"+ot.name, func(t *testing.T) {
				t.Parallel()
				req := textRequest(t, server.URL+checkPath, rt.body)
				req.Header.Set("Content-Type", rt.contentType)
				req.Header.Del("Origin")
				if ot.origin != "" {
					req.Header.Set("Origin", ot.origin)
				}
				resp, err := server.Client().Do(req)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				resp.Body.Close()

				if resp.StatusCode != http.StatusOK {
					t.Errorf("HTTP status = %d, want 200", resp.StatusCode)
				}
				if got := resp.Header.Get("Content-Type"); got != rt.wantType {
					t.Errorf("Content-Type = %q, want %q", got, rt.wantType)
				}
				gotOrigin := resp.Header.Get("Access-Control-Allow-Origin")
				exposed := headerList(resp.Header.Get("Access-Control-Expose-Headers"))
				if !ot.wantCORS {
					if gotOrigin != "" || len(exposed) != 0 {
						t.Errorf("CORS headers %q and %q, want none", gotOrigin, exposed)
					}
					return
				}
				if gotOrigin != ot.origin {
					t.Errorf("Access-Control-Allow-Origin = %q, want %q", gotOrigin, ot.origin)
				}
				for _, name := range required {
					if !slices.Contains(exposed, name) {
						t.Errorf("Expose-Headers = %q, want it to hold %q", exposed, name)
					}
				}
				if got := resp.Header.Values("Vary"); !slices.Contains(got, "Origin") {
					t.Errorf("Vary = %q, want it to name Origin", got)
				}
			})
		}
	}
}
