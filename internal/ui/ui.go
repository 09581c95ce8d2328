// Package ui serves the data explorer, a web app built from web/ by `make ui`
// and embedded in the binary, so that building gantry needs no npm.
//
// The files hold no data and need no token: the app calls the APIs with the
// token its user pastes, from the same origin.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed dist
var dist embed.FS

// contentSecurityPolicy lets the page load only its own scripts, styles and
// images and call only its own origin; nothing inline, nothing framed.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'"

// Vite names the files under assets/ after a hash of their content, so they
// never change under one name; every other file is revalidated by ETag.
const (
	cacheImmutable   = "public, max-age=31536000, immutable"
	cacheRevalidate  = "no-cache"
	hashedAssetsPath = "assets/"
)

// contentTypes is fixed rather than read from the system's MIME tables, so
// that every machine serves the same headers.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// file is one embedded file with the headers it is served with.
type file struct {
	body        []byte
	etag        string
	contentType string
	cache       string
}

var (
	indexOnce sync.Once
	index     map[string]*file
	indexErr  error
)

// Handler serves the explorer's files with the /ui prefix already stripped:
// "/" is index.html, any other path names a file under dist. Only GET and
// HEAD are allowed. A file that does not exist is a 404. It is safe for
// concurrent use.
func Handler() http.Handler {
	indexOnce.Do(func() { index, indexErr = load(dist) })
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if indexErr != nil {
		http.Error(w, "the explorer is unavailable", http.StatusInternalServerError)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	f, ok := index[name]
	if !ok {
		http.NotFound(w, r)
		return
	}

	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", f.cache)
	h.Set("ETag", f.etag)
	// ServeContent answers If-None-Match, Range and HEAD from the ETag.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}

// load reads every file under dist into memory with its headers.
func load(fsys fs.FS) (map[string]*file, error) {
	root, err := fs.Sub(fsys, "dist")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*file)
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &file{
			body:        body,
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			contentType: contentTypes[path.Ext(name)],
			cache:       cacheRevalidate,
		}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if strings.HasPrefix(name, hashedAssetsPath) {
			f.cache = cacheImmutable
		}
		out[name] = f
		return nil
	})
	return out, err
}
