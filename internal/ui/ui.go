// Package ui serves the data explorer, a web app embedded in the binary.
package ui

import "net/http"

// Handler serves the explorer under /ui/.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the explorer is not built into this binary", http.StatusNotFound)
	})
}
