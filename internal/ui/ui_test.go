package ui

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hashedAsset returns the path of one built file under assets/ with ext.
func hashedAsset(t *testing.T, ext string) string {
	t.Helper()
	names, err := fs.Glob(dist, "dist/assets/*"+ext)
	if err != nil || len(names) == 0 {
		t.Fatalf("no dist/assets/*%s in the embedded build (run make ui): %v", ext, err)
	}
	return "/" + strings.TrimPrefix(names[0], "dist/")
}

func TestHandler(t *testing.T) {
	t.Parallel()
	h := Handler()
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		cache       string
		body        string // a substring of the body
	}{
		{name: "root is index.html", method: "GET", path: "/", status: 200,
			contentType: "text/html; charset=utf-8", cache: "no-cache", body: "gantry explorer"},
		{name: "index.html by name", method: "GET", path: "/index.html", status: 200,
			contentType: "text/html; charset=utf-8", cache: "no-cache"},
		{name: "hashed script is immutable", method: "GET", path: hashedAsset(t, ".js"), status: 200,
			contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable"},
		{name: "hashed stylesheet is immutable", method: "GET", path: hashedAsset(t, ".css"), status: 200,
			contentType: "text/css; charset=utf-8", cache: "public, max-age=31536000, immutable"},
		{name: "icon", method: "GET", path: "/favicon.svg", status: 200,
			contentType: "image/svg+xml", cache: "no-cache"},
		{name: "head has no body", method: "HEAD", path: "/", status: 200,
			contentType: "text/html; charset=utf-8"},
		{name: "missing file", method: "GET", path: "/nope.js", status: 404},
		{name: "directory is not listed", method: "GET", path: "/assets/", status: 404},
		{name: "dot segments stay inside dist", method: "GET", path: "/../ui.go", status: 404},
		{name: "post is refused", method: "POST", path: "/", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, "http://gantry.test/", nil)
			req.URL.Path = tc.path
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy %q is not strict", csp)
			}
			if tc.contentType != "" && res.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), tc.contentType)
			}
			if tc.cache != "" && res.Header.Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control %q, want %q", res.Header.Get("Cache-Control"), tc.cache)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body does not contain %q", tc.body)
			}
			if tc.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD returned %d bytes of body", rec.Body.Len())
			}
		})
	}
}

func TestHandlerRevalidatesByETag(t *testing.T) {
	t.Parallel()
	h := Handler()
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest("GET", "/", nil))
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("index.html has no ETag")
	}

	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	h.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified {
		t.Fatalf("status %d with a matching If-None-Match, want 304", again.Code)
	}
}

// The CSP forbids inline script and style, so the built page must have none.
func TestIndexHasNothingInline(t *testing.T) {
	t.Parallel()
	body, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	for _, bad := range []string{"<script>", "<style", " style=", "onclick=", "onload="} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html contains %q, which the CSP blocks", bad)
		}
	}
	if !strings.Contains(page, `<script type="module" crossorigin src="./assets/`) {
		t.Error("index.html does not load its script from ./assets/")
	}
}
