// Package grpcweb adds to connect-go handlers what browser clients need and
// connect-go lacks: gRPC-Web text mode (base64 bodies, the default of the
// official grpc-web JS client and of Dozer's JS client) and CORS.
//
// Handler belongs outermost, outside any authentication: preflights then
// never reach authentication, and its failures still carry CORS headers, so
// browsers can read them (Dozer's failed auth carried none).
package grpcweb

import (
	"net/http"
	"strings"
)

const (
	binaryContentType = "application/grpc-web"
	textContentType   = "application/grpc-web-text"
)

// Options configures CORS.
type Options struct {
	// AllowedOrigins lists origins allowed to call, such as
	// "https://app.example.com", compared without case or a trailing slash;
	// "*" allows any. Empty means any origin. The allowed Origin is echoed.
	// Credentials (cookies) are never allowed: an Authorization header set
	// by a script needs none.
	AllowedOrigins []string
}

// Handler wraps next (a mux of connect-go handlers) so that it also serves
// gRPC-Web text mode and answers CORS. The returned handler is safe for
// concurrent use if next is.
//
// A text-mode request reaches next as binary gRPC-Web, and its response is
// turned back into text mode as it streams; a body that is not base64 fails
// the call with INVALID_ARGUMENT. Other requests pass through untouched but
// for CORS headers. CORS preflights are answered here and never reach next.
func Handler(next http.Handler, opts Options) http.Handler {
	return &handler{next: next, cors: newCORS(opts.AllowedOrigins)}
}

type handler struct {
	next http.Handler
	cors *cors
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isPreflight(r) {
		h.cors.preflight(w, r)
		return
	}
	h.cors.annotate(w, r)

	sub, ok := textSubtype(r.Header.Get("Content-Type"))
	if !ok {
		h.next.ServeHTTP(w, r)
		return
	}
	h.serveText(w, r, sub)
}

// serveText serves a text-mode request as binary gRPC-Web.
func (h *handler) serveText(w http.ResponseWriter, r *http.Request, sub string) {
	// Handlers must not change the request they are given.
	r = r.Clone(r.Context())
	r.Header.Set("Content-Type", binaryContentType+"+"+sub)
	r.Header.Del("Content-Length")
	r.ContentLength = -1
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	r.Body = newDecoder(body)

	e := newEncoder(w)
	h.next.ServeHTTP(e, r)
	// The client has gone if this fails, and next has returned: nobody to
	// tell.
	_ = e.finish()
}

// textSubtype reports whether contentType is gRPC-Web text mode and returns
// its codec, "proto" when unnamed.
func textSubtype(contentType string) (string, bool) {
	return subtype(mediaType(contentType), textContentType)
}

// binarySubtype reports whether contentType is binary gRPC-Web and returns
// its codec, "proto" when unnamed.
func binarySubtype(contentType string) (string, bool) {
	return subtype(mediaType(contentType), binaryContentType)
}

func subtype(media, base string) (string, bool) {
	rest, ok := strings.CutPrefix(media, base)
	switch {
	case !ok:
		return "", false
	case rest == "" || rest == "+":
		return "proto", true
	case rest[0] == '+':
		return rest[1:], true
	default:
		return "", false
	}
}

// mediaType returns contentType without parameters, trimmed and lower-cased.
func mediaType(contentType string) string {
	media, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(media))
}
