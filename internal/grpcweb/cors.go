package grpcweb

import (
	"net/http"
	"strings"
)

const (
	allowMethods = "GET, POST, OPTIONS"
	maxAge       = "7200"

	// exposeHeaders are the response headers gRPC-Web and Connect clients
	// read; browsers hide any other from scripts.
	exposeHeaders = "Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin, " +
		"Grpc-Encoding, Grpc-Accept-Encoding, " +
		"Connect-Protocol-Version, Connect-Content-Encoding, Connect-Accept-Encoding, " +
		"Content-Type, Content-Encoding, Www-Authenticate"

	// maxRequestedHeaders bounds how many requested header names a preflight
	// answer echoes.
	maxRequestedHeaders = 64
)

// allowHeaders are allowed in every preflight answer, requested or not.
var allowHeaders = []string{
	"authorization",
	"content-type",
	"x-grpc-web",
	"x-user-agent",
	"grpc-timeout",
	"grpc-encoding",
	"grpc-accept-encoding",
	"connect-protocol-version",
	"connect-timeout-ms",
	"connect-content-encoding",
	"connect-accept-encoding",
}

// cors decides which origins may call and writes the CORS headers. It is
// read-only after newCORS and so safe for concurrent use.
type cors struct {
	anyOrigin bool
	origins   map[string]struct{} // lower-case, without a trailing slash
}

func newCORS(allowed []string) *cors {
	c := &cors{anyOrigin: len(allowed) == 0, origins: make(map[string]struct{})}
	for _, origin := range allowed {
		origin = normalizeOrigin(origin)
		switch origin {
		case "":
		case "*":
			c.anyOrigin = true
		default:
			c.origins[origin] = struct{}{}
		}
	}
	return c
}

// isPreflight reports whether r is a CORS preflight. Any other OPTIONS
// request is an ordinary one.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions &&
		r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// allowedOrigin returns r's Origin and whether it may call. A request with
// several Origin headers is malformed and may not.
func (c *cors) allowedOrigin(r *http.Request) (string, bool) {
	values := r.Header.Values("Origin")
	if len(values) != 1 || values[0] == "" {
		return "", false
	}
	origin := values[0]
	if c.anyOrigin {
		return origin, true
	}
	_, ok := c.origins[normalizeOrigin(origin)]
	return origin, ok
}

// preflight answers a preflight: 204 with the CORS headers, or 403 with none
// for an origin that may not call.
func (c *cors) preflight(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Add("Vary", "Origin")
	header.Add("Vary", "Access-Control-Request-Method")
	header.Add("Vary", "Access-Control-Request-Headers")

	origin, ok := c.allowedOrigin(r)
	if !ok {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	header.Set("Access-Control-Allow-Origin", origin)
	header.Set("Access-Control-Allow-Methods", allowMethods)
	header.Set("Access-Control-Allow-Headers", requestedHeaders(r))
	header.Set("Access-Control-Max-Age", maxAge)
	w.WriteHeader(http.StatusNoContent)
}

// annotate adds the CORS headers of an actual request, if it has an Origin
// that may call.
func (c *cors) annotate(w http.ResponseWriter, r *http.Request) {
	if len(r.Header.Values("Origin")) == 0 {
		return
	}
	header := w.Header()
	header.Add("Vary", "Origin")
	origin, ok := c.allowedOrigin(r)
	if !ok {
		return
	}
	header.Set("Access-Control-Allow-Origin", origin)
	header.Set("Access-Control-Expose-Headers", exposeHeaders)
}

// requestedHeaders returns allowHeaders plus the valid header names r asks
// for, lower-cased and comma-separated.
func requestedHeaders(r *http.Request) string {
	names := append([]string(nil), allowHeaders...)
	seen := make(map[string]struct{}, len(names))
	for _, name := range names {
		seen[name] = struct{}{}
	}

	echoed := 0
	for _, value := range r.Header.Values("Access-Control-Request-Headers") {
		for name := range strings.SplitSeq(value, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if _, dup := seen[name]; dup || !isToken(name) {
				continue
			}
			if echoed == maxRequestedHeaders {
				break
			}
			echoed++
			seen[name] = struct{}{}
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// normalizeOrigin makes origins comparable: schemes and hosts are
// case-insensitive, and configurations often carry a trailing slash.
func normalizeOrigin(origin string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(origin), "/"))
}

// isToken reports whether s is an HTTP token (RFC 9110, section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}
